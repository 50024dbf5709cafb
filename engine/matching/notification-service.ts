// The in-app notification feed (table `notifications`), and an in-process event for each new notification so an
// event stream (SSE) can push it. Written inside the caller's transaction; published after it commits.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type pg from 'pg';
import type { Queryable } from '../../db/queryable.js';
import { EngineError } from '../engine-error.js';

export interface Notification {
  id: string;
  memberId: string;
  kind: string;
  payload: Record<string, unknown>;
  createdAt: string;
  readAt: string | null;
}

interface Row {
  id: string;
  member_id: string;
  kind: string;
  payload: Record<string, unknown>;
  created_at: Date;
  read_at: Date | null;
  seq: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class NotificationService {
  readonly #pool: pg.Pool;
  readonly #events = new EventEmitter();
  readonly #now: () => number;

  constructor(pool: pg.Pool, opts: { now?: () => number } = {}) {
    this.#pool = pool;
    this.#now = opts.now ?? Date.now;
    this.#events.setMaxListeners(0);
  }

  /** Inserts one notification with `db` (a transaction's client); call publish() with the result after commit. */
  async add(db: Queryable, memberId: string, kind: string, payload: Record<string, unknown>, at = this.#now()): Promise<Notification> {
    const { rows } = await db.query<Row>(
      `INSERT INTO notifications (id, member_id, kind, payload, created_at) VALUES ($1, $2, $3, $4, $5)
       RETURNING id, member_id, kind, payload, created_at, read_at, seq`,
      [randomUUID(), memberId, kind, JSON.stringify(payload), new Date(at)],
    );
    return toNotification(rows[0]!);
  }

  publish(notifications: readonly Notification[]): void {
    for (const n of notifications) this.#events.emit('notification', n);
  }

  /** Every new notification of `memberId`, after it committed. Returns an unsubscribe function. */
  subscribe(memberId: string, listener: (n: Notification) => void): () => void {
    const on = (n: Notification) => {
      if (n.memberId === memberId) listener(n);
    };
    this.#events.on('notification', on);
    return () => this.#events.off('notification', on);
  }

  /** Newest first; `cursor` is the previous page's nextCursor. */
  async list(memberId: string, q: { limit: number; cursor?: string; unreadOnly?: boolean }): Promise<{ items: Notification[]; nextCursor: string | null; unread: number }> {
    if (q.cursor !== undefined && !/^\d{1,18}$/.test(q.cursor)) throw new EngineError('invalid', 'invalid_cursor', 'cursor must be the nextCursor of a previous page', 'cursor');
    const { rows } = await this.#pool.query<Row>(
      `SELECT id, member_id, kind, payload, created_at, read_at, seq FROM notifications
        WHERE member_id = $1 AND ($2::bigint IS NULL OR seq < $2::bigint) AND (NOT $3 OR read_at IS NULL)
        ORDER BY seq DESC LIMIT $4`,
      [memberId, q.cursor ?? null, q.unreadOnly ?? false, q.limit + 1],
    );
    const { rows: count } = await this.#pool.query<{ n: number }>('SELECT count(*)::int AS n FROM notifications WHERE member_id = $1 AND read_at IS NULL', [memberId]);
    const page = rows.slice(0, q.limit);
    return { items: page.map(toNotification), nextCursor: rows.length > q.limit ? page.at(-1)!.seq : null, unread: count[0]!.n };
  }

  /** Marks one of the member's own notifications read (idempotent); someone else's is not found. */
  async markRead(memberId: string, id: string): Promise<Notification> {
    if (!UUID.test(id)) throw new EngineError('not_found', 'notification_not_found', 'notification not found', 'id');
    const { rows } = await this.#pool.query<Row>(
      `UPDATE notifications SET read_at = COALESCE(read_at, $3) WHERE id = $1 AND member_id = $2
       RETURNING id, member_id, kind, payload, created_at, read_at, seq`,
      [id, memberId, new Date(this.#now())],
    );
    if (!rows[0]) throw new EngineError('not_found', 'notification_not_found', 'notification not found', 'id');
    return toNotification(rows[0]);
  }
}

function toNotification(r: Row): Notification {
  return { id: r.id, memberId: r.member_id, kind: r.kind, payload: r.payload, createdAt: r.created_at.toISOString(), readAt: r.read_at?.toISOString() ?? null };
}
