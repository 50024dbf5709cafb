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

/** The harm classifier's verdict on a segment, stored with it (table segment_classifications). */
export interface SegmentClassification {
  scores: Record<string, number>;
  /** Categories at the platform default thresholds. */
  categories: readonly string[];
  contextCategories: readonly string[];
  modelVersion: string;
  taxonomyVersion: string;
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

/** A transcript_segments row as read from the database (search adds its own columns). */
export interface SegmentRow {
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

  /**
   * Stores a segment and, when given, its classification — in one statement, so neither exists without the other.
   * Returns false when the segment was already stored (same segmentKey); the classification is then left as it was.
   */
  async append(s: NewTranscriptSegment, classification?: SegmentClassification): Promise<boolean> {
    if (!(s.startedAt instanceof Date) || !(s.endedAt instanceof Date)) throw new TypeError('startedAt and endedAt must be Dates');
    if (s.endedAt < s.startedAt) throw new TypeError('endedAt must not be before startedAt');
    const values = [s.roomId, s.segmentKey, s.speakerIdentity, s.trackSid ?? null, s.startedAt, s.endedAt, s.text, s.model];
    const insertSegment = `INSERT INTO transcript_segments (room_id, segment_key, speaker_identity, track_sid, started_at, ended_at, text, model)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (segment_key) DO NOTHING`;
    if (!classification) return (await this.pool.query(insertSegment, values)).rowCount === 1;
    validateClassification(classification);
    const res = await this.pool.query(
      `WITH seg AS (${insertSegment} RETURNING id, room_id, speaker_identity)
       INSERT INTO segment_classifications (segment_id, room_id, speaker_identity, scores, categories, context_categories, model_version, taxonomy_version)
       SELECT id, room_id, speaker_identity, $9, $10, $11, $12, $13 FROM seg`,
      [...values, JSON.stringify(classification.scores), [...classification.categories], [...classification.contextCategories], classification.modelVersion, classification.taxonomyVersion],
    );
    return res.rowCount === 1;
  }

  /** Oldest first; `afterId` pages forward. */
  async listByRoom(roomId: string, opts: { afterId?: string; limit: number }): Promise<TranscriptSegment[]> {
    const { rows } = await this.pool.query<SegmentRow>(
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

  /** The id of the segment stored under this key, or null: what an evidence clip is saved against after append(). */
  async idForKey(segmentKey: string): Promise<string | null> {
    if (typeof segmentKey !== 'string' || segmentKey === '') throw new TypeError('segmentKey must be a non-empty string');
    const { rows } = await this.pool.query<{ id: string }>('SELECT id FROM transcript_segments WHERE segment_key = $1', [segmentKey]);
    return rows[0] ? String(rows[0].id) : null;
  }
}

function validateClassification(c: SegmentClassification): void {
  if (!c || typeof c !== 'object') throw new TypeError('classification must be an object');
  if (!c.scores || typeof c.scores !== 'object') throw new TypeError('classification.scores must be an object');
  for (const [k, v] of Object.entries(c.scores)) {
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new TypeError(`classification.scores.${k} must be a number in [0, 1]`);
  }
  if (!Array.isArray(c.categories) || !Array.isArray(c.contextCategories)) throw new TypeError('classification.categories and contextCategories must be arrays');
  if (typeof c.modelVersion !== 'string' || c.modelVersion === '') throw new TypeError('classification.modelVersion must be a non-empty string');
  if (typeof c.taxonomyVersion !== 'string' || c.taxonomyVersion === '') throw new TypeError('classification.taxonomyVersion must be a non-empty string');
}
