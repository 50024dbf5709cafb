// Refusals of an uploaded photo or intro. `kind` says what sort of refusal it is (the API maps it to 400, 413, 415
// or 422) without the engine knowing HTTP; `field` names what was wrong (`body`, `header.Content-Type`).
export type MediaErrorKind = 'invalid' | 'too_large' | 'unsupported_type' | 'unprocessable';

export class MediaError extends Error {
  constructor(
    readonly kind: MediaErrorKind,
    readonly code: string,
    message: string,
    readonly field = 'body',
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'MediaError';
  }
}
