// A refusal the domain gives on purpose (wrong role, nothing to approve, room over...), as opposed to a TypeError for a
// call that is simply wrong. The API maps `code` to an HTTP status and shows `message`; `field` names the input at fault.
import type { DenyCode } from '../access/index.js';

export type DomainErrorCode =
  | DenyCode
  | 'banned'
  | 'consent_required'
  | 'hand_raising_off'
  | 'no_raised_hand'
  | 'not_a_listener'
  | 'already_invited'
  | 'no_pending_invite'
  | 'not_on_stage'
  | 'not_a_speaker'
  | 'not_a_cohost'
  | 'last_host'
  | 'unsupported_emoji'
  | 'already_live'
  | 'already_ended'
  | 'not_scheduled'
  | 'start_not_in_future'
  | 'start_too_far';

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly field: string | undefined;

  constructor(code: DomainErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.field = field;
  }

  toJSON(): { code: DomainErrorCode; message: string; field?: string } {
    return this.field === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, field: this.field };
  }
}
