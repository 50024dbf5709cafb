// Transcript segments: what a speaker said on stage, when, as the moderation agent heard it.
import type pg from 'pg';

export interface NewTranscriptSegment {
  roomId: string;
  /** Stable per utterance (room, track, start) so a retried write never duplicates a segment. */
  segmentKey: string;
  speakerIdentity: string;
  trackSid?: string;
  startedAt: Date;
  endedAt: Date;
  text: string;
  model: string;
}

export interface TranscriptSegment {
  id: string;
  roomId: string;
  speakerIdentity: string;
  trackSid: string | null;
  startedAt: string;
  endedAt: string;
  text: string;
  model: string;
}

interface Row {
  id: string;
  room_id: string;
  speaker_identity: string;
  track_sid: string | null;
  started_at: Date;
  ended_at: Date;
  text: string;
  model: string;
}

export class TranscriptStore {
  constructor(private readonly pool: pg.Pool) {}

  /** Returns false when the segment was already stored (same segmentKey). */
  async append(s: NewTranscriptSegment): Promise<boolean> {
    if (!(s.startedAt instanceof Date) || !(s.endedAt instanceof Date)) throw new TypeError('startedAt and endedAt must be Dates');
    if (s.endedAt < s.startedAt) throw new TypeError('endedAt must not be before startedAt');
    const res = await this.pool.query(
      `INSERT INTO transcript_segments (room_id, segment_key, speaker_identity, track_sid, started_at, ended_at, text, model)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (segment_key) DO NOTHING`,
      [s.roomId, s.segmentKey, s.speakerIdentity, s.trackSid ?? null, s.startedAt, s.endedAt, s.text, s.model],
    );
    return res.rowCount === 1;
  }

  /** Oldest first; `afterId` pages forward. */
  async listByRoom(roomId: string, opts: { afterId?: string; limit: number }): Promise<TranscriptSegment[]> {
    const { rows } = await this.pool.query<Row>(
      `SELECT id, room_id, speaker_identity, track_sid, started_at, ended_at, text, model FROM transcript_segments
       WHERE room_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
      [roomId, opts.afterId ?? '0', opts.limit],
    );
    return rows.map((r) => ({
      id: String(r.id),
      roomId: r.room_id,
      speakerIdentity: r.speaker_identity,
      trackSid: r.track_sid,
      startedAt: r.started_at.toISOString(),
      endedAt: r.ended_at.toISOString(),
      text: r.text,
      model: r.model,
    }));
  }
}
