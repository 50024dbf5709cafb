// SQL for matching profiles, photos and intros (db/migrations/0015_matching_profiles.sql). Rows only: the rules
// live in matching-profile-service.ts and gating.ts.
import type { Queryable } from '../../db/queryable.js';
import type { Availability } from '../../matcher/availability.js';
import type { MatchingExperience } from './profile-schema.js';

/** The fields of a matching profile, as every view of it carries them. */
export interface MatchingProfileFields {
  headline: string;
  experience: MatchingExperience[];
  skills: string[];
  offers: string[];
  seeks: string[];
  languages: string[];
  timeZone: string | null;
  availability: Availability | null;
  optedIn: boolean;
}

export interface ProfileRow extends MatchingProfileFields {
  memberId: string;
  displayName: string;
  /** null when the member never saved a matching profile (the defaults above are shown). */
  updatedAt: Date | null;
  photo: { width: number; height: number; faceScore: number; createdAt: Date } | null;
  intro: { durationMs: number; transcript: string | null; mediaType: string; createdAt: Date } | null;
  connectionCount: number;
}

export interface StoredPhoto {
  bytes: Buffer;
  mediaType: string;
  width: number;
  height: number;
  faceScore: number;
  faceDetector: string;
}

export interface StoredIntro {
  audio: Buffer;
  mediaType: string;
  durationMs: number;
  transcript: string | null;
  scores: Record<string, number> | null;
  sttModel: string | null;
  classifierModel: string | null;
  taxonomyVersion: string | null;
}

const SELECT = `
  SELECT m.id AS member_id, m.display_name, p.headline, p.experience, p.skills, p.offers, p.seeks, p.languages,
         p.time_zone, p.availability, COALESCE(p.opted_in, false) AS opted_in, p.updated_at,
         ph.width AS photo_width, ph.height AS photo_height, ph.face_score, ph.created_at AS photo_at,
         i.duration_ms AS intro_ms, i.transcript AS intro_transcript, i.media_type AS intro_type, i.created_at AS intro_at,
         GREATEST(((SELECT count(*) FROM connections c WHERE c.member_low = m.id) + (SELECT count(*) FROM connections c WHERE c.member_high = m.id))::int, COALESCE(p.imported_connections, 0)) AS connections
    FROM members m
    LEFT JOIN matching_profiles p ON p.member_id = m.id
    LEFT JOIN member_photos ph ON ph.member_id = m.id
    LEFT JOIN member_intros i ON i.member_id = m.id`;

interface Row {
  member_id: string;
  display_name: string;
  headline: string | null;
  experience: MatchingExperience[] | null;
  skills: string[] | null;
  offers: string[] | null;
  seeks: string[] | null;
  languages: string[] | null;
  time_zone: string | null;
  availability: Availability | null;
  opted_in: boolean;
  updated_at: Date | null;
  photo_width: number | null;
  photo_height: number | null;
  face_score: number | null;
  photo_at: Date | null;
  intro_ms: number | null;
  intro_transcript: string | null;
  intro_type: string | null;
  intro_at: Date | null;
  connections: number;
}

function toRow(r: Row): ProfileRow {
  return {
    memberId: r.member_id,
    displayName: r.display_name,
    headline: r.headline ?? '',
    experience: r.experience ?? [],
    skills: r.skills ?? [],
    offers: r.offers ?? [],
    seeks: r.seeks ?? [],
    languages: r.languages ?? [],
    timeZone: r.time_zone,
    availability: r.availability,
    optedIn: r.opted_in,
    updatedAt: r.updated_at,
    photo: r.photo_at ? { width: r.photo_width!, height: r.photo_height!, faceScore: r.face_score!, createdAt: r.photo_at } : null,
    intro: r.intro_at ? { durationMs: r.intro_ms!, transcript: r.intro_transcript, mediaType: r.intro_type!, createdAt: r.intro_at } : null,
    connectionCount: r.connections,
  };
}

export class MatchingProfileStore {
  constructor(private readonly db: Queryable) {}

  /** undefined when there is no such member. */
  async get(memberId: string): Promise<ProfileRow | undefined> {
    const { rows } = await this.db.query<Row>(`${SELECT} WHERE m.id = $1`, [memberId]);
    return rows[0] && toRow(rows[0]);
  }

  /**
   * Opted-in members after `afterId` in id order that have what SQL can check (photo, intro, time zone and
   * availability); the caller applies the full gating.
   */
  async listCandidates(afterId: string | null, limit: number): Promise<ProfileRow[]> {
    const { rows } = await this.db.query<Row>(
      `${SELECT} WHERE p.opted_in AND p.time_zone IS NOT NULL AND p.availability IS NOT NULL AND ph.member_id IS NOT NULL AND i.member_id IS NOT NULL
         AND ($1::uuid IS NULL OR m.id > $1::uuid)
       ORDER BY m.id LIMIT $2`,
      [afterId, limit],
    );
    return rows.map(toRow);
  }

