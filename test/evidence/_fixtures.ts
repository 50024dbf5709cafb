// Members, rooms and transcript segments for the evidence, retention and search tests.
import crypto from 'node:crypto';
import type pg from 'pg';

export const DAY = 86_400_000;

export async function addMember(pool: pg.Pool, name = 'Member'): Promise<string> {
  const id = crypto.randomUUID();
  await pool.query("INSERT INTO members (id, email, password_hash, display_name) VALUES ($1, $2, 'x', $3)", [id, `${id}@example.test`, name]);
  return id;
}

export async function addRoom(pool: pg.Pool, host: string, title = 'Room'): Promise<string> {
  const id = crypto.randomUUID();
  await pool.query('INSERT INTO rooms (id, livekit_name, host_member_id, title) VALUES ($1, $2, $3, $4)', [id, `rt-${id}`, host, title]);
  return id;
}

export interface SegmentSpec {
  roomId: string;
  speaker: string;
  text: string;
  startedAt: Date;
  /** Non-empty: flagged; empty array: classified but not flagged; undefined: never classified. */
  categories?: string[];
}

/** Inserts a segment (and its classification) directly; returns its id. */
export async function addSegment(pool: pg.Pool, s: SegmentSpec): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO transcript_segments (room_id, segment_key, speaker_identity, track_sid, started_at, ended_at, text, model)
     VALUES ($1, $2, $3, 'TR_1', $4, $5, $6, 'moonshine-base') RETURNING id`,
    [s.roomId, crypto.randomUUID(), s.speaker, s.startedAt, new Date(s.startedAt.getTime() + 2000), s.text],
  );
  const id = String(rows[0]!.id);
  if (s.categories) {
    await pool.query(
      `INSERT INTO segment_classifications (segment_id, room_id, speaker_identity, scores, categories, model_version, taxonomy_version)
       VALUES ($1, $2, $3, '{}', $4, 'harm-head-v1', 'harm-taxonomy-v1')`,
      [id, s.roomId, s.speaker, s.categories],
    );
  }
  return id;
}

export async function count(pool: pg.Pool, table: 'evidence_clips' | 'transcript_segments' | 'audit_log' | 'segment_classifications'): Promise<number> {
  return (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
}
