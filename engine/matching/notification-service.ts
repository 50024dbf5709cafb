// The in-app notification feed (table `notifications`), and an in-process event for each new notification so an
// event stream (SSE) can push it. Written inside the caller's transaction; published after it commits.
//
// With the room event bus (`events`), each notification is also appended to it in the same transaction, on the
// stream keyed by the member's id: the bus numbers a member's events gap-free in commit order, wakes every API
// process (NOTIFY/LISTEN, or its poll on PGlite) and replays after a Last-Event-ID, so a member's stream in any
// process sees every notification once. Room ids and member ids are both random UUIDs: the keys never meet.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type pg from 'pg';
import type { Queryable } from '../../db/queryable.js';
import { EngineError } from '../engine-error.js';
import type { RoomEventBus } from '../room-events/index.js';

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

/** One notification on a member's event stream: `id` is the stream's event id (the SSE `id:`). */
export type NotificationStreamEvent = { kind: 'notification'; id: number; notification: Notification } | { kind: 'gap'; firstKept: number };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class NotificationService {
  readonly #pool: pg.Pool;
  readonly #events = new EventEmitter();
  readonly #now: () => number;
  readonly #bus: RoomEventBus | undefined;

  constructor(pool: pg.Pool, opts: { now?: () => number; events?: RoomEventBus } = {}) {
    this.#pool = pool;
    this.#now = opts.now ?? Date.now;
    this.#bus = opts.events;
    this.#events.setMaxListeners(0);
  }

  /** Inserts one notification with `db` (a transaction's client); call publish() with the result after commit. */
  async add(db: Queryable, memberId: string, kind: string, payload: Record<string, unknown>, at = this.#now()): Promise<Notification> {
    const { rows } = await db.query<Row>(
      `INSERT INTO notifications (id, member_id, kind, payload, created_at) VALUES ($1, $2, $3, $4, $5)
       RETURNING id, member_id, kind, payload, created_at, read_at, seq`,
      [randomUUID(), memberId, kind, JSON.stringify(payload), new Date(at)],
    );
    const notification = toNotification(rows[0]!);
    // In the same transaction: the event commits (or rolls back) with the notification.
    await this.#bus?.append(memberId, 'notification', notification, db);
    return notification;
  }

  /** After the commit: this process's listeners and event streams hear the notifications at once. */
  publish(notifications: readonly Notification[]): void {
    for (const n of notifications) {
      this.#events.emit('notification', n);
      this.#bus?.kick(n.memberId);
    }
  }

  /** The id of the member's last stream event (0 before the first); a stream started after reading it misses nothing. */
  async lastEventId(memberId: string): Promise<number> {
    return this.#requireBus().head(memberId);
  }

  /**
   * The member's notifications as stream events, from every API process: those after `after` (replayed), then each
   * new one. A `gap` says events after `after` are past the bus's retention (reload the feed). Returns unsubscribe.
   */
  subscribeStream(memberId: string, listener: (e: NotificationStreamEvent) => void, opts: { after?: number } = {}): () => void {
    return this.#requireBus().subscribe(
      memberId,
      (event) => {
        if (event.kind === 'notification') listener({ kind: 'notification', id: event.id, notification: event.payload as Notification });
      },
      { after: opts.after, onGap: (firstKept) => listener({ kind: 'gap', firstKept }) },
    );
  }

  #requireBus(): RoomEventBus {
    if (this.#bus === undefined) throw new Error('NotificationService: no event bus (pass options.events) for notification streams');
    return this.#bus;
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
    const page = rows.slice(0, q.limit);
    return { items: page.map(toNotification), nextCursor: rows.length > q.limit ? page.at(-1)!.seq : null, unread: await this.unreadCount(memberId) };
  }

  /** How many of the member's notifications are unread. */
  async unreadCount(memberId: string): Promise<number> {
    const { rows } = await this.#pool.query<{ n: number }>('SELECT count(*)::int AS n FROM notifications WHERE member_id = $1 AND read_at IS NULL', [memberId]);
    return rows[0]!.n;
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
