// Full-text search over transcripts for trust-and-safety staff. English stemming (db/migrations/0013: the stored
// `text_search` tsvector with a GIN index), so "threatened" finds "threaten"; the query language is
// websearch_to_tsquery's ("quoted phrases", -excluded, or). Newest first, keyset-paged by segment id.
// Authorization is the caller's: only staff may search.
import type { Queryable } from '../../db/queryable.js';
import type { SegmentRow } from './transcript-store.js';

export interface TranscriptSearchQuery {
  /** Words to find (web-search syntax). Blank is a TypeError; only stop words ("the") finds nothing. */
  q: string;
  speakerIdentity?: string;
  roomId?: string;
  /** Spoken at or after. */
  since?: Date;
  /** Spoken before. */
  until?: Date;
  /** Only segments the classifier flagged. */
  flaggedOnly?: boolean;
  /** 1..200. */
  limit: number;
  /** The last id of the previous page. */
  beforeId?: string;
}

export interface TranscriptHit {
  id: string;
  roomId: string;
  speakerIdentity: string;
  trackSid: string | null;
  startedAt: string;
  endedAt: string;
  text: string;
  /** Plain text (never HTML) with the matches between the highlight markers, shortened around them. */
  headline: string;
  /** The classifier flagged it (non-empty categories at the platform thresholds). */
  flagged: boolean;
  categories: string[];
}

export interface TranscriptSearchOptions {
  /** Markers around matches in `headline`; default « and ». No commas, quotes, '=' or whitespace. */
  highlight?: { start: string; stop: string };
}

interface Row extends Omit<SegmentRow, 'model'> {
  headline: string;
  categories: string[] | null;
}

const ID = /^[1-9][0-9]{0,18}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MARKER = /^[^\s,="']{1,8}$/;
const MAX_Q = 500;
export const MAX_SEARCH_LIMIT = 200;

export class TranscriptSearch {
  readonly #headlineOptions: string;

  constructor(
    private readonly db: Queryable,
    options: TranscriptSearchOptions = {},
  ) {
    if (!db || typeof db.query !== 'function') throw new TypeError('TranscriptSearch: db must be a pg Pool');
    const start = options.highlight?.start ?? '«';
    const stop = options.highlight?.stop ?? '»';
    if (typeof start !== 'string' || typeof stop !== 'string' || !MARKER.test(start) || !MARKER.test(stop)) {
      throw new TypeError('TranscriptSearch: highlight markers must be 1-8 characters without whitespace, commas, quotes or "="');
    }
    // An utterance is usually shorter than MaxWords and is shown whole; a long one is cut around the matches.
    this.#headlineOptions = `StartSel=${start}, StopSel=${stop}, MaxWords=35, MinWords=15`;
  }

  async search(query: TranscriptSearchQuery): Promise<TranscriptHit[]> {
    validate(query);
    const where = [`s.text_search @@ websearch_to_tsquery('english', $1)`];
    const values: unknown[] = [query.q];
    const add = (sql: string, value: unknown) => {
      values.push(value);
      where.push(sql.replaceAll('?', `$${values.length}`));
    };
    if (query.speakerIdentity !== undefined) add('s.speaker_identity = ?', query.speakerIdentity);
    if (query.roomId !== undefined) add('s.room_id = ?', query.roomId);
    if (query.since !== undefined) add('s.started_at >= ?', query.since);
    if (query.until !== undefined) add('s.started_at < ?', query.until);
    if (query.beforeId !== undefined) add('s.id < ?', query.beforeId);
    if (query.flaggedOnly === true) where.push('EXISTS (SELECT 1 FROM segment_classifications f WHERE f.segment_id = s.id AND cardinality(f.categories) > 0)');
    values.push(query.limit);
    const limit = `$${values.length}`;
    values.push(this.#headlineOptions);
    const headline = `$${values.length}`;
    // ts_headline is costly, so it runs on the page only, after the limit.
    const { rows } = await this.db.query<Row>(
      `WITH page AS (
         SELECT s.id, s.room_id, s.speaker_identity, s.track_sid, s.started_at, s.ended_at, s.text
           FROM transcript_segments s WHERE ${where.join(' AND ')}
          ORDER BY s.id DESC LIMIT ${limit})
       SELECT p.*, ts_headline('english', p.text, websearch_to_tsquery('english', $1), ${headline}) AS headline, c.categories
         FROM page p LEFT JOIN segment_classifications c ON c.segment_id = p.id
        ORDER BY p.id DESC`,
      values,
    );
    return rows.map((r) => ({
      id: String(r.id),
      roomId: r.room_id,
      speakerIdentity: r.speaker_identity,
      trackSid: r.track_sid,
      startedAt: r.started_at.toISOString(),
      endedAt: r.ended_at.toISOString(),
      text: r.text,
      headline: r.headline,
      flagged: (r.categories?.length ?? 0) > 0,
      categories: r.categories ?? [],
    }));
  }
}

function validate(query: TranscriptSearchQuery): void {
  if (!query || typeof query !== 'object') throw new TypeError('TranscriptSearch.search: query must be an object');
  if (typeof query.q !== 'string' || query.q.trim() === '') throw new TypeError('TranscriptSearch.search: q must be some words to search for');
  if (query.q.length > MAX_Q) throw new TypeError(`TranscriptSearch.search: q must be at most ${MAX_Q} characters`);
  if (query.q.includes('\u0000')) throw new TypeError('TranscriptSearch.search: q must not contain NUL characters');
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_SEARCH_LIMIT) throw new TypeError(`TranscriptSearch.search: limit must be an integer in [1, ${MAX_SEARCH_LIMIT}]`);
  if (query.speakerIdentity !== undefined && (typeof query.speakerIdentity !== 'string' || query.speakerIdentity === '' || query.speakerIdentity.length > 256)) {
    throw new TypeError('TranscriptSearch.search: speakerIdentity must be a non-empty string');
  }
  if (query.roomId !== undefined && (typeof query.roomId !== 'string' || !UUID.test(query.roomId))) throw new TypeError('TranscriptSearch.search: roomId must be a uuid');
  for (const k of ['since', 'until'] as const) {
    const d = query[k];
    if (d !== undefined && !(d instanceof Date && Number.isFinite(d.getTime()))) throw new TypeError(`TranscriptSearch.search: ${k} must be a valid Date`);
  }
  if (query.since && query.until && query.since > query.until) throw new TypeError('TranscriptSearch.search: since must not be after until');
  if (query.beforeId !== undefined && (typeof query.beforeId !== 'string' || !ID.test(query.beforeId))) throw new TypeError('TranscriptSearch.search: beforeId must be a segment id');
  if (query.flaggedOnly !== undefined && typeof query.flaggedOnly !== 'boolean') throw new TypeError('TranscriptSearch.search: flaggedOnly must be a boolean');
}
