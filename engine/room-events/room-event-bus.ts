// The cross-process room event bus: every stage change, stage effect, caption and moderation flag of a room is
// appended to room_events (in the same transaction as the change when the caller passes its client) with a per-room
// gap-free `seq`, and announced with NOTIFY. Each API process LISTENs on one dedicated connection and fans events
// out to its own subscribers (the SSE streams), reading them back from the table; a subscriber names the last seq
// it has, so a stream that reconnects (to this process or another) replays from the table and then goes on live.
//
// Decisions:
// - The table is the truth and NOTIFY only a wake-up: a lost notification (the LISTEN connection dropped, the
//   database restarted) costs latency, never an event. After reconnecting, every room with subscribers is read
//   again from its subscribers' cursors, and a slow poll of the heads catches anything a notification missed.
// - Appends of this process wake its own subscribers directly (kick), without waiting for the notification.
// - On the embedded PGlite every connection shares one session behind the wire server, so a notification would
//   reach whichever connection runs next, not the listener: there the bus does not LISTEN and polls the heads
//   (pollMs, default 250 ms). With listen on, the poll is a slow safety net (default 2 s).
// - Delivery per room is serialized (one read at a time), in seq order, each event once per subscriber.
// - Retention: events older than maxAgeMs, and beyond the newest maxPerRoom of a room, are swept (sweep()). A
//   subscriber whose cursor falls before what is left is told (onGap) so it can start again from a fresh snapshot.
import pg from 'pg';
import type { Logger } from '../../core/logger.js';
import type { Queryable } from '../../db/queryable.js';

// `notification`: a member's in-app notification, on the stream keyed by the member's id (engine/matching/notification-service.ts).
export const ROOM_EVENT_KINDS = ['stage_state', 'stage_effect', 'caption', 'moderation_flag', 'moderation_undone', 'notification'] as const;
export type RoomEventKind = (typeof ROOM_EVENT_KINDS)[number];

/** The NOTIFY channel; the payload is `<roomId>:<seq>`. */
export const ROOM_EVENTS_CHANNEL = 'room_events';

export interface RoomEvent {
  /** The room's event number: gap-free, grows by one per append; the SSE `id:`. */
  id: number;
  roomId: string;
  kind: RoomEventKind;
  payload: unknown;
}

export type RoomEventListener = (event: RoomEvent) => void;

export interface RoomSubscribeOptions {
  /** Deliver events after this id (replayed from the table first); absent: from the room's head at subscribe time. */
  after?: number;
  /** Events after `after` were swept before they could be replayed: the first one still kept is `firstKept`. */
  onGap?: (firstKept: number) => void;
}

export interface RoomEventBusOptions {
  log: Logger;
  /** LISTEN for other processes' appends (PostgreSQL); false polls instead (the embedded PGlite). Default false. */
  listen?: boolean;
  /** Pause between looks at the heads of rooms with subscribers: default 2000 ms with listen, 250 ms without. */
  pollMs?: number;
  /** Events read per query (default 200). */
  batchSize?: number;
}

export interface RoomEventRetention {
  /** Events older than this are swept. */
  maxAgeMs: number;
  /** At most this many newest events are kept per room. */
  maxPerRoom: number;
}

