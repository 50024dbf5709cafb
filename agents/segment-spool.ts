// A durable, bounded queue on local disk for what the agent could not store because the database was unreachable
// (a restart, a failover): the segment, its scores and its evidence audio wait here, one file each, and are written
// in order once the database answers again. One directory per room; each file is written to a temporary name and
// renamed, so a crash leaves whole records or none.
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { NewTranscriptSegment, SegmentClassification } from '../engine/transcripts/transcript-store.js';

export interface SpooledEvidence {
  mediaType: string;
  audio: Uint8Array;
  durationMs: number;
  leadMs: number;
}

export interface SpoolRecord {
  segment: NewTranscriptSegment;
  classification?: SegmentClassification;
  evidence?: SpooledEvidence;
}

export interface SegmentSpoolOptions {
  /** Most records kept; one more is refused (SpoolFullError) rather than filling the disk. Default 5000. */
  maxRecords?: number;
  /** Most bytes kept; default 64 MiB. */
  maxBytes?: number;
}

export class SpoolFullError extends Error {
  constructor(readonly dir: string) {
    super(`the segment spool at ${dir} is full`);
  }
}

interface FileRecord {
  segment: Omit<NewTranscriptSegment, 'startedAt' | 'endedAt'> & { startedAt: string; endedAt: string };
  classification?: SegmentClassification;
  evidence?: Omit<SpooledEvidence, 'audio'> & { audioBase64: string };
}

export class SegmentSpool {
  readonly dir: string;
  readonly #maxRecords: number;
  readonly #maxBytes: number;
  #seq = 0;
  #draining: Promise<number> | undefined;

  constructor(dir: string, options: SegmentSpoolOptions = {}) {
    if (typeof dir !== 'string' || dir === '') throw new TypeError('SegmentSpool: dir must be a non-empty path');
    const maxRecords = options.maxRecords ?? 5000;
    const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    if (!Number.isInteger(maxRecords) || maxRecords < 1) throw new TypeError('SegmentSpool: maxRecords must be a positive integer');
    if (!Number.isInteger(maxBytes) || maxBytes < 1) throw new TypeError('SegmentSpool: maxBytes must be a positive integer');
    this.dir = dir;
    this.#maxRecords = maxRecords;
    this.#maxBytes = maxBytes;
  }

  /**
   * Marks the spool as this process's (a room's job): the spool sweeper leaves a directory alone while the process
   * named in it is alive, and delivers it once that process is gone (killed, crashed, or ended with records left).
   */
  async hold(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const tmp = path.join(this.dir, `.holder.${process.pid}.tmp`);
    await fs.writeFile(tmp, JSON.stringify({ pid: process.pid, startTicks: startTicks(process.pid) }));
    await fs.rename(tmp, path.join(this.dir, HOLDER_FILE));
  }

  /** Whether another live process holds the spool (see hold); a pid reused by an unrelated process does not count. */
  async heldByAnotherProcess(): Promise<boolean> {
    const text = await fs.readFile(path.join(this.dir, HOLDER_FILE), 'utf8').catch(() => undefined);
    if (text === undefined) return false;
    let holder: { pid?: unknown; startTicks?: unknown };
    try {
      holder = JSON.parse(text) as typeof holder;
    } catch {
      return false; // not ours to trust; a whole holder file is written by rename
    }
    if (typeof holder.pid !== 'number' || !Number.isInteger(holder.pid) || holder.pid < 1 || holder.pid === process.pid) return false;
    try {
      process.kill(holder.pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false; // ESRCH: gone
    }
    const ticks = startTicks(holder.pid);
    return ticks === undefined || holder.startTicks === undefined || ticks === holder.startTicks;
  }

  /** Record file names, oldest first. */
  async pending(): Promise<string[]> {
    const names = await fs.readdir(this.dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [] as string[];
      throw err;
    });
    return names.filter((n) => n.endsWith('.json')).sort();
  }

  async write(record: SpoolRecord): Promise<void> {
    const body = JSON.stringify(toFile(record));
    await fs.mkdir(this.dir, { recursive: true });
    const names = await this.pending();
    let bytes = 0;
    for (const n of names) bytes += (await fs.stat(path.join(this.dir, n)).catch(() => ({ size: 0 }))).size;
    if (names.length >= this.#maxRecords || bytes + body.length > this.#maxBytes) throw new SpoolFullError(this.dir);
    // Names sort in write order: time, then a per-process counter, then randomness against another writer.
    const name = `${String(Date.now()).padStart(15, '0')}-${String(this.#seq++).padStart(6, '0')}-${crypto.randomBytes(4).toString('hex')}.json`;
    const tmp = path.join(this.dir, `.${name}.tmp`);
    const handle = await fs.open(tmp, 'w');
    try {
      await handle.writeFile(body);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, path.join(this.dir, name));
  }

  /**
   * Hands each record, oldest first, to `store`; removes it once stored. Stops at the first failure (the database is
   * still away) and returns how many were stored. One drain at a time: a second call waits for the first.
   */
  drain(store: (record: SpoolRecord) => Promise<void>): Promise<number> {
    this.#draining ??= this.#drain(store).finally(() => (this.#draining = undefined));
    return this.#draining;
  }

  async #drain(store: (record: SpoolRecord) => Promise<void>): Promise<number> {
    let stored = 0;
    for (const name of await this.pending()) {
      const file = path.join(this.dir, name);
      const text = await fs.readFile(file, 'utf8').catch(() => undefined);
      if (text === undefined) continue; // taken by another drain
      await store(fromFile(JSON.parse(text) as FileRecord));
      await fs.rm(file, { force: true });
      stored += 1;
    }
    return stored;
  }
}

/** The file naming the process that holds a spool directory. */
export const HOLDER_FILE = '.holder';

/** When the process started (Linux /proc, clock ticks since boot): tells a live holder from a reused pid. */
function startTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22; the command name (field 2) is in parentheses and may hold spaces, so count after its ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function toFile(r: SpoolRecord): FileRecord {
  const out: FileRecord = { segment: { ...r.segment, startedAt: r.segment.startedAt.toISOString(), endedAt: r.segment.endedAt.toISOString() } };
  if (r.classification) out.classification = r.classification;
  if (r.evidence) {
    const { audio, ...rest } = r.evidence;
    out.evidence = { ...rest, audioBase64: Buffer.from(audio).toString('base64') };
  }
  return out;
}

function fromFile(f: FileRecord): SpoolRecord {
  const out: SpoolRecord = { segment: { ...f.segment, startedAt: new Date(f.segment.startedAt), endedAt: new Date(f.segment.endedAt) } };
  if (f.classification) out.classification = f.classification;
  if (f.evidence) {
    const { audioBase64, ...rest } = f.evidence;
    out.evidence = { ...rest, audio: Buffer.from(audioBase64, 'base64') };
  }
  return out;
}
