// A refusal the case domain gives on purpose, as opposed to a TypeError for a call that is simply wrong. The API maps
// `code` to an HTTP status (not_found 404, forbidden 403, the rest 409) and may show `message`.
export type CaseErrorCode =
  | 'invalid_transition'
  | 'not_found'
  | 'lease_held'
  | 'lease_not_held'
  | 'already_appealed'
  | 'not_appealable'
  | 'forbidden'
  | 'conflict';

export class CaseError extends Error {
  readonly code: CaseErrorCode;

  constructor(code: CaseErrorCode, message: string) {
    super(message);
    this.name = 'CaseError';
    this.code = code;
  }

  toJSON(): { code: CaseErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}
