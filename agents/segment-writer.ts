// Writes what the agent produced for a room — a segment, its scores, the evidence audio of a flagged one — to the
// database, or, while the database is unreachable, to the room's durable spool on local disk, and later from the
// spool in order. Nothing the agent heard is lost to a database restart or failover, within the spool's bounds.
import type { Logger } from '../core/logger.js';
import type { EvidenceStore } from '../engine/evidence/evidence-store.js';
import type { TranscriptStore } from '../engine/transcripts/transcript-store.js';
import type { SegmentSpool, SpoolRecord } from './segment-spool.js';

export interface SegmentWriterOptions {
  transcripts: Pick<TranscriptStore, 'append' | 'idForKey'>;
  evidence: Pick<EvidenceStore, 'save'>;
  spool: SegmentSpool;
  log: Logger;
  /** How often the spool is retried while it holds records (default 2000 ms). */
  retryMs?: number;
}

/** A SQL error the database gave on purpose (a constraint, bad data): retrying the same record cannot help. */
export function isPermanentDbError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return false; // a connection failure, a timeout
  return !/^(08|53|57P|40)/.test(code); // connection, resources, shutdown, serialization: transient
}

export class SegmentWriter {
  readonly #o: SegmentWriterOptions;
  #timer: NodeJS.Timeout | undefined;
  #spooled = false;

  constructor(options: SegmentWriterOptions) {
    for (const k of ['transcripts', 'evidence', 'spool', 'log'] as const) if (!options?.[k]) throw new TypeError(`SegmentWriter: ${k} is required`);
    this.#o = options;
  }

  /** Holds the spool for this job (the worker's sweeper leaves it alone), and resumes what an earlier job left. */
  async start(): Promise<void> {
    await this.#o.spool.hold();
    if ((await this.#o.spool.pending()).length > 0) {
      this.#spooled = true;
      this.#o.log.warn({ dir: this.#o.spool.dir }, 'segments left in the spool by an earlier job; writing them');
      await this.flush();
    }
  }

  /**
   * Stores the record, or spools it when the database is away (or records are already waiting, so order is kept).
   * Resolves true once the record is durable either way; throws only when neither worked.
   */
  async write(record: SpoolRecord): Promise<boolean> {
    if (!this.#spooled) {
      try {
        await this.#store(record);
        return true;
      } catch (err) {
        if (isPermanentDbError(err)) throw err;
        this.#o.log.warn({ err, dir: this.#o.spool.dir }, 'database unreachable; spooling segments to disk until it answers');
        this.#spooled = true;
      }
    }
    await this.#o.spool.write(record);
    this.#schedule();
    return true;
  }

  /** Writes what the spool holds; returns how many records are still waiting. */
  async flush(): Promise<number> {
    try {
      const n = await this.#o.spool.drain((r) => this.#storeOrDrop(r));
      if (n > 0) this.#o.log.info({ stored: n }, 'spooled segments written to the database');
    } catch (err) {
      this.#o.log.debug({ err }, 'database still unreachable; the spool waits');
    }
    const left = (await this.#o.spool.pending()).length;
    this.#spooled = left > 0;
    if (this.#spooled) this.#schedule();
    return left;
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.#o.retryMs ?? 2000);
  }

  async #store(r: SpoolRecord): Promise<void> {
    await this.#o.transcripts.append(r.segment, r.classification);
    if (!r.evidence) return;
    const segmentId = await this.#o.transcripts.idForKey(r.segment.segmentKey);
    if (segmentId === null) return;
    await this.#o.evidence.save({ segmentId, roomId: r.segment.roomId, speakerIdentity: r.segment.speakerIdentity, ...r.evidence });
  }

  /** From the spool: a record the database refuses on purpose (its room was deleted) is logged and dropped. */
  async #storeOrDrop(r: SpoolRecord): Promise<void> {
    try {
      await this.#store(r);
    } catch (err) {
      if (!isPermanentDbError(err)) throw err;
      this.#o.log.error({ err, segmentKey: r.segment.segmentKey }, 'a spooled segment was refused by the database; dropped');
    }
  }
}
