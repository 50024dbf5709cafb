// A Donut-style round: pair every opted-in member at once, as well as possible, with nobody left out silently.
//
// 1. Each member's availability is expanded once over the round's span [fromUtc, toUtc).
// 2. Candidate pairs: every pair when the round is small (≤ allPairsLimit members), otherwise the union of the
//    members' k-nearest-neighbour lists (`candidates`, from the ANN index) — a 100k-member round cannot look at 5·10⁹
//    pairs. A pair becomes an edge only if it is not excluded (blocks, recent pairs, safety: see exclusions.ts), has
//    at least `minOverlapMinutes` of common time (one window of that length) and gets a score. Pairs without that
//    overlap are never formed; recent pairs never repeat (the exclusion function says so).
// 3. Matching per connected component of that graph, always preferring MORE pairs first and then the highest total
//    score (maximum-cardinality maximum-weight matching — Donut's "everyone gets someone"):
//    - exact: Edmonds' blossom algorithm (blossom.ts) when the component has ≤ exactLimit (1,000) members and
//      ≤ exactEdgeLimit (50,000) edges, within a per-round budget (O(n³); measured ~1–2 s at 1,000 members with 10
//      candidates each and ~1 s at 300 members with all pairs eligible, on a busy 2-core machine);
//    - approximate: greedy + local improvement + Edmonds augmenting paths for cardinality (local-matching.ts) above
//      that; in our comparisons it reached the exact pair count and 94–99 % of the optimal weight (99.5 % on dense
//      graphs) in a fraction of the time. Measured: 5,000 members ≈ 1–2 s, 100,000 members × 10 candidates ≈ 15–20 s.
//    Chosen over blossom on the whole graph because blossom's O(n³) (n/2 stages × O(n) dual updates) is hours at
//    100k, and the k-NN candidate graph is normally one giant component, so splitting alone does not help.
// 4. Rescue: members left without a partner (k-NN lists that missed time compatibility) are tried against each other
//    on all pairs when there are at most rescueLimit of them.
// 5. Odd one out: each member still alone joins the pair that fits them best as a GROUP OF THREE (eligible with both,
//    ≥ minOverlapMinutes common to all three, at most one extra per pair), or — when none fits or oddRule is
//    'no_partner' — is reported in `noPartner` with a reason and a detail. Never silent.
// Scores are scaled to integers (×10⁶, +1 so a zero-score eligible pair still counts) for exact arithmetic.
import { type Availability, expandWindows } from './availability.js';
import { maxWeightMatching, type WeightedEdge } from './blossom.js';
import type { ExclusionDecision, ExclusionReason } from './exclusions.js';
import { type InstantInput, requireFunction, requireInstant, requireNumber, requireObject, requireString } from './guards.js';
import { type UtcInterval, atLeastMinutes, intersectIntervals } from './interval.js';
import { greedyLocalMatching } from './local-matching.js';
import { requireZone } from './zone-time.js';

export interface RoundMember<P = unknown> {
  memberId: string;
  zone: string;
  availability: Availability;
  /** Whatever score/explain need (match profile, embeddings ids…); the round never looks inside. */
  profile?: P;
}

export interface RoundOptions<P, R> {
  /** The span the pairs must meet in, e.g. the next 7 days from the injected clock. */
  fromUtc: InstantInput;
  toUtc: InstantInput;
  /** Score of an eligible pair (≥ 0, higher is better; ranking.scorePair gives [0, 1]); null = not a fit. */
  score: (a: RoundMember<P>, b: RoundMember<P>, overlap: readonly UtcInterval[]) => number | null;
  /** Whether the pair may not meet (exclusions.checkExclusion, or a plain boolean). */
  exclude?: (a: RoundMember<P>, b: RoundMember<P>) => ExclusionDecision | boolean;
  /** Reasons for a formed pair or group, called only for those (not for every candidate pair). */
  explain?: (members: readonly RoundMember<P>[], overlap: readonly UtcInterval[]) => R;
  /** k-nearest-neighbour lists by memberId (ids not in this round are ignored). Required above allPairsLimit. */
  candidates?: ReadonlyMap<string, readonly string[]>;
  minOverlapMinutes?: number;
  oddRule?: 'group_of_three' | 'no_partner';
  /** Default 1,000 members (500k pairs): above it, every pair would be millions of score calls. */
  allPairsLimit?: number;
  /** Default 1,000 members and 50,000 edges per component for the exact algorithm (and Σ size² ≤ 5·10⁶ per round). */
  exactLimit?: number;
  exactEdgeLimit?: number;
  /** Default 1,500 leftover members tried all-pairs against each other. */
  rescueLimit?: number;
}

