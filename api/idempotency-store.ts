// Idempotency-Key support for creates: the first response per (member, operation, key) is kept and replayed.
import crypto from 'node:crypto';
import type pg from 'pg';

export interface StoredResponse {
  requestHash: string;
  status: number;
  body: unknown;
}

export class IdempotencyStore {
  constructor(private readonly pool: pg.Pool) {}

  static hashRequest(body: unknown): string {
    return crypto.createHash('sha256').update(JSON.stringify(body ?? null)).digest('hex');
  }

  async find(memberId: string, operation: string, key: string): Promise<StoredResponse | undefined> {
    const { rows } = await this.pool.query<{ request_hash: string; status: number; body: unknown }>(
      'SELECT request_hash, status, body FROM idempotency_keys WHERE member_id = $1 AND operation = $2 AND key = $3',
      [memberId, operation, key],
    );
    const r = rows[0];
    return r && { requestHash: r.request_hash, status: r.status, body: r.body };
  }

  async save(memberId: string, operation: string, key: string, response: StoredResponse): Promise<void> {
    await this.pool.query(
      `INSERT INTO idempotency_keys (member_id, operation, key, request_hash, status, body) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING`,
      [memberId, operation, key, response.requestHash, response.status, JSON.stringify(response.body ?? null)],
    );
  }
}
