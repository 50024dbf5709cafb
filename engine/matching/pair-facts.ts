// The facts matcher/exclusions.ts decides on, loaded in bulk: blocks (either direction, engine/social's
// member_blocks), pair history (match_pairs: matched, paired by a round, declined), open trust-and-safety cases
// about a member (moderation_cases), active suspensions and bans (the same rule as engine/sanctions/sanction-store.ts
// activeRestriction, as one query for many members) and this week's exposure counts.
import type { Queryable } from '../../db/queryable.js';
import type { MemberFacts, PairHistory } from '../../matcher/exclusions.js';

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
}

/**
 * Facts about `ids` and every pair among them (or, with `pairsOf`, only the pairs that include that member — the
 * suggestion path asks about one viewer and their candidates).
 */
export async function loadExclusionFacts(db: Queryable, ids: readonly string[], now: number, opts: { pairsOf?: string } = {}): Promise<ExclusionFacts> {
  const all = [...new Set(ids)];
  const at = new Date(now);
  const [sanctions, cases, exposures, blocks, pairs] = await Promise.all([
    db.query<{ member_id: string }>(
      `SELECT DISTINCT member_id FROM member_sanctions
        WHERE member_id = ANY($1::uuid[]) AND lifted_at IS NULL AND kind IN ('suspend', 'ban')
          AND starts_at <= $2 AND (expires_at IS NULL OR expires_at > $2)`,
      [all, at],
    ),
    db.query<{ id: string }>(`SELECT DISTINCT subject_member_id AS id FROM moderation_cases WHERE status = 'open' AND subject_member_id = ANY($1::uuid[])`, [all]),
    db.query<{ member_id: string; count: number }>('SELECT member_id, count FROM match_exposures WHERE week_start = $2::date AND member_id = ANY($1::uuid[])', [all, weekStart(now)]),
    opts.pairsOf
      ? db.query<{ blocker_id: string; blocked_id: string }>(
          `SELECT blocker_id, blocked_id FROM member_blocks
            WHERE (blocker_id = $1 AND blocked_id = ANY($2::uuid[])) OR (blocked_id = $1 AND blocker_id = ANY($2::uuid[]))`,
          [opts.pairsOf, all],
        )
      : db.query<{ blocker_id: string; blocked_id: string }>('SELECT blocker_id, blocked_id FROM member_blocks WHERE blocker_id = ANY($1::uuid[]) AND blocked_id = ANY($1::uuid[])', [all]),
    opts.pairsOf
      ? db.query<PairRow>(
          `SELECT member_low, member_high, matched_at, paired_at, declined FROM match_pairs
            WHERE (member_low = $1 AND member_high = ANY($2::uuid[])) OR (member_high = $1 AND member_low = ANY($2::uuid[]))`,
          [opts.pairsOf, all],
        )
      : db.query<PairRow>('SELECT member_low, member_high, matched_at, paired_at, declined FROM match_pairs WHERE member_low = ANY($1::uuid[]) AND member_high = ANY($1::uuid[])', [all]),
  ]);
  const suspended = new Set(sanctions.rows.map((r) => r.member_id));
  const underCase = new Set(cases.rows.map((r) => r.id));
  const exposure = new Map(exposures.rows.map((r) => [r.member_id, r.count]));
  const blocked = new Set(blocks.rows.map((r) => `${r.blocker_id}>${r.blocked_id}`));
  const history = new Map(pairs.rows.map((r) => [`${r.member_low}|${r.member_high}`, r]));
  return {
    member: (id) => ({ memberId: id, suspended: suspended.has(id), openModerationCase: underCase.has(id), weeklyExposure: exposure.get(id) ?? 0 }),
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
  };
}

interface PairRow {
  member_low: string;
  member_high: string;
  matched_at: Date | null;
  paired_at: Date | null;
  declined: boolean;
}