export interface PairScoreEntry {
  a: string;
  b: string;
  score: number;
}

export interface RoundGroup<R> {
  /** Two members, or three for an odd one out who joined a pair. */
  memberIds: string[];
  /** Mean of the pair scores inside the group. */
  score: number;
  pairScores: PairScoreEntry[];
  /** Time common to everyone in the group, each interval at least minOverlapMinutes. */
  overlap: UtcInterval[];
  reasons: R | null;
}

export type NoPartnerReason = 'no_eligible_partner' | 'partners_taken';

export interface NoPartner {
  memberId: string;
  reason: NoPartnerReason;
  /** Plain words for the operator's report, e.g. "of 12 candidates: 3 excluded (blocked 1, recently_matched 2), 9 with
   *  less than 30 min of common time". Never shown to members as is (it may count blocks). */
  detail: string;
}

export interface RoundStats {
  members: number;
  candidatePairs: number;
  excludedPairs: number;
  noOverlapPairs: number;
  unscoredPairs: number;
  eligiblePairs: number;
  exactComponents: number;
  approximateComponents: number;
  rescuedPairs: number;
  groupsOfThree: number;
}

export interface RoundResult<R> {
  groups: RoundGroup<R>[];
  noPartner: NoPartner[];
  /** 'exact' when every component was matched by the blossom algorithm. */
  method: 'exact' | 'approximate' | 'mixed';
  stats: RoundStats;
}

const SCALE = 1_000_000;
/** Budget for the exact algorithm over a whole round, as Σ (component size)²: a graph that splits into many
 *  mid-size components must not cost many seconds each (tiny components barely count). */
const EXACT_WORK_LIMIT = 5_000_000;

interface Tally {
  candidates: number;
  excluded: Map<string, number>;
  noOverlap: number;
  unscored: number;
  eligible: number;
}

