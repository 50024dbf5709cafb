// Long-lived responses (server-sent event streams) one member may hold open at once in this process. Each open
// stream holds a slot until it closes; past the limit, a new stream is refused with 429 and Retry-After.
import { ApiError } from './errors.js';

export class StreamSlots {
  readonly #perMember: number;
  readonly #retryAfterSeconds: number;
  readonly #open = new Map<string, number>();

  constructor(perMember: number, retryAfterSeconds: number) {
    if (!Number.isInteger(perMember) || perMember < 1) throw new TypeError('perMember must be a positive integer');
    if (!Number.isInteger(retryAfterSeconds) || retryAfterSeconds < 1) throw new TypeError('retryAfterSeconds must be a positive integer');
    this.#perMember = perMember;
    this.#retryAfterSeconds = retryAfterSeconds;
  }

  /** Takes a slot for `memberId` and returns its release function (safe to call more than once); throws 429 when none is free. */
  acquire(memberId: string): () => void {
    if (typeof memberId !== 'string' || memberId.length === 0) throw new TypeError('memberId must be a non-empty string');
    const held = this.#open.get(memberId) ?? 0;
    if (held >= this.#perMember) {
      throw new ApiError(429, 'too_many_streams', `at most ${this.#perMember} event streams may be open at once; close one first`, [], {
        'Retry-After': String(this.#retryAfterSeconds),
      });
    }
    this.#open.set(memberId, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const now = (this.#open.get(memberId) ?? 1) - 1;
      if (now <= 0) this.#open.delete(memberId);
      else this.#open.set(memberId, now);
    };
  }

  /** Slots `memberId` holds now. */
  held(memberId: string): number {
    return this.#open.get(memberId) ?? 0;
  }
}
