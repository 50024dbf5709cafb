// Idempotency-Key support for creates: the first response per (member, operation, key) is kept and replayed.
// The key is claimed (INSERT … ON CONFLICT) before the handler runs, so two concurrent requests with the same key
// cannot both run it: the second sees the claim and is answered 409 idempotency_in_progress. A handler that fails
// releases the claim, so a retry runs it again; a claim left by a crashed process is taken over after claimTimeoutMs.
import crypto from 'node:crypto';
import type pg from 'pg';
import { ApiError } from './errors.js';

export interface StoredResponse {
  status: number;
  body: unknown;
}

/** The caller holds the key: run the handler, then complete() with its response or release() on failure. */
export interface IdempotencyClaim {
  kind: 'claimed';
  complete(response: StoredResponse): Promise<void>;
  release(): Promise<void>;
}

export type IdempotencyOutcome = IdempotencyClaim | ({ kind: 'replay' } & StoredResponse);

export interface IdempotencyStoreOptions {
  /** A claim older than this whose request never finished (the process died) may be taken over. Default 60 s. */
  claimTimeoutMs?: number;
  now?: () => number;
}

export class IdempotencyStore {
  readonly #pool: pg.Pool;
  readonly #claimTimeoutMs: number;
  readonly #now: () => number;

  constructor(pool: pg.Pool, options: IdempotencyStoreOptions = {}) {
    const { claimTimeoutMs = 60_000, now = Date.now } = options;
    if (!Number.isInteger(claimTimeoutMs) || claimTimeoutMs < 1) throw new TypeError('options.claimTimeoutMs must be a positive integer');
    if (typeof now !== 'function') throw new TypeError('options.now must be a function returning milliseconds');
    this.#pool = pool;
    this.#claimTimeoutMs = claimTimeoutMs;
    this.#now = now;
  }

  static hashRequest(body: unknown): string {
    return crypto.createHash('sha256').update(JSON.stringify(body ?? null)).digest('hex');
  }

  /**
   * Claims (memberId, operation, key) for this request, or answers with the stored response of the request that
   * completed with it. Throws 422 idempotency_key_reused when the key came with another body, and 409
   * idempotency_in_progress while the first request with the key is still running.
   */
  async claim(memberId: string, operation: string, key: string, requestHash: string): Promise<IdempotencyOutcome> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const claim = crypto.randomUUID();
      const now = this.#now();
      const taken = await this.#pool.query(
        `INSERT INTO idempotency_keys (member_id, operation, key, request_hash, status, body, claim, created_at)
         VALUES ($1, $2, $3, $4, NULL, NULL, $5, $6)
         ON CONFLICT (member_id, operation, key) DO UPDATE
           SET request_hash = EXCLUDED.request_hash, claim = EXCLUDED.claim, created_at = EXCLUDED.created_at
           WHERE idempotency_keys.status IS NULL AND idempotency_keys.created_at < $7
         RETURNING claim`,
        [memberId, operation, key, requestHash, claim, new Date(now), new Date(now - this.#claimTimeoutMs)],
      );
      if (taken.rowCount === 1) return this.#claimed(memberId, operation, key, claim);

      const { rows } = await this.#pool.query<{ request_hash: string; status: number | null; body: unknown }>(
        'SELECT request_hash, status, body FROM idempotency_keys WHERE member_id = $1 AND operation = $2 AND key = $3',
        [memberId, operation, key],
      );
      const held = rows[0];
      if (!held) continue; // released between the two statements: try to claim it again
      if (held.request_hash !== requestHash) {
        throw new ApiError(422, 'idempotency_key_reused', 'this Idempotency-Key was used with a different request body', [
          { field: 'header.Idempotency-Key', message: 'reused with different body' },
        ]);
      }
      if (held.status === null) {
        throw new ApiError(409, 'idempotency_in_progress', 'a request with this Idempotency-Key is still being processed; retry shortly', [
          { field: 'header.Idempotency-Key', message: 'in progress' },
        ], { 'Retry-After': '1' });
      }
      return { kind: 'replay', status: held.status, body: held.body };
    }
    throw new ApiError(409, 'idempotency_in_progress', 'this Idempotency-Key is contended; retry shortly', [], { 'Retry-After': '1' });
  }

  #claimed(memberId: string, operation: string, key: string, claim: string): IdempotencyClaim {
    const where = 'member_id = $1 AND operation = $2 AND key = $3 AND claim = $4 AND status IS NULL';
    return {
      kind: 'claimed',
      complete: async (response) => {
        await this.#pool.query(`UPDATE idempotency_keys SET status = $5, body = $6 WHERE ${where}`, [
          memberId,
          operation,
          key,
          claim,
          response.status,
          JSON.stringify(response.body ?? null),
        ]);
      },
      release: async () => {
        await this.#pool.query(`DELETE FROM idempotency_keys WHERE ${where}`, [memberId, operation, key, claim]);
      },
    };
  }
}