/** Pairs everyone it can; see the header for the rules. Deterministic for the same input order. */
export function runRound<P, R = never>(members: readonly RoundMember<P>[], options: RoundOptions<P, R>): RoundResult<R> {
  if (!Array.isArray(members)) throw new TypeError('members must be an array');
  const opts = requireObject(options, 'options');
  const from = requireInstant(opts.fromUtc, 'options.fromUtc');
  const to = requireInstant(opts.toUtc, 'options.toUtc');
  const score = requireFunction<RoundOptions<P, R>['score']>(opts.score, 'options.score');
  const exclude = options.exclude === undefined ? null : requireFunction<NonNullable<RoundOptions<P, R>['exclude']>>(options.exclude, 'options.exclude');
  const explain = options.explain === undefined ? null : requireFunction<NonNullable<RoundOptions<P, R>['explain']>>(options.explain, 'options.explain');
  const minOverlap = requireNumber(options.minOverlapMinutes ?? 30, 'options.minOverlapMinutes', { min: 1 });
  const oddRule = options.oddRule ?? 'group_of_three';
  if (oddRule !== 'group_of_three' && oddRule !== 'no_partner') throw new TypeError('options.oddRule must be group_of_three or no_partner');
  const allPairsLimit = requireNumber(options.allPairsLimit ?? 1000, 'options.allPairsLimit', { min: 0, integer: true });
  const exactLimit = requireNumber(options.exactLimit ?? 1000, 'options.exactLimit', { min: 0, integer: true });
  const exactEdgeLimit = requireNumber(options.exactEdgeLimit ?? 50_000, 'options.exactEdgeLimit', { min: 0, integer: true });
  const rescueLimit = requireNumber(options.rescueLimit ?? 1500, 'options.rescueLimit', { min: 0, integer: true });
  const n = members.length;
  if (n > allPairsLimit && options.candidates === undefined) {
    throw new TypeError(`options.candidates (k-nearest-neighbour lists) is required for rounds over ${allPairsLimit} members`);
  }
  if (options.candidates !== undefined && !(options.candidates instanceof Map)) throw new TypeError('options.candidates must be a Map of memberId → memberIds');

  // 1. Members and their windows (identical schedules are expanded once: communities repeat a few patterns).
  const index = new Map<string, number>();
  const windows: UtcInterval[][] = [];
  const expanded = new Map<string, UtcInterval[]>();
  members.forEach((m, i) => {
    requireObject(m, `members[${i}]`);
    const id = requireString(m.memberId, `members[${i}].memberId`);
    if (index.has(id)) throw new TypeError(`members[${i}].memberId ${id} appears twice`);
    index.set(id, i);
    requireZone(m.zone, `members[${i}].zone`);
    const key = `${m.zone}|${JSON.stringify(m.availability)}`;
    let w = expanded.get(key);
    if (!w) {
      try {
        w = expandWindows(m.availability, m.zone, from, to);
      } catch (err) {
        // Name the member: "members[3].availability.ranges[0].end must be after start …".
        if (err instanceof TypeError && err.message.startsWith('availability')) throw new TypeError(`members[${i}].${err.message}`);
        throw err;
      }
      expanded.set(key, w);
    }
    windows.push(w);
  });

  const tallies: Tally[] = members.map(() => ({ candidates: 0, excluded: new Map(), noOverlap: 0, unscored: 0, eligible: 0 }));
  const stats: RoundStats = {
    members: n,
    candidatePairs: 0,
    excludedPairs: 0,
    noOverlapPairs: 0,
    unscoredPairs: 0,
    eligiblePairs: 0,
    exactComponents: 0,
    approximateComponents: 0,
    rescuedPairs: 0,
    groupsOfThree: 0,
  };

  // Evaluates one pair: its score, or null with the reason tallied for both members' reports.
  const evaluate = (i: number, j: number, count: boolean): number | null => {
    const a = members[i]!;
    const b = members[j]!;
    if (count) {
      stats.candidatePairs++;
      tallies[i]!.candidates++;
      tallies[j]!.candidates++;
    }
    if (exclude) {
      const d = exclude(a, b);
      const reason: ExclusionReason | 'excluded' | null = typeof d === 'boolean' ? (d ? 'excluded' : null) : d.excluded ? d.reason : null;
      if (reason !== null) {
        if (count) {
          stats.excludedPairs++;
          for (const t of [tallies[i]!, tallies[j]!]) t.excluded.set(reason, (t.excluded.get(reason) ?? 0) + 1);
        }
        return null;
      }
    }
    const common = atLeastMinutes(intersectIntervals(windows[i]!, windows[j]!), minOverlap);
    if (common.length === 0) {
      if (count) {
        stats.noOverlapPairs++;
        tallies[i]!.noOverlap++;
        tallies[j]!.noOverlap++;
      }
      return null;
    }
    const s = score(a, b, common);
    if (s === null) {
      if (count) {
        stats.unscoredPairs++;
        tallies[i]!.unscored++;
        tallies[j]!.unscored++;
      }
      return null;
    }
    if (typeof s !== 'number' || !Number.isFinite(s) || s < 0 || s > 1e6) {
      throw new TypeError(`options.score returned ${String(s)} for ${a.memberId}/${b.memberId}; it must be a finite number in [0, 1e6] or null`);
    }
    if (count) {
      stats.eligiblePairs++;
      tallies[i]!.eligible++;
      tallies[j]!.eligible++;
    }
    return s;
  };

  // 2. Candidate pairs, each once (encoded i·n + j with i < j, sorted so the order is deterministic).
  let pairKeys: number[];
  if (options.candidates) {
    const keys = new Set<number>();
    for (const [id, list] of options.candidates) {
      const i = index.get(id);
      if (i === undefined) continue;
      if (!Array.isArray(list)) throw new TypeError(`options.candidates.get(${id}) must be an array of memberIds`);
      for (const other of list) {
        const j = index.get(other);
        if (j === undefined || j === i) continue;
        keys.add(i < j ? i * n + j : j * n + i);
      }
    }
    pairKeys = [...keys].sort((x, y) => x - y);
  } else {
    pairKeys = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairKeys.push(i * n + j);
  }
  const edges: WeightedEdge[] = [];
  const scoreOf = new Map<number, number>();
  for (const key of pairKeys) {
    const i = Math.floor(key / n);
    const j = key - i * n;
    const s = evaluate(i, j, true);
    if (s === null) continue;
    scoreOf.set(key, s);
    edges.push({ i, j, w: Math.round(s * SCALE) + 1 });
  }

  // 3. Matching per connected component.
  const mate = new Int32Array(n).fill(-1);
  let exactUsed = false;
  let approxUsed = false;
  let exactWork = 0;
  const matchComponents = (vertexEdges: WeightedEdge[]) => {
    // Smallest first, so the exact budget goes to as many components as possible.
    for (const comp of components(n, vertexEdges).sort((x, y) => x.vertices.length - y.vertices.length || x.vertices[0]! - y.vertices[0]!)) {
      const local = new Map<number, number>();
      comp.vertices.forEach((v, k) => local.set(v, k));
      const localEdges = comp.edges.map((e) => ({ i: local.get(e.i)!, j: local.get(e.j)!, w: e.w }));
      const size = comp.vertices.length;
      const exact = size <= exactLimit && localEdges.length <= exactEdgeLimit && exactWork + size * size <= EXACT_WORK_LIMIT;
      if (exact) exactWork += size * size;
      const m = exact
        ? maxWeightMatching(comp.vertices.length, localEdges, { maxCardinality: true })
        : greedyLocalMatching(comp.vertices.length, localEdges, { maxCardinality: true });
      if (exact) {
        stats.exactComponents++;
        exactUsed = true;
      } else {
        stats.approximateComponents++;
        approxUsed = true;
      }
      m.forEach((u, k) => {
        if (u >= 0) mate[comp.vertices[k]!] = comp.vertices[u]!;
      });
    }
  };
  matchComponents(edges);

  // 4. Rescue the ones left alone by trying them against each other (only needed when candidates were partial).
  if (options.candidates) {
    const alone = [...mate.keys()].filter((v) => mate[v] === -1);
    if (alone.length >= 2 && alone.length <= rescueLimit) {
      const extra: WeightedEdge[] = [];
      for (let x = 0; x < alone.length; x++) {
        for (let y = x + 1; y < alone.length; y++) {
          const i = alone[x]!;
          const j = alone[y]!;
          const key = i * n + j;
          if (scoreOf.has(key)) continue; // an eligible pair of two loners cannot exist after a maximal matching
          const s = evaluate(i, j, false);
          if (s === null) continue;
          scoreOf.set(key, s);
          tallies[i]!.eligible++;
          tallies[j]!.eligible++;
          extra.push({ i, j, w: Math.round(s * SCALE) + 1 });
        }
      }
      const before = countPairs(mate);
      matchComponents(extra);
      stats.rescuedPairs = countPairs(mate) - before;
    }
  }

  const pairScore = (i: number, j: number): number | null => {
    const key = i < j ? i * n + j : j * n + i;
    if (scoreOf.has(key)) return scoreOf.get(key)!;
    return evaluate(i, j, false);
  };

  // 5. Groups of three for the ones still alone, best-fitting pair first; else an explicit "no partner".
  const extraOf = new Map<number, number>(); // pair's lower member → the third member
  const noPartner: NoPartner[] = [];
  const neighbours = buildNeighbours(n, pairKeys, options.candidates !== undefined);
  for (let u = 0; u < n; u++) {
    if (mate[u] !== -1) continue;
    let best: { x: number; y: number; total: number } | null = null;
    if (oddRule === 'group_of_three') {
      const pairsToTry = new Set<number>();
      for (const x of neighbours(u)) if (mate[x]! >= 0) pairsToTry.add(Math.min(x, mate[x]!));
      for (const x of [...pairsToTry].sort((p, q) => p - q)) {
        const y = mate[x]!;
        if (extraOf.has(x)) continue;
        const sx = pairScore(u, x);
        if (sx === null) continue;
        const sy = pairScore(u, y);
        if (sy === null) continue;
        const common = atLeastMinutes(intersectIntervals(intersectIntervals(windows[u]!, windows[x]!), windows[y]!), minOverlap);
        if (common.length === 0) continue;
        if (!best || sx + sy > best.total) best = { x, y, total: sx + sy };
      }
    }
    if (best) {
      extraOf.set(best.x, u);
      stats.groupsOfThree++;
      continue;
    }
    noPartner.push(describeAlone(members[u]!.memberId, tallies[u]!, minOverlap, oddRule));
  }

  // Output in member order of each group's first member.
  const groups: RoundGroup<R>[] = [];
  for (let i = 0; i < n; i++) {
    const j = mate[i]!;
    if (j < i) continue;
    const ids = [i, j];
    const third = extraOf.get(i);
    if (third !== undefined) ids.push(third);
    const pairScores: PairScoreEntry[] = [];
    for (let x = 0; x < ids.length; x++) {
      for (let y = x + 1; y < ids.length; y++) {
        pairScores.push({ a: members[ids[x]!]!.memberId, b: members[ids[y]!]!.memberId, score: pairScore(ids[x]!, ids[y]!)! });
      }
    }
    let common = windows[i]!;
    for (const v of ids.slice(1)) common = intersectIntervals(common, windows[v]!);
    const overlap = atLeastMinutes(common, minOverlap);
    const groupMembers = ids.map((v) => members[v]!);
    groups.push({
      memberIds: groupMembers.map((m) => m.memberId),
      score: pairScores.reduce((s, p) => s + p.score, 0) / pairScores.length,
      pairScores,
      overlap,
      reasons: explain ? explain(groupMembers, overlap) : null,
    });
  }
  const method = exactUsed && approxUsed ? 'mixed' : approxUsed ? 'approximate' : 'exact';
  return { groups, noPartner, method, stats };
}

