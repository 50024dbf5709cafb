// What a moderation job must finish before it lets go of its resources. @livekit/agents runs every shutdown
// callback at once (Promise.allSettled in runShutdownCallbacks), so "wait for the transcriptions" and "close the
// database" registered as two callbacks race, and the last utterances of a room fail to store. One callback does
// both, in order.
import type { Logger } from '../core/logger.js';

/** Promises a job still owes work on; drain() also waits for work started while it drains. */
export class InFlight {
  readonly #running = new Set<Promise<unknown>>();

  /** Tracks `work` until it settles; returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T> {
    if (!(work instanceof Promise)) throw new TypeError('work must be a Promise');
    this.#running.add(work);
    const forget = (): void => {
      this.#running.delete(work);
    };
    work.then(forget, forget);
    return work;
  }

  get size(): number {
    return this.#running.size;
  }

  /** Resolves once nothing is running, or with false after `timeoutMs` with work still running. */
  async drain(timeoutMs: number): Promise<boolean> {
    if (!Number.isFinite(timeoutMs) || timeoutMs < 0) throw new TypeError('timeoutMs must be a non-negative number');
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => (timer = setTimeout(() => resolve('expired'), timeoutMs)));
    try {
      while (this.#running.size > 0) {
        const outcome = await Promise.race([Promise.allSettled([...this.#running]), expired]);
        if (outcome === 'expired') return false;
      }
      return true;
    } finally {
      clearTimeout(timer);
    }
  }
}

export interface ShutdownTarget {
  addShutdownCallback(callback: () => Promise<void>): void;
}

/**
 * Registers the job's one shutdown callback: wait for in-flight transcriptions (bounded by `drainTimeoutMs`, so a
 * stuck recognizer cannot hold the job forever; what is abandoned is logged), then close the database.
 */
export function registerDrainThenClose(
  ctx: ShutdownTarget,
  inFlight: InFlight,
  close: () => Promise<void>,
  options: { log: Logger; drainTimeoutMs?: number },
): void {
  if (!(inFlight instanceof InFlight)) throw new TypeError('inFlight must be an InFlight');
  if (typeof close !== 'function') throw new TypeError('close must be a function');
  const drainTimeoutMs = options.drainTimeoutMs ?? 30_000;
  ctx.addShutdownCallback(async () => {
    const drained = await inFlight.drain(drainTimeoutMs);
    if (!drained) options.log.error({ running: inFlight.size, drainTimeoutMs }, 'job shutdown: transcriptions still running after the drain timeout; closing anyway');
    await close();
  });
}
