// The facts matcher/exclusions.ts decides on, loaded in bulk: blocks (either direction, engine/social's
// member_blocks), pair history (match_pairs: matched, paired by a round, declined), open trust-and-safety cases
// about a member (moderation_cases), active suspensions and bans (SanctionStore.activeRestrictions: the one home of
// that rule) and this week's exposure counts.
//
// Two shapes: for given ids (the suggestion path: one viewer and their candidates), or for the whole population (a
// round: every table read once without a 100k-id array, history limited to what can still exclude — declined pairs
// and pairs matched since `historySince`).
import type { Queryable } from '../../db/queryable.js';
import type { MemberFacts, PairHistory } from '../../matcher/exclusions.js';
import { SanctionStore } from '../sanctions/sanction-store.js';

const DAY_MS = 86_400_000;

/** Monday (UTC) of the week `at` is in, as YYYY-MM-DD: the exposure cap's week. */
export function weekStart(at: number): string {
  const d = new Date(Math.floor(at / DAY_MS) * DAY_MS);
  const back = (d.getUTCDay() + 6) % 7;
  return new Date(d.getTime() - back * DAY_MS).toISOString().slice(0, 10);
}

export function pairKey(a: string, b: string): [string, string] {
  return a < b ? [a, b] : [b, a];
}

export interface ExclusionFacts {
  member(id: string): MemberFacts;
  history(a: string, b: string): PairHistory;
  /**
   * Whether any fact at all is known about the member (a restriction, an open case, an exposure, a block or a pair
   * history either way). Two members without facts cannot be excluded from each other (no cap), so a round skips the
   * check for them.
   */
  involved(id: string): boolean;
}

export interface ExclusionFactsOptions {
  /** Only the pairs that include this member (the suggestion path asks about one viewer and their candidates). */
  pairsOf?: string;
  /** With `ids` 'all': pair history older than this (ms) is not loaded unless declined (it can no longer exclude). */
  historySince?: number;
}

/**
 * Facts about `ids` and every pair among them (or, with `pairsOf`, only the pairs that include that member); with
 * 'all', about everyone (a round over the whole population).
 */
export async function loadExclusionFacts(db: Queryable, ids: readonly string[] | 'all', now: number, opts: ExclusionFactsOptions = {}): Promise<ExclusionFacts> {
  const all = ids === 'all' ? null : [...new Set(ids)];
  const [restrictions, cases, exposures, blocks, pairs] = await Promise.all([
    new SanctionStore(db, { now: () => new Date(now) }).activeRestrictions(all),
    db.query<{ id: string }>(`SELECT DISTINCT subject_member_id AS id FROM moderation_cases WHERE status = 'open' AND ($1::uuid[] IS NULL OR subject_member_id = ANY($1::uuid[]))`, [all]),
    db.query<{ member_id: string; count: number }>('SELECT member_id, count FROM match_exposures WHERE week_start = $2::date AND ($1::uuid[] IS NULL OR member_id = ANY($1::uuid[]))', [all, weekStart(now)]),
    all === null
      ? db.query<BlockRow>('SELECT blocker_id, blocked_id FROM member_blocks')
      : opts.pairsOf
        ? db.query<BlockRow>(
            `SELECT blocker_id, blocked_id FROM member_blocks
              WHERE (blocker_id = $1 AND blocked_id = ANY($2::uuid[])) OR (blocked_id = $1 AND blocker_id = ANY($2::uuid[]))`,
            [opts.pairsOf, all],
          )
        : db.query<BlockRow>('SELECT blocker_id, blocked_id FROM member_blocks WHERE blocker_id = ANY($1::uuid[]) AND blocked_id = ANY($1::uuid[])', [all]),
    all === null
      ? db.query<PairRow>(
          `SELECT member_low, member_high, matched_at, paired_at, declined FROM match_pairs
            WHERE declined OR $1::timestamptz IS NULL OR matched_at >= $1 OR paired_at >= $1`,
          [opts.historySince === undefined ? null : new Date(opts.historySince)],
        )
      : opts.pairsOf
        ? db.query<PairRow>(
            `SELECT member_low, member_high, matched_at, paired_at, declined FROM match_pairs
              WHERE (member_low = $1 AND member_high = ANY($2::uuid[])) OR (member_high = $1 AND member_low = ANY($2::uuid[]))`,
            [opts.pairsOf, all],
          )
        : db.query<PairRow>('SELECT member_low, member_high, matched_at, paired_at, declined FROM match_pairs WHERE member_low = ANY($1::uuid[]) AND member_high = ANY($1::uuid[])', [all]),
  ]);
  const underCase = new Set(cases.rows.map((r) => r.id));
  const exposure = new Map(exposures.rows.map((r) => [r.member_id, r.count]));
  const blocked = new Set(blocks.rows.map((r) => `${r.blocker_id}>${r.blocked_id}`));
  const history = new Map(pairs.rows.map((r) => [`${r.member_low}|${r.member_high}`, r]));
  const involved = new Set<string>([...restrictions.keys(), ...underCase, ...exposure.keys()]);
  for (const r of blocks.rows) involved.add(r.blocker_id).add(r.blocked_id);
  for (const r of pairs.rows) involved.add(r.member_low).add(r.member_high);
  return {
    member: (id) => ({ memberId: id, suspended: restrictions.has(id), openModerationCase: underCase.has(id), weeklyExposure: exposure.get(id) ?? 0 }),
    history: (a, b) => {
      const [lo, hi] = pairKey(a, b);
      const h = history.get(`${lo}|${hi}`);
      const last = Math.max(h?.matched_at?.getTime() ?? -Infinity, h?.paired_at?.getTime() ?? -Infinity);
      return {
        aBlockedB: blocked.has(`${a}>${b}`),
        bBlockedA: blocked.has(`${b}>${a}`),
        lastMatchedAt: Number.isFinite(last) ? last : null,
        declined: h?.declined ?? false,
      };
    },
    involved: (id) => involved.has(id),
  };
}

interface BlockRow {
  blocker_id: string;
  blocked_id: string;
}

interface PairRow {
  member_low: string;
  member_high: string;
  matched_at: Date | null;
  paired_at: Date | null;
  declined: boolean;
}