interface Subscriber {
  listener: RoomEventListener;
  /** Last id delivered (or the starting point); null until the head has been read. */
  cursor: number | null;
  onGap?: (firstKept: number) => void;
  closed: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class RoomEventBus {
  readonly #pool: pg.Pool;
  readonly #log: Logger;
  readonly #listen: boolean;
  readonly #pollMs: number;
  readonly #batchSize: number;
  readonly #subscribers = new Map<string, Set<Subscriber>>();
  /** Rooms whose delivery is running; `again` asks for one more pass when it ends. */
  readonly #pumps = new Map<string, { again: boolean; done: Promise<void> }>();
  #listener: pg.Client | undefined;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #reconnectDelayMs = 500;
  #pollTimer: NodeJS.Timeout | undefined;
  #started = false;

  constructor(pool: pg.Pool, options: RoomEventBusOptions) {
    if (pool === null || typeof pool !== 'object' || typeof pool.query !== 'function') throw new TypeError('RoomEventBus: pool must be a pg Pool');
    if (!options?.log || typeof options.log.warn !== 'function') throw new TypeError('RoomEventBus: options.log must be a logger');
    this.#pool = pool;
    this.#log = options.log;
    this.#listen = options.listen ?? false;
    this.#pollMs = options.pollMs ?? (this.#listen ? 2000 : 250);
    this.#batchSize = options.batchSize ?? 200;
    if (!Number.isInteger(this.#pollMs) || this.#pollMs < 10) throw new TypeError('RoomEventBus: pollMs must be an integer of at least 10');
    if (!Number.isInteger(this.#batchSize) || this.#batchSize < 1) throw new TypeError('RoomEventBus: batchSize must be a positive integer');
  }

  // ---- Writing ---------------------------------------------------------------------------------------------------

  /**
   * Appends one event and returns its id. With `tx` (a client inside the caller's transaction) it commits or rolls
   * back with the change; call kick(roomId) after the commit so this process's subscribers hear it at once.
   * Without `tx` it is its own statement and this process's subscribers are woken here.
   */
  async append(roomId: string, kind: RoomEventKind, payload: unknown, tx?: Queryable): Promise<number> {
    if (typeof roomId !== 'string' || !UUID.test(roomId)) throw new TypeError('RoomEventBus.append: roomId must be a UUID');
    if (!(ROOM_EVENT_KINDS as readonly string[]).includes(kind)) throw new TypeError(`RoomEventBus.append: kind must be one of ${ROOM_EVENT_KINDS.join(', ')}`);
    const { rows } = await (tx ?? this.#pool).query<{ seq: string }>(
      `WITH head AS (
         INSERT INTO room_event_heads (room_id, seq) VALUES ($1, 1)
         ON CONFLICT (room_id) DO UPDATE SET seq = room_event_heads.seq + 1
         RETURNING seq
       ), appended AS (
         INSERT INTO room_events (room_id, seq, kind, payload) SELECT $1, seq, $2, $3::jsonb FROM head RETURNING seq
       )
       SELECT seq, pg_notify('${ROOM_EVENTS_CHANNEL}', $1::text || ':' || seq) FROM appended`,
      [roomId, kind, JSON.stringify(payload)],
    );
    const id = Number(rows[0]!.seq);
    if (tx === undefined) this.kick(roomId);
    return id;
  }

  /** The room's last event id (0 before its first event). A stream that starts from a snapshot read after this misses nothing. */
  async head(roomId: string): Promise<number> {
    if (typeof roomId !== 'string' || !UUID.test(roomId)) throw new TypeError('RoomEventBus.head: roomId must be a UUID');
    const { rows } = await this.#pool.query<{ seq: string }>('SELECT seq FROM room_event_heads WHERE room_id = $1', [roomId]);
    return rows[0] === undefined ? 0 : Number(rows[0].seq);
  }

  // ---- Reading ---------------------------------------------------------------------------------------------------

  /** Delivers the room's events after `options.after` in order, then each new one; returns unsubscribe. */
  subscribe(roomId: string, listener: RoomEventListener, options: RoomSubscribeOptions = {}): () => void {
    if (typeof roomId !== 'string' || !UUID.test(roomId)) throw new TypeError('RoomEventBus.subscribe: roomId must be a UUID');
    if (typeof listener !== 'function') throw new TypeError('RoomEventBus.subscribe: listener must be a function');
    const { after } = options;
    if (after !== undefined && (!Number.isSafeInteger(after) || after < 0)) throw new TypeError('RoomEventBus.subscribe: after must be a non-negative integer');
    const sub: Subscriber = { listener, cursor: after ?? null, onGap: options.onGap, closed: false };
    let set = this.#subscribers.get(roomId);
    if (set === undefined) this.#subscribers.set(roomId, (set = new Set()));
    set.add(sub);
    if (after === undefined) {
      this.head(roomId).then(
        (head) => {
          sub.cursor ??= head;
          this.kick(roomId);
        },
        (err: unknown) => this.#log.warn({ err, roomId }, 'room events: could not read the head for a new subscriber; retrying'),
      );
    } else {
      this.kick(roomId);
    }
    return () => {
      sub.closed = true;
      const current = this.#subscribers.get(roomId);
      current?.delete(sub);
      if (current?.size === 0) this.#subscribers.delete(roomId);
    };
  }

  /** Subscribers of a room in this process. */
  subscriberCount(roomId: string): number {
    return this.#subscribers.get(roomId)?.size ?? 0;
  }

  /** Reads the room's new events for this process's subscribers now (after an append committed, a notification). */
  kick(roomId: string): void {
    if (!this.#subscribers.has(roomId)) return;
    const running = this.#pumps.get(roomId);
    if (running !== undefined) {
      running.again = true;
      return;
    }
    const pump = { again: false, done: Promise.resolve() };
    this.#pumps.set(roomId, pump);
    pump.done = (async () => {
      try {
        do {
          pump.again = false;
          await this.#deliver(roomId);
        } while (pump.again);
      } catch (err) {
        // The database is away: the cursors stay, and the poll (or the reconnect) reads again.
        this.#log.warn({ err, roomId }, 'room events: delivery failed; retrying at the next poll');
      } finally {
        this.#pumps.delete(roomId);
      }
    })();
  }

  async #deliver(roomId: string): Promise<void> {
    for (;;) {
      const subs = [...(this.#subscribers.get(roomId) ?? [])];
      // A subscriber still waiting for its head has not started: it needs nothing yet.
      const cursors = subs.map((s) => s.cursor).filter((c): c is number => c !== null);
      if (cursors.length === 0) return;
      const from = Math.min(...cursors);
      const { rows } = await this.#pool.query<{ seq: string; kind: RoomEventKind; payload: unknown }>(
        'SELECT seq, kind, payload FROM room_events WHERE room_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
        [roomId, from, this.#batchSize],
      );
      if (rows.length === 0) return;
      const first = Number(rows[0]!.seq);
      for (const sub of subs) {
        // Seqs are gap-free: a missing stretch was swept by retention.
        if (sub.cursor !== null && !sub.closed && sub.cursor < first - 1) {
          sub.cursor = first - 1;
          this.#call(roomId, () => sub.onGap?.(first));
        }
      }
      for (const row of rows) {
        const event: RoomEvent = { id: Number(row.seq), roomId, kind: row.kind, payload: row.payload };
        for (const sub of subs) {
          if (sub.closed || sub.cursor === null || sub.cursor >= event.id) continue;
          sub.cursor = event.id;
          this.#call(roomId, () => sub.listener(event));
        }
      }
      if (rows.length < this.#batchSize) return;
    }
  }

  #call(roomId: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#log.warn({ err, roomId }, 'room events: a subscriber threw');
    }
  }

  // ---- Cross-process wake-ups ------------------------------------------------------------------------------------

  /** Starts listening for other processes' appends (when listen is on) and the poll of the heads. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    if (this.#listen) await this.#connectListener();
    this.#schedulePoll();
  }

  /** Stops listening and polling; subscribers stay but hear only this process's own appends. */
  async stop(): Promise<void> {
    this.#started = false;
    clearTimeout(this.#pollTimer);
    clearTimeout(this.#reconnectTimer);
    this.#pollTimer = undefined;
    this.#reconnectTimer = undefined;
    const client = this.#listener;
    this.#listener = undefined;
    await client?.end().catch(() => undefined);
    await Promise.all([...this.#pumps.values()].map((p) => p.done));
  }

  /** Whether the LISTEN connection is up (false while it reconnects, or when the bus polls). */
  get listening(): boolean {
    return this.#listener !== undefined;
  }

  async #connectListener(): Promise<void> {
    const client = new pg.Client({ ...(this.#pool.options as pg.ClientConfig), connectionTimeoutMillis: 5000 });
    const lost = (err?: unknown) => {
      if (this.#listener !== client) return;
      this.#listener = undefined;
      this.#log.warn({ err }, 'room events: the LISTEN connection was lost; reconnecting');
      client.end().catch(() => undefined);
      this.#scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (msg) => {
      if (msg.channel !== ROOM_EVENTS_CHANNEL || msg.payload === undefined) return;
      const roomId = msg.payload.slice(0, msg.payload.lastIndexOf(':'));
      this.kick(roomId);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${ROOM_EVENTS_CHANNEL}`);
    } catch (err) {
      client.end().catch(() => undefined);
      this.#log.warn({ err }, 'room events: could not LISTEN; retrying (the poll delivers meanwhile)');
      this.#scheduleReconnect();
      return;
    }
    if (!this.#started) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#listener = client;
    this.#reconnectDelayMs = 500;
    // Whatever was appended while nobody listened is in the table: read every room with subscribers again.
    for (const roomId of this.#subscribers.keys()) this.kick(roomId);
  }

  #scheduleReconnect(): void {
    if (!this.#started || this.#reconnectTimer !== undefined) return;
    const delay = this.#reconnectDelayMs;
    this.#reconnectDelayMs = Math.min(10_000, delay * 2);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (this.#started) void this.#connectListener();
    }, delay);
    this.#reconnectTimer.unref();
  }

  #schedulePoll(): void {
    if (!this.#started) return;
    this.#pollTimer = setTimeout(() => {
      this.#pollTimer = undefined;
      this.#poll()
        .catch((err: unknown) => this.#log.debug({ err }, 'room events: poll failed'))
        .finally(() => this.#schedulePoll());
    }, this.#pollMs);
    this.#pollTimer.unref();
  }

  /** One query for the heads of every room with subscribers; rooms ahead of their slowest subscriber are read. */
  async #poll(): Promise<void> {
    const rooms = [...this.#subscribers.keys()];
    if (rooms.length === 0) return;
    const { rows } = await this.#pool.query<{ room_id: string; seq: string }>('SELECT room_id, seq FROM room_event_heads WHERE room_id = ANY($1::uuid[])', [rooms]);
    for (const row of rows) {
      const cursors = [...(this.#subscribers.get(row.room_id) ?? [])].map((s) => s.cursor);
      if (cursors.some((c) => c === null || c < Number(row.seq))) {
        // A subscriber whose head read failed gets it from here.
        for (const s of this.#subscribers.get(row.room_id) ?? []) s.cursor ??= Number(row.seq);
        this.kick(row.room_id);
      }
    }
  }

  // ---- Retention -------------------------------------------------------------------------------------------------

  /** Deletes events past the retention window; returns how many. Heads stay, so ids never repeat. */
  async sweep(retention: RoomEventRetention): Promise<number> {
    if (!Number.isInteger(retention.maxAgeMs) || retention.maxAgeMs < 1) throw new TypeError('retention.maxAgeMs must be a positive integer');
    if (!Number.isInteger(retention.maxPerRoom) || retention.maxPerRoom < 1) throw new TypeError('retention.maxPerRoom must be a positive integer');
    const old = await this.#pool.query("DELETE FROM room_events WHERE created_at < now() - make_interval(secs => $1::double precision / 1000)", [retention.maxAgeMs]);
    const over = await this.#pool.query(
      `DELETE FROM room_events e USING room_event_heads h
       WHERE e.room_id = h.room_id AND e.seq <= h.seq - $1::bigint`,
      [retention.maxPerRoom],
    );
    return (old.rowCount ?? 0) + (over.rowCount ?? 0);
  }
}
