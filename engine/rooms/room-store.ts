// Rooms as persisted: the engine's record of each audio room and its lifecycle.
import type pg from 'pg';

export type RoomStatus = 'scheduled' | 'live' | 'ended';

export interface RoomRecord {
  id: string;
  livekitName: string;
  hostMemberId: string;
  title: string;
  description: string;
  status: RoomStatus;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
}

interface Row {
  id: string;
  livekit_name: string;
  host_member_id: string;
  title: string;
  description: string;
  status: RoomStatus;
  created_at: Date;
  started_at: Date | null;
  ended_at: Date | null;
}

const COLUMNS = 'id, livekit_name, host_member_id, title, description, status, created_at, started_at, ended_at';

export class RoomStore {
  constructor(private readonly pool: pg.Pool) {}

  async insert(room: Omit<RoomRecord, 'createdAt' | 'startedAt' | 'endedAt'> & { startedAt: Date | null }): Promise<RoomRecord> {
    const { rows } = await this.pool.query<Row>(
      `INSERT INTO rooms (id, livekit_name, host_member_id, title, description, status, started_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
      [room.id, room.livekitName, room.hostMemberId, room.title, room.description, room.status, room.startedAt],
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
}

function toRecord(r: Row): RoomRecord {
  return {
    id: r.id,
    livekitName: r.livekit_name,
    hostMemberId: r.host_member_id,
    title: r.title,
    description: r.description,
    status: r.status,
    createdAt: r.created_at.toISOString(),
    startedAt: r.started_at?.toISOString() ?? null,
    endedAt: r.ended_at?.toISOString() ?? null,
  };
}
