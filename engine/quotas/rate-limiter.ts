// The one rate-limiting mechanism: keyed, windowed limits ("at most `limit` hits per `windowSeconds` for this
// key"), as a sliding-window log, so a burst at a window edge cannot double the allowance. Refused hits are not
// recorded: whoever is refused gets in again as soon as the window slides.
//
// Decisions:
// - Backed by PostgreSQL (table rate_limit_hits, migration 0009), so every API process sharing the database shares
//   the counts; nothing here is per-process. Each consume() is one short transaction under an advisory lock on
//   (bucket, key), so concurrent hits of the same key are counted exactly, on PostgreSQL and on PGlite alike.
// - Callers speak to the RateLimiter interface; a faster shared store (Redis, say) can implement it later.
// - Expired rows are swept by consume() itself every SWEEP_EVERY calls (and by sweep()), so memory-less keys such as
//   one-off IPs do not pile up.
import type pg from 'pg';
import { inTransaction } from '../../db/queryable.js';

export interface RateLimit {
  /** Hits allowed per window. */
  limit: number;
  windowSeconds: number;
}

export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  /** Records one hit of `key` in `bucket` if the limit allows it; otherwise says how long to wait. */
  consume(bucket: string, key: string, limit: RateLimit): Promise<RateDecision>;
  /** Forgets the hits of `key` in `bucket` (e.g. after a successful login). */
  reset(bucket: string, key: string): Promise<void>;
  /** Gives back the newest hit of `key` in `bucket`: a request refused as bad input did no work and costs nothing. */
  refund(bucket: string, key: string): Promise<void>;
}

export interface PgRateLimiterOptions {
  /** Milliseconds since epoch; injected so tests control time. */
  now?: () => number;
}

const SWEEP_EVERY = 500;

export function checkRateLimit(value: unknown, field = 'limit'): RateLimit {
  if (typeof value !== 'object' || value === null) throw new TypeError(`${field} must be an object`);
  const { limit, windowSeconds } = value as Partial<RateLimit>;
  if (!Number.isInteger(limit) || (limit as number) < 1) throw new TypeError(`${field}.limit must be a positive integer`);
  if (typeof windowSeconds !== 'number' || !Number.isFinite(windowSeconds) || windowSeconds <= 0) {
    throw new TypeError(`${field}.windowSeconds must be a positive number`);
  }
  return { limit: limit as number, windowSeconds };
}

function requireName(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 300) throw new TypeError(`${field} must be a non-empty string of at most 300 characters`);
  return value;
}

export class PgRateLimiter implements RateLimiter {
  readonly #pool: pg.Pool;
  readonly #now: () => number;
  #calls = 0;

  constructor(pool: pg.Pool, options: PgRateLimiterOptions = {}) {
    if (pool === null || typeof pool !== 'object') throw new TypeError('pool must be a pg Pool');
    if (options.now !== undefined && typeof options.now !== 'function') throw new TypeError('options.now must be a function returning milliseconds');
    this.#pool = pool;
    this.#now = options.now ?? Date.now;
  }

  async consume(bucket: string, key: string, limit: RateLimit): Promise<RateDecision> {
    requireName(bucket, 'bucket');
    requireName(key, 'key');
    const { limit: max, windowSeconds } = checkRateLimit(limit);
    const now = this.#readClock();
    const windowMs = windowSeconds * 1000;
    const since = new Date(now - windowMs);
    const decision = await inTransaction(this.#pool, async (client): Promise<RateDecision> => {
      await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1 || E'\\n' || $2, 0))", [bucket, key]);
      await client.query('DELETE FROM rate_limit_hits WHERE bucket = $1 AND key = $2 AND at <= $3', [bucket, key, since]);
      // The newest `max` hits still in the window; when there are that many, the oldest of them frees the next slot.
      const { rows } = await client.query<{ at: Date }>(
        'SELECT at FROM rate_limit_hits WHERE bucket = $1 AND key = $2 AND at > $3 ORDER BY at DESC LIMIT $4',
        [bucket, key, since, max],
      );
      if (rows.length >= max) {
        const oldest = rows[rows.length - 1]!.at.getTime();
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)) };
      }
      await client.query('INSERT INTO rate_limit_hits (bucket, key, at, expires_at) VALUES ($1, $2, $3, $4)', [bucket, key, new Date(now), new Date(now + windowMs)]);
      return { allowed: true, remaining: max - rows.length - 1 };
    });
    if (++this.#calls % SWEEP_EVERY === 0) await this.sweep();
    return decision;
  }

  async refund(bucket: string, key: string): Promise<void> {
    requireName(bucket, 'bucket');
    requireName(key, 'key');
    await this.#pool.query(
      `DELETE FROM rate_limit_hits WHERE ctid = (
         SELECT ctid FROM rate_limit_hits WHERE bucket = $1 AND key = $2 ORDER BY at DESC LIMIT 1)`,
      [bucket, key],
    );
  }

  async reset(bucket: string, key: string): Promise<void> {
    requireName(bucket, 'bucket');
    requireName(key, 'key');
    await this.#pool.query('DELETE FROM rate_limit_hits WHERE bucket = $1 AND key = $2', [bucket, key]);
  }

  /** Deletes every hit whose window has passed; returns how many. */
  async sweep(): Promise<number> {
    const res = await this.#pool.query('DELETE FROM rate_limit_hits WHERE expires_at <= $1', [new Date(this.#readClock())]);
    return res.rowCount ?? 0;
  }

  #readClock(): number {
    const now = this.#now();
    if (typeof now !== 'number' || !Number.isFinite(now)) throw new TypeError('options.now() must return a finite number of milliseconds');
    return now;
  }
}
