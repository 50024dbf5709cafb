// Keeps a long-lived response (an event stream) tied to the authentication that opened it: it ends when the session
// is logged out or revoked, the access token expires, the API key is revoked, or the member loses the access the
// stream relied on. Changes made through this process are seen at once (AccountService.watchAccess); changes made
// elsewhere (another process, the CLI) at the next periodic recheck.
import type { Logger } from '../core/logger.js';
import { EngineError } from '../engine/engine-error.js';
import type { AccountService, Principal } from '../engine/identity/account-service.js';

export type SessionEndReason = 'session_ended' | 'session_expired';

export interface SessionWatchHandlers {
  /** The credential no longer authenticates: end the response. */
  ended(reason: SessionEndReason): void;
  /** The credential still authenticates; `fresh` carries the member's current roles. */
  changed(fresh: Principal): void;
}

/** setTimeout's longest delay; a later expiry is reached through the periodic recheck. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Milliseconds from `now` until `expiresAt`, clamped to what a timer can wait. Pure. */
export function msUntilExpiry(expiresAt: number, now: number): number {
  return Math.min(MAX_TIMER_MS, Math.max(0, expiresAt - now));
}

export function watchSession(
  accounts: AccountService,
  principal: Principal,
  handlers: SessionWatchHandlers,
  options: { recheckMs: number; log: Logger; now?: () => number },
): () => void {
  const now = options.now ?? Date.now;
  let stopped = false;
  let running = false;
  let again = false;

  const recheck = async (): Promise<void> => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        try {
          const fresh = await accounts.recheck(principal);
          if (!stopped) handlers.changed(fresh);
        } catch (err) {
          if (!(err instanceof EngineError)) {
            // The database did not answer: keep the stream and decide at the next recheck.
            options.log.warn({ err, memberId: principal.memberId }, 'could not recheck the session of an open stream');
            continue;
          }
          if (!stopped) {
            stop();
            handlers.ended(err.code === 'token_expired' ? 'session_expired' : 'session_ended');
          }
        }
      } while (again && !stopped);
    } finally {
      running = false;
    }
  };
  const fire = (): void => void recheck();

  const unwatch = accounts.watchAccess(principal.memberId, fire);
  const interval = setInterval(fire, options.recheckMs);
  interval.unref();
  let expiry: NodeJS.Timeout | undefined;
  const armExpiry = (): void => {
    if (principal.expiresAt === undefined || stopped) return;
    const wait = msUntilExpiry(principal.expiresAt, now());
    expiry = setTimeout(() => (principal.expiresAt !== undefined && now() >= principal.expiresAt ? fire() : armExpiry()), wait);
    expiry.unref();
  };
  armExpiry();

  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    unwatch();
    clearInterval(interval);
    clearTimeout(expiry);
  };
  return stop;
}
