// The in-process nearest-neighbour index of matching embeddings: one hnswlib-node HNSW graph per facet (inner
// product on L2-normalised vectors = cosine), mirroring `member_embeddings` for the configured model.
//
// Consistency with the table:
//  - incremental: the embedding service writes the row, then calls upsert()/remove() here (new member ids get
//    integer labels; a removed member's slot is marked deleted and reused by the next new one; the graph grows by
//    doubling when full);
//  - persisted: persist() writes `<facet>.hnsw` (hnswlib's own format) and `<facet>.json` (label map, model, count,
//    the sha256 of the .hnsw file and a checksum of the rows it holds), each through a temporary file and a rename;
//  - at start-up open() loads a facet from disk only when both files are intact (sha256 of the graph file checked
//    before hnswlib reads it, so a corrupt file is never handed to native code) and the checksum equals the table's
//    current state; otherwise it rebuilds that facet from the table, streamed in batches.
// The checksum of a set of rows is (count, Σ first 60 bits of md5(member_id ':' text_sha256)) — order-independent,
// so the index keeps it up to date as it changes and PostgreSQL computes the same figure in one aggregate. A row
// changed, added or deleted while the process was down changes it.
//
// Also here, for comparison and tests: an exact search (brute force over the table, PostgreSQL with index scans
// off), the pgvector HNSW query path (`ORDER BY embedding <=> $1 LIMIT k`) and a brute-force top-k over a matrix.
import crypto from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import type pg from 'pg';
import type { Logger } from '../../core/logger.js';
import { inTransaction, type Queryable } from '../../db/queryable.js';
import { EMBEDDING_DIM, EMBEDDING_FACETS, MATCHING_EMBEDDING_MODEL, type EmbeddingFacet, isEmbeddingFacet } from './embedder.js';

const { HierarchicalNSW } = hnswlib;
type Hnsw = InstanceType<typeof HierarchicalNSW>;

export interface HnswParams {
  /** Graph degree (hnswlib M). */
  m: number;
  efConstruction: number;
  /** Search breadth; the effective breadth of one query is max(efSearch, k). */
  efSearch: number;
}

/** Chosen by bench/ann.ts: recall@10 ≥ 0.98 with p99 well under 5 ms up to 1M × 384 (see the README's figures). */
export const DEFAULT_HNSW_PARAMS: HnswParams = { m: 16, efConstruction: 100, efSearch: 128 };

export interface VectorIndexOptions {
  /** The pool (or any Queryable) holding `member_embeddings`. */
  db: Queryable;
  /** Directory for the persisted graphs; null keeps the index in memory only. */
  dir: string | null;
  model?: string;
  dim?: number;
  hnsw?: Partial<HnswParams>;
  /** Rows per batch when rebuilding from the table. */
  batchSize?: number;
  /** Seed of hnswlib's level generator (fixed: the same inserts give the same graph). */
  seed?: number;
  log?: Logger;
}

export interface Neighbour {
  memberId: string;
  /** Cosine similarity in [-1, 1]. */
  similarity: number;
}

export interface NearestOptions {
  exclude?: ReadonlySet<string>;
  /** Overrides efSearch for this query. */
  ef?: number;
}

export interface FacetStartup {
  source: 'loaded' | 'rebuilt';
  /** Why a rebuild happened (missing, stale, corrupt, model changed…); "fresh" when loaded. */
  reason: string;
  count: number;
  ms: number;
}

export interface TableState {
  count: number;
  /** Decimal Σ of the 60-bit row hashes. */
  checksum: string;
}

const FORMAT = 1;
const INITIAL_CAPACITY = 1024;
const FILTER_CALLBACK_OVER = 64;

interface FacetMeta {
  format: number;
  facet: EmbeddingFacet;
  model: string;
  dim: number;
  space: 'ip';
  m: number;
  efConstruction: number;
  count: number;
  checksum: string;
  hnswSha256: string;
  nextLabel: number;
  maxElements: number;
  members: string[];
  labels: number[];
  shas: string[];
  writtenAt: string;
}

