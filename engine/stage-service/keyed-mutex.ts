// Runs tasks for the same key one after another (different keys run freely). The stage service keeps one room's
// commands in order inside a process, so LiveKit sees a grant and a following revoke in the order they were decided.
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => done);
    this.#tails.set(key, tail);
    await previous;
    try {
      return await task();
    } finally {
      release();
      // Forget the key once nobody queued behind us, so the map does not grow with every room ever seen.
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
