// Deletes what Roundtable promised not to keep, continuously:
//   (a) evidence clips past their retain_until (an open case or appeal holds a clip by extending retain_until:
//       EvidenceStore.extendForSegments / extendForRoomSpeaker; the sweeper looks at nothing else);
//   (b) transcript segments spoken more than unflaggedTranscriptDays ago that were not flagged (no
//       segment_classifications row with non-empty categories) and have no evidence clip;
//   (c) flagged segments once they have no evidence clip left and were spoken more than flaggedTranscriptDays ago.
// A segment with a clip is never deleted here (the clip would go with it, by cascade): it stays while its evidence
// is retained. Deletes run in bounded batches, each its own short statement; rows another transaction holds (a clip
// being read) are skipped until the next run. Idempotent: a second run finds nothing the first one deleted.
import type { Logger } from '../../core/logger.js';
import type { Queryable } from '../../db/queryable.js';
import type { WorkerLease } from '../leases/index.js';

export interface RetentionSweeperOptions {
  log: Logger;
  /** Between the end of one run and the start of the next; default 60 s. */
  intervalMs?: number;
  /** Default 30. */
  unflaggedTranscriptDays?: number;
  /** Flagged segments whose clip is gone (or that never had one); default 90, the appeal window. */
  flaggedTranscriptDays?: number;
  /** Rows per delete statement; default 500. */
  batchSize?: number;
  /** Fixed clock for tests; the database clock otherwise. */
  now?: () => Date;
  /** With several API processes on one database: scheduled passes run only in the process holding this lease. */
  lease?: WorkerLease;
}

export interface SweepResult {
  evidenceClips: number;
  transcriptSegments: number;
}

export class RetentionSweeper {
  readonly #db: Queryable;
  readonly #log: Logger;
  readonly #intervalMs: number;
  readonly #unflaggedDays: number;
  readonly #flaggedDays: number;
  readonly #batchSize: number;
  readonly #now: (() => Date) | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly #lease: WorkerLease | undefined;
  #running: Promise<void> | undefined;
  #started = false;

  constructor(db: Queryable, options: RetentionSweeperOptions) {
    if (!db || typeof db.query !== 'function') throw new TypeError('RetentionSweeper: db must be a pg Pool (or anything with query)');
    if (!options || typeof options !== 'object') throw new TypeError('RetentionSweeper: options must be an object');
    if (!options.log || typeof options.log.warn !== 'function') throw new TypeError('RetentionSweeper: log must be a logger');
    this.#log = options.log;
    this.#intervalMs = options.intervalMs ?? 60_000;
    this.#unflaggedDays = options.unflaggedTranscriptDays ?? 30;
    this.#flaggedDays = options.flaggedTranscriptDays ?? 90;
    this.#batchSize = options.batchSize ?? 500;
    if (!Number.isInteger(this.#intervalMs) || this.#intervalMs < 1 || this.#intervalMs > 2_147_483_647) throw new TypeError('RetentionSweeper: intervalMs must be a positive integer');
    for (const [name, v] of [['unflaggedTranscriptDays', this.#unflaggedDays], ['flaggedTranscriptDays', this.#flaggedDays]] as const) {
      if (!Number.isInteger(v) || v < 1 || v > 36_500) throw new TypeError(`RetentionSweeper: ${name} must be an integer number of days in [1, 36500]`);
    }
    if (!Number.isInteger(this.#batchSize) || this.#batchSize < 1 || this.#batchSize > 100_000) throw new TypeError('RetentionSweeper: batchSize must be an integer in [1, 100000]');
    if (options.now !== undefined && typeof options.now !== 'function') throw new TypeError('RetentionSweeper: now must be a function');
    this.#now = options.now;
    this.#lease = options.lease;
    this.#db = db;
  }

  /** One full pass: every expired row, batch by batch. Returns how many rows of each kind it deleted. */
  sweepOnce(): Promise<SweepResult> {
    return this.#sweep(() => true);
  }

  /** Runs a pass now and then every intervalMs after the previous one ends, until stop(). Errors are logged and the next pass retries. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#schedule(0);
  }

  /** No pass starts after this; resolves once a pass in flight has finished (it stops between batches). */
  async stop(): Promise<void> {
    this.#started = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
    // Another process takes over at its next pass instead of after the lease runs out.
    await this.#lease?.release().catch(() => undefined);
  }

  #schedule(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#started) return;
      const lease = this.#lease;
      const pass = () => this.#sweep(() => this.#started);
      this.#running = (lease ? lease.runIfHeld(pass).then((run) => (run.ran ? run.result : { evidenceClips: 0, transcriptSegments: 0 })) : pass())
        .then(
          (r) => {
            if (r.evidenceClips || r.transcriptSegments) this.#safeLog('info', { ...r }, 'retention: expired evidence and transcripts deleted');
          },
          (err: unknown) => this.#safeLog('warn', { err }, 'retention sweep failed; retrying next interval'),
        )
        .finally(() => {
          this.#running = undefined;
          if (this.#started) this.#schedule(this.#intervalMs);
        });
    }, delayMs);
    this.#timer.unref();
  }

  async #sweep(keepGoing: () => boolean): Promise<SweepResult> {
    const now = this.#now?.() ?? null;
    if (now !== null && !(now instanceof Date && Number.isFinite(now.getTime()))) throw new TypeError('RetentionSweeper: now() must return a valid Date');
    const result: SweepResult = { evidenceClips: 0, transcriptSegments: 0 };
    result.evidenceClips = await this.#batches(
      keepGoing,
      `DELETE FROM evidence_clips WHERE id IN (
         SELECT id FROM evidence_clips WHERE retain_until < COALESCE($1::timestamptz, now())
          ORDER BY retain_until LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [now, this.#batchSize],
    );
    if (!keepGoing()) return result;
    result.transcriptSegments = await this.#batches(
      keepGoing,
      `DELETE FROM transcript_segments WHERE id IN (
         SELECT s.id FROM transcript_segments s
          WHERE s.started_at < COALESCE($1::timestamptz, now()) - make_interval(hours => $3::int * 24)
            AND NOT EXISTS (SELECT 1 FROM evidence_clips e WHERE e.segment_id = s.id)
            AND (s.started_at < COALESCE($1::timestamptz, now()) - make_interval(hours => $4::int * 24)
                 OR NOT EXISTS (SELECT 1 FROM segment_classifications c WHERE c.segment_id = s.id AND cardinality(c.categories) > 0))
          ORDER BY s.started_at LIMIT $2 FOR UPDATE OF s SKIP LOCKED)`,
      [now, this.#batchSize, this.#unflaggedDays, this.#flaggedDays],
    );
    return result;
  }

  async #batches(keepGoing: () => boolean, sql: string, values: unknown[]): Promise<number> {
    let total = 0;
    for (;;) {
      const n = (await this.#db.query(sql, values)).rowCount ?? 0;
      total += n;
      if (n < this.#batchSize || !keepGoing()) return total;
    }
  }

  #safeLog(level: 'info' | 'warn', obj: Record<string, unknown>, msg: string): void {
    try {
      this.#log[level](obj, msg);
    } catch {
      // a broken logger must not become an unhandled rejection
    }
  }
}
