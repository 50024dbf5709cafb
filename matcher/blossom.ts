// Maximum-weight matching on a general graph: Edmonds' blossom algorithm with dual variables, O(n³).
// A TypeScript port of Joris van Rantwijk's mwmatching.py (the reference implementation NetworkX's matching derives
// from), following Galil, "Efficient algorithms for finding maximum matching in graphs" (1986).
// No npm package for this was installed (checked node_modules), so it lives here; it is tested against brute force.
//
// Weights must be integers: then every dual variable stays integral (the algorithm halves slacks of S–S edges,
// which are even) and the result is exact. Callers scale fractional scores (see rounds.ts).

export interface WeightedEdge {
  /** Vertex ids are 0..n-1. */
  i: number;
  j: number;
  /** Integer weight. */
  w: number;
}

export interface MatchingOptions {
  /** Among maximum-cardinality matchings, find the heaviest (instead of the heaviest of any size). */
  maxCardinality?: boolean;
}

/**
 * Returns `mate`: mate[v] is the vertex matched to v, or -1. Self-loops are rejected; for parallel edges the
 * algorithm may use any of them, so give one edge per pair.
 */
export function maxWeightMatching(vertexCount: number, edges: readonly WeightedEdge[], options: MatchingOptions = {}): Int32Array {
  if (!Number.isInteger(vertexCount) || vertexCount < 0) throw new TypeError('vertexCount must be a non-negative integer');
  const maxcardinality = options.maxCardinality ?? false;
  const nvertex = vertexCount;
  const nedge = edges.length;
  const ei = new Int32Array(nedge);
  const ej = new Int32Array(nedge);
  const ew = new Float64Array(nedge);
  let maxweight = 0;
  edges.forEach((e, k) => {
    if (!Number.isInteger(e.i) || !Number.isInteger(e.j) || e.i < 0 || e.j < 0 || e.i >= nvertex || e.j >= nvertex) {
      throw new TypeError(`edges[${k}] must join two vertices in 0..${nvertex - 1}`);
    }
    if (e.i === e.j) throw new TypeError(`edges[${k}] must join two different vertices`);
    if (!Number.isSafeInteger(e.w)) throw new TypeError(`edges[${k}].w must be an integer`);
    ei[k] = e.i;
    ej[k] = e.j;
    ew[k] = e.w;
    if (e.w > maxweight) maxweight = e.w;
  });
  const mate = new Int32Array(nvertex).fill(-1);
  if (nedge === 0) return mate;

  // endpoint[p]: the vertex at endpoint p; edge k has endpoints 2k (ei) and 2k+1 (ej).
  const endpoint = new Int32Array(2 * nedge);
  for (let k = 0; k < nedge; k++) {
    endpoint[2 * k] = ei[k]!;
    endpoint[2 * k + 1] = ej[k]!;
  }
  // The remote endpoints of the edges at each vertex, in flat arrays (CSR) with the remote vertex and weight next to
  // them: the scan below reads them sequentially, which matters for cache misses on dense graphs.
  const adjStart = new Int32Array(nvertex + 1);
  for (let k = 0; k < nedge; k++) {
    adjStart[ei[k]! + 1]!++;
    adjStart[ej[k]! + 1]!++;
  }
  for (let v = 0; v < nvertex; v++) adjStart[v + 1]! += adjStart[v]!;
  const adjEnd = new Int32Array(2 * nedge);
  const adjVertex = new Int32Array(2 * nedge);
  const adjWeight = new Float64Array(2 * nedge);
  {
    const fill = adjStart.slice(0, nvertex);
    for (let k = 0; k < nedge; k++) {
      let at = fill[ei[k]!]!++;
      adjEnd[at] = 2 * k + 1;
      adjVertex[at] = ej[k]!;
      adjWeight[at] = ew[k]!;
      at = fill[ej[k]!]!++;
      adjEnd[at] = 2 * k;
      adjVertex[at] = ei[k]!;
      adjWeight[at] = ew[k]!;
    }
  }
  // mateEnd[v]: the remote endpoint of v's matched edge, or -1 (mwmatching's `mate` during the run).
  const mateEnd = new Int32Array(nvertex).fill(-1);
  // label: 0 free, 1 S (outer), 2 T (inner), 5 = S marked during scanBlossom; for vertices and top-level blossoms.
  const label = new Int32Array(2 * nvertex);
  const labelend = new Int32Array(2 * nvertex).fill(-1);
  const inblossom = new Int32Array(nvertex);
  for (let v = 0; v < nvertex; v++) inblossom[v] = v;
  const blossomparent = new Int32Array(2 * nvertex).fill(-1);
  const blossomchilds: (number[] | null)[] = new Array(2 * nvertex).fill(null);
  const blossombase = new Int32Array(2 * nvertex).fill(-1);
  for (let v = 0; v < nvertex; v++) blossombase[v] = v;
  const blossomendps: (number[] | null)[] = new Array(2 * nvertex).fill(null);
  const bestedge = new Int32Array(2 * nvertex).fill(-1);
  const blossombestedges: (number[] | null)[] = new Array(2 * nvertex).fill(null);
  const unusedblossoms: number[] = [];
  for (let b = nvertex; b < 2 * nvertex; b++) unusedblossoms.push(b);
  const dualvar = new Float64Array(2 * nvertex);
  for (let v = 0; v < nvertex; v++) dualvar[v] = maxweight;
  const allowedge = new Uint8Array(nedge);
  let queue: number[] = [];

  const slack = (k: number): number => dualvar[ei[k]!]! + dualvar[ej[k]!]! - 2 * ew[k]!;

  const blossomLeaves = (b: number, out: number[] = []): number[] => {
    if (b < nvertex) out.push(b);
    else for (const t of blossomchilds[b]!) blossomLeaves(t, out);
    return out;
  };

  const assignLabel = (w: number, t: number, p: number): void => {
    // Iterative form of the mutual recursion T-label → S-label of the mate.
    for (;;) {
      const b = inblossom[w]!;
      label[w] = label[b] = t;
      labelend[w] = labelend[b] = p;
      bestedge[w] = bestedge[b] = -1;
      if (t === 1) {
        blossomLeaves(b, queue);
        return;
      }
      const base = blossombase[b]!;
      const m = mateEnd[base]!;
      w = endpoint[m]!;
      t = 1;
      p = m ^ 1;
    }
  };

  // Trace back from v and w to find a new blossom's base, or -1 for an augmenting path.
  const scanBlossom = (v0: number, w0: number): number => {
    let v = v0;
    let w = w0;
    const path: number[] = [];
    let base = -1;
    while (v !== -1 || w !== -1) {
      let b = inblossom[v]!;
      if (label[b]! & 4) {
        base = blossombase[b]!;
        break;
      }
      path.push(b);
      label[b] = 5;
      if (labelend[b] === -1) {
        v = -1;
      } else {
        v = endpoint[labelend[b]!]!;
        b = inblossom[v]!;
        v = endpoint[labelend[b]!]!;
      }
      if (w !== -1) {
        const tmp = v;
        v = w;
        w = tmp;
      }
    }
    for (const b of path) label[b] = 1;
    return base;
  };

  const addBlossom = (base: number, k: number): void => {
    let v = ei[k]!;
    let w = ej[k]!;
    const bb = inblossom[base]!;
    let bv = inblossom[v]!;
    let bw = inblossom[w]!;
    const b = unusedblossoms.pop()!;
    blossombase[b] = base;
    blossomparent[b] = -1;
    blossomparent[bb] = b;
    const path: number[] = [];
    const endps: number[] = [];
    while (bv !== bb) {
      blossomparent[bv] = b;
      path.push(bv);
      endps.push(labelend[bv]!);
      v = endpoint[labelend[bv]!]!;
      bv = inblossom[v]!;
    }
    path.push(bb);
    path.reverse();
    endps.reverse();
    endps.push(2 * k);
    while (bw !== bb) {
      blossomparent[bw] = b;
      path.push(bw);
      endps.push(labelend[bw]! ^ 1);
      w = endpoint[labelend[bw]!]!;
      bw = inblossom[w]!;
    }
    blossomchilds[b] = path;
    blossomendps[b] = endps;
    label[b] = 1;
    labelend[b] = labelend[bb]!;
    dualvar[b] = 0;
    for (const leaf of blossomLeaves(b)) {
      if (label[inblossom[leaf]!] === 2) queue.push(leaf);
      inblossom[leaf] = b;
    }
    // Least-slack edges from the new blossom to each other S-blossom.
    const bestedgeto = new Map<number, number>();
    for (const sub of path) {
      let nblists: number[][];
      if (blossombestedges[sub] === null) {
        nblists = blossomLeaves(sub).map((leaf) => Array.from(adjEnd.subarray(adjStart[leaf]!, adjStart[leaf + 1]!), (p) => p >> 1));
      } else {
        nblists = [blossombestedges[sub]!];
      }
      for (const nblist of nblists) {
        for (const kk of nblist) {
          let j = ej[kk]!;
          if (inblossom[j] === b) j = ei[kk]!;
          const bj = inblossom[j]!;
          if (bj !== b && label[bj] === 1) {
            const cur = bestedgeto.get(bj);
            if (cur === undefined || slack(kk) < slack(cur)) bestedgeto.set(bj, kk);
          }
        }
      }
      blossombestedges[sub] = null;
      bestedge[sub] = -1;
    }
    const list = [...bestedgeto.values()];
    blossombestedges[b] = list;
    let best = -1;
    for (const kk of list) if (best === -1 || slack(kk) < slack(best)) best = kk;
    bestedge[b] = best;
  };

  const expandBlossom = (b: number, endstage: boolean): void => {
    const childs = blossomchilds[b]!;
    for (const s of childs) {
      blossomparent[s] = -1;
      if (s < nvertex) inblossom[s] = s;
      else if (endstage && dualvar[s] === 0) expandBlossom(s, endstage);
      else for (const leaf of blossomLeaves(s)) inblossom[leaf] = s;
    }
    if (!endstage && label[b] === 2) {
      // Relabel the sub-blossoms on the even-length path from the entry child to the base.
      const endps = blossomendps[b]!;
      const len = childs.length;
      const at = (j: number) => (j < 0 ? j + len : j);
      const entrychild = inblossom[endpoint[labelend[b]! ^ 1]!]!;
      let j = childs.indexOf(entrychild);
      let jstep: number;
      let endptrick: number;
      if (j & 1) {
        j -= len;
        jstep = 1;
        endptrick = 0;
      } else {
        jstep = -1;
        endptrick = 1;
      }
      let p = labelend[b]!;
      while (j !== 0) {
        label[endpoint[p ^ 1]!] = 0;
        label[endpoint[endps[at(j - endptrick)]! ^ endptrick ^ 1]!] = 0;
        assignLabel(endpoint[p ^ 1]!, 2, p);
        allowedge[endps[at(j - endptrick)]! >> 1] = 1;
        j += jstep;
        p = endps[at(j - endptrick)]! ^ endptrick;
        allowedge[p >> 1] = 1;
        j += jstep;
      }
      let bv = childs[at(j)]!;
      label[endpoint[p ^ 1]!] = label[bv] = 2;
      labelend[endpoint[p ^ 1]!] = labelend[bv] = p;
      bestedge[bv] = -1;
      j += jstep;
      while (childs[at(j)] !== entrychild) {
        bv = childs[at(j)]!;
        if (label[bv] === 1) {
          j += jstep;
          continue;
        }
        let reached = -1;
        for (const leaf of blossomLeaves(bv)) {
          if (label[leaf] !== 0) {
            reached = leaf;
            break;
          }
        }
        if (reached !== -1) {
          label[reached] = 0;
          label[endpoint[mateEnd[blossombase[bv]!]!]!] = 0;
          assignLabel(reached, 2, labelend[reached]!);
        }
        j += jstep;
      }
    }
    label[b] = labelend[b] = -1;
    blossomchilds[b] = blossomendps[b] = null;
    blossombase[b] = -1;
    blossombestedges[b] = null;
    bestedge[b] = -1;
    unusedblossoms.push(b);
  };

  // Swap matched/unmatched edges along the path through blossom b from vertex v to the base.
  const augmentBlossom = (b: number, v: number): void => {
    let t = v;
    while (blossomparent[t] !== b) t = blossomparent[t]!;
    if (t >= nvertex) augmentBlossom(t, v);
    const childs = blossomchilds[b]!;
    const endps = blossomendps[b]!;
    const len = childs.length;
    const at = (j: number) => (j < 0 ? j + len : j);
    const i = childs.indexOf(t);
    let j = i;
    let jstep: number;
    let endptrick: number;
    if (i & 1) {
      j -= len;
      jstep = 1;
      endptrick = 0;
    } else {
      jstep = -1;
      endptrick = 1;
    }
    while (j !== 0) {
      j += jstep;
      t = childs[at(j)]!;
      const p = endps[at(j - endptrick)]! ^ endptrick;
      if (t >= nvertex) augmentBlossom(t, endpoint[p]!);
      j += jstep;
      t = childs[at(j)]!;
      if (t >= nvertex) augmentBlossom(t, endpoint[p ^ 1]!);
      mateEnd[endpoint[p]!] = p ^ 1;
      mateEnd[endpoint[p ^ 1]!] = p;
    }
    blossomchilds[b] = childs.slice(i).concat(childs.slice(0, i));
    blossomendps[b] = endps.slice(i).concat(endps.slice(0, i));
    blossombase[b] = blossombase[blossomchilds[b]![0]!]!;
  };

  const augmentMatching = (k: number): void => {
    const pairs: [number, number][] = [
      [ei[k]!, 2 * k + 1],
      [ej[k]!, 2 * k],
    ];
    for (let [s, p] of pairs) {
      for (;;) {
        const bs = inblossom[s]!;
        if (bs >= nvertex) augmentBlossom(bs, s);
        mateEnd[s] = p;
        if (labelend[bs] === -1) break;
        const t = endpoint[labelend[bs]!]!;
        const bt = inblossom[t]!;
        s = endpoint[labelend[bt]!]!;
        const j = endpoint[labelend[bt]! ^ 1]!;
        if (bt >= nvertex) augmentBlossom(bt, j);
        mateEnd[j] = labelend[bt]!;
        p = labelend[bt]! ^ 1;
      }
    }
  };

  for (let stage = 0; stage < nvertex; stage++) {
    label.fill(0);
    bestedge.fill(-1);
    for (let b = nvertex; b < 2 * nvertex; b++) blossombestedges[b] = null;
    allowedge.fill(0);
    queue = [];
    for (let v = 0; v < nvertex; v++) if (mateEnd[v] === -1 && label[inblossom[v]!] === 0) assignLabel(v, 1, -1);
    let augmented = false;
    for (;;) {
      while (queue.length > 0 && !augmented) {
        const v = queue.pop()!;
        const dv = dualvar[v]!;
        for (let at = adjStart[v]!, stop = adjStart[v + 1]!; at < stop; at++) {
          const p = adjEnd[at]!;
          const k = p >> 1;
          const w = adjVertex[at]!;
          if (inblossom[v] === inblossom[w]) continue;
          let kslack = 0;
          if (!allowedge[k]) {
            kslack = dv + dualvar[w]! - 2 * adjWeight[at]!;
            if (kslack <= 0) allowedge[k] = 1;
          }
          if (allowedge[k]) {
            if (label[inblossom[w]!] === 0) {
              assignLabel(w, 2, p ^ 1);
            } else if (label[inblossom[w]!] === 1) {
              const base = scanBlossom(v, w);
              if (base >= 0) addBlossom(base, k);
              else {
                augmentMatching(k);
                augmented = true;
                break;
              }
            } else if (label[w] === 0) {
              label[w] = 2;
              labelend[w] = p ^ 1;
            }
          } else if (label[inblossom[w]!] === 1) {
            const b = inblossom[v]!;
            if (bestedge[b] === -1 || kslack < slack(bestedge[b]!)) bestedge[b] = k;
          } else if (label[w] === 0) {
            if (bestedge[w] === -1 || kslack < slack(bestedge[w]!)) bestedge[w] = k;
          }
        }
      }
      if (augmented) break;

      // No augmenting path with tight edges: change the duals by the largest safe delta.
      let deltatype = -1;
      let delta = 0;
      let deltaedge = -1;
      let deltablossom = -1;
      if (!maxcardinality) {
        deltatype = 1;
        delta = Infinity;
        for (let v = 0; v < nvertex; v++) if (dualvar[v]! < delta) delta = dualvar[v]!;
      }
      for (let v = 0; v < nvertex; v++) {
        if (label[inblossom[v]!] === 0 && bestedge[v] !== -1) {
          const d = slack(bestedge[v]!);
          if (deltatype === -1 || d < delta) {
            delta = d;
            deltatype = 2;
            deltaedge = bestedge[v]!;
          }
        }
      }
      for (let b = 0; b < 2 * nvertex; b++) {
        if (blossomparent[b] === -1 && label[b] === 1 && bestedge[b] !== -1) {
          const d = slack(bestedge[b]!) / 2;
          if (deltatype === -1 || d < delta) {
            delta = d;
            deltatype = 3;
            deltaedge = bestedge[b]!;
          }
        }
      }
      for (let b = nvertex; b < 2 * nvertex; b++) {
        if (blossombase[b]! >= 0 && blossomparent[b] === -1 && label[b] === 2 && (deltatype === -1 || dualvar[b]! < delta)) {
          delta = dualvar[b]!;
          deltatype = 4;
          deltablossom = b;
        }
      }
      if (deltatype === -1) {
        // Max-cardinality mode and no further progress possible: one last delta for optimality, then stop.
        deltatype = 1;
        let min = Infinity;
        for (let v = 0; v < nvertex; v++) if (dualvar[v]! < min) min = dualvar[v]!;
        delta = Math.max(0, min);
      }
      for (let v = 0; v < nvertex; v++) {
        const l = label[inblossom[v]!];
        if (l === 1) dualvar[v] = dualvar[v]! - delta;
        else if (l === 2) dualvar[v] = dualvar[v]! + delta;
      }
      for (let b = nvertex; b < 2 * nvertex; b++) {
        if (blossombase[b]! >= 0 && blossomparent[b] === -1) {
          if (label[b] === 1) dualvar[b] = dualvar[b]! + delta;
          else if (label[b] === 2) dualvar[b] = dualvar[b]! - delta;
        }
      }
      if (deltatype === 1) break;
      if (deltatype === 2) {
        allowedge[deltaedge] = 1;
        let i = ei[deltaedge]!;
        if (label[inblossom[i]!] === 0) i = ej[deltaedge]!;
        queue.push(i);
      } else if (deltatype === 3) {
        allowedge[deltaedge] = 1;
        queue.push(ei[deltaedge]!);
      } else if (deltatype === 4) {
        expandBlossom(deltablossom, false);
      }
    }
    if (!augmented) break;
    // End of stage: expand S-blossoms whose dual reached zero.
    for (let b = nvertex; b < 2 * nvertex; b++) {
      if (blossomparent[b] === -1 && blossombase[b]! >= 0 && label[b] === 1 && dualvar[b] === 0) expandBlossom(b, true);
    }
  }
  for (let v = 0; v < nvertex; v++) if (mateEnd[v]! >= 0) mate[v] = endpoint[mateEnd[v]!]!;
  return mate;
}
