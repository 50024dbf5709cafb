// Rooms as persisted: the record of each audio room, its lifecycle, RSVPs, invitations and media presence.
import type pg from 'pg';
import { inTransaction, type Queryable } from '../../db/queryable.js';
import { isPlatformRole, type PlatformRole, type RoomVisibility } from '../access/roles.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type RoomStatus = 'scheduled' | 'live' | 'ended';
export type EndedReason = 'host' | 'empty' | 'staff' | 'cancelled';

export interface RoomRecord {
  id: string;
  livekitName: string;
  hostMemberId: string;
  title: string;
  description: string;
  topics: string[];
  groupId: string | null;
  visibility: RoomVisibility;
  maxListeners: number;
  handRaisingEnabled: boolean;
  status: RoomStatus;
  scheduledFor: string | null;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  endedReason: EndedReason | null;
  /** Keyset cursor for listings. */
  seq: string;
}

/** What creating a room stores: the record's own fields, with times as Dates; the rest is the database's. */
export type NewRoom = Omit<RoomRecord, 'scheduledFor' | 'createdAt' | 'startedAt' | 'endedAt' | 'endedReason' | 'seq'> & {
  scheduledFor: Date | null;
  startedAt: Date | null;
};

/** Most live rooms at once: per host and on the whole platform. */
export interface LiveRoomCaps {
  perMember: number;
  total: number;
}

/** Thrown by insert/transition when going live would pass a LiveRoomCaps limit; nothing was written. */
export class LiveRoomCapReached extends Error {
  constructor(readonly which: 'member' | 'platform', readonly cap: number) {
    super(which === 'member' ? `at most ${cap} live rooms per host` : `at most ${cap} live rooms on the platform`);
    this.name = 'LiveRoomCapReached';
  }
}

// One lock for every write that makes a room live, so two concurrent creates cannot both take the last slot.
const LIVE_SLOT_LOCK = 727275;

export interface RoomListFilter {
  status: 'live' | 'scheduled';
  topic?: string;
  groupId?: string;
  hostMemberId?: string;
  /** Exclusive keyset cursor: seq for live rooms; with `afterScheduledFor`, (scheduled_for, seq) for scheduled ones. */
  afterSeq?: string;
  /** Scheduled listings only: the cursor room's scheduled_for (required with afterSeq there). */
  afterScheduledFor?: Date;
  limit: number;
}

interface Row {
  id: string;
  livekit_name: string;
  host_member_id: string;
  title: string;
  description: string;
  topics: string[];
  group_id: string | null;
  visibility: RoomVisibility;
  max_listeners: number;
  hand_raising_enabled: boolean;
  status: RoomStatus;
  scheduled_for: Date | null;
  created_at: Date;
  started_at: Date | null;
  ended_at: Date | null;
  ended_reason: EndedReason | null;
  seq: string;
}


const COLUMNS = `id, livekit_name, host_member_id, title, description, topics, group_id, visibility, max_listeners,
  hand_raising_enabled, status, scheduled_for, created_at, started_at, ended_at, ended_reason, seq`;

export class RoomStore {
  constructor(private readonly pool: pg.Pool) {}

  /** Stores a new room; a live one only within `caps` (LiveRoomCapReached otherwise). */
  async insert(room: NewRoom, caps?: LiveRoomCaps): Promise<RoomRecord> {
    return this.#withinCaps(room.status === 'live' ? caps : undefined, room.hostMemberId, async (db) => this.#insert(db, room));
  }

