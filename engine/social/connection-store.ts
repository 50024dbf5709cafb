// Pending connection requests and the connections they become. A connection is one row per pair (smaller id
// first); the SQL orders the pair with LEAST/GREATEST so callers never need to.
import { summaryColumns, summaryFrom } from './member-summary.js';
import type { CheckedPage } from './guards.js';
import { toPage } from './page.js';
import type { Queryable } from '../../db/queryable.js';
import type { Connection, ConnectionRequest, Page } from './types.js';

export interface PendingRequest {
  id: string;
  requesterId: string;
  recipientId: string;
}

export type RequestDirection = 'incoming' | 'outgoing';

const REQUEST_SELECT = `SELECT r.id, r.seq, r.created_at, ${summaryColumns('q', 'q_')}, ${summaryColumns('p', 'p_')}
  FROM connection_requests r JOIN members q ON q.id = r.requester_id JOIN members p ON p.id = r.recipient_id`;

interface RequestRow extends Record<string, unknown> {
  id: string;
  seq: string;
  created_at: Date;
}

interface ConnectionRow extends Record<string, unknown> {
  seq: string;
  created_at: Date;
}

export class ConnectionStore {
  constructor(private readonly db: Queryable) {}

  /** Serialises every change to one pair's relationship (request, accept, block...) until the transaction ends. */
  async lockPair(a: string, b: string): Promise<void> {
    const key = [a, b].sort().join(':');
    await this.db.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`social.pair:${key}`]);
  }

  async findPendingBetween(a: string, b: string): Promise<PendingRequest | undefined> {
    const { rows } = await this.db.query<{ id: string; requester_id: string; recipient_id: string }>(
      `SELECT id, requester_id, recipient_id FROM connection_requests
       WHERE (requester_id = $1 AND recipient_id = $2) OR (requester_id = $2 AND recipient_id = $1)`,
      [a, b],
    );
    const r = rows[0];
    return r && { id: r.id, requesterId: r.requester_id, recipientId: r.recipient_id };
  }

  async findPending(id: string): Promise<PendingRequest | undefined> {
    const { rows } = await this.db.query<{ id: string; requester_id: string; recipient_id: string }>(
      'SELECT id, requester_id, recipient_id FROM connection_requests WHERE id = $1',
      [id],
    );
    const r = rows[0];
    return r && { id: r.id, requesterId: r.requester_id, recipientId: r.recipient_id };
  }

  async insertRequest(id: string, requesterId: string, recipientId: string): Promise<ConnectionRequest> {
    await this.db.query('INSERT INTO connection_requests (id, requester_id, recipient_id) VALUES ($1, $2, $3)', [id, requesterId, recipientId]);
    const { rows } = await this.db.query<RequestRow>(`${REQUEST_SELECT} WHERE r.id = $1`, [id]);
    return toRequest(rows[0]!);
  }

  async deleteRequest(id: string): Promise<boolean> {
    const res = await this.db.query('DELETE FROM connection_requests WHERE id = $1', [id]);
    return res.rowCount === 1;
  }

  async deleteRequestsBetween(a: string, b: string): Promise<number> {
    const res = await this.db.query(
      'DELETE FROM connection_requests WHERE (requester_id = $1 AND recipient_id = $2) OR (requester_id = $2 AND recipient_id = $1)',
      [a, b],
    );
    return res.rowCount ?? 0;
  }

  async listRequests(memberId: string, direction: RequestDirection, page: CheckedPage): Promise<Page<ConnectionRequest>> {
    const column = direction === 'incoming' ? 'r.recipient_id' : 'r.requester_id';
    const { rows } = await this.db.query<RequestRow>(
      `${REQUEST_SELECT} WHERE ${column} = $1 AND ($2::bigint IS NULL OR r.seq < $2::bigint) ORDER BY r.seq DESC LIMIT $3`,
      [memberId, page.after, page.limit + 1],
    );
    return toPage(rows, page.limit, toRequest);
  }

  async areConnected(a: string, b: string): Promise<boolean> {
    const { rows } = await this.db.query(
      'SELECT 1 FROM connections WHERE member_low = LEAST($1::uuid, $2::uuid) AND member_high = GREATEST($1::uuid, $2::uuid)',
      [a, b],
    );
    return rows.length > 0;
  }

  /** Connects the pair (no-op when already connected) and returns the connection as `memberId` sees it. */
  async connect(memberId: string, otherId: string): Promise<Connection> {
    await this.db.query(
      'INSERT INTO connections (member_low, member_high) VALUES (LEAST($1::uuid, $2::uuid), GREATEST($1::uuid, $2::uuid)) ON CONFLICT DO NOTHING',
      [memberId, otherId],
    );
    const { rows } = await this.db.query<ConnectionRow>(
      `SELECT c.seq, c.created_at, ${summaryColumns('o', 'o_')} FROM connections c JOIN members o ON o.id = $2
       WHERE c.member_low = LEAST($1::uuid, $2::uuid) AND c.member_high = GREATEST($1::uuid, $2::uuid)`,
      [memberId, otherId],
    );
    return toConnection(rows[0]!);
  }

  async disconnect(a: string, b: string): Promise<boolean> {
    const res = await this.db.query(
      'DELETE FROM connections WHERE member_low = LEAST($1::uuid, $2::uuid) AND member_high = GREATEST($1::uuid, $2::uuid)',
      [a, b],
    );
    return res.rowCount === 1;
  }

  async count(memberId: string): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      'SELECT ((SELECT count(*) FROM connections WHERE member_low = $1) + (SELECT count(*) FROM connections WHERE member_high = $1))::int AS n',
      [memberId],
    );
    return rows[0]!.n;
  }

  /** Newest connections first. */
  async list(memberId: string, page: CheckedPage): Promise<Page<Connection>> {
    const { rows } = await this.db.query<ConnectionRow>(
      `SELECT c.seq, c.created_at, ${summaryColumns('o', 'o_')}
       FROM connections c JOIN members o ON o.id = CASE WHEN c.member_low = $1 THEN c.member_high ELSE c.member_low END
       WHERE (c.member_low = $1 OR c.member_high = $1) AND ($2::bigint IS NULL OR c.seq < $2::bigint)
       ORDER BY c.seq DESC LIMIT $3`,
      [memberId, page.after, page.limit + 1],
    );
    return toPage(rows, page.limit, toConnection);
  }
}

function toRequest(r: RequestRow): ConnectionRequest {
  return { id: r.id, requester: summaryFrom(r, 'q_'), recipient: summaryFrom(r, 'p_'), createdAt: r.created_at.toISOString() };
}

function toConnection(r: ConnectionRow): Connection {
  return { member: summaryFrom(r, 'o_'), connectedAt: r.created_at.toISOString() };
}
