// Backpressure for the shared inference process: at most `concurrency` calls run at once and at most `maxWaiting`
// wait; one more is refused at once (retryable) instead of growing without bound while rooms keep talking.
export class QueueFullError extends Error {
  readonly retryable = true;
  constructor(readonly waiting: number) {
    super(`inference queue full (${waiting} waiting)`);
  }
}

export class BoundedQueue {
  readonly #concurrency: number;
  readonly #maxWaiting: number;
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(options: { concurrency: number; maxWaiting: number }) {
    if (!Number.isInteger(options?.concurrency) || options.concurrency < 1) throw new TypeError('BoundedQueue: concurrency must be a positive integer');
    if (!Number.isInteger(options.maxWaiting) || options.maxWaiting < 0) throw new TypeError('BoundedQueue: maxWaiting must be a non-negative integer');
    this.#concurrency = options.concurrency;
    this.#maxWaiting = options.maxWaiting;
  }

  get running(): number {
    return this.#running;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#concurrency) {
      if (this.#waiting.length >= this.#maxWaiting) throw new QueueFullError(this.#waiting.length);
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    this.#running += 1;
    try {
      return await task();
    } finally {
      this.#running -= 1;
      this.#waiting.shift()?.();
    }
  }
}
