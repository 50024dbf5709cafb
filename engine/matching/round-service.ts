// A Donut-style round over every opted-in, matchable member (matcher/rounds.ts: maximum-cardinality maximum-weight
// matching, odd ones out as a group of three or an explicit "no partner this round", recent pairs never repeated).
//
// What a (non dry) round creates: SUGGESTIONS, both ways, for every pair in a group (source 'round', a week to
// answer) — not rooms. The mutual opt-in stays the one way to a scheduled room (accept on both sides → the private
// room at the first common slot, no double booking: suggestion-service.ts), so a round never books anyone's time
// without their yes. A group of three gets the three pairwise suggestions. The pairs are recorded in match_pairs
// (paired_at), so the next rounds — and suggestions — leave them alone for recentWeeks.
// Every round, dry or not, is recorded in match_rounds with its report.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type pg from 'pg';
import type { Logger } from '../../core/logger.js';
import { inTransaction } from '../../db/queryable.js';
import { describeInZone, expandWindows } from '../../matcher/availability.js';
import { checkExclusion, DEFAULT_RECENT_WEEKS } from '../../matcher/exclusions.js';
import { atLeastMinutes, intersectIntervals, type UtcInterval } from '../../matcher/interval.js';
import { explainPair, scorePair } from '../../matcher/ranking.js';
import { runRound, type RoundMember } from '../../matcher/rounds.js';
import type { EmbeddingService } from './embedding-service.js';
import type { MatchingMember } from './matching-profile-service.js';
import { GOAL_FACET_QUERIES, type FacetQuery } from './round-candidates.js';
import { loadExclusionFacts, pairKey } from './pair-facts.js';
import { signalsOf, toMatchProfile, type SuggestionService } from './suggestion-service.js';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

export interface RoundServiceOptions {
  pool: pg.Pool;
  profiles: {
    listMatchable(page: { afterId?: string | null; limit?: number }): Promise<{ items: MatchingMember[]; nextAfterId: string | null }>;
    /** Everyone matchable in one pass (MatchingProfileService.allMatchable); paged listMatchable otherwise. */
    allMatchable?(): Promise<MatchingMember[]>;
  };
  embeddings: Pick<EmbeddingService, 'vectorTable' | 'roundCandidates'>;
  suggestions: SuggestionService;
  now?: () => number;
  log?: Logger;
}

export interface RoundOptions {
  dryRun: boolean;
  /** The span pairs must meet in (default 7 days from now). */
  spanDays?: number;
  minOverlapMinutes?: number;
  /** k-NN candidates per member when the round is too big for all pairs (default 10). */
  neighbours?: number;
  /** Neighbours fetched per facet query for those candidates (default = neighbours; EmbeddingService.roundCandidates). */
  fanout?: number;
  /**
   * The facet queries of that search (default the two goal-fit ones: at 100k a third less search time, and the
   * scenario set's partners stay in everyone's 5 candidates — bench/results/matching-2026-12-07-quality-*.json).
   */
  facetQueries?: readonly FacetQuery[];
  /** Threads for that search (default: the machine's available parallelism, at most 4; round-candidates.ts). */
  searchThreads?: number;
  /** Cut each member's candidates to those sharing free time with them (when any do; default true). */
  timeAwareCandidates?: boolean;
  recentWeeks?: number;
}

export interface RoundReportMember {
  memberId: string;
  displayName: string;
  timeZone: string;
}

export interface RoundReportGroup {
  members: RoundReportMember[];
  score: number;
  overlap: { start: string; end: string }[];
  /** The first common windows as each member's clock reads them. */
  overlapText: Record<string, string>;
  /** For each member: what they read about each other member of the group. */
  reasons: Record<string, { about: string; reasons: string[] }[]>;
}

export interface RoundReport {
  roundId: string;
  dryRun: boolean;
  startedAt: string;
  finishedAt: string;
  members: number;
  method: 'exact' | 'approximate' | 'mixed';
  groups: RoundReportGroup[];
  noPartner: (RoundReportMember & { reason: string; detail: string })[];
  stats: Record<string, number>;
  suggestionsCreated: number;
  /** loadMs covers members, vectors (vectorsMs, from the start), candidates (candidatesMs) and exclusion facts. */
  timings: { loadMs: number; vectorsMs: number; candidatesMs: number; matchMs: number; writeMs: number };
}

type Explained = Record<string, { about: string; reasons: string[] }[]>;

export class RoundService {
  readonly #o: RoundServiceOptions;
  readonly #now: () => number;

  constructor(o: RoundServiceOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
  }

