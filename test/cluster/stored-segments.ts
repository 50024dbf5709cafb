// What the database holds of a room's transcript: the independent truth the agent fault tests compare against.
import type pg from 'pg';

export interface StoredSegment {
  id: string;
  text: string;
  started_at: Date;
  ended_at: Date;
}

/** The room's stored segments in speaking order. */
export async function storedSegments(pool: pg.Pool, roomId: string): Promise<StoredSegment[]> {
  const { rows } = await pool.query<StoredSegment>(
    'SELECT id::text, text, started_at, ended_at FROM transcript_segments WHERE room_id = $1 ORDER BY started_at, id',
    [roomId],
  );
  return rows;
}