function countPairs(mate: Int32Array): number {
  let c = 0;
  for (let v = 0; v < mate.length; v++) if (mate[v]! > v) c++;
  return c;
}

/** Connected components (union–find) of the vertices touched by `edges`, each with its edges. */
function components(n: number, edges: readonly WeightedEdge[]): { vertices: number[]; edges: WeightedEdge[] }[] {
  const parent = new Int32Array(n);
  for (let v = 0; v < n; v++) parent[v] = v;
  const find = (v: number): number => {
    while (parent[v] !== v) {
      parent[v] = parent[parent[v]!]!;
      v = parent[v]!;
    }
    return v;
  };
  for (const e of edges) {
    const a = find(e.i);
    const b = find(e.j);
    if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
  }
  const byRoot = new Map<number, { vertices: number[]; edges: WeightedEdge[] }>();
  const touched = new Uint8Array(n);
  for (const e of edges) {
    touched[e.i] = touched[e.j] = 1;
    const r = find(e.i);
    let c = byRoot.get(r);
    if (!c) {
      c = { vertices: [], edges: [] };
      byRoot.set(r, c);
    }
    c.edges.push(e);
  }
  for (let v = 0; v < n; v++) if (touched[v]) byRoot.get(find(v))!.vertices.push(v);
  return [...byRoot.values()];
}

