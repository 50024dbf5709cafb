// Evidence clips: the compressed audio of a flagged utterance (and a few seconds before it), kept for a limited time.
// Only trust-and-safety staff read it, and every read is recorded in the audit log in the same transaction as the
// read itself: if the record cannot be written, the audio is not returned. Authorization (who is staff) is the
// caller's: this store trusts the reader it is given.
//
// Retention: a clip is kept until retain_until (save: now + retentionDays). An open case or appeal holds its
// evidence by extending retain_until (extendForSegments / extendForRoomSpeaker, now + extendedRetentionDays by
// default); extending never shortens a hold. The RetentionSweeper deletes clips past retain_until.
import type pg from 'pg';
import { inTransaction, type Queryable } from '../../db/queryable.js';
import type { AuditLog } from '../audit/audit-log.js';
import { EngineError } from '../engine-error.js';

export interface EvidenceStoreOptions {
  /** Default 30. */
  retentionDays?: number;
  /** How long a case or an appeal holds evidence when no explicit date is given; default 90. */
  extendedRetentionDays?: number;
  /** Fixed clock for tests and replays; the database clock otherwise. */
  now?: () => Date;
}

export interface NewEvidenceClip {
  /** The flagged transcript segment; must exist and belong to roomId and speakerIdentity. */
  segmentId: string;
  roomId: string;
  speakerIdentity: string;
  /** e.g. `audio/flac` (models/audio/evidence-clip.ts). */
  mediaType: string;
  audio: Uint8Array;
  /** Whole clip, lead included. */
  durationMs: number;
  /** Audio before the utterance's start included in the clip. */
  leadMs: number;
}

export interface EvidenceClipMetadata {
  id: string;
  segmentId: string;
  roomId: string;
  speakerIdentity: string;
  mediaType: string;
  /** Size of the audio in bytes. */
  bytes: number;
  durationMs: number;
  leadMs: number;
  createdAt: string;
  retainUntil: string;
}

export interface EvidenceClip extends EvidenceClipMetadata {
  audio: Buffer;
}

export interface EvidenceReader {
  memberId: string;
  /** Why the clip is being read (free text), recorded in the audit entry. */
  reason?: string;
  /** The case it is read for, recorded in the audit entry. */
  caseId?: string;
}

interface MetaRow {
  id: string;
  segment_id: string;
  room_id: string;
  speaker_identity: string;
  media_type: string;
  bytes: number;
  duration_ms: number;
  lead_ms: number;
  created_at: Date;
  retain_until: Date;
}

const META_COLUMNS = 'id, segment_id, room_id, speaker_identity, media_type, octet_length(audio) AS bytes, duration_ms, lead_ms, created_at, retain_until';
const ID = /^[1-9][0-9]{0,18}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MEDIA_TYPE = /^audio\/[a-z0-9][a-z0-9.+-]{0,63}$/;
const MAX_CLIP_BYTES = 16 * 1024 * 1024;
const MAX_IDS = 10_000;

export class EvidenceStore {
  readonly #retentionDays: number;
  readonly #extendedRetentionDays: number;
  readonly #now: (() => Date) | undefined;