  /** Without allMatchable: every matchable member through listMatchable's pages. */
  async #pagedMatchable(): Promise<MatchingMember[]> {
    const members: MatchingMember[] = [];
    for (let after: string | null = null; ; ) {
      const page: { items: MatchingMember[]; nextAfterId: string | null } = await this.#o.profiles.listMatchable({ afterId: after, limit: 1000 });
      members.push(...page.items);
      if (page.nextAfterId === null) return members;
      after = page.nextAfterId;
    }
  }

  async run(opts: RoundOptions): Promise<RoundReport> {
    const t0 = performance.now();
    const now = this.#now();
    const roundId = randomUUID();
    // Loading, in bulk (a 100k-member round must not ask per member): who is matchable in one SQL pass (plus one
    // query for every active restriction), every member's vectors as three matrices, the exclusion facts as sets
    // over the whole population, and k-NN candidate lists among the round's members.
    const members = (this.#o.profiles.allMatchable ? await this.#o.profiles.allMatchable() : await this.#pagedMatchable()).filter((m) => m.timeZone && m.availability);
    const byId = new Map(members.map((m) => [m.memberId, m]));
    const table = await this.#o.embeddings.vectorTable(members.map((m) => m.memberId));
    const tVectors = performance.now();
    const allPairsLimit = 1000;
    const span = { from: now, to: now + (opts.spanDays ?? 7) * DAY_MS, minOverlap: opts.minOverlapMinutes ?? 30 };
    const candidates =
      members.length > allPairsLimit
        ? await this.#o.embeddings.roundCandidates(table, opts.neighbours ?? 10, {
            ...(opts.fanout === undefined ? {} : { fanout: opts.fanout }),
            queries: opts.facetQueries ?? GOAL_FACET_QUERIES,
            threads: opts.searchThreads ?? Math.min(4, os.availableParallelism()),
            ...(opts.timeAwareCandidates === false ? {} : { compatible: shareFreeTime(members, span) }),
          })
        : undefined;
    const tCandidates = performance.now();
    const recentWeeks = opts.recentWeeks ?? DEFAULT_RECENT_WEEKS;
    const facts = await loadExclusionFacts(this.#o.pool, 'all', now, { historySince: now - recentWeeks * WEEK_MS });
    const profiles = new Map(members.map((m) => [m.memberId, toMatchProfile(m)]));
    const t1 = performance.now();

    const roundMembers: RoundMember<MatchingMember>[] = members.map((m) => ({ memberId: m.memberId, zone: m.timeZone!, availability: m.availability!, profile: m }));
    const row = (id: string) => table.rowOf.get(id.toLowerCase())!;
    const signals = (a: string, b: string, overlap: readonly UtcInterval[]) => signalsOf(table.scores(row(a), row(b)), overlap);
    const result = runRound<MatchingMember, Explained>(roundMembers, {
      fromUtc: span.from,
      toUtc: span.to,
      minOverlapMinutes: span.minOverlap,
      allPairsLimit,
      ...(candidates ? { candidates } : {}),
      // Most members have no fact at all (no block, history, case or restriction): nothing can exclude such a pair.
      exclude: (a, b) =>
        facts.involved(a.memberId) || facts.involved(b.memberId)
          ? checkExclusion(facts.member(a.memberId), facts.member(b.memberId), facts.history(a.memberId, b.memberId), { now, exposureCap: null, recentWeeks })
          : false,
      score: (a, b, overlap) => {
        const s = scorePair(profiles.get(a.memberId)!, profiles.get(b.memberId)!, signals(a.memberId, b.memberId, overlap));
        return s.eligible ? s.score : null;
      },
      // One explainPair per pair gives both sides' reasons (forA, forB): half the work of asking each way.
      explain: (group, overlap) => {
        const out: Explained = {};
        for (const m of group) out[m.memberId] = [];
        for (let i = 0; i < group.length; i++) {
          for (let j = i + 1; j < group.length; j++) {
            const a = group[i]!.memberId;
            const b = group[j]!.memberId;
            const r = explainPair(profiles.get(a)!, profiles.get(b)!, signals(a, b, overlap));
            out[a]!.push({ about: b, reasons: r.forA });
            out[b]!.push({ about: a, reasons: r.forB });
          }
        }
        return out;
      },
    });
    const t2 = performance.now();

    const who = (id: string): RoundReportMember => ({ memberId: id, displayName: byId.get(id)!.displayName, timeZone: byId.get(id)!.timeZone! });
    const groups: RoundReportGroup[] = result.groups.map((g) => ({
      members: g.memberIds.map(who),
      score: Math.round(g.score * 1000) / 1000,
      overlap: g.overlap.map((iv) => ({ start: new Date(iv.start).toISOString(), end: new Date(iv.end).toISOString() })),
      overlapText: Object.fromEntries(g.memberIds.map((id) => [id, g.overlap.slice(0, 2).map((iv) => describeInZone(iv, byId.get(id)!.timeZone!)).join(', ')])),
      reasons: g.reasons ?? {},
    }));

    let created = 0;
    if (!opts.dryRun && result.groups.length > 0) {
      await inTransaction(this.#o.pool, async (tx) => {
        await tx.query('INSERT INTO match_rounds (id, started_at, dry_run) VALUES ($1, $2, false)', [roundId, new Date(now)]);
        for (const g of result.groups) {
          for (const p of g.pairScores) {
            const [lo, hi] = pairKey(p.a, p.b);
            await tx.query(
              `INSERT INTO match_pairs (member_low, member_high, paired_at) VALUES ($1, $2, $3)
               ON CONFLICT (member_low, member_high) DO UPDATE SET paired_at = EXCLUDED.paired_at`,
              [lo, hi, new Date(now)],
            );
            for (const [x, y] of [[p.a, p.b], [p.b, p.a]] as const) {
              const reasons = g.reasons?.[x]?.find((r) => r.about === y)?.reasons ?? [];
              if (await this.#o.suggestions.suggest(tx, x, { memberId: y, score: p.score, reasons, overlap: g.overlap }, 'round', roundId)) created++;
            }
          }
        }
      });
    }
    const t3 = performance.now();
    const report: RoundReport = {
      roundId,
      dryRun: opts.dryRun,
      startedAt: new Date(now).toISOString(),
      finishedAt: new Date(now + (t3 - t0)).toISOString(),
      members: members.length,
      method: result.method,
      groups,
      noPartner: result.noPartner.map((n) => ({ ...who(n.memberId), reason: n.reason, detail: n.detail })),
      stats: { ...result.stats },
      suggestionsCreated: created,
      timings: {
        loadMs: Math.round(t1 - t0),
        vectorsMs: Math.round(tVectors - t0),
        candidatesMs: Math.round(tCandidates - tVectors),
        matchMs: Math.round(t2 - t1),
        writeMs: Math.round(t3 - t2),
      },
    };
    const stored = { ...report, groups: report.groups.length > 5000 ? `${report.groups.length} groups (not stored)` : report.groups };
    if (opts.dryRun || result.groups.length === 0) {
      await this.#o.pool.query('INSERT INTO match_rounds (id, started_at, finished_at, dry_run, results) VALUES ($1, $2, $3, $4, $5)', [roundId, new Date(now), new Date(report.finishedAt), opts.dryRun, JSON.stringify(stored)]);
    } else {
      await this.#o.pool.query('UPDATE match_rounds SET finished_at = $2, results = $3 WHERE id = $1', [roundId, new Date(report.finishedAt), JSON.stringify(stored)]);
    }
    this.#o.log?.info({ roundId, dryRun: opts.dryRun, members: report.members, groups: groups.length, noPartner: report.noPartner.length }, 'matching round');
    return report;
  }
}