export function rowHash(memberId: string, textSha256: string): bigint {
  return BigInt(`0x${crypto.createHash('md5').update(`${memberId}:${textSha256}`).digest('hex').slice(0, 15)}`);
}

const ROW_HASH_SQL = `('x' || substr(md5(member_id::text || ':' || text_sha256), 1, 15))::bit(60)::bigint`;

/** The table's state for one facet and model, comparable with what an index holds. */
export async function tableState(db: Queryable, facet: EmbeddingFacet, model: string): Promise<TableState> {
  const { rows } = await db.query<{ n: string; s: string }>(
    `SELECT count(*)::text AS n, coalesce(sum(${ROW_HASH_SQL}), 0)::text AS s FROM member_embeddings WHERE facet = $1 AND model = $2`,
    [facet, model],
  );
  return { count: Number(rows[0]!.n), checksum: rows[0]!.s };
}

export function toVectorLiteral(v: ArrayLike<number>): string {
  let s = '[';
  for (let i = 0; i < v.length; i++) s += (i ? ',' : '') + String(v[i]);
  return s + ']';
}

export function parseVectorLiteral(s: string): Float32Array {
  return Float32Array.from(JSON.parse(s) as number[]);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function canonicalId(memberId: string): string {
  const id = String(memberId).toLowerCase();
  if (!UUID.test(id)) throw new TypeError(`member id must be a uuid, got ${String(memberId)}`);
  return id;
}

/** A query vector as hnswlib takes it: a plain array, L2-normalised (exported for the round's search workers). */
export function asVector(v: ArrayLike<number>, dim: number): number[] {
  if (!v || v.length !== dim) throw new TypeError(`vector must have ${dim} dimensions, got ${v?.length}`);
  let n = 0;
  for (let i = 0; i < dim; i++) {
    const x = v[i]!;
    if (!Number.isFinite(x)) throw new TypeError('vector has a non-finite component');
    n += x * x;
  }
  n = Math.sqrt(n);
  if (n === 0) throw new TypeError('vector is zero');
  const out = new Array<number>(dim);
  for (let i = 0; i < dim; i++) out[i] = v[i]! / n;
  return out;
}

/** One facet's graph and its label map. */
class FacetIndex {
  readonly hnsw: Hnsw;
  readonly labelOf = new Map<string, number>();
  readonly entryOf = new Map<number, { memberId: string; sha: string }>();
  nextLabel = 0;
  deleted = 0;
  checksum = 0n;

  constructor(
    readonly facet: EmbeddingFacet,
    readonly dim: number,
    readonly params: HnswParams,
    hnsw?: Hnsw,
  ) {
    this.hnsw = hnsw ?? new HierarchicalNSW('ip', dim);
  }

  static empty(facet: EmbeddingFacet, dim: number, params: HnswParams, capacity: number, seed: number): FacetIndex {
    const f = new FacetIndex(facet, dim, params);
    f.hnsw.initIndex({ maxElements: Math.max(INITIAL_CAPACITY, capacity), m: params.m, efConstruction: params.efConstruction, randomSeed: seed, allowReplaceDeleted: true });
    f.hnsw.setEf(params.efSearch);
    return f;
  }

  get size(): number {
    return this.labelOf.size;
  }

  state(): TableState {
    return { count: this.labelOf.size, checksum: this.checksum.toString() };
  }

  upsert(memberId: string, vector: number[], sha: string): void {
    const existing = this.labelOf.get(memberId);
    if (existing !== undefined) {
      const e = this.entryOf.get(existing)!;
      if (e.sha === sha) return;
      this.hnsw.addPoint(vector, existing, false); // in place: hnswlib updates the element and its links
      this.checksum += rowHash(memberId, sha) - rowHash(memberId, e.sha);
      e.sha = sha;
      return;
    }
    if (this.deleted === 0 && this.hnsw.getCurrentCount() >= this.hnsw.getMaxElements()) {
      this.hnsw.resizeIndex(this.hnsw.getMaxElements() * 2);
    }
    const label = this.nextLabel++;
    // replaceDeleted: a new label takes a deleted slot when there is one (never used for an existing label, which
    // hnswlib would then leave behind as a stale duplicate).
    this.hnsw.addPoint(vector, label, true);
    if (this.deleted > 0) this.deleted--;
    this.labelOf.set(memberId, label);
    this.entryOf.set(label, { memberId, sha });
    this.checksum += rowHash(memberId, sha);
  }

  remove(memberId: string): boolean {
    const label = this.labelOf.get(memberId);
    if (label === undefined) return false;
    this.hnsw.markDelete(label);
    this.deleted++;
    const e = this.entryOf.get(label)!;
    this.checksum -= rowHash(memberId, e.sha);
    this.labelOf.delete(memberId);
    this.entryOf.delete(label);
    return true;
  }

  nearest(vector: number[], k: number, opts: NearestOptions): Neighbour[] {
    if (this.size === 0 || k <= 0) return [];
    const excludedLabels: number[] = [];
    for (const id of opts.exclude ?? []) {
      const l = this.labelOf.get(String(id).toLowerCase());
      if (l !== undefined) excludedLabels.push(l);
    }
    const want = Math.min(k, this.size - excludedLabels.length);
    if (want <= 0) return [];
    const max = this.hnsw.getMaxElements();
    const ef = opts.ef ?? this.params.efSearch;
    if (ef !== this.hnsw.getEf()) this.hnsw.setEf(ef);
    let res: { distances: number[]; neighbors: number[] };
    try {
      if (excludedLabels.length > FILTER_CALLBACK_OVER) {
        const ex = new Set(excludedLabels);
        res = this.hnsw.searchKnn(vector, Math.min(want, max), (label) => !ex.has(label));
      } else {
        res = this.hnsw.searchKnn(vector, Math.min(want + excludedLabels.length, max));
      }
    } finally {
      if (ef !== this.params.efSearch) this.hnsw.setEf(this.params.efSearch);
    }
    const ex = new Set(excludedLabels);
    const out: Neighbour[] = [];
    for (let i = 0; i < res.neighbors.length && out.length < want; i++) {
      const label = res.neighbors[i]!;
      if (ex.has(label)) continue;
      const e = this.entryOf.get(label);
      if (e) out.push({ memberId: e.memberId, similarity: 1 - res.distances[i]! });
    }
    return out;
  }

  vectorOf(memberId: string): Float32Array | null {
    const label = this.labelOf.get(memberId);
    return label === undefined ? null : Float32Array.from(this.hnsw.getPoint(label));
  }
}

type Op = { kind: 'upsert'; facet: EmbeddingFacet; memberId: string; vector: number[]; sha: string } | { kind: 'remove'; facet: EmbeddingFacet; memberId: string };

export class MatchingVectorIndex {
  readonly model: string;
  readonly dim: number;
  readonly params: HnswParams;
  readonly startup: Partial<Record<EmbeddingFacet, FacetStartup>> = {};
  readonly #db: Queryable;
  readonly #dir: string | null;
  readonly #batch: number;
  readonly #seed: number;
  readonly #log: Logger | undefined;
  readonly #facets = new Map<EmbeddingFacet, FacetIndex>();
  readonly #dirty = new Set<EmbeddingFacet>();
  /** While a graph is written or rebuilt, changes wait here (hnswlib must not change under a write). */
  #held: Op[] | null = null;
  /** Changes seen while a facet is rebuilt from the table, replayed onto the new graph before it takes over. */
  readonly #journals = new Map<EmbeddingFacet, Op[]>();
  #persisting: Promise<void> | null = null;

  private constructor(opts: VectorIndexOptions) {
    this.#db = opts.db;
    this.#dir = opts.dir;
    this.model = opts.model ?? MATCHING_EMBEDDING_MODEL;
    this.dim = opts.dim ?? EMBEDDING_DIM;
    this.params = { ...DEFAULT_HNSW_PARAMS, ...(opts.hnsw ?? {}) };
    this.#batch = opts.batchSize ?? 2000;
    this.#seed = opts.seed ?? 100;
    this.#log = opts.log;
  }

  /** Loads every facet from disk when fresh, else rebuilds it from the table. Never throws on a bad file. */
  static async open(opts: VectorIndexOptions): Promise<MatchingVectorIndex> {
    const index = new MatchingVectorIndex(opts);
    if (index.#dir) await fs.mkdir(index.#dir, { recursive: true });
    for (const facet of EMBEDDING_FACETS) {
      const t0 = performance.now();
      const state = await tableState(index.#db, facet, index.model);
      const loaded = await index.#tryLoad(facet, state);
      if (loaded.index) {
        index.#facets.set(facet, loaded.index);
        index.startup[facet] = { source: 'loaded', reason: 'fresh', count: loaded.index.size, ms: Math.round(performance.now() - t0) };
      } else {
        const built = await index.#build(facet, state.count);
        index.#facets.set(facet, built);
        index.#dirty.add(facet);
        index.startup[facet] = { source: 'rebuilt', reason: loaded.reason, count: built.size, ms: Math.round(performance.now() - t0) };
      }
      index.#log?.info({ facet, ...index.startup[facet] }, 'matching index facet ready');
    }
    if (index.#dir && index.#dirty.size > 0) await index.persist();
    return index;
  }

  /** Adds or replaces a member's vector (L2-normalised here too) for a facet. */
  upsert(facet: EmbeddingFacet, memberId: string, vector: ArrayLike<number>, textSha256: string): void {
    if (!isEmbeddingFacet(facet)) throw new TypeError(`unknown facet ${String(facet)}`);
    const op: Op = { kind: 'upsert', facet, memberId: canonicalId(memberId), vector: asVector(vector, this.dim), sha: String(textSha256) };
    this.#apply(op);
  }

  /** Removes a member from one facet, or from all of them. */
  remove(memberId: string, facet?: EmbeddingFacet): void {
    const id = canonicalId(memberId);
    for (const f of facet ? [facet] : EMBEDDING_FACETS) this.#apply({ kind: 'remove', facet: f, memberId: id });
  }

  #apply(op: Op): void {
    this.#journals.get(op.facet)?.push(op);
    if (this.#held) {
      this.#held.push(op);
      return;
    }
    this.#applyNow(op);
  }

  #applyNow(op: Op): void {
    const f = this.#facet(op.facet);
    if (op.kind === 'upsert') f.upsert(op.memberId, op.vector, op.sha);
    else if (!f.remove(op.memberId)) return;
    this.#dirty.add(op.facet);
  }

  #facet(facet: EmbeddingFacet): FacetIndex {
    const f = this.#facets.get(facet);
    if (!f) throw new Error(`matching index: facet ${facet} is not open`);
    return f;
  }

  /** The k members whose `facet` vector is nearest to `vector` (cosine), best first. */
  nearest(facet: EmbeddingFacet, vector: ArrayLike<number>, k: number, opts: NearestOptions = {}): Neighbour[] {
    if (!Number.isInteger(k) || k < 0) throw new TypeError('k must be a non-negative integer');
    return this.#facet(facet).nearest(asVector(vector, this.dim), k, opts);
  }

  vectorOf(facet: EmbeddingFacet, memberId: string): Float32Array | null {
    return this.#facet(facet).vectorOf(canonicalId(memberId));
  }

  has(facet: EmbeddingFacet, memberId: string): boolean {
    return this.#facet(facet).labelOf.has(canonicalId(memberId));
  }

  size(facet: EmbeddingFacet): number {
    return this.#facet(facet).size;
  }

  /** What the index holds, in the table's checksum terms. */
  state(facet: EmbeddingFacet): TableState {
    return this.#facet(facet).state();
  }

  /**
   * Every `facet` vector of `memberIds` at once, as the rows of one matrix (row r is memberIds[r]; present[r] is 0
   * where the index holds none). Why not vectorOf in a loop: hnswlib-node copies a point out element by element
   * (~60 µs per 384-d vector: 18 s for 100k members × 3 facets). Instead the graph is written once to a temporary
   * file (hnswlib's own writer, off the event loop) and its level-0 block read in one go: hnswlib's saveIndex layout
   * is a 96-byte header, then per element its level-0 links, the float32 vector and the size_t label. The layout is
   * checked against the header and one point against getPoint, so a different hnswlib build fails loudly.
   */
  async vectorMatrix(facet: EmbeddingFacet, memberIds: readonly string[]): Promise<{ matrix: Float32Array; present: Uint8Array }> {
    const dim = this.dim;
    const matrix = new Float32Array(memberIds.length * dim);
    const present = new Uint8Array(memberIds.length);
    const rowOf = new Map(memberIds.map((id, r) => [canonicalId(id), r]));
    while (this.#persisting) await this.#persisting;
    // Held like a persist: hnswlib must not change (nor a rebuild swap the graph) while it writes and is read back;
    // changes wait and are applied after.
    this.#held = [];
    let done!: () => void;
    this.#persisting = new Promise<void>((resolve) => (done = resolve));
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'roundtable-vectors-')).catch((err: unknown) => {
      this.#release(done);
      throw err;
    });
    try {
      const f = this.#facet(facet);
      if (f.size === 0) return { matrix, present };
      const file = path.join(dir, `${facet}.hnsw`);
      await f.hnsw.writeIndex(file);
      const buf = await fs.readFile(file);
      const HEADER = 96;
      const u64 = (at: number) => u64As(buf, at);
      const count = u64(16);
      const perElement = u64(24);
      const labelOffset = u64(32);
      const dataOffset = u64(40);
      if (u64(0) !== 0 || labelOffset !== dataOffset + dim * 4 || perElement !== labelOffset + 8 || buf.length < HEADER + count * perElement) {
        throw new Error(`matching index: unexpected hnswlib file layout (${facet}: element ${perElement} B, data at ${dataOffset}, label at ${labelOffset})`);
      }
      // Float32Array views need 4-byte alignment; element sizes are multiples of 4, so only the buffer's start matters.
      const bytes = (buf.byteOffset + HEADER) % 4 === 0 ? buf : Buffer.from(buf);
      let checked = false;
      for (let e = 0; e < count; e++) {
        const base = HEADER + e * perElement;
        const label = u64As(bytes, base + labelOffset);
        const entry = f.entryOf.get(label);
        if (!entry) continue; // a deleted slot
        const r = rowOf.get(entry.memberId);
        if (r === undefined) continue;
        const v = new Float32Array(bytes.buffer, bytes.byteOffset + base + dataOffset, dim);
        if (!checked) {
          const p = f.hnsw.getPoint(label);
          if (p.some((x, i) => Math.abs(x - v[i]!) > 1e-6)) throw new Error(`matching index: hnswlib file vectors disagree with getPoint (${facet})`);
          checked = true;
        }
        matrix.set(v, r * dim);
        present[r] = 1;
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
      this.#release(done);
    }
    return { matrix, present };
  }

  /**
   * Every facet's graph written to `dir` (hnswlib's own files) for read-only searches elsewhere — the round's search
   * workers (round-candidates.ts) load them, since an hnswlib graph cannot be shared across threads. With each file,
   * the member of every label (null for a deleted slot). Held like a persist, so the files and labels agree.
   */
  async graphSnapshot(dir: string): Promise<Record<EmbeddingFacet, { file: string; count: number; memberOfLabel: (string | null)[] }>> {
    while (this.#persisting) await this.#persisting;
    this.#held = [];
    let done!: () => void;
    this.#persisting = new Promise<void>((resolve) => (done = resolve));
    try {
      const out = {} as Record<EmbeddingFacet, { file: string; count: number; memberOfLabel: (string | null)[] }>;
      for (const facet of EMBEDDING_FACETS) {
        const f = this.#facet(facet);
        const file = path.join(dir, `${facet}.hnsw`);
        const memberOfLabel = new Array<string | null>(f.nextLabel).fill(null);
        for (const [label, e] of f.entryOf) memberOfLabel[label] = e.memberId;
        if (f.size > 0) await f.hnsw.writeIndex(file);
        out[facet] = { file, count: f.size, memberOfLabel };
      }
      return out;
    } finally {
      this.#release(done);
    }
  }

  /** Ends a hold taken by vectorMatrix: the changes that waited are applied. */
  #release(done: () => void): void {
    const held = this.#held ?? [];
    this.#held = null;
    this.#persisting = null;
    done();
    for (const op of held) this.#applyNow(op);
  }

  /** True when every facet holds exactly the table's rows (for health checks and after out-of-process writes). */
  async isConsistent(): Promise<boolean> {
    for (const facet of EMBEDDING_FACETS) {
      const s = await tableState(this.#db, facet, this.model);
      const mine = this.state(facet);
      if (s.count !== mine.count || s.checksum !== mine.checksum) return false;
    }
    return true;
  }

  /** Rebuilds one facet from the table while the old graph keeps answering; changes made meanwhile are replayed. */
  async rebuild(facet: EmbeddingFacet): Promise<void> {
    const journal: Op[] = [];
    this.#journals.set(facet, journal);
    try {
      const built = await this.#build(facet, (await tableState(this.#db, facet, this.model)).count);
      while (this.#held) await this.#persisting; // never swap under a write
      for (const op of journal) {
        if (op.kind === 'upsert') built.upsert(op.memberId, op.vector, op.sha);
        else built.remove(op.memberId);
      }
      this.#facets.set(facet, built);
      this.#dirty.add(facet);
    } finally {
      this.#journals.delete(facet);
    }
  }

  /** Writes the changed facets to disk (no-op without a directory or changes). */
  async persist(): Promise<void> {
    if (!this.#dir) return;
    while (this.#persisting) await this.#persisting;
    if (this.#dirty.size === 0) return;
    this.#persisting = this.#persistNow().finally(() => {
      this.#persisting = null;
    });
    return this.#persisting;
  }

  async #persistNow(): Promise<void> {
    const dir = this.#dir!;
    const facets = [...this.#dirty];
    this.#dirty.clear();
    this.#held = [];
    try {
      for (const facet of facets) {
        const f = this.#facet(facet);
        const graph = path.join(dir, `${facet}.hnsw`);
        const meta = path.join(dir, `${facet}.json`);
        const tmpGraph = `${graph}.${process.pid}.tmp`;
        const tmpMeta = `${meta}.${process.pid}.tmp`;
        const members: string[] = [];
        const labels: number[] = [];
        const shas: string[] = [];
        for (const [label, e] of f.entryOf) {
          labels.push(label);
          members.push(e.memberId);
          shas.push(e.sha);
        }
        const state = f.state();
        try {
          await f.hnsw.writeIndex(tmpGraph);
          const m: FacetMeta = {
            format: FORMAT,
            facet,
            model: this.model,
            dim: this.dim,
            space: 'ip',
            m: f.params.m,
            efConstruction: f.params.efConstruction,
            count: state.count,
            checksum: state.checksum,
            hnswSha256: await sha256OfFile(tmpGraph),
            nextLabel: f.nextLabel,
            maxElements: f.hnsw.getMaxElements(),
            members,
            labels,
            shas,
            writtenAt: new Date().toISOString(),
          };
          await fs.writeFile(tmpMeta, JSON.stringify(m));
          // Graph first, then the meta naming its sha256: a crash in between leaves a pair that does not match → rebuild.
          await fs.rename(tmpGraph, graph);
          await fs.rename(tmpMeta, meta);
        } catch (err) {
          this.#dirty.add(facet);
          await fs.rm(tmpGraph, { force: true });
          await fs.rm(tmpMeta, { force: true });
          throw err;
        }
      }
    } finally {
      const held = this.#held ?? [];
      this.#held = null;
      for (const op of held) this.#applyNow(op);
    }
  }

  /** Persists what changed. The index stays usable in memory. */
  async close(): Promise<void> {
    await this.persist();
  }

  async #tryLoad(facet: EmbeddingFacet, state: TableState): Promise<{ index?: FacetIndex; reason: string }> {
    if (!this.#dir) return { reason: 'not persisted' };
    const graph = path.join(this.#dir, `${facet}.hnsw`);
    const metaFile = path.join(this.#dir, `${facet}.json`);
    let meta: FacetMeta;
    try {
      meta = JSON.parse(await fs.readFile(metaFile, 'utf8')) as FacetMeta;
    } catch (err) {
      return { reason: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : `corrupt manifest (${(err as Error).message})` };
    }
    try {
      if (meta.format !== FORMAT || meta.facet !== facet || meta.space !== 'ip') return { reason: 'other format' };
      if (meta.model !== this.model) return { reason: `model changed (${String(meta.model)} → ${this.model})` };
      if (meta.dim !== this.dim) return { reason: 'dimension changed' };
      if (meta.m !== this.params.m || meta.efConstruction !== this.params.efConstruction) return { reason: 'graph parameters changed' };
      if (meta.count !== state.count || meta.checksum !== state.checksum) {
        return { reason: `stale (file ${meta.count} rows/${meta.checksum}, table ${state.count} rows/${state.checksum})` };
      }
      const n = meta.members.length;
      if (!Array.isArray(meta.members) || meta.labels.length !== n || meta.shas.length !== n || n !== meta.count) return { reason: 'corrupt manifest (label map)' };
      let sha: string;
      try {
        sha = await sha256OfFile(graph);
      } catch {
        return { reason: 'graph file missing' };
      }
      if (sha !== meta.hnswSha256) return { reason: 'corrupt graph file (sha256 mismatch)' };
      // hnswlib cannot grow an index it read back empty ("failed to allocate base layer"): start an empty one anew.
      if (n === 0) return { reason: 'empty on disk' };
      const hnsw = new HierarchicalNSW('ip', this.dim);
      await hnsw.readIndex(graph, true);
      const f = new FacetIndex(facet, this.dim, this.params, hnsw);
      hnsw.setEf(this.params.efSearch);
      for (let i = 0; i < n; i++) {
        const memberId = meta.members[i]!;
        const label = meta.labels[i]!;
        f.labelOf.set(memberId, label);
        f.entryOf.set(label, { memberId, sha: meta.shas[i]! });
        f.checksum += rowHash(memberId, meta.shas[i]!);
      }
      f.nextLabel = meta.nextLabel;
      f.deleted = hnsw.getCurrentCount() - n;
      const ids = new Set(hnsw.getIdsList());
      if (f.checksum.toString() !== state.checksum || f.deleted < 0 || meta.labels.some((l) => !ids.has(l) || l >= meta.nextLabel)) {
        return { reason: 'corrupt manifest (label map does not match)' };
      }
      return { index: f, reason: 'fresh' };
    } catch (err) {
      return { reason: `unreadable (${(err as Error).message})` };
    }
  }

  /** A new graph of one facet from the table, streamed in member-id order, `batchSize` rows at a time. */
  async #build(facet: EmbeddingFacet, expected: number): Promise<FacetIndex> {
    const f = FacetIndex.empty(facet, this.dim, this.params, Math.ceil(expected * 1.25) + 16, this.#seed);
    let after: string | null = null;
    for (;;) {
      const cols = 'SELECT member_id::text AS id, text_sha256 AS sha, embedding::text AS v FROM member_embeddings WHERE facet = $1 AND model = $2';
      const { rows }: { rows: { id: string; sha: string; v: string }[] } = await this.#db.query<{ id: string; sha: string; v: string }>(
        after === null ? `${cols} ORDER BY member_id LIMIT $3` : `${cols} AND member_id > $4::uuid ORDER BY member_id LIMIT $3`,
        after === null ? [facet, this.model, this.#batch] : [facet, this.model, this.#batch, after],
      );
      for (const r of rows) f.upsert(r.id, asVector(JSON.parse(r.v) as number[], this.dim), r.sha);
      if (rows.length < this.#batch) break;
      after = rows[rows.length - 1]!.id;
    }
    return f;
  }
}

/** A little-endian size_t label (labels stay far below 2^53). */
function u64As(buf: Buffer, at: number): number {
  return buf.readUInt32LE(at) + buf.readUInt32LE(at + 4) * 0x1_0000_0000;
}

async function sha256OfFile(file: string): Promise<string> {
  const h = crypto.createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

function facetLiteral(facet: EmbeddingFacet): string {
  if (!isEmbeddingFacet(facet)) throw new TypeError(`unknown facet ${String(facet)}`);
  return `'${facet}'`; // a literal, so the planner can use the facet's partial HNSW index
}

export interface SqlNearestOptions {
  model?: string;
  exclude?: ReadonlySet<string>;
  /** pgvector hnsw.ef_search for this query. */
  efSearch?: number;
}

/** Exact k nearest by brute force over the table (index scans off: a sequential scan and a sort). */
export async function exactNearestSql(pool: pg.Pool, facet: EmbeddingFacet, vector: ArrayLike<number>, k: number, opts: SqlNearestOptions = {}): Promise<Neighbour[]> {
  return inTransaction(pool, async (tx) => {
    await tx.query('SET LOCAL enable_indexscan = off');
    await tx.query('SET LOCAL enable_bitmapscan = off');
    return sqlNearest(tx, facet, vector, k, opts);
  });
}

/** k nearest through pgvector's HNSW index (approximate; iterative scan so excluded rows do not shorten the list). */
export async function pgvectorNearest(pool: pg.Pool, facet: EmbeddingFacet, vector: ArrayLike<number>, k: number, opts: SqlNearestOptions = {}): Promise<Neighbour[]> {
  return inTransaction(pool, async (tx) => {
    const ef = opts.efSearch ?? 100;
    if (!Number.isInteger(ef) || ef < 1 || ef > 1000) throw new TypeError('efSearch must be an integer in [1, 1000]');
    await tx.query(`SET LOCAL hnsw.ef_search = ${ef}`);
    await tx.query(`SET LOCAL hnsw.iterative_scan = relaxed_order`);
    const rows = await sqlNearest(tx, facet, vector, k, opts);
    return rows.sort((a, b) => b.similarity - a.similarity); // relaxed order: sort the few rows here
  });
}

async function sqlNearest(db: Queryable, facet: EmbeddingFacet, vector: ArrayLike<number>, k: number, opts: SqlNearestOptions): Promise<Neighbour[]> {
  if (!Number.isInteger(k) || k < 0) throw new TypeError('k must be a non-negative integer');
  const v = toVectorLiteral(asVector(vector, EMBEDDING_DIM));
  const exclude = [...(opts.exclude ?? [])].map(canonicalId);
  const { rows } = await db.query<{ id: string; d: number }>(
    `SELECT member_id::text AS id, embedding <=> $1::vector AS d FROM member_embeddings
      WHERE facet = ${facetLiteral(facet)} AND model = $2 AND NOT (member_id = ANY($3::uuid[]))
      ORDER BY embedding <=> $1::vector LIMIT $4`,
    [v, opts.model ?? MATCHING_EMBEDDING_MODEL, exclude, k],
  );
  return rows.map((r) => ({ memberId: r.id, similarity: 1 - Number(r.d) }));
}

/** Exact top-k by inner product over a row-major matrix of normalised vectors (labels are row numbers). */
export function bruteForceTopK(matrix: Float32Array, dim: number, query: ArrayLike<number>, k: number): { label: number; similarity: number }[] {
  const n = matrix.length / dim;
  const bestS = new Float64Array(k).fill(-Infinity);
  const bestL = new Int32Array(k).fill(-1);
  for (let r = 0; r < n; r++) {
    let s = 0;
    const off = r * dim;
    for (let d = 0; d < dim; d++) s += matrix[off + d]! * query[d]!;
    if (s <= bestS[k - 1]!) continue;
    let i = k - 1;
    while (i > 0 && bestS[i - 1]! < s) {
      bestS[i] = bestS[i - 1]!;
      bestL[i] = bestL[i - 1]!;
      i--;
    }
    bestS[i] = s;
    bestL[i] = r;
  }
  const out: { label: number; similarity: number }[] = [];
  for (let i = 0; i < k && bestL[i]! >= 0; i++) out.push({ label: bestL[i]!, similarity: bestS[i]! });
  return out;
}
