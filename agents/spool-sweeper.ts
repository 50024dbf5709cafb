// Delivers the segment spools that no running job holds. A room's job spools to <data>/agent-spool/<roomId> while
// the database is away and resumes it at its next start; a room whose job never comes back to this host (killed,
// crashed, its room moved to another worker or ended) would keep its spool forever. The agent worker runs this at
// start and every interval:
//   - a directory held by a live process (SegmentSpool.hold: the room's job, or another worker's sweeper on this
//     host) is left alone;
//   - otherwise the sweeper holds it and writes it through the job's own path (SegmentWriter.flush: in order,
//     idempotent by segment key and per clip, so a record a job stored before dying is not stored twice), then
//     deletes the directory once nothing is left;
//   - a spool whose room no longer exists, or whose records keep failing while the database answers, is moved to
//     <root>/dead/ after maxAttempts sweeps (counted in the directory, so a worker restart does not reset them), with
//     an error log line naming it. While the database is unreachable nothing is counted: the spool waits.
import fs from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import { connectPostgres } from '../db/database.js';
import { EvidenceStore } from '../engine/evidence/evidence-store.js';
import { TranscriptStore } from '../engine/transcripts/transcript-store.js';
import { HOLDER_FILE, SegmentSpool } from './segment-spool.js';
import { SegmentWriter } from './segment-writer.js';

/** Where the jobs keep their spools, one directory per room id. */
export function spoolRoot(dataDir: string): string {
  return path.join(dataDir, 'agent-spool');
}

export const DEAD_DIR = 'dead';
const ATTEMPTS_FILE = '.attempts';
const ROOM_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface SpoolSweeperOptions {
  /** The spool root (spoolRoot(config.dirs.data)). */
  root: string;
  pool: pg.Pool;
  log: Logger;
  /** Pause between the end of one sweep and the next; default 60 s. */
  intervalMs?: number;
  /** Failed sweeps of one spool before it goes to dead/; default 10. */
  maxAttempts?: number;
}

/** What one sweep did, by room id. */
export interface SweepReport {
  /** Records stored from orphaned spools. */
  stored: number;
  /** Spools delivered in full and deleted. */
  delivered: string[];
  /** Spools moved to dead/. */
  dead: string[];
  /** Spools left for a later sweep (held by a live job, or still failing). */
  waiting: string[];
}

export class SpoolSweeper {
  readonly #o: Required<SpoolSweeperOptions>;
  readonly #transcripts: TranscriptStore;
  readonly #evidence: EvidenceStore;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<SweepReport> | undefined;
  #active = false;

  constructor(options: SpoolSweeperOptions) {
    if (typeof options?.root !== 'string' || options.root === '') throw new TypeError('SpoolSweeper: root must be a directory path');
    if (!options.pool || typeof options.pool.query !== 'function') throw new TypeError('SpoolSweeper: pool must be a pg Pool');
    if (!options.log || typeof options.log.warn !== 'function') throw new TypeError('SpoolSweeper: log must be a logger');
    const intervalMs = options.intervalMs ?? 60_000;
    const maxAttempts = options.maxAttempts ?? 10;
    if (!Number.isInteger(intervalMs) || intervalMs < 1) throw new TypeError('SpoolSweeper: intervalMs must be a positive integer');
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new TypeError('SpoolSweeper: maxAttempts must be a positive integer');
    this.#o = { ...options, intervalMs, maxAttempts };
    this.#transcripts = new TranscriptStore(options.pool);
    this.#evidence = new EvidenceStore(options.pool);
  }

  /** Sweeps now, then every intervalMs after each sweep. */
  start(): void {
    if (this.#active) return;
    this.#active = true;
    this.#schedule(0);
  }

  /** No sweep starts after this; resolves once the sweep in flight has finished. */
  async stop(): Promise<void> {
    this.#active = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }

  /** One sweep over every spool directory; joins the sweep in flight instead of starting a second. */
  sweepOnce(): Promise<SweepReport> {
    this.#running ??= this.#sweep().finally(() => (this.#running = undefined));
    return this.#running;
  }

  #schedule(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.sweepOnce()
        .then((r) => {
          if (r.stored + r.dead.length > 0) this.#o.log.info({ ...r }, 'spool sweep: orphaned spools handled');
        })
        .catch((err: unknown) => this.#o.log.warn({ err }, 'spool sweep failed; retrying next interval'))
        .finally(() => {
          if (this.#active) this.#schedule(this.#o.intervalMs);
        });
    }, delayMs);
    this.#timer.unref(); // a background chore: it never keeps the worker alive on its own
  }

  async #sweep(): Promise<SweepReport> {
    const report: SweepReport = { stored: 0, delivered: [], dead: [], waiting: [] };
    const entries = await fs.readdir(this.#o.root, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [];
      throw err;
    });
    for (const entry of entries) {
      if (!entry.isDirectory() || !ROOM_ID.test(entry.name)) continue; // dead/ and anything not a room's spool
      const roomId = entry.name;
      const dir = path.join(this.#o.root, roomId);
      const spool = new SegmentSpool(dir);
      if (await spool.heldByAnotherProcess()) {
        report.waiting.push(roomId);
        continue;
      }
      await spool.hold();
      const outcome = await this.#deliver(roomId, spool);
      if (outcome === 'database_unreachable') {
        this.#o.log.debug({ roomId }, 'spool sweep: database unreachable; the spool waits');
        report.waiting.push(roomId);
        break; // every other spool would fail the same way
      }
      report.stored += outcome.stored;
      if (outcome.failure === undefined) {
        await this.#remove(dir);
        report.delivered.push(roomId);
        // An ended job leaves its (usually empty) held directory behind: only a delivery is worth an info line.
        this.#o.log[outcome.stored > 0 ? 'info' : 'debug']({ roomId, stored: outcome.stored }, 'spool sweep: orphaned spool delivered and deleted');
      } else if (await this.#failedAttempt(dir, roomId, outcome.failure)) {
        report.dead.push(roomId);
      } else {
        report.waiting.push(roomId);
      }
    }
    return report;
  }

