// Edmonds' blossom algorithm against literal cases and against brute force on seeded random graphs.
import test from 'ava';
import { type WeightedEdge, greedyLocalMatching, maxWeightMatching } from '../../matcher/index.js';
import { prng } from './_helpers.js';

/** Best (pairs, weight) over every matching, by exhaustive search. */
function bruteForce(n: number, edges: readonly WeightedEdge[], maxCardinality: boolean): { pairs: number; weight: number } {
  const w = new Map<number, number>();
  for (const e of edges) w.set(Math.min(e.i, e.j) * n + Math.max(e.i, e.j), e.w);
  let best = { pairs: 0, weight: 0 };
  const used = new Array<boolean>(n).fill(false);
  const visit = (v: number, pairs: number, weight: number): void => {
    while (v < n && used[v]) v++;
    if (v >= n) {
      const better = maxCardinality ? pairs > best.pairs || (pairs === best.pairs && weight > best.weight) : weight > best.weight;
      if (better) best = { pairs, weight };
      return;
    }
    used[v] = true;
    visit(v + 1, pairs, weight);
    for (let u = v + 1; u < n; u++) {
      const ww = w.get(v * n + u);
      if (used[u] || ww === undefined) continue;
      used[u] = true;
      visit(v + 1, pairs + 1, weight + ww);
      used[u] = false;
    }
    used[v] = false;
  };
  visit(0, 0, 0);
  return best;
}

/** Checks mate is a valid matching on the given edges and returns its (pairs, weight). */
function measure(t: { fail: (m: string) => void }, n: number, edges: readonly WeightedEdge[], mate: Int32Array): { pairs: number; weight: number } {
  const w = new Map<number, number>();
  for (const e of edges) w.set(Math.min(e.i, e.j) * n + Math.max(e.i, e.j), e.w);
  let pairs = 0;
  let weight = 0;
  for (let v = 0; v < n; v++) {
    const u = mate[v]!;
    if (u < 0) continue;
    if (mate[u] !== v) t.fail(`mate is not symmetric at ${v}`);
    if (u > v) {
      const ww = w.get(v * n + u);
      if (ww === undefined) t.fail(`matched ${v}–${u} without an edge`);
      pairs++;
      weight += ww ?? 0;
    }
  }
  return { pairs, weight };
}

