// Matching embeddings of members: kept in `member_embeddings` (the source of truth) and mirrored in the in-process
// hnswlib index for candidate search.
//
//   reembed(memberId, texts)   after a profile change: re-embeds only the facets whose text changed (sha256 of
//                              model + text), writes the rows in one transaction, then updates the index. Wire
//                              `onProfileChanged` to the profile service's hook.
//   candidates(memberId, k)    partners by embeddings: seeks(me) against everyone's offers, offers(me) against
//                              everyone's seeks, experience(me) against everyone's experience; each candidate gets
//                              all three scores.
//
// Scores (cosine similarities of L2-normalised vectors, in [-1, 1]; null when either side has no text for a facet):
//   goalFitAB            = seeks(A) · offers(B)   — B can help with what A (the asking member) looks for
//   goalFitBA            = seeks(B) · offers(A)   — A can help with what B looks for
//   experienceSimilarity = experience(A) · experience(B)
import type pg from 'pg';
import type { Logger } from '../../core/logger.js';
import { inTransaction } from '../../db/queryable.js';
import { dot, EMBEDDING_FACETS, facetTexts, textSha256, type EmbeddingFacet, type ProfileEmbedder, type ProfileTexts } from './embedder.js';
import { ALL_FACET_QUERIES, candidateRowsOf, parallelCandidateRows, type FacetQuery } from './round-candidates.js';
import { parseVectorLiteral, toVectorLiteral, type MatchingVectorIndex } from './vector-index.js';

export interface EmbeddingServiceOptions {
  db: pg.Pool;
  index: MatchingVectorIndex;
  /** The embedder, loaded lazily on the first profile that needs embedding (e.g. () => sharedProfileEmbedder(dir)). */
  embedder: () => Promise<ProfileEmbedder>;
  log?: Logger;
}

export interface ReembedResult {
  /** Facets embedded and written now. */
  updated: EmbeddingFacet[];
  /** Facets whose text (and model) were unchanged: nothing done. */
  unchanged: EmbeddingFacet[];
  /** Facets that lost their text: row and index entry removed. */
  removed: EmbeddingFacet[];
}

export interface MatchCandidate {
  memberId: string;
  goalFitAB: number | null;
  goalFitBA: number | null;
  experienceSimilarity: number | null;
  /** A default blend for pre-ranking: 0.35·goalFitAB + 0.35·goalFitBA + 0.3·experienceSimilarity (missing = 0). */
  embeddingScore: number;
}

export interface CandidateOptions {
  /** Never returned (the member is always excluded). */
  exclude?: ReadonlySet<string>;
  /** Neighbours fetched per facet query before the union is scored (default max(k, 50)). */
  fanout?: number;
  /**
   * Vectors the caller already holds (a round loads every member's once): read from here instead of copying each
   * neighbour's vectors out of the native index, which dominated a round's load time (three copies per neighbour).
   */
  known?: ReadonlyMap<string, MemberVectors>;
}

export type MemberVectors = Partial<Record<EmbeddingFacet, Float32Array>>;

export interface RoundCandidateOptions {
  /** Neighbours per facet query (default k). */
  fanout?: number;
  /** The facet queries (default ALL_FACET_QUERIES). */
  queries?: readonly FacetQuery[];
  /** Threads for the searches (default 1: this one). */
  threads?: number;
  /** Rows a and b could pair at all (e.g. they share free time): the k are the best compatible ones when any is. */
  compatible?: (a: number, b: number) => boolean;
}

export class EmbeddingService {
  readonly #db: pg.Pool;
  readonly #index: MatchingVectorIndex;
  readonly #embedder: () => Promise<ProfileEmbedder>;
  readonly #log: Logger | undefined;
  /** One re-embed at a time per member, so the table and the index see a member's changes in the same order. */
  readonly #queue = new Map<string, Promise<unknown>>();

  constructor(opts: EmbeddingServiceOptions) {
    this.#db = opts.db;
    this.#index = opts.index;
    this.#embedder = opts.embedder;
    this.#log = opts.log;
  }

  get index(): MatchingVectorIndex {
    return this.#index;
  }

  /** The hook for the profile service's onProfileChanged. */
  readonly onProfileChanged = (memberId: string, texts: ProfileTexts): Promise<ReembedResult> => this.reembed(memberId, texts);

  reembed(memberId: string, texts: ProfileTexts): Promise<ReembedResult> {
    const id = memberId.toLowerCase();
    return this.#serial(id, () => this.#reembed(id, texts));
  }

