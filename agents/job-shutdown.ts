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

/** What a job asks of the worker's inference process (the shape of JobContext.inferenceExecutor). */
export interface InferenceExecutorLike {
  doInference(method: string, data: unknown): Promise<unknown>;
}

/** The IPC side of a job process: Node's `process` in a job, an EventEmitter in tests. */
export interface WorkerChannel {
  readonly connected?: boolean;
  once(event: 'disconnect', listener: () => void): unknown;
}

export class WorkerGoneError extends Error {
  constructor() {
    super('the agent worker process is gone (IPC channel closed); its inference process cannot answer');
    this.name = 'WorkerGoneError';
  }
}

/**
 * The job's link to its worker process. A worker killed with -9 (or crashed) closes the IPC channel of its job
 * processes; @livekit/agents only notices 15 s later (its orphan timeout) and then exits without the job's shutdown
 * callbacks, so the agent stays in the room that long and agent supervision cannot replace it sooner. Watching the
 * channel lets the job leave at once and still store what it owes.
 */
export class WorkerLink {
  #gone = false;
  readonly #listeners: (() => void)[] = [];
  readonly #goneError: Promise<never>;
  #reject!: (err: Error) => void;

  constructor(channel: WorkerChannel) {
    if (typeof channel?.once !== 'function') throw new TypeError('WorkerLink: channel must be an event emitter (the job process)');
    this.#goneError = new Promise<never>((_, reject) => (this.#reject = reject));
    this.#goneError.catch(() => undefined); // only raced against, never awaited alone
    channel.once('disconnect', () => this.#fire());
    // Already gone before the job started listening (the worker died while the job connected).
    if (channel.connected === false) queueMicrotask(() => this.#fire());
  }

  get gone(): boolean {
    return this.#gone;
  }

  /** Runs `listener` once when the worker is gone (at once if it already is). */
  onGone(listener: () => void): void {
    if (typeof listener !== 'function') throw new TypeError('onGone: listener must be a function');
    if (this.#gone) queueMicrotask(listener);
    else this.#listeners.push(listener);
  }

  /**
   * The executor with every request, pending or new, failing with WorkerGoneError once the worker is gone: a request
   * already sent would otherwise wait forever for an answer the dead worker's inference process never routes back.
   */
  guard(executor: InferenceExecutorLike): InferenceExecutorLike {
    if (typeof executor?.doInference !== 'function') throw new TypeError('guard: executor must have doInference');
    return {
      doInference: (method, data) => {
        if (this.#gone) return Promise.reject(new WorkerGoneError());
        return Promise.race([executor.doInference(method, data), this.#goneError]);
      },
    };
  }

  #fire(): void {
    if (this.#gone) return;
    this.#gone = true;
    this.#reject(new WorkerGoneError());
    for (const listener of this.#listeners.splice(0)) listener();
  }
}

/**
 * `primary()`, or — when it failed because the worker is gone — `fallback()`: work the dead worker's inference process
 * never answered is done once more here, exactly once (an answered request never reaches the fallback).
 */
export async function unlessWorkerGone<T>(primary: () => Promise<T>, fallback: () => Promise<T>): Promise<T> {
  try {
    return await primary();
  } catch (err) {
    if (!(err instanceof WorkerGoneError)) throw err;
    return fallback();
  }
}

/**
 * Keeps the job process from exiting until `work` settles (at most `maxMs`). @livekit/agents ends an orphaned job
 * process 15 s after the worker's last ping (process.exit, not the job's shutdown callbacks); a job finishing what it
 * owes with its own models on a busy machine may need longer. Only process.exit is deferred; the room is left already.
 */
export function holdExitUntil(work: Promise<unknown>, maxMs: number, log: Logger): void {
  if (!Number.isFinite(maxMs) || maxMs < 0) throw new TypeError('maxMs must be a non-negative number');
  const exit = process.exit.bind(process);
  const deadline = new Promise<'expired'>((resolve) => setTimeout(() => resolve('expired'), maxMs).unref());
  process.exit = ((code?: number) => {
    void Promise.race([work.then(() => 'done', () => 'done'), deadline]).then((outcome) => {
      if (outcome === 'expired') log.error({ maxMs }, 'job shutdown: owed work not finished in time; exiting anyway');
      exit(code);
    });
  }) as typeof process.exit;
}
