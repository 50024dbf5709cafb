// Maps the engine's refusals (EngineError kinds, stage DomainError codes) to HTTP statuses in one place.
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { CaseError } from '../engine/cases/case-error.js';
import { EngineError, type EngineErrorKind } from '../engine/engine-error.js';
import { DomainError } from '../engine/stage/domain-error.js';
import { ApiError } from './errors.js';

const KIND_STATUS: Record<EngineErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
};

const DOMAIN_STATUS: Partial<Record<string, number>> = {
  banned: 403,
  room_ended: 409,
  room_not_live: 409,
  target_not_in_room: 404,
  consent_required: 400,
  unsupported_emoji: 400,
  start_not_in_future: 400,
  start_too_far: 400,
  no_raised_hand: 409,
  no_pending_invite: 409,
  already_invited: 409,
  hand_raising_off: 409,
  not_a_listener: 409,
  not_on_stage: 409,
  not_a_speaker: 409,
  not_a_cohost: 409,
  last_host: 409,
  already_live: 409,
  already_ended: 409,
  not_scheduled: 409,
};

export function toApiErrorFromEngine(err: unknown): ApiError | undefined {
  if (err instanceof EngineError) {
    const headers: Record<string, string> = err.retryAfterSeconds !== undefined ? { 'Retry-After': String(err.retryAfterSeconds) } : {};
    return new ApiError(KIND_STATUS[err.kind], err.code, err.message, err.field ? [{ field: err.field, message: err.message }] : [], headers);
  }
  if (err instanceof CaseError) {
    // The case domain's refusals: a missing case 404, a reviewer acting on their own case 403, the rest conflicts.
    return new ApiError(err.code === 'not_found' ? 404 : err.code === 'forbidden' ? 403 : 409, err.code, err.message);
  }
  if (err instanceof DomainError) {
    return new ApiError(DOMAIN_STATUS[err.code] ?? 403, err.code, err.message, err.field ? [{ field: err.field, message: err.message }] : []);
  }
  // The database is away (restart, failover, network): nothing was done that the client must not retry.
  if (isDatabaseUnavailable(err)) return new ApiError(503, 'database_unavailable', 'the database is not reachable right now; try again shortly', [], { 'Retry-After': '2' });
  return undefined;
}