  /** Drops a member's vectors (deleted account, or no longer matchable if the lead wants them out of the index). */
  removeMember(memberId: string): Promise<void> {
    const id = memberId.toLowerCase();
    return this.#serial(id, async () => {
      await this.#db.query('DELETE FROM member_embeddings WHERE member_id = $1', [id]);
      this.#index.remove(id);
    });
  }

  async #reembed(memberId: string, texts: ProfileTexts): Promise<ReembedResult> {
    const model = this.#index.model;
    const wanted = facetTexts(texts);
    const { rows } = await this.#db.query<{ facet: EmbeddingFacet; model: string; sha: string }>(
      'SELECT facet, model, text_sha256 AS sha FROM member_embeddings WHERE member_id = $1',
      [memberId],
    );
    const have = new Map(rows.map((r) => [r.facet, r]));
    const result: ReembedResult = { updated: [], unchanged: [], removed: [] };
    const shas = {} as Record<EmbeddingFacet, string>;
    for (const facet of EMBEDDING_FACETS) {
      const text = wanted[facet];
      const row = have.get(facet);
      if (text === '') {
        if (row) result.removed.push(facet);
        continue;
      }
      shas[facet] = textSha256(model, text);
      if (row && row.model === model && row.sha === shas[facet]) {
        result.unchanged.push(facet);
        // The row is right; make sure the index agrees (e.g. after a rebuild raced a write).
        if (!this.#index.has(facet, memberId)) {
          const v = await this.#rowVector(memberId, facet);
          if (v) this.#index.upsert(facet, memberId, v, row.sha);
        }
      } else result.updated.push(facet);
    }
    if (result.updated.length === 0 && result.removed.length === 0) return result;

    const vectors = result.updated.length > 0 ? await (await this.#embedder()).embedProfile(texts, result.updated) : null;
    await inTransaction(this.#db, async (tx) => {
      for (const facet of result.updated) {
        await tx.query(
          `INSERT INTO member_embeddings (member_id, facet, model, embedding, text_sha256, updated_at)
           VALUES ($1, $2, $3, $4::vector, $5, now())
           ON CONFLICT (member_id, facet) DO UPDATE SET model = EXCLUDED.model, embedding = EXCLUDED.embedding,
             text_sha256 = EXCLUDED.text_sha256, updated_at = now()`,
          [memberId, facet, model, toVectorLiteral(vectors![facet]!), shas[facet]],
        );
      }
      if (result.removed.length > 0) {
        await tx.query('DELETE FROM member_embeddings WHERE member_id = $1 AND facet = ANY($2::text[])', [memberId, result.removed]);
      }
    });
    for (const facet of result.updated) this.#index.upsert(facet, memberId, vectors![facet]!, shas[facet]);
    for (const facet of result.removed) this.#index.remove(memberId, facet);
    this.#log?.debug({ memberId, ...result }, 'matching embeddings updated');
    return result;
  }

  async #rowVector(memberId: string, facet: EmbeddingFacet): Promise<Float32Array | null> {
    const { rows } = await this.#db.query<{ v: string }>('SELECT embedding::text AS v FROM member_embeddings WHERE member_id = $1 AND facet = $2', [memberId, facet]);
    return rows[0] ? parseVectorLiteral(rows[0].v) : null;
  }

  /** A member's vectors by facet (from the index; from the table for a facet the index does not hold). */
  async vectorsOf(memberId: string): Promise<MemberVectors> {
    const id = memberId.toLowerCase();
    const out: MemberVectors = {};
    const missing: EmbeddingFacet[] = [];
    for (const facet of EMBEDDING_FACETS) {
      const v = this.#index.vectorOf(facet, id);
      if (v) out[facet] = v;
      else missing.push(facet);
    }
    if (missing.length > 0) {
      const { rows } = await this.#db.query<{ facet: EmbeddingFacet; v: string }>(
        'SELECT facet, embedding::text AS v FROM member_embeddings WHERE member_id = $1 AND model = $2 AND facet = ANY($3::text[])',
        [id, this.#index.model, missing],
      );
      for (const r of rows) out[r.facet] = parseVectorLiteral(r.v);
    }
    return out;
  }

  /** Scores of one pair (A = `a`, the asking member), e.g. for a round's edge weights. */
  async pairScores(a: string, b: string): Promise<Omit<MatchCandidate, 'memberId'>> {
    const [va, vb] = await Promise.all([this.vectorsOf(a), this.vectorsOf(b)]);
    return scorePair(va, vb);
  }

  /**
   * Up to k candidates for `memberId` by embeddings alone, best embeddingScore first. The member is never among
   * them; neither is anyone in `exclude`. Callers filter further (gating, blocks, availability) — ask for more than
   * they show.
   */
  async candidates(memberId: string, k: number, opts: CandidateOptions = {}): Promise<MatchCandidate[]> {
    if (!Number.isInteger(k) || k < 0) throw new TypeError('k must be a non-negative integer');
    const id = memberId.toLowerCase();
    const me = opts.known?.get(id) ?? (await this.vectorsOf(id));
    const exclude = new Set([...(opts.exclude ?? [])].map((x) => x.toLowerCase()));
    exclude.add(id);
    const fanout = opts.fanout ?? Math.max(k, 50);
    const found = new Set<string>();
    const queries: [EmbeddingFacet, EmbeddingFacet][] = [
      ['seeks', 'offers'],
      ['offers', 'seeks'],
      ['experience', 'experience'],
    ];
    for (const [mine, theirs] of queries) {
      const v = me[mine];
      if (!v) continue;
      for (const n of this.#index.nearest(theirs, v, fanout, { exclude })) found.add(n.memberId);
    }
    const out: MatchCandidate[] = [];
    for (const other of found) {
      const held = opts.known?.get(other);
      if (held) {
        out.push({ memberId: other, ...scorePair(me, held) });
        continue;
      }
      const them: MemberVectors = {};
      for (const facet of EMBEDDING_FACETS) {
        const v = this.#index.vectorOf(facet, other);
        if (v) them[facet] = v;
      }
      out.push({ memberId: other, ...scorePair(me, them) });
    }
    out.sort((x, y) => y.embeddingScore - x.embeddingScore || (x.memberId < y.memberId ? -1 : 1));
    return out.slice(0, k);
  }

  /**
   * Every facet vector of `memberIds` at once (a round): three matrices read in bulk from the index
   * (MatchingVectorIndex.vectorMatrix), so scoring a pair is three dot products over contiguous rows.
   */
  async vectorTable(memberIds: readonly string[]): Promise<VectorTable> {
    const ids = memberIds.map((id) => id.toLowerCase());
    const facets = {} as Record<EmbeddingFacet, { matrix: Float32Array; present: Uint8Array }>;
    for (const facet of EMBEDDING_FACETS) facets[facet] = await this.#index.vectorMatrix(facet, ids);
    return new VectorTable(ids, this.#index.dim, facets);
  }

  /**
   * k partners per member of `table`, among the table's members only (a round pairs no one else): for each member
   * the facet queries (default all three of `candidates`) with `fanout` neighbours each (ef = fanout), the union
   * scored from the table and cut to the k best by embeddingScore. The lists are what matcher/rounds.ts reads as
   * `candidates`. A lower fanout than the suggestion path (k vs 50): a round only needs a good candidate graph.
   * Measured at 100k members: fanout 10 gave 2 % more eligible pairs and fewer loners than 20, in 77 s of CPU
   * instead of 98 s (bench/results/matching-2026-12-07-100k*.json). With `threads` > 1 the searches run on that
   * many threads (round-candidates.ts; same lists), which is what brings a 100k round under a minute on 2 cores.
   */
  async roundCandidates(table: VectorTable, k: number, opts: RoundCandidateOptions = {}): Promise<Map<string, string[]>> {
    if (!Number.isInteger(k) || k < 1) throw new TypeError('k must be a positive integer');
    const fanout = opts.fanout ?? k;
    if (!Number.isInteger(fanout) || fanout < k) throw new TypeError('fanout must be an integer of at least k');
    const threads = opts.threads ?? 1;
    if (!Number.isInteger(threads) || threads < 1) throw new TypeError('threads must be a positive integer');
    const queries = opts.queries ?? ALL_FACET_QUERIES;
    // Time-aware: the whole scored union is kept, so the cut to k can skip pairs that could never meet.
    const keep = opts.compatible ? queries.length * fanout : k;
    const o = { keep, fanout, queries, threads };
    const searchHere = (from: number, to: number) =>
      candidateRowsOf(table, from, to, o, (theirs, v, r) => {
        const self = new Set([table.ids[r]!]);
        return this.#index.nearest(theirs, v, fanout, { exclude: self, ef: fanout }).map((n) => table.rowOf.get(n.memberId) ?? -1);
      });
    const rows = await parallelCandidateRows(this.#index, table, o, searchHere);
    const out = new Map<string, string[]>();
    for (let r = 0; r < table.ids.length; r++) {
      const union: number[] = [];
      for (let i = r * keep; i < (r + 1) * keep && rows[i]! >= 0; i++) union.push(rows[i]!);
      const fit = opts.compatible ? union.filter((c) => opts.compatible!(r, c)) : union;
      // No one compatible: the plain list, so the round's report still says why this member has no partner.
      out.set(
        table.ids[r]!,
        (fit.length > 0 ? fit : union).slice(0, k).map((c) => table.ids[c]!),
      );
    }
    return out;
  }

  /**
   * How well free texts (a room's title, description and topics) fit a member: cosine of each text against the
   * member's seeks and experience vectors (null where the member has none).
   */
  async scoreTexts(memberId: string, texts: readonly string[]): Promise<{ seeks: number | null; experience: number | null }[]> {
    const me = await this.vectorsOf(memberId);
    if (texts.length === 0) return [];
    const vecs = await (await this.#embedder()).embedTexts(texts);
    return vecs.map((v) => ({ seeks: me.seeks ? dot(me.seeks, v) : null, experience: me.experience ? dot(me.experience, v) : null }));
  }

  async #serial<T>(memberId: string, work: () => Promise<T>): Promise<T> {
    const prev = this.#queue.get(memberId) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(work);
    this.#queue.set(memberId, next);
    try {
      return await next;
    } finally {
      if (this.#queue.get(memberId) === next) this.#queue.delete(memberId);
    }
  }
}

export function scorePair(a: MemberVectors, b: MemberVectors): Omit<MatchCandidate, 'memberId'> {
  const goalFitAB = a.seeks && b.offers ? dot(a.seeks, b.offers) : null;
  const goalFitBA = b.seeks && a.offers ? dot(b.seeks, a.offers) : null;
  const experienceSimilarity = a.experience && b.experience ? dot(a.experience, b.experience) : null;
  const embeddingScore = 0.35 * (goalFitAB ?? 0) + 0.35 * (goalFitBA ?? 0) + 0.3 * (experienceSimilarity ?? 0);
  return { goalFitAB, goalFitBA, experienceSimilarity, embeddingScore };
}

/** Members' facet vectors as matrices (row r = ids[r]), for bulk scoring in a round. */
export class VectorTable {
  readonly rowOf: ReadonlyMap<string, number>;

  constructor(
    readonly ids: readonly string[],
    readonly dim: number,
    readonly facets: Readonly<Record<EmbeddingFacet, { matrix: Float32Array; present: Uint8Array }>>,
  ) {
    this.rowOf = new Map(ids.map((id, r) => [id, r]));
  }

  /** Row r's vector of `facet` (a view, not a copy), or null when the member has none. */
  vector(facet: EmbeddingFacet, r: number): Float32Array | null {
    const f = this.facets[facet];
    return f.present[r] ? f.matrix.subarray(r * this.dim, (r + 1) * this.dim) : null;
  }

  /** A member's vectors by facet (views), as MemberVectors. */
  vectorsOf(memberId: string): MemberVectors {
    const r = this.rowOf.get(memberId.toLowerCase());
    const out: MemberVectors = {};
    if (r === undefined) return out;
    for (const facet of EMBEDDING_FACETS) {
      const v = this.vector(facet, r);
      if (v) out[facet] = v;
    }
    return out;
  }

  /** scorePair of rows a (the asking member) and b, straight on the matrices. */
  scores(a: number, b: number): Omit<MatchCandidate, 'memberId'> {
    const goalFitAB = this.#dot('seeks', a, 'offers', b);
    const goalFitBA = this.#dot('seeks', b, 'offers', a);
    const experienceSimilarity = this.#dot('experience', a, 'experience', b);
    const embeddingScore = 0.35 * (goalFitAB ?? 0) + 0.35 * (goalFitBA ?? 0) + 0.3 * (experienceSimilarity ?? 0);
    return { goalFitAB, goalFitBA, experienceSimilarity, embeddingScore };
  }

  embeddingScore(a: number, b: number): number {
    return this.scores(a, b).embeddingScore;
  }

  #dot(fa: EmbeddingFacet, a: number, fb: EmbeddingFacet, b: number): number | null {
    const A = this.facets[fa];
    const B = this.facets[fb];
    if (!A.present[a] || !B.present[b]) return null;
    const x = A.matrix;
    const y = B.matrix;
    const d = this.dim;
    let s = 0;
    for (let i = 0, p = a * d, q = b * d; i < d; i++, p++, q++) s += x[p]! * y[q]!;
    return s;
  }
}
