// One round-candidate search worker (round-candidates.ts): loads the snapshot's graphs read-only, searches its
// range of rows with the same steps as the in-process search, and answers with the candidate rows.
import hnswlib from 'hnswlib-node';
import { parentPort, workerData } from 'node:worker_threads';
import type { EmbeddingFacet } from './embedder.js';
import { VectorTable } from './embedding-service.js';
import { candidateRowsOf, type SearchWorkerData } from './round-candidates.js';
import { asVector } from './vector-index.js';

const d = workerData as SearchWorkerData;
const table = new VectorTable(d.ids, d.dim, d.matrices);
const graphs = new Map<EmbeddingFacet, InstanceType<typeof hnswlib.HierarchicalNSW>>();
for (const [facet, g] of Object.entries(d.graphs) as [EmbeddingFacet, SearchWorkerData['graphs'][EmbeddingFacet]][]) {
  if (!g.file || !d.queries.some(([, theirs]) => theirs === facet)) continue;
  const h = new hnswlib.HierarchicalNSW('ip', d.dim);
  await h.readIndex(g.file);
  h.setEf(d.fanout);
  graphs.set(facet, h);
}

// As MatchingVectorIndex.nearest with the member itself excluded: ask one more when it is in the graph, skip it,
// count only live labels towards the fanout.
const rows = candidateRowsOf(table, d.from, d.to, d, (theirs, vector, self) => {
  const h = graphs.get(theirs);
  const g = d.graphs[theirs];
  if (!h || g.count === 0) return [];
  const selfIn = table.vector(theirs, self) !== null ? 1 : 0; // the table's rows come from the same index
  const want = Math.min(d.fanout, g.count - selfIn);
  if (want <= 0) return [];
  const res = h.searchKnn(asVector(vector, d.dim), Math.min(want + selfIn, h.getMaxElements()));
  const out: number[] = [];
  for (const label of res.neighbors) {
    if (out.length >= want) break;
    const row = g.rowOfLabel[label] ?? -2;
    if (row === self || row === -2) continue;
    out.push(row);
  }
  return out;
});
parentPort!.postMessage(rows, [rows.buffer as ArrayBuffer]);
