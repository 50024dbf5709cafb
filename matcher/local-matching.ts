// Approximate maximum-weight matching for graphs too large for the O(n³) blossom algorithm (rounds over tens of
// thousands of members): greedy by weight (a ½-approximation, maximal), then local improvement until nothing
// improves — short augmenting paths (free–x=y–free, one more pair), rematches (free u takes x from y when u–x is
// heavier than x=y), and two-pair swaps (u=v, x=y → u–x, v–y when heavier). Each accepted move strictly improves
// (pairs, weight) — or weight alone when cardinality does not lead — so it terminates; `maxPasses` bounds it anyway.
// Runs in about O(m log m + passes · Σ deg²) and needs only the sparse candidate graph.
import type { MatchingOptions, WeightedEdge } from './blossom.js';

export interface LocalMatchingOptions extends MatchingOptions {
  /** Upper bound on improvement sweeps over all vertices (default 25). */
  maxPasses?: number;
  /** Vertices one augmenting-path search may visit (default 4000); bounds the cost per free vertex. */
  searchLimit?: number;
}

export function greedyLocalMatching(vertexCount: number, edges: readonly WeightedEdge[], options: LocalMatchingOptions = {}): Int32Array {
  if (!Number.isInteger(vertexCount) || vertexCount < 0) throw new TypeError('vertexCount must be a non-negative integer');
  const maxCardinality = options.maxCardinality ?? false;
  const maxPasses = options.maxPasses ?? 25;
  const searchLimit = options.searchLimit ?? 4000;
  const n = vertexCount;
  // One weight per unordered pair (the heaviest, if an edge is given twice); the map answers "is v–y an edge?".
  const weightOf = new Map<number, number>();
  const key = (i: number, j: number) => (i < j ? i * n + j : j * n + i);
  edges.forEach((e, k) => {
    if (!Number.isInteger(e.i) || !Number.isInteger(e.j) || e.i < 0 || e.j < 0 || e.i >= n || e.j >= n || e.i === e.j) {
      throw new TypeError(`edges[${k}] must join two different vertices in 0..${n - 1}`);
    }
    if (!Number.isFinite(e.w)) throw new TypeError(`edges[${k}].w must be a finite number`);
    const kk = key(e.i, e.j);
    const prev = weightOf.get(kk);
    if (prev === undefined || e.w > prev) weightOf.set(kk, e.w);
  });
  const m = weightOf.size;
  const ei = new Int32Array(m);
  const ej = new Int32Array(m);
  const ew = new Float64Array(m);
  const start = new Int32Array(n + 1);
  {
    let k = 0;
    for (const [kk, w] of weightOf) {
      const i = Math.floor(kk / n);
      ei[k] = i;
      ej[k] = kk - i * n;
      ew[k] = w;
      start[i + 1]!++;
      start[ej[k]! + 1]!++;
      k++;
    }
  }
  for (let v = 0; v < n; v++) start[v + 1]! += start[v]!;
  // Adjacency (CSR) with the weight beside each neighbour, heaviest first: the sweeps read weights without lookups,
  // and searches that stop at the first find (augmenting paths) prefer heavy edges.
  const adj = new Int32Array(2 * m);
  const adjW = new Float64Array(2 * m);
  {
    const fill = start.slice(0, n);
    for (let k = 0; k < m; k++) {
      let at = fill[ei[k]!]!++;
      adj[at] = ej[k]!;
      adjW[at] = ew[k]!;
      at = fill[ej[k]!]!++;
      adj[at] = ei[k]!;
      adjW[at] = ew[k]!;
    }
    for (let v = 0; v < n; v++) {
      for (let a = start[v]! + 1; a < start[v + 1]!; a++) {
        const x = adj[a]!;
        const wx = adjW[a]!;
        let b = a - 1;
        while (b >= start[v]! && (adjW[b]! < wx || (adjW[b] === wx && adj[b]! > x))) {
          adj[b + 1] = adj[b]!;
          adjW[b + 1] = adjW[b]!;
          b--;
        }
        adj[b + 1] = x;
        adjW[b + 1] = wx;
      }
    }
  }

  const mate = new Int32Array(n).fill(-1);
  const mateW = new Float64Array(n); // weight of v's matched edge
  const link = (a: number, b: number, w: number) => {
    mate[a] = b;
    mate[b] = a;
    mateW[a] = mateW[b] = w;
  };
  // Greedy: heaviest edges first; ties broken by vertex ids so the result is deterministic.
  const order = new Int32Array(m);
  for (let k = 0; k < m; k++) order[k] = k;
  order.sort((x, y) => ew[y]! - ew[x]! || ei[x]! - ei[y]! || ej[x]! - ej[y]!);
  for (const k of order) {
    if (mate[ei[k]!] === -1 && mate[ej[k]!] === -1) link(ei[k]!, ej[k]!, ew[k]!);
  }
  if (m === 0) return mate;

  const improve = () => {
    for (let pass = 0; pass < maxPasses; pass++) {
      let improved = false;
      for (let u = 0; u < n; u++) {
        const first = start[u]!;
        const stop = start[u + 1]!;
        if (first === stop) continue;
        if (mate[u] === -1) {
          // One more pair: a free neighbour (the heaviest comes first), else a free–x=y–free augmenting path.
          let freeAt = -1;
          let bestPath: [number, number, number, number, number] | null = null; // x, y, v, w(ux), w(yv)
          let bestPathGain = -Infinity;
          for (let a = first; a < stop && freeAt === -1; a++) {
            const x = adj[a]!;
            if (mate[x] === -1) {
              freeAt = a;
              break;
            }
            const y = mate[x]!;
            for (let b = start[y]!; b < start[y + 1]!; b++) {
              const v = adj[b]!;
              if (v === u || mate[v] !== -1) continue;
              const gain = adjW[a]! + adjW[b]! - mateW[x]!;
              if (gain > bestPathGain) {
                bestPathGain = gain;
                bestPath = [x, y, v, adjW[a]!, adjW[b]!];
              }
              break; // heaviest free neighbour of y is the best for this x
            }
          }
          if (freeAt !== -1) {
            link(u, adj[freeAt]!, adjW[freeAt]!);
            improved = true;
            continue;
          }
          if (bestPath && (maxCardinality || bestPathGain > 0)) {
            const [x, y, v, wux, wyv] = bestPath;
            link(u, x, wux);
            link(y, v, wyv);
            improved = true;
            continue;
          }
          // Same number of pairs, more weight: take x from y when u–x beats x=y (y may find someone later).
          let bestAt = -1;
          let bestGain = 0;
          for (let a = first; a < stop; a++) {
            const gain = adjW[a]! - mateW[adj[a]!]!;
            if (gain > bestGain) {
              bestGain = gain;
              bestAt = a;
            }
          }
          if (bestAt !== -1) {
            const x = adj[bestAt]!;
            mate[mate[x]!] = -1;
            link(u, x, adjW[bestAt]!);
            improved = true;
          }
          continue;
        }
        // u = v: swap with another pair x = y when u–x + v–y is heavier.
        const v = mate[u]!;
        let best = -1;
        let bestY = -1;
        let bestWvy = 0;
        let bestGain = 0;
        for (let a = first; a < stop; a++) {
          const x = adj[a]!;
          if (x === v || mate[x] === -1) continue;
          const y = mate[x]!;
          if (y === u) continue;
          const wvy = weightOf.get(key(v, y));
          if (wvy === undefined) continue;
          const gain = adjW[a]! + wvy - mateW[u]! - mateW[x]!;
          if (gain > bestGain) {
            bestGain = gain;
            best = a;
            bestY = y;
            bestWvy = wvy;
          }
        }
        if (best !== -1) {
          link(u, adj[best]!, adjW[best]!);
          link(v, bestY, bestWvy);
          improved = true;
        }
      }
      if (!improved) break;
    }
  };
  improve();
  if (maxCardinality && augmentAll(n, start, adj, mate, searchLimit) > 0) {
    // Augmenting flips edges without weights; refresh mateW before improving again.
    for (let v = 0; v < n; v++) if (mate[v]! >= 0) mateW[v] = weightOf.get(key(v, mate[v]!))!;
    improve();
  }
  return mate;
}