  /** listCandidates over everyone at once, in id order (a round: one pass instead of pages). */
  async listAllCandidates(): Promise<ProfileRow[]> {
    const { rows } = await this.db.query<Row>(
      `${SELECT} WHERE p.opted_in AND p.time_zone IS NOT NULL AND p.availability IS NOT NULL AND ph.member_id IS NOT NULL AND i.member_id IS NOT NULL
       ORDER BY m.id`,
    );
    return rows.map(toRow);
  }

  async memberExists(memberId: string): Promise<boolean> {
    const { rows } = await this.db.query('SELECT 1 FROM members WHERE id = $1', [memberId]);
    return rows.length > 0;
  }

  async saveProfile(
    memberId: string,
    p: { headline: string; experience: MatchingExperience[]; skills: string[]; offers: string[]; seeks: string[]; languages: string[]; timeZone?: string | undefined },
  ): Promise<void> {
    await this.db.query(
      `INSERT INTO matching_profiles (member_id, headline, experience, skills, offers, seeks, languages, time_zone)
       VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8)
       ON CONFLICT (member_id) DO UPDATE SET headline = EXCLUDED.headline, experience = EXCLUDED.experience, skills = EXCLUDED.skills,
         offers = EXCLUDED.offers, seeks = EXCLUDED.seeks, languages = EXCLUDED.languages,
         time_zone = CASE WHEN $9 THEN EXCLUDED.time_zone ELSE matching_profiles.time_zone END, updated_at = now()`,
      [memberId, p.headline, JSON.stringify(p.experience), p.skills, p.offers, p.seeks, p.languages, p.timeZone ?? null, p.timeZone !== undefined],
    );
  }

  async saveAvailability(memberId: string, timeZone: string, availability: Availability): Promise<void> {
    await this.db.query(
      `INSERT INTO matching_profiles (member_id, time_zone, availability) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (member_id) DO UPDATE SET time_zone = EXCLUDED.time_zone, availability = EXCLUDED.availability, updated_at = now()`,
      [memberId, timeZone, JSON.stringify(availability)],
    );
  }

  async setOptedIn(memberId: string, optedIn: boolean): Promise<void> {
    await this.db.query(
      `INSERT INTO matching_profiles (member_id, opted_in, opted_in_at) VALUES ($1, $2, CASE WHEN $2 THEN now() END)
       ON CONFLICT (member_id) DO UPDATE SET opted_in = EXCLUDED.opted_in,
         opted_in_at = CASE WHEN NOT EXCLUDED.opted_in THEN NULL WHEN matching_profiles.opted_in THEN matching_profiles.opted_in_at ELSE now() END,
         updated_at = now()`,
      [memberId, optedIn],
    );
  }

  async savePhoto(memberId: string, p: StoredPhoto): Promise<Date> {
    const { rows } = await this.db.query<{ created_at: Date }>(
      `INSERT INTO member_photos (member_id, bytes, media_type, width, height, face_score, face_detector) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (member_id) DO UPDATE SET bytes = EXCLUDED.bytes, media_type = EXCLUDED.media_type, width = EXCLUDED.width, height = EXCLUDED.height,
         face_score = EXCLUDED.face_score, face_detector = EXCLUDED.face_detector, created_at = now()
       RETURNING created_at`,
      [memberId, p.bytes, p.mediaType, p.width, p.height, p.faceScore, p.faceDetector],
    );
    return rows[0]!.created_at;
  }

  async photo(memberId: string): Promise<{ bytes: Buffer; mediaType: string; createdAt: Date } | undefined> {
    const { rows } = await this.db.query<{ bytes: Buffer; media_type: string; created_at: Date }>('SELECT bytes, media_type, created_at FROM member_photos WHERE member_id = $1', [memberId]);
    const r = rows[0];
    return r && { bytes: r.bytes, mediaType: r.media_type, createdAt: r.created_at };
  }

  async saveIntro(memberId: string, i: StoredIntro): Promise<Date> {
    const { rows } = await this.db.query<{ created_at: Date }>(
      `INSERT INTO member_intros (member_id, audio, media_type, duration_ms, transcript, classifier_scores, stt_model, classifier_model, taxonomy_version)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9)
       ON CONFLICT (member_id) DO UPDATE SET audio = EXCLUDED.audio, media_type = EXCLUDED.media_type, duration_ms = EXCLUDED.duration_ms,
         transcript = EXCLUDED.transcript, classifier_scores = EXCLUDED.classifier_scores, stt_model = EXCLUDED.stt_model,
         classifier_model = EXCLUDED.classifier_model, taxonomy_version = EXCLUDED.taxonomy_version, created_at = now()
       RETURNING created_at`,
      [memberId, i.audio, i.mediaType, i.durationMs, i.transcript, i.scores === null ? null : JSON.stringify(i.scores), i.sttModel, i.classifierModel, i.taxonomyVersion],
    );
    return rows[0]!.created_at;
  }

  async intro(memberId: string): Promise<{ audio: Buffer; mediaType: string; durationMs: number } | undefined> {
    const { rows } = await this.db.query<{ audio: Buffer; media_type: string; duration_ms: number }>('SELECT audio, media_type, duration_ms FROM member_intros WHERE member_id = $1', [memberId]);
    const r = rows[0];
    return r && { audio: r.audio, mediaType: r.media_type, durationMs: r.duration_ms };
  }
}
