// A round's k-NN candidate lists, searched on several threads. hnswlib-node's searchKnn is synchronous native code,
// so a 100k-member round's 300k queries (80 s on one core) only shrink by running in parallel: the calling thread
// searches its share of the members on the live index while worker threads (round-candidates-worker.ts) search
// theirs on copies of the graphs, written once to a temporary directory (MatchingVectorIndex.graphSnapshot) and
// loaded read-only. The matrices of the round's VectorTable are shared (SharedArrayBuffer), not copied. Each worker
// follows the same steps as the in-process search (EmbeddingService.roundCandidates), so the lists are the same
// whichever thread computed them (test/matching-suggestions/round-candidates-threads.test.ts).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EmbeddingFacet } from './embedder.js';
import { EMBEDDING_FACETS } from './embedder.js';
import type { VectorTable } from './embedding-service.js';
import type { MatchingVectorIndex } from './vector-index.js';

/** The facet queries of a member's candidate search: [my facet, their facet]. */
export type FacetQuery = readonly [EmbeddingFacet, EmbeddingFacet];

/** Seeks against offers both ways, and experience against experience (the blend's three terms). */
export const ALL_FACET_QUERIES: readonly FacetQuery[] = [
  ['seeks', 'offers'],
  ['offers', 'seeks'],
  ['experience', 'experience'],
];
/** The two goal-fit queries only (0.7 of the blend): a third fewer searches. */
export const GOAL_FACET_QUERIES: readonly FacetQuery[] = ALL_FACET_QUERIES.slice(0, 2);

/**
 * The candidate rows of rows [from, to): for each, the union of its facet queries' neighbours (`nearest` gives the
 * table rows of the `fanout` nearest members other than the row itself, -1 for one outside the round), scored by
 * the table's embeddingScore and cut to the `keep` best (ties: lower row first). One home for the steps, whichever
 * thread.
 */
export function candidateRowsOf(
  table: Pick<VectorTable, 'vector' | 'embeddingScore'>,
  from: number,
  to: number,
  o: { keep: number; queries: readonly FacetQuery[] },
  nearest: (theirs: EmbeddingFacet, vector: Float32Array, row: number) => Iterable<number>,
): CandidateRows {
  const out = new Int32Array((to - from) * o.keep).fill(-1);
  const found = new Set<number>();
  for (let r = from; r < to; r++) {
    found.clear();
    for (const [mine, theirs] of o.queries) {
      const v = table.vector(mine, r);
      if (!v) continue;
      for (const other of nearest(theirs, v, r)) if (other >= 0) found.add(other);
    }
    const scored: { row: number; s: number }[] = [];
    for (const other of found) scored.push({ row: other, s: table.embeddingScore(r, other) });
    scored.sort((x, y) => y.s - x.s || x.row - y.row);
    const base = (r - from) * o.keep;
    for (let i = 0; i < scored.length && i < o.keep; i++) out[base + i] = scored[i]!.row;
  }
  return out;
}

/** What a search worker is given (structured-cloned; the big arrays are SharedArrayBuffer views). */
export interface SearchWorkerData {
  ids: readonly string[];
  dim: number;
  keep: number;
  fanout: number;
  queries: readonly FacetQuery[];
  from: number;
  to: number;
  /** Per facet: the graph file (null when the facet is empty) and, per label, the row of its member in the table (-1 outside the round, -2 a deleted slot). */
  graphs: Record<EmbeddingFacet, { file: string | null; count: number; rowOfLabel: Int32Array }>;
  matrices: Record<EmbeddingFacet, { matrix: Float32Array; present: Uint8Array }>;
}

/** The rows [from, to)'s candidates: `keep` rows each, best first, -1 padded (the worker's reply). */
export type CandidateRows = Int32Array;

/** Copies a typed array into shared memory (so workers read the same bytes instead of a clone each). */
function shared<T extends Float32Array | Uint8Array | Int32Array>(a: T, make: (b: SharedArrayBuffer) => T): T {
  const out = make(new SharedArrayBuffer(a.byteLength));
  out.set(a as never);
  return out;
}

/**
 * Candidate rows for `table`'s members on `threads` threads (the caller's included). `searchHere(from, to)` is the
 * in-process search of a range of rows; the other ranges go to workers.
 */
export async function parallelCandidateRows(
  index: MatchingVectorIndex,
  table: VectorTable,
  o: { keep: number; fanout: number; queries: readonly FacetQuery[]; threads: number },
  searchHere: (from: number, to: number) => CandidateRows,
): Promise<CandidateRows> {
  const n = table.ids.length;
  const workers = Math.max(0, Math.min(o.threads, Math.ceil(n / 1000)) - 1);
  if (workers === 0) return searchHere(0, n);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'roundtable-round-'));
  const started: Worker[] = [];
  try {
    const snapshot = await index.graphSnapshot(dir);
    const graphs = {} as SearchWorkerData['graphs'];
    const matrices = {} as SearchWorkerData['matrices'];
    for (const facet of EMBEDDING_FACETS) {
      const s = snapshot[facet];
      const rowOfLabel = new Int32Array(new SharedArrayBuffer(s.memberOfLabel.length * 4));
      s.memberOfLabel.forEach((id, label) => (rowOfLabel[label] = id === null ? -2 : (table.rowOf.get(id) ?? -1)));
      graphs[facet] = { file: s.count > 0 ? s.file : null, count: s.count, rowOfLabel };
      const m = table.facets[facet];
      matrices[facet] = { matrix: shared(m.matrix, (b) => new Float32Array(b)), present: shared(m.present, (b) => new Uint8Array(b)) };
    }
    // Workers start slower (module and graph loading: seconds at 100k), so the caller takes a larger first share.
    const share = Math.ceil(n / (workers + 1));
    const ranges: [number, number][] = [];
    for (let w = 0, from = share; w < workers; w++, from += share) ranges.push([from, Math.min(n, from + share)]);
    const tsx = import.meta.resolve('tsx/esm/api');
    const file = new URL('./round-candidates-worker.ts', import.meta.url).href;
    const replies = ranges.map(([from, to]) => {
      const data: SearchWorkerData = { ids: table.ids, dim: table.dim, keep: o.keep, fanout: o.fanout, queries: o.queries, from, to, graphs, matrices };
      const worker = new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(file)}); });`, { eval: true, workerData: data });
      started.push(worker);
      return new Promise<CandidateRows>((resolve, reject) => {
        worker.once('message', (rows: CandidateRows) => resolve(rows));
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`round candidate worker exited (${code}) before answering`)));
      });
    });
    // Never an unhandled rejection while this thread searches its own share.
    for (const r of replies) r.catch(() => undefined);
    const mine = searchHere(0, Math.min(n, share));
    const out = new Int32Array(n * o.keep);
    out.set(mine, 0);
    const answered = await Promise.all(replies);
    answered.forEach((rows, w) => out.set(rows, ranges[w]![0] * o.keep));
    return out;
  } finally {
    await Promise.all(started.map((w) => w.terminate()));
    await fs.rm(dir, { recursive: true, force: true });
  }
}