  async #insert(db: Queryable, room: NewRoom): Promise<RoomRecord> {
    const { rows } = await db.query<Row>(
      `INSERT INTO rooms (id, livekit_name, host_member_id, title, description, topics, group_id, visibility, max_listeners,
         hand_raising_enabled, status, scheduled_for, started_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING ${COLUMNS}`,
      [
        room.id,
        room.livekitName,
        room.hostMemberId,
        room.title,
        room.description,
        room.topics,
        room.groupId,
        room.visibility,
        room.maxListeners,
        room.handRaisingEnabled,
        room.status,
        room.scheduledFor,
        room.startedAt,
      ],
    );
    return toRecord(rows[0]!);
  }

  async get(id: string): Promise<RoomRecord | undefined> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM rooms WHERE id = $1`, [id]);
    return rows[0] && toRecord(rows[0]);
  }

  async findByLivekitName(name: string): Promise<RoomRecord | undefined> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM rooms WHERE livekit_name = $1`, [name]);
    return rows[0] && toRecord(rows[0]);
  }

  /** Moves a room from one status to the next only if it is still in the expected one; undefined when it was not. */
  async transition(
    id: string,
    from: RoomStatus,
    to: { status: RoomStatus; startedAt?: Date; endedAt?: Date; endedReason?: EndedReason; scheduledFor?: Date | null },
    /** With a move to live: the caps it must stay within (LiveRoomCapReached otherwise), for the room's host. */
    live?: { caps: LiveRoomCaps; hostMemberId: string },
  ): Promise<RoomRecord | undefined> {
    return this.#withinCaps(to.status === 'live' ? live?.caps : undefined, live?.hostMemberId ?? '', (db) => this.#transition(db, id, from, to));
  }

  async #transition(
    db: Queryable,
    id: string,
    from: RoomStatus,
    to: { status: RoomStatus; startedAt?: Date; endedAt?: Date; endedReason?: EndedReason; scheduledFor?: Date | null },
  ): Promise<RoomRecord | undefined> {
    const { rows } = await db.query<Row>(
      `UPDATE rooms SET status = $3,
         started_at = COALESCE($4, started_at),
         ended_at = COALESCE($5, ended_at),
         ended_reason = COALESCE($6, ended_reason),
         scheduled_for = CASE WHEN $7::boolean THEN $8 ELSE scheduled_for END
       WHERE id = $1 AND status = $2 RETURNING ${COLUMNS}`,
      [id, from, to.status, to.startedAt ?? null, to.endedAt ?? null, to.endedReason ?? null, to.scheduledFor !== undefined, to.scheduledFor ?? null],
    );
    return rows[0] && toRecord(rows[0]);
  }

  /** Runs `write` directly, or with caps inside one transaction holding the live-slot lock after counting live rooms. */
  async #withinCaps<T>(caps: LiveRoomCaps | undefined, hostMemberId: string, write: (db: Queryable) => Promise<T>): Promise<T> {
    if (caps === undefined) return write(this.pool);
    return inTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [LIVE_SLOT_LOCK]);
      const { rows } = await client.query<{ total: number; mine: number }>(
        "SELECT count(*)::int AS total, count(*) FILTER (WHERE host_member_id = $1)::int AS mine FROM rooms WHERE status = 'live'",
        [hostMemberId],
      );
      const counts = rows[0] ?? { total: 0, mine: 0 };
      if (counts.mine >= caps.perMember) throw new LiveRoomCapReached('member', caps.perMember);
      if (counts.total >= caps.total) throw new LiveRoomCapReached('platform', caps.total);
      return write(client);
    });
  }

  /** Changes the given details of a room that has not ended; undefined when it has (or does not exist). */
  async updateDetails(id: string, changes: { title?: string; description?: string; topics?: string[] }): Promise<RoomRecord | undefined> {
    const { rows } = await this.pool.query<Row>(
      `UPDATE rooms SET title = COALESCE($2, title), description = COALESCE($3, description), topics = COALESCE($4, topics)
       WHERE id = $1 AND status <> 'ended' RETURNING ${COLUMNS}`,
      [id, changes.title ?? null, changes.description ?? null, changes.topics ?? null],
    );
    return rows[0] && toRecord(rows[0]);
  }

  /** Live rooms newest first; scheduled rooms soonest first. */
  async list(filter: RoomListFilter): Promise<RoomRecord[]> {
    const where = ['status = $1'];
    const params: unknown[] = [filter.status];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.topic) add('? = ANY(topics)', filter.topic);
    if (filter.groupId) add('group_id = ?', filter.groupId);
    if (filter.hostMemberId) add('host_member_id = ?', filter.hostMemberId);
    if (filter.status === 'live') {
      if (filter.afterSeq) add('seq < ?', filter.afterSeq);
    } else if (filter.afterSeq !== undefined || filter.afterScheduledFor !== undefined) {
      if (filter.afterSeq === undefined || !(filter.afterScheduledFor instanceof Date)) {
        throw new TypeError('a scheduled listing pages by afterScheduledFor and afterSeq together');
      }
      params.push(filter.afterScheduledFor);
      add(`(scheduled_for, seq) > ($${params.length}, ?)`, filter.afterSeq);
    }
    params.push(filter.limit);
    // Upcoming rooms by when they happen (seq breaks ties), so paging follows the time order too.
    const order = filter.status === 'live' ? 'seq DESC' : 'scheduled_for ASC, seq ASC';
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM rooms WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT $${params.length}`, params);
    return rows.map(toRecord);
  }

  async addRsvp(roomId: string, memberId: string): Promise<void> {
    await this.pool.query('INSERT INTO room_rsvps (room_id, member_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [roomId, memberId]);
  }

  async removeRsvp(roomId: string, memberId: string): Promise<void> {
    await this.pool.query('DELETE FROM room_rsvps WHERE room_id = $1 AND member_id = $2', [roomId, memberId]);
  }

  async rsvpInfo(roomId: string, memberId: string): Promise<{ count: number; mine: boolean }> {
    const { rows } = await this.pool.query<{ count: string; mine: boolean }>(
      'SELECT count(*) AS count, bool_or(member_id = $2) AS mine FROM room_rsvps WHERE room_id = $1',
      [roomId, memberId],
    );
    return { count: Number(rows[0]?.count ?? 0), mine: rows[0]?.mine ?? false };
  }

  async addInvitation(roomId: string, memberId: string, invitedBy: string): Promise<boolean> {
    const res = await this.pool.query('INSERT INTO room_invitations (room_id, member_id, invited_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [roomId, memberId, invitedBy]);
    return res.rowCount === 1;
  }

  async isInvited(roomId: string, memberId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM room_invitations WHERE room_id = $1 AND member_id = $2', [roomId, memberId]);
    return (rowCount ?? 0) > 0;
  }

  /**
   * Records a media session as open; true while that session is open (also for a repeated delivery), false when
   * it already left (its participant_left was recorded first).
   */
  async participantJoined(roomId: string, p: { identity: string; sid: string; isAgent: boolean; at: Date }): Promise<boolean> {
    await this.pool.query(
      `INSERT INTO room_presence (room_id, identity, participant_sid, is_agent, joined_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (room_id, participant_sid) DO NOTHING`,
      [roomId, p.identity, p.sid, p.isAgent, p.at],
    );
    const { rows } = await this.pool.query<{ open: boolean }>(
      'SELECT left_at IS NULL AS open FROM room_presence WHERE room_id = $1 AND participant_sid = $2',
      [roomId, p.sid],
    );
    return rows[0]?.open ?? false;
  }

  /** Records a media session as closed, also one whose participant_joined has not been recorded (yet). */
  async participantLeft(roomId: string, p: { identity: string; sid: string; isAgent: boolean; at: Date }): Promise<void> {
    await this.pool.query(
      `INSERT INTO room_presence (room_id, identity, participant_sid, is_agent, joined_at, left_at) VALUES ($1, $2, $3, $4, $5, $5)
       ON CONFLICT (room_id, participant_sid) DO UPDATE SET left_at = COALESCE(room_presence.left_at, EXCLUDED.left_at)`,
      [roomId, p.identity, p.sid, p.isAgent, p.at],
    );
  }

  /** Whether the identity still has a media session open (it may have reconnected before the old one left). */
  async hasOpenSession(roomId: string, identity: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM room_presence WHERE room_id = $1 AND identity = $2 AND left_at IS NULL', [roomId, identity]);
    return (rowCount ?? 0) > 0;
  }

  async trackPublished(roomId: string, t: { trackSid: string; identity: string; source: string; at: Date }): Promise<void> {
    await this.pool.query(
      `INSERT INTO room_tracks (room_id, track_sid, identity, source, published_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [roomId, t.trackSid, t.identity, t.source, t.at],
    );
  }

  async trackUnpublished(roomId: string, trackSid: string, at: Date): Promise<void> {
    await this.pool.query('UPDATE room_tracks SET unpublished_at = $3 WHERE room_id = $1 AND track_sid = $2 AND unpublished_at IS NULL', [roomId, trackSid, at]);
  }

  async presence(roomId: string): Promise<{ connected: { identity: string; isAgent: boolean; joinedAt: string }[]; tracks: { trackSid: string; identity: string; source: string }[] }> {
    const [people, tracks] = await Promise.all([
      this.pool.query<{ identity: string; is_agent: boolean; joined_at: Date }>(
        'SELECT identity, is_agent, joined_at FROM room_presence WHERE room_id = $1 AND left_at IS NULL ORDER BY joined_at',
        [roomId],
      ),
      this.pool.query<{ track_sid: string; identity: string; source: string }>(
        'SELECT track_sid, identity, source FROM room_tracks WHERE room_id = $1 AND unpublished_at IS NULL ORDER BY published_at',
        [roomId],
      ),
    ]);
    return {
      connected: people.rows.map((r) => ({ identity: r.identity, isAgent: r.is_agent, joinedAt: r.joined_at.toISOString() })),
      tracks: tracks.rows.map((r) => ({ trackSid: r.track_sid, identity: r.identity, source: r.source })),
    };
  }

  /**
   * The platform roles of the member with this id (a LiveKit identity is a member id), or undefined when no member
   * has it. Read when LiveKit reports a connection, so the join policy sees roles as they are now.
   */
  async platformRolesOf(memberId: string): Promise<PlatformRole[] | undefined> {
    if (!UUID.test(memberId)) return undefined;
    const { rows } = await this.pool.query<{ platform_roles: string[] }>('SELECT platform_roles FROM members WHERE id = $1', [memberId]);
    const roles = rows[0]?.platform_roles;
    return roles === undefined ? undefined : roles.filter(isPlatformRole);
  }

  /** Whether a webhook delivery with this event id was already handled. */
  async webhookHandled(id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM livekit_webhook_events WHERE id = $1', [id]);
    return (rowCount ?? 0) > 0;
  }

  /** Records a handled webhook delivery; false when another delivery of the same event id recorded it first. */
  async recordWebhook(id: string, event: string, roomName: string | undefined): Promise<boolean> {
    const res = await this.pool.query('INSERT INTO livekit_webhook_events (id, event, room_name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [id, event, roomName ?? null]);
    return res.rowCount === 1;
  }
}

function toRecord(r: Row): RoomRecord {
  return {
    id: r.id,
    livekitName: r.livekit_name,
    hostMemberId: r.host_member_id,
    title: r.title,
    description: r.description,
    topics: r.topics,
    groupId: r.group_id,
    visibility: r.visibility,
    maxListeners: r.max_listeners,
    handRaisingEnabled: r.hand_raising_enabled,
    status: r.status,
    scheduledFor: r.scheduled_for?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
    startedAt: r.started_at?.toISOString() ?? null,
    endedAt: r.ended_at?.toISOString() ?? null,
    endedReason: r.ended_reason,
    seq: String(r.seq),
  };
}