/**
 * Whether members[a] and members[b] share at least minOverlap minutes of free time in the span (the test runRound
 * applies to a pair): for cutting k-NN candidates to pairs that could meet. Members share a few schedules (zone +
 * availability), so the windows are expanded once per schedule and each pair of schedules is decided once.
 */
function shareFreeTime(members: readonly MatchingMember[], span: { from: number; to: number; minOverlap: number }): (a: number, b: number) => boolean {
  const scheduleOf = new Map<string, number>();
  const windows: UtcInterval[][] = [];
  const schedule = members.map((m) => {
    const key = `${m.timeZone}|${JSON.stringify(m.availability)}`;
    let s = scheduleOf.get(key);
    if (s === undefined) {
      s = windows.length;
      scheduleOf.set(key, s);
      windows.push(expandWindows(m.availability!, m.timeZone!, span.from, span.to));
    }
    return s;
  });
  const decided = new Map<number, boolean>();
  return (a, b) => {
    const sa = schedule[a]!;
    const sb = schedule[b]!;
    const key = Math.min(sa, sb) * windows.length + Math.max(sa, sb);
    let fit = decided.get(key);
    if (fit === undefined) {
      fit = atLeastMinutes(intersectIntervals(windows[sa]!, windows[sb]!), span.minOverlap).length > 0;
      decided.set(key, fit);
    }
    return fit;
  };
}

/** The report as plain text for the CLI. */
export function formatRound(r: RoundReport): string {
  const lines: string[] = [];
  lines.push(`round ${r.roundId}${r.dryRun ? ' (dry run: nothing created)' : ''} over ${r.members} members: ${r.groups.length} groups, ${r.noPartner.length} without a partner (${r.method})`);
  for (const g of r.groups) {
    lines.push(`  ${g.members.map((m) => m.displayName).join(' + ')}  score ${g.score.toFixed(3)}`);
    for (const m of g.members) {
      lines.push(`    ${m.displayName} (${m.timeZone}): overlap ${g.overlapText[m.memberId] ?? ''}`);
      for (const about of g.reasons[m.memberId] ?? []) lines.push(`      - ${about.reasons.join('; ')}`);
    }
  }
  for (const n of r.noPartner) lines.push(`  no partner this round: ${n.displayName} — ${n.reason}: ${n.detail}`);
  if (!r.dryRun) lines.push(`${r.suggestionsCreated} suggestions created (each pair answers yes/no; a room is scheduled when both say yes)`);
  return `${lines.join('\n')}\n`;
}