  constructor(
    private readonly pool: pg.Pool,
    options: EvidenceStoreOptions = {},
  ) {
    this.#retentionDays = options.retentionDays ?? 30;
    this.#extendedRetentionDays = options.extendedRetentionDays ?? 90;
    for (const [name, v] of [['retentionDays', this.#retentionDays], ['extendedRetentionDays', this.#extendedRetentionDays]] as const) {
      if (!Number.isInteger(v) || v < 1 || v > 36_500) throw new TypeError(`EvidenceStore: ${name} must be an integer number of days in [1, 36500], got ${String(v)}`);
    }
    if (options.now !== undefined && typeof options.now !== 'function') throw new TypeError('EvidenceStore: now must be a function');
    this.#now = options.now;
  }

  /**
   * Stores a clip, kept retentionDays from now. Idempotent per segment: a second save for the same segment (a retried
   * write) stores nothing and returns the existing clip's id with created = false. Throws EngineError not_found when
   * the segment does not exist or is another room's or speaker's.
   */
  async save(clip: NewEvidenceClip, q: Queryable = this.pool): Promise<{ id: string; created: boolean }> {
    validateClip(clip);
    const { rows } = await q.query<{ id: string }>(
      `INSERT INTO evidence_clips (segment_id, room_id, speaker_identity, media_type, audio, duration_ms, lead_ms, created_at, retain_until)
       SELECT s.id, s.room_id, s.speaker_identity, $4, $5, $6, $7, COALESCE($8::timestamptz, now()),
              COALESCE($8::timestamptz, now()) + make_interval(hours => $9::int * 24)
         FROM transcript_segments s WHERE s.id = $1 AND s.room_id = $2 AND s.speaker_identity = $3
       ON CONFLICT (segment_id) DO NOTHING RETURNING id`,
      [clip.segmentId, clip.roomId, clip.speakerIdentity, clip.mediaType, Buffer.from(clip.audio.buffer, clip.audio.byteOffset, clip.audio.byteLength), clip.durationMs, clip.leadMs, this.#now?.() ?? null, this.#retentionDays],
    );
    if (rows[0]) return { id: String(rows[0].id), created: true };
    const existing = await q.query<{ id: string }>('SELECT id FROM evidence_clips WHERE segment_id = $1 AND room_id = $2 AND speaker_identity = $3', [clip.segmentId, clip.roomId, clip.speakerIdentity]);
    if (existing.rows[0]) return { id: String(existing.rows[0].id), created: false };
    throw new EngineError('not_found', 'segment_not_found', `transcript segment ${clip.segmentId} of that room and speaker does not exist`, 'segmentId');
  }

  /**
   * The clip with its audio, for a trust-and-safety reader; writes an `evidence.read` audit entry in the same
   * transaction, so there is no read without a record. Null (and no entry) when there is no such clip.
   */
  async read(clipId: string, reader: EvidenceReader, audit: AuditLog): Promise<EvidenceClip | null> {
    checkId(clipId, 'clipId');
    if (!reader || typeof reader !== 'object' || typeof reader.memberId !== 'string' || !UUID.test(reader.memberId)) throw new TypeError('EvidenceStore.read: reader.memberId must be a member id');
    if (reader.reason !== undefined && (typeof reader.reason !== 'string' || reader.reason.length > 2000)) throw new TypeError('EvidenceStore.read: reader.reason must be a string of at most 2000 characters');
    if (reader.caseId !== undefined && (typeof reader.caseId !== 'string' || !UUID.test(reader.caseId))) throw new TypeError('EvidenceStore.read: reader.caseId must be a case id');
    if (!audit || typeof audit.record !== 'function') throw new TypeError('EvidenceStore.read: audit must be an AuditLog');
    return inTransaction(this.pool, async (tx) => {
      // FOR SHARE: the sweeper cannot delete the clip between this read and the audit record's commit.
      const { rows } = await tx.query<MetaRow & { audio: Buffer }>(`SELECT ${META_COLUMNS}, audio FROM evidence_clips WHERE id = $1 FOR SHARE`, [clipId]);
      const row = rows[0];
      if (!row) return null;
      const clip: EvidenceClip = { ...toMetadata(row), audio: Buffer.from(row.audio) };
      const detail: Record<string, unknown> = { segmentId: clip.segmentId, speakerIdentity: clip.speakerIdentity, mediaType: clip.mediaType, bytes: clip.bytes };
      if (reader.reason !== undefined) detail.reason = reader.reason;
      if (reader.caseId !== undefined) detail.caseId = reader.caseId;
      const at = this.#now?.();
      await audit.record(
        { actor: { kind: 'member', memberId: reader.memberId }, action: 'evidence.read', subject: { kind: 'evidence_clip', id: clip.id }, roomId: clip.roomId, detail, ...(at ? { at } : {}) },
        tx,
      );
      return clip;
    });
  }

  /**
   * Holds the clips of these segments at least until `until` (default now + extendedRetentionDays); never shortens a
   * hold. Returns how many clips are held. Pass the case's transaction as `q` to hold in the same commit.
   */
  async extendForSegments(segmentIds: readonly string[], until?: Date, q: Queryable = this.pool): Promise<number> {
    if (!Array.isArray(segmentIds) || segmentIds.length > MAX_IDS) throw new TypeError(`EvidenceStore.extendForSegments: segmentIds must be an array of at most ${MAX_IDS} ids`);
    for (const id of segmentIds) checkId(id, 'segmentIds[]');
    checkUntil(until);
    if (segmentIds.length === 0) return 0;
    const res = await q.query(
      `UPDATE evidence_clips SET retain_until = GREATEST(retain_until, ${this.#untilSql()})
        WHERE segment_id = ANY($1::bigint[])`,
      [[...new Set(segmentIds)], until ?? null, this.#now?.() ?? null, this.#extendedRetentionDays],
    );
    return res.rowCount ?? 0;
  }

  /**
   * Holds every clip of one speaker in one room (a case or an appeal about that speaker there), optionally only clips
   * created in [since, before). Same rules as extendForSegments.
   */
  async extendForRoomSpeaker(
    target: { roomId: string; speakerIdentity: string; since?: Date; before?: Date },
    until?: Date,
    q: Queryable = this.pool,
  ): Promise<number> {
    if (!target || typeof target !== 'object') throw new TypeError('EvidenceStore.extendForRoomSpeaker: target must be an object');
    checkUuid(target.roomId, 'roomId');
    checkSpeaker(target.speakerIdentity);
    if (target.since !== undefined) checkDate(target.since, 'since');
    if (target.before !== undefined) checkDate(target.before, 'before');
    checkUntil(until);
    const res = await q.query(
      `UPDATE evidence_clips SET retain_until = GREATEST(retain_until, ${this.#untilSql()})
        WHERE room_id = $1 AND speaker_identity = $5
          AND ($6::timestamptz IS NULL OR created_at >= $6) AND ($7::timestamptz IS NULL OR created_at < $7)`,
      [target.roomId, until ?? null, this.#now?.() ?? null, this.#extendedRetentionDays, target.speakerIdentity, target.since ?? null, target.before ?? null],
    );
    return res.rowCount ?? 0;
  }

  /** The clips of these segments without their audio (for case views), in segment order. */
  async metadataForSegments(segmentIds: readonly string[]): Promise<EvidenceClipMetadata[]> {
    if (!Array.isArray(segmentIds) || segmentIds.length > MAX_IDS) throw new TypeError(`EvidenceStore.metadataForSegments: segmentIds must be an array of at most ${MAX_IDS} ids`);
    for (const id of segmentIds) checkId(id, 'segmentIds[]');
    if (segmentIds.length === 0) return [];
    const { rows } = await this.pool.query<MetaRow>(`SELECT ${META_COLUMNS} FROM evidence_clips WHERE segment_id = ANY($1::bigint[]) ORDER BY segment_id`, [[...new Set(segmentIds)]]);
    return rows.map(toMetadata);
  }

  /** $2: explicit until or null; $3: fixed now or null; $4: extended days. */
  #untilSql(): string {
    return 'COALESCE($2::timestamptz, COALESCE($3::timestamptz, now()) + make_interval(hours => $4::int * 24))';
  }
}

function toMetadata(r: MetaRow): EvidenceClipMetadata {
  return {
    id: String(r.id),
    segmentId: String(r.segment_id),
    roomId: r.room_id,
    speakerIdentity: r.speaker_identity,
    mediaType: r.media_type,
    bytes: Number(r.bytes),
    durationMs: r.duration_ms,
    leadMs: r.lead_ms,
    createdAt: r.created_at.toISOString(),
    retainUntil: r.retain_until.toISOString(),
  };
}

function validateClip(c: NewEvidenceClip): void {
  if (!c || typeof c !== 'object') throw new TypeError('EvidenceStore.save: clip must be an object');
  checkId(c.segmentId, 'segmentId');
  checkUuid(c.roomId, 'roomId');
  checkSpeaker(c.speakerIdentity);
  if (typeof c.mediaType !== 'string' || !MEDIA_TYPE.test(c.mediaType)) throw new TypeError('EvidenceStore.save: mediaType must be an audio media type like "audio/flac"');
  if (!(c.audio instanceof Uint8Array) || c.audio.length === 0 || c.audio.length > MAX_CLIP_BYTES) throw new TypeError(`EvidenceStore.save: audio must be a non-empty Buffer of at most ${MAX_CLIP_BYTES} bytes`);
  if (!Number.isInteger(c.durationMs) || c.durationMs < 0 || c.durationMs > 3_600_000) throw new TypeError('EvidenceStore.save: durationMs must be a non-negative integer (at most an hour)');
  if (!Number.isInteger(c.leadMs) || c.leadMs < 0 || c.leadMs > c.durationMs) throw new TypeError('EvidenceStore.save: leadMs must be a non-negative integer no longer than durationMs');
}

function checkId(id: unknown, name: string): void {
  if (typeof id !== 'string' || !ID.test(id)) throw new TypeError(`EvidenceStore: ${name} must be a positive integer id as a string`);
}

function checkUuid(id: unknown, name: string): void {
  if (typeof id !== 'string' || !UUID.test(id)) throw new TypeError(`EvidenceStore: ${name} must be a uuid`);
}

function checkSpeaker(s: unknown): void {
  if (typeof s !== 'string' || s === '' || s.length > 256) throw new TypeError('EvidenceStore: speakerIdentity must be a non-empty string');
}

function checkDate(d: unknown, name: string): void {
  if (!(d instanceof Date) || !Number.isFinite(d.getTime())) throw new TypeError(`EvidenceStore: ${name} must be a valid Date`);
}

function checkUntil(until: unknown): void {
  if (until !== undefined) checkDate(until, 'until');
}