/**
 * More pairs for the members still free: Edmonds' augmenting-path search for maximum CARDINALITY (with blossom
 * contraction, so paths through odd cycles are found too), started from each free vertex on the current matching.
 * State is stamped per search, so a search costs what it visits (at most `searchLimit` vertices), not O(n).
 * Returns how many pairs were added.
 */
function augmentAll(n: number, start: Int32Array, adj: Int32Array, mate: Int32Array, searchLimit: number): number {
  const stamp = new Int32Array(n).fill(-1); // stamp[v] === search → base/parent/used of v are valid this search
  const base = new Int32Array(n);
  const parent = new Int32Array(n);
  const used = new Uint8Array(n);
  const lcaMark = new Int32Array(n).fill(-1);
  const blossomMark = new Int32Array(n).fill(-1);
  let search = 0;
  let lcaRound = 0;
  let blossomRound = 0;
  let visited: number[] = [];
  const touch = (v: number) => {
    if (stamp[v] !== search) {
      stamp[v] = search;
      base[v] = v;
      parent[v] = -1;
      used[v] = 0;
      visited.push(v);
    }
  };
  const baseOf = (v: number) => (stamp[v] === search ? base[v]! : v);
  const parentOf = (v: number) => (stamp[v] === search ? parent[v]! : -1);

  const lca = (a: number, b: number): number => {
    lcaRound++;
    for (;;) {
      a = baseOf(a);
      lcaMark[a] = lcaRound;
      if (mate[a] === -1) break;
      a = parentOf(mate[a]!);
    }
    for (;;) {
      b = baseOf(b);
      if (lcaMark[b] === lcaRound) return b;
      b = parentOf(mate[b]!);
    }
  };
  const markPath = (v: number, b: number, child: number) => {
    while (baseOf(v) !== b) {
      blossomMark[baseOf(v)] = blossomRound;
      blossomMark[baseOf(mate[v]!)] = blossomRound;
      parent[v] = child;
      child = mate[v]!;
      v = parentOf(mate[v]!);
    }
  };

  const findPath = (root: number): number => {
    touch(root);
    used[root] = 1;
    const queue = [root];
    for (let q = 0; q < queue.length; q++) {
      if (visited.length > searchLimit) return -1;
      const v = queue[q]!;
      for (let a = start[v]!; a < start[v + 1]!; a++) {
        const to = adj[a]!;
        if (baseOf(v) === baseOf(to) || mate[v] === to) continue;
        if (to === root || (mate[to] !== -1 && parentOf(mate[to]!) !== -1)) {
          // An odd cycle: contract it into a blossom with base `b`.
          const b = lca(v, to);
          blossomRound++;
          markPath(v, b, to);
          markPath(to, b, v);
          for (const i of visited) {
            if (blossomMark[base[i]!] === blossomRound) {
              base[i] = b;
              if (!used[i]) {
                used[i] = 1;
                queue.push(i);
              }
            }
          }
        } else if (parentOf(to) === -1) {
          touch(to);
          parent[to] = v;
          if (mate[to] === -1) return to;
          const next = mate[to]!;
          touch(next);
          used[next] = 1;
          queue.push(next);
        }
      }
    }
    return -1;
  };

  let added = 0;
  for (let root = 0; root < n; root++) {
    if (mate[root] !== -1 || start[root] === start[root + 1]) continue;
    search++;
    visited = [];
    let v = findPath(root);
    if (v === -1) continue;
    while (v !== -1) {
      const pv = parent[v]!;
      const ppv = mate[pv]!;
      mate[v] = pv;
      mate[pv] = v;
      v = ppv;
    }
    added++;
  }
  return added;
}