/** Who a leftover member may join: their candidates both ways, or everyone in an all-pairs round. */
function buildNeighbours(n: number, pairKeys: readonly number[], sparse: boolean): (u: number) => Iterable<number> {
  if (!sparse) {
    return function* (u: number) {
      for (let v = 0; v < n; v++) if (v !== u) yield v;
    };
  }
  const lists = new Map<number, number[]>();
  for (const key of pairKeys) {
    const i = Math.floor(key / n);
    const j = key - i * n;
    (lists.get(i) ?? lists.set(i, []).get(i)!).push(j);
    (lists.get(j) ?? lists.set(j, []).get(j)!).push(i);
  }
  return (u: number) => lists.get(u) ?? [];
}

function describeAlone(memberId: string, t: Tally, minOverlap: number, oddRule: string): NoPartner {
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  if (t.eligible === 0) {
    const parts: string[] = [];
    const excluded = [...t.excluded.values()].reduce((s, c) => s + c, 0);
    if (excluded > 0) {
      const byReason = [...t.excluded.entries()].sort(([x], [y]) => x.localeCompare(y)).map(([r, c]) => `${r} ${c}`);
      parts.push(`${excluded} excluded (${byReason.join(', ')})`);
    }
    if (t.noOverlap > 0) parts.push(`${t.noOverlap} with less than ${minOverlap} min of common time`);
    if (t.unscored > 0) parts.push(`${t.unscored} not a fit`);
    const detail = t.candidates === 0 ? 'no candidates this round' : `of ${plural(t.candidates, 'candidate')}: ${parts.join(', ')}`;
    return { memberId, reason: 'no_eligible_partner', detail };
  }
  const taken = t.eligible === 1 ? 'the only possible partner was paired with someone else' : `all ${t.eligible} possible partners were paired with others`;
  const detail = oddRule === 'group_of_three' ? `${taken}, and no pair had common time and a fit for a third` : `${taken} (groups of three are off)`;
  return { memberId, reason: 'partners_taken', detail };
}
