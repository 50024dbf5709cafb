// Gathers speech segments from several rooms into batches for one model run (measured, not the runner's default:
// see stt-runner.ts and bench/stt-throughput.ts's onnx-batched variant). Why it can pay: a decoder
// step reads every weight once whatever the batch size, so B similar segments cost far less than B runs (measured in
// bench/stt-throughput.ts). One batch runs at a time; while it runs, new segments queue and form the next batch, and
// an idle batcher waits `maxWaitMs` for company before it starts. The model has no attention mask, so a batch pads
// its segments to the longest: only segments within `maxLengthRatio` of the oldest waiting one share its batch
// (less padding to compute; the words stay those of unbatched runs, test/agents/stt-batcher-model.test.ts). The oldest
// waiting segment always leads the next batch, so none starves. Past `maxWaiting` a segment is refused at once.
import { QueueFullError } from './bounded-queue.js';

/**
 * The settings bench/stt-throughput.ts and test/agents/stt-batcher-model.test.ts use: 4 rows keep a batch's padding
 * and its wait for the slowest row small; 5 ms of gathering is nothing next to a segment's ~100 ms+ of decoding; a
 * 1.5x length spread bounds the padded work; on the eval set it kept every clip's words, one clip's final punctuation moved.
 */
export const STT_BATCH = { maxBatch: 4, maxWaitMs: 5, maxLengthRatio: 1.5 } as const;

export interface SttBatcherOptions<Item, Result> {
  /** Runs one batch; resolves with one result per item, in order. */
  runBatch(items: Item[]): Promise<Result[]>;
  /** Size used to group items (samples). */
  sizeOf(item: Item): number;
  maxBatch: number;
  /** How long an idle batcher waits for more items before it runs what it has. */
  maxWaitMs: number;
  /** Longest over shortest size allowed in one batch (>= 1). */
  maxLengthRatio: number;
  /** Items that may wait; one more is a QueueFullError (retryable). */
  maxWaiting: number;
}

interface Pending<Item, Result> {
  item: Item;
  size: number;
  resolve(r: Result): void;
  reject(e: unknown): void;
}

export class SttBatcher<Item, Result> {
  readonly #opts: SttBatcherOptions<Item, Result>;
  readonly #pending: Pending<Item, Result>[] = [];
  #running = false;
  #timer: NodeJS.Timeout | undefined;
  /** Sizes of the batches run so far (the bench and tests read it). */
  readonly batchSizes: number[] = [];

  constructor(opts: SttBatcherOptions<Item, Result>) {
    if (typeof opts?.runBatch !== 'function' || typeof opts.sizeOf !== 'function') throw new TypeError('SttBatcher: runBatch and sizeOf must be functions');
    if (!Number.isInteger(opts.maxBatch) || opts.maxBatch < 1) throw new TypeError('SttBatcher: maxBatch must be a positive integer');
    if (!(opts.maxWaitMs >= 0)) throw new TypeError('SttBatcher: maxWaitMs must be a non-negative number');
    if (!(opts.maxLengthRatio >= 1)) throw new TypeError('SttBatcher: maxLengthRatio must be at least 1');
    if (!Number.isInteger(opts.maxWaiting) || opts.maxWaiting < 0) throw new TypeError('SttBatcher: maxWaiting must be a non-negative integer');
    this.#opts = opts;
  }

  get waiting(): number {
    return this.#pending.length;
  }

  get running(): boolean {
    return this.#running;
  }

  submit(item: Item): Promise<Result> {
    if (this.#pending.length >= this.#opts.maxWaiting) return Promise.reject(new QueueFullError(this.#pending.length));
    const size = this.#opts.sizeOf(item);
    if (!(size >= 0)) return Promise.reject(new TypeError(`SttBatcher: sizeOf gave ${size}`));
    return new Promise<Result>((resolve, reject) => {
      this.#pending.push({ item, size, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#running) return; // the running batch's end starts the next one
    if (this.#pending.length >= this.#opts.maxBatch || this.#opts.maxWaitMs === 0) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      void this.#runNext();
    } else if (!this.#timer) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        void this.#runNext();
      }, this.#opts.maxWaitMs);
    }
  }

  /** The oldest item and, in arrival order, the next ones whose sizes keep the batch within maxLengthRatio. */
  #takeBatch(): Pending<Item, Result>[] {
    const head = this.#pending[0]!;
    const batch = [head];
    let min = head.size;
    let max = head.size;
    for (let i = 1; i < this.#pending.length && batch.length < this.#opts.maxBatch; i++) {
      const p = this.#pending[i]!;
      const lo = Math.min(min, p.size);
      const hi = Math.max(max, p.size);
      if (hi <= lo * this.#opts.maxLengthRatio) {
        batch.push(p);
        min = lo;
        max = hi;
      }
    }
    for (const p of batch) this.#pending.splice(this.#pending.indexOf(p), 1);
    return batch;
  }

  async #runNext(): Promise<void> {
    if (this.#running || this.#pending.length === 0) return;
    this.#running = true;
    const batch = this.#takeBatch();
    this.batchSizes.push(batch.length);
    try {
      const results = await this.#opts.runBatch(batch.map((p) => p.item));
      if (!Array.isArray(results) || results.length !== batch.length) {
        throw new Error(`SttBatcher: runBatch returned ${Array.isArray(results) ? results.length : typeof results} results for ${batch.length} items`);
      }
      batch.forEach((p, i) => p.resolve(results[i]!));
    } catch (err) {
      for (const p of batch) p.reject(err);
    } finally {
      this.#running = false;
      // Whatever queued meanwhile has waited long enough: run it now, no gathering delay.
      if (this.#pending.length > 0) void this.#runNext();
    }
  }
}