  /** Writes the spool through the job's writer. */
  async #deliver(roomId: string, spool: SegmentSpool): Promise<'database_unreachable' | { stored: number; failure?: string }> {
    let roomExists: boolean;
    try {
      roomExists = ((await this.#o.pool.query('SELECT 1 FROM rooms WHERE id = $1', [roomId])).rowCount ?? 0) > 0;
    } catch {
      return 'database_unreachable';
    }
    const before = (await spool.pending()).length;
    if (!roomExists) return { stored: 0, failure: 'room_not_found' };
    const writer = new SegmentWriter({ transcripts: this.#transcripts, evidence: this.#evidence, spool, log: this.#o.log.child({ roomId, spool: 'sweeper' }) });
    let left: number;
    try {
      left = await writer.flush();
    } finally {
      writer.stop(); // flush schedules its own retry while records are left; the sweeper's interval is the retry here
    }
    const stored = before - left;
    if (left === 0) return { stored };
    // Records left: the database went away mid-flush (not counted), or it refuses them while answering (counted).
    try {
      await this.#o.pool.query('SELECT 1');
    } catch {
      return 'database_unreachable';
    }
    return { stored, failure: 'records_keep_failing' };
  }

  /** Counts a failed sweep; at maxAttempts the spool goes to dead/. Returns whether it did. */
  async #failedAttempt(dir: string, roomId: string, failure: string): Promise<boolean> {
    const file = path.join(dir, ATTEMPTS_FILE);
    const previous = Number.parseInt((await fs.readFile(file, 'utf8').catch(() => '0')).trim(), 10);
    const attempts = (Number.isInteger(previous) && previous > 0 ? previous : 0) + 1;
    if (attempts < this.#o.maxAttempts) {
      await fs.writeFile(file, String(attempts));
      this.#o.log.warn({ roomId, failure, attempts, maxAttempts: this.#o.maxAttempts }, 'spool sweep: orphaned spool not delivered; retrying next sweep');
      return false;
    }
    const deadRoot = path.join(this.#o.root, DEAD_DIR);
    await fs.mkdir(deadRoot, { recursive: true });
    const target = path.join(deadRoot, `${roomId}-${Date.now()}`);
    await fs.rm(path.join(dir, HOLDER_FILE), { force: true });
    await fs.rm(file, { force: true });
    await fs.rename(dir, target);
    this.#o.log.error({ roomId, failure, attempts, movedTo: target }, 'spool sweep: orphaned spool given up after repeated failures; moved to dead/ for inspection');
    return true;
  }

  /** Deletes a delivered spool: its bookkeeping, temporary files a killed writer left half-written, the directory. */
  async #remove(dir: string): Promise<void> {
    for (const name of await fs.readdir(dir)) {
      if (name.startsWith('.')) await fs.rm(path.join(dir, name), { force: true });
    }
    // rmdir, not rm -r: a record a new job wrote meanwhile keeps the directory (and it is that job's now).
    await fs.rmdir(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOTEMPTY' && err.code !== 'ENOENT') throw err;
    });
  }
}

/**
 * The agent worker's sweeper: its own small pool on DATABASE_URL (what the jobs use). Connecting is retried by the
 * sweeps, so a worker starting while the database is away still sweeps once it answers. Returns stop().
 */
export function startSpoolSweeper(config: Config, log: Logger): () => Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    log.warn('spool sweeper: DATABASE_URL is not set; orphaned spools are not swept');
    return async () => undefined;
  }
  let stopped = false;
  let stopSweeper: (() => Promise<void>) | undefined;
  let closeDb: (() => Promise<void>) | undefined;
  let retry: NodeJS.Timeout | undefined;
  const connect = (): void => {
    connectPostgres(url, log)
      .then(async (db) => {
        if (stopped) return db.close();
        const sweeper = new SpoolSweeper({
          root: spoolRoot(config.dirs.data),
          pool: db.pool,
          log: log.child({ component: 'spool-sweeper' }),
          intervalMs: config.agent.spool.sweepMs,
          maxAttempts: config.agent.spool.maxAttempts,
        });
        sweeper.start();
        stopSweeper = () => sweeper.stop();
        closeDb = () => db.close();
      })
      .catch((err: unknown) => {
        log.warn({ err }, 'spool sweeper: database unreachable; connecting again later');
        if (!stopped) retry = setTimeout(connect, config.agent.spool.sweepMs).unref();
      });
  };
  connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await stopSweeper?.();
    await closeDb?.();
  };
}