function randomGraph(rnd: () => number, n: number, density: number, weights: (r: () => number) => number): WeightedEdge[] {
  const edges: WeightedEdge[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (rnd() < density) edges.push({ i, j, w: weights(rnd) });
  return edges;
}

test('a path a–b–c–d: heaviest single edge vs. most pairs', (t) => {
  const edges = [
    { i: 0, j: 1, w: 1 },
    { i: 1, j: 2, w: 3 },
    { i: 2, j: 3, w: 1 },
  ];
  t.deepEqual([...maxWeightMatching(4, edges)], [-1, 2, 1, -1]);
  t.deepEqual([...maxWeightMatching(4, edges, { maxCardinality: true })], [1, 0, 3, 2]);
});

test('odd cycles (blossoms) are handled: literal cases from the reference implementation’s tests', (t) => {
  // S-blossom 1-2-3 then augmenting through it.
  t.deepEqual([...maxWeightMatching(5, [{ i: 1, j: 2, w: 8 }, { i: 1, j: 3, w: 9 }, { i: 2, j: 3, w: 10 }, { i: 3, j: 4, w: 7 }])], [-1, 2, 1, 4, 3]);
  t.deepEqual(
    [...maxWeightMatching(7, [{ i: 1, j: 2, w: 8 }, { i: 1, j: 3, w: 9 }, { i: 2, j: 3, w: 10 }, { i: 3, j: 4, w: 7 }, { i: 1, j: 6, w: 5 }, { i: 4, j: 5, w: 6 }])],
    [-1, 6, 3, 2, 5, 4, 1],
  );
  // T-blossom.
  t.deepEqual(
    [...maxWeightMatching(7, [{ i: 1, j: 2, w: 9 }, { i: 1, j: 3, w: 8 }, { i: 2, j: 3, w: 10 }, { i: 1, j: 4, w: 5 }, { i: 4, j: 5, w: 4 }, { i: 1, j: 6, w: 3 }])],
    [-1, 6, 3, 2, 5, 4, 1],
  );
});

test('matches brute force on 1,200 seeded random graphs (both modes, ties and negative weights)', (t) => {
  const rnd = prng(20250317);
  for (let trial = 0; trial < 600; trial++) {
    const n = 1 + Math.floor(rnd() * 11);
    const weights =
      trial % 3 === 0 ? (r: () => number) => Math.floor(r() * 5) : trial % 3 === 1 ? (r: () => number) => Math.floor(r() * 1000) : (r: () => number) => Math.floor(r() * 20) - 6;
    const edges = randomGraph(rnd, n, 0.2 + rnd() * 0.8, weights);
    for (const maxCardinality of [false, true]) {
      const got = measure(t, n, edges, maxWeightMatching(n, edges, { maxCardinality }));
      const want = bruteForce(n, edges, maxCardinality);
      if (maxCardinality ? got.pairs !== want.pairs || got.weight !== want.weight : got.weight !== want.weight) {
        t.fail(`trial ${trial} n=${n} maxCardinality=${maxCardinality}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
        return;
      }
    }
  }
  t.pass();
});

test('bad graphs are TypeErrors naming the edge', (t) => {
  t.throws(() => maxWeightMatching(3, [{ i: 1, j: 1, w: 2 }]), { instanceOf: TypeError, message: /edges\[0\]/ });
  t.throws(() => maxWeightMatching(3, [{ i: 0, j: 1, w: 0.5 }]), { instanceOf: TypeError, message: /edges\[0\]\.w/ });
  t.throws(() => maxWeightMatching(2, [{ i: 0, j: 5, w: 1 }]), { instanceOf: TypeError, message: /edges\[0\]/ });
  t.deepEqual([...maxWeightMatching(3, [])], [-1, -1, -1]);
});

test('greedy + local improvement: valid, maximum pair count, weight between half of optimal and optimal (brute force)', (t) => {
  const rnd = prng(7);
  for (let trial = 0; trial < 300; trial++) {
    const n = 2 + Math.floor(rnd() * 10);
    const edges = randomGraph(rnd, n, 0.2 + rnd() * 0.8, (r) => 1 + Math.floor(r() * 100));
    const got = measure(t, n, edges, greedyLocalMatching(n, edges, { maxCardinality: true }));
    const want = bruteForce(n, edges, true);
    t.is(got.pairs, want.pairs, `trial ${trial}`);
    t.true(got.weight <= want.weight && got.weight * 2 >= want.weight, `trial ${trial}`);
  }
});

test('greedy + local improvement on k-NN-like graphs: as many pairs as blossom and ≥ 92 % of its weight', (t) => {
  const rnd = prng(99);
  for (const [n, k] of [
    [300, 10],
    [600, 5],
    [600, 3],
  ] as const) {
    // Members on a circle; each lists its k nearest as candidates (the shape an ANN index produces).
    const pos = Array.from({ length: n }, () => rnd());
    const dist = (x: number, y: number) => Math.min(Math.abs(pos[x]! - pos[y]!), 1 - Math.abs(pos[x]! - pos[y]!));
    const seen = new Set<number>();
    const edges: WeightedEdge[] = [];
    for (let i = 0; i < n; i++) {
      const near = Array.from({ length: n }, (_, j) => j).filter((j) => j !== i).sort((x, y) => dist(i, x) - dist(i, y)).slice(0, k);
      for (const j of near) {
        const key = Math.min(i, j) * n + Math.max(i, j);
        if (seen.has(key)) continue;
        seen.add(key);
        edges.push({ i, j, w: 1 + Math.floor(rnd() * 1_000_000) });
      }
    }
    const exact = measure(t, n, edges, maxWeightMatching(n, edges, { maxCardinality: true }));
    const approx = measure(t, n, edges, greedyLocalMatching(n, edges, { maxCardinality: true }));
    t.is(approx.pairs, exact.pairs, `n=${n} k=${k}`);
    const ratio = approx.weight / exact.weight;
    t.log(`n=${n} k=${k}: ${exact.pairs} pairs; approximate/exact weight = ${ratio.toFixed(4)}`);
    t.true(ratio >= 0.92 && ratio <= 1, `n=${n} k=${k} ratio ${ratio}`);
  }
});
