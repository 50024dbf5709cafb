// The stage_effects outbox as stored: rows are inserted inside the stage commit's transaction (StageStore.commit),
// claimed by the effect worker with FOR UPDATE SKIP LOCKED and a lease, and settled as applied or failed.
import type pg from 'pg';

export type LiveKitEffectKind = 'grant_publish' | 'revoke_publish' | 'mute_track' | 'remove';
export type EffectStatus = 'pending' | 'applied' | 'failed';
export type EffectOutcome = 'applied' | 'participant_absent' | 'refused' | 'retries_exhausted';

/** An effect on LiveKit as the host may see it. Times are ms since epoch. */
export interface StageEffectRecord {
  id: string;
  roomId: string;
  kind: LiveKitEffectKind;
  identity: string;
  status: EffectStatus;
  outcome: EffectOutcome | null;
  attempts: number;
  lastError: string | null;
  createdAt: number;
  settledAt: number | null;
}

/** What the worker needs to carry an effect out. */
export interface ClaimedEffect {
  id: string;
  roomId: string;
  kind: LiveKitEffectKind;
  identity: string;
  livekitRoom: string;
  /** Including this one. */
  attempts: number;
}

/** An effect to queue with a stage commit. */
export interface NewEffect {
  id: string;
  kind: LiveKitEffectKind;
  identity: string;
  livekitRoom: string;
}

interface Row {
  id: string;
  room_id: string;
  kind: LiveKitEffectKind;
  identity: string;
  status: EffectStatus;
  outcome: EffectOutcome | null;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  settled_at: Date | null;
}

const COLUMNS = 'id, room_id, kind, identity, status, outcome, attempts, last_error, created_at, settled_at';

function toRecord(r: Row): StageEffectRecord {
  return {
    id: r.id,
    roomId: r.room_id,
    kind: r.kind,
    identity: r.identity,
    status: r.status,
    outcome: r.outcome,
    attempts: r.attempts,
    lastError: r.last_error,
    createdAt: r.created_at.getTime(),
    settledAt: r.settled_at?.getTime() ?? null,
  };
}

/** Inserts the effects of one stage commit, inside the caller's transaction. */
export async function insertEffects(client: pg.PoolClient, roomId: string, stageVersion: number, effects: readonly NewEffect[], now: number): Promise<void> {
  if (effects.length === 0) return;
  await client.query(
    `INSERT INTO stage_effects (id, room_id, stage_version, kind, identity, livekit_room, next_attempt_at, created_at)
     SELECT e.id, $1, $2, e.kind, e.identity, e.livekit_room, $3, $3
     FROM jsonb_to_recordset($4::jsonb) AS e(id uuid, kind text, identity text, livekit_room text, n integer)
     ORDER BY e.n`,
    [roomId, stageVersion, new Date(now), JSON.stringify(effects.map((e, n) => ({ id: e.id, kind: e.kind, identity: e.identity, livekit_room: e.livekitRoom, n })))],
  );
}

export class EffectStore {
  constructor(private readonly pool: pg.Pool) {}

  /** Queues effects decided outside a stage commit (a connection the join policy refuses, a permission reconcile). */
  async queue(roomId: string, stageVersion: number, effects: readonly NewEffect[], now: number): Promise<void> {
    const client = await this.pool.connect();
    try {
      await insertEffects(client, roomId, stageVersion, effects, now);
    } finally {
      client.release();
    }
  }

  /**
   * Claims up to `limit` due effects: pending, due by `now`, and the oldest pending one of their participant (so one
   * participant's effects apply in decision order). Claiming counts the attempt and leases the row until `leaseUntil`.
   */
  async claim(now: number, leaseUntil: number, limit: number): Promise<ClaimedEffect[]> {
    const { rows } = await this.pool.query<{ id: string; room_id: string; kind: LiveKitEffectKind; identity: string; livekit_room: string; attempts: number }>(
      `WITH due AS (
         SELECT e.id FROM stage_effects e
         WHERE e.status = 'pending' AND e.next_attempt_at <= $1
           AND NOT EXISTS (SELECT 1 FROM stage_effects p
                           WHERE p.room_id = e.room_id AND p.identity = e.identity AND p.status = 'pending' AND p.seq < e.seq)
         ORDER BY e.seq
         LIMIT $3
         FOR UPDATE SKIP LOCKED
       )
       UPDATE stage_effects s SET attempts = s.attempts + 1, next_attempt_at = $2
       FROM due WHERE s.id = due.id
       RETURNING s.id, s.room_id, s.kind, s.identity, s.livekit_room, s.attempts`,
      [new Date(now), new Date(leaseUntil), limit],
    );
    return rows.map((r) => ({ id: r.id, roomId: r.room_id, kind: r.kind, identity: r.identity, livekitRoom: r.livekit_room, attempts: r.attempts }));
  }

  async settle(id: string, status: 'applied' | 'failed', outcome: EffectOutcome, error: string | null, now: number): Promise<StageEffectRecord | undefined> {
    const { rows } = await this.pool.query<Row>(
      `UPDATE stage_effects SET status = $2, outcome = $3, last_error = COALESCE($4, last_error), settled_at = $5
       WHERE id = $1 AND status = 'pending' RETURNING ${COLUMNS}`,
      [id, status, outcome, error, new Date(now)],
    );
    return rows[0] && toRecord(rows[0]);
  }

  async retryAt(id: string, at: number, error: string): Promise<StageEffectRecord | undefined> {
    const { rows } = await this.pool.query<Row>(
      `UPDATE stage_effects SET next_attempt_at = $2, last_error = $3 WHERE id = $1 AND status = 'pending' RETURNING ${COLUMNS}`,
      [id, new Date(at), error],
    );
    return rows[0] && toRecord(rows[0]);
  }

  /** When the next pending effect is due (ms), or undefined when none is pending. */
  async nextDue(): Promise<number | undefined> {
    const { rows } = await this.pool.query<{ due: Date | null }>("SELECT min(next_attempt_at) AS due FROM stage_effects WHERE status = 'pending'");
    return rows[0]?.due?.getTime();
  }

  async byIds(ids: readonly string[]): Promise<StageEffectRecord[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM stage_effects WHERE id = ANY($1::uuid[]) ORDER BY seq`, [ids]);
    return rows.map(toRecord);
  }

  async get(roomId: string, id: string): Promise<StageEffectRecord | undefined> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM stage_effects WHERE room_id = $1 AND id = $2`, [roomId, id]);
    return rows[0] && toRecord(rows[0]);
  }

  /**
   * What the host should know about: pending effects, and failed ones not made moot by a later applied effect on
   * the same participant of the same family (permission: grant/revoke; mute; remove). Oldest first, at most 100.
   */
  async open(roomId: string): Promise<StageEffectRecord[]> {
    const { rows } = await this.pool.query<Row>(
      `SELECT ${COLUMNS} FROM stage_effects e
       WHERE e.room_id = $1 AND (e.status = 'pending' OR (e.status = 'failed' AND NOT EXISTS (
         SELECT 1 FROM stage_effects l
         WHERE l.room_id = e.room_id AND l.identity = e.identity AND l.seq > e.seq AND l.status = 'applied'
           AND (l.kind = e.kind OR (l.kind IN ('grant_publish', 'revoke_publish') AND e.kind IN ('grant_publish', 'revoke_publish'))))))
       ORDER BY e.seq LIMIT 100`,
      [roomId],
    );
    return rows.map(toRecord);
  }
}
