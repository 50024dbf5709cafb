// A named lease in PostgreSQL (worker_leases) so that a background worker started in every API process runs in one
// of them at a time. The holder renews the lease before each run; another process takes over once it expires (the
// holder died: kill -9, lost host) or is released (the holder stopped cleanly).
//
// Why a lease row and not pg_advisory_lock: a session-level advisory lock needs one connection held for the
// process's life and ends silently with it, and on the embedded PGlite every connection shares one session (its
// wire server), so the lock would not exclude anyone. A row with an expiry on the database's clock works on both.
import crypto from 'node:crypto';
import os from 'node:os';
import type { Queryable } from '../../db/queryable.js';

export interface WorkerLeaseOptions {
  /** The worker's name, the same in every process (e.g. "retention-sweeper"). */
  name: string;
  /** How long a renewal holds the lease: several run intervals, so a live holder never loses it between runs. */
  ttlMs: number;
  /** This process's identity; default host:pid:random (unique per start). */
  holder?: string;
}

/** The identity of this process as a lease holder: unique per process start. */
export const PROCESS_HOLDER = `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`;

export class WorkerLease {
  readonly name: string;
  readonly holder: string;
  readonly #db: Queryable;
  readonly #ttlMs: number;

  constructor(db: Queryable, options: WorkerLeaseOptions) {
    if (db === null || typeof db !== 'object' || typeof db.query !== 'function') throw new TypeError('WorkerLease: db must be a pg Pool or client');
    if (typeof options?.name !== 'string' || !/^[a-z0-9][a-z0-9._-]{0,99}$/.test(options.name)) {
      throw new TypeError('WorkerLease: name must be 1-100 characters of a-z, 0-9, ".", "_", "-"');
    }
    if (!Number.isInteger(options.ttlMs) || options.ttlMs < 100 || options.ttlMs > 86_400_000) {
      throw new TypeError('WorkerLease: ttlMs must be an integer from 100 to 86400000');
    }
    this.name = options.name;
    this.holder = options.holder ?? PROCESS_HOLDER;
    this.#db = db;
    this.#ttlMs = options.ttlMs;
  }

  /**
   * Takes the lease if it is free or expired, or renews it if this holder has it; true when this process holds it
   * now (for ttlMs from now). One statement: two processes racing get one winner.
   */
  async tryHold(): Promise<boolean> {
    const { rows } = await this.#db.query<{ holder: string }>(
      `INSERT INTO worker_leases (name, holder, acquired_at, expires_at)
       VALUES ($1, $2, now(), now() + make_interval(secs => $3::double precision / 1000))
       ON CONFLICT (name) DO UPDATE SET
         holder = EXCLUDED.holder,
         expires_at = EXCLUDED.expires_at,
         acquired_at = CASE WHEN worker_leases.holder = EXCLUDED.holder THEN worker_leases.acquired_at ELSE now() END
       WHERE worker_leases.holder = EXCLUDED.holder OR worker_leases.expires_at <= now()
       RETURNING holder`,
      [this.name, this.holder, this.#ttlMs],
    );
    return rows[0]?.holder === this.holder;
  }

  /** Gives the lease up if this holder has it, so another process takes over at its next run instead of after ttlMs. */
  async release(): Promise<void> {
    await this.#db.query('DELETE FROM worker_leases WHERE name = $1 AND holder = $2', [this.name, this.holder]);
  }

  /** Who holds the lease now (an unexpired row), or null. */
  async currentHolder(): Promise<string | null> {
    const { rows } = await this.#db.query<{ holder: string }>('SELECT holder FROM worker_leases WHERE name = $1 AND expires_at > now()', [this.name]);
    return rows[0]?.holder ?? null;
  }

  /**
   * Runs `work` only if this process holds the lease (taking or renewing it first); otherwise skips it. Returns
   * whether it ran. A failed lease query throws, like the work would (the worker's own error handling logs it).
   */
  async runIfHeld<T>(work: () => Promise<T>): Promise<{ ran: true; result: T } | { ran: false }> {
    if (!(await this.tryHold())) return { ran: false };
    return { ran: true, result: await work() };
  }
}

/**
 * The lease of one named background worker renewed every `intervalMs`: it lasts three intervals (at least 5 s), so
 * a slow run does not lose it, and a holder that died is replaced within that.
 */
export function leaseFor(db: Queryable, name: string, intervalMs: number): WorkerLease {
  return new WorkerLease(db, { name, ttlMs: Math.min(86_400_000, Math.max(5_000, Math.round(intervalMs * 3))) });
}
