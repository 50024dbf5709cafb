// Pure filter: may these two members be suggested to, or paired with, each other at all?
// Facts come from the stores (blocks, match history, declines, sanctions, moderation cases, exposure counts); this
// module only decides, so the moderation issue's decisions plug in as `suspended` / `openModerationCase` facts.
//
// Checks run safety first (suspension, open moderation case, blocks), then history (declined, recently matched),
// then the exposure cap, and the first that applies is the reason. Reasons are for logs, operators and the round
// report, NEVER for members: telling A "excluded: blocked" would reveal that B blocked them.
import { type InstantInput, requireBoolean, requireInstant, requireNumber, requireObject, requireString } from './guards.js';

export interface MemberFacts {
  memberId: string;
  /** Under an active suspension (sanction). */
  suspended: boolean;
  /** Subject of an open trust-and-safety case: held out of matching until it is decided. */
  openModerationCase: boolean;
  /** How many times this member was suggested to others in the current week. */
  weeklyExposure: number;
}

export interface PairHistory {
  /** A blocked B. */
  aBlockedB: boolean;
  /** B blocked A. */
  bBlockedA: boolean;
  /** When they were last matched (suggestion accepted or paired in a round); a future room counts as recent. */
  lastMatchedAt: InstantInput | null;
  /** Either declined a suggestion of the other: never suggested again. */
  declined: boolean;
}

export interface ExclusionOptions {
  /** The injected clock. */
  now: InstantInput;
  /** Pairs matched within this many weeks are not matched again (default 8). */
  recentWeeks?: number;
  /** A member suggested this many times this week is not suggested again (default 10); null turns the cap off
   *  (rounds pair everyone once, so they usually pass null). */
  exposureCap?: number | null;
}

export type ExclusionReason =
  | 'same_member'
  | 'suspended'
  | 'under_moderation'
  | 'blocked'
  | 'declined'
  | 'recently_matched'
  | 'exposure_cap';

export type ExclusionDecision =
  | { excluded: false; reason: null }
  | { excluded: true; reason: ExclusionReason; /** The member the reason is about, when it is about one. */ memberId: string | null };

export const DEFAULT_RECENT_WEEKS = 8;
export const DEFAULT_EXPOSURE_CAP = 10;
const WEEK_MS = 7 * 86_400_000;

const ALLOWED: ExclusionDecision = Object.freeze({ excluded: false, reason: null });

function requireFacts(v: unknown, name: string): MemberFacts {
  const o = requireObject(v, name);
  requireString(o.memberId, `${name}.memberId`);
  requireBoolean(o.suspended, `${name}.suspended`);
  requireBoolean(o.openModerationCase, `${name}.openModerationCase`);
  requireNumber(o.weeklyExposure, `${name}.weeklyExposure`, { min: 0, integer: true });
  return o as unknown as MemberFacts;
}

/** Whether the pair is excluded, and the first reason why (see the order above). */
export function checkExclusion(a: MemberFacts, b: MemberFacts, history: PairHistory, options: ExclusionOptions): ExclusionDecision {
  requireFacts(a, 'a');
  requireFacts(b, 'b');
  const h = requireObject(history, 'history');
  requireBoolean(h.aBlockedB, 'history.aBlockedB');
  requireBoolean(h.bBlockedA, 'history.bBlockedA');
  requireBoolean(h.declined, 'history.declined');
  const lastMatchedAt = h.lastMatchedAt === null ? null : requireInstant(h.lastMatchedAt, 'history.lastMatchedAt');
  const opts = requireObject(options, 'options');
  const now = requireInstant(opts.now, 'options.now');
  const recentWeeks = requireNumber(options.recentWeeks ?? DEFAULT_RECENT_WEEKS, 'options.recentWeeks', { min: 0 });
  const cap = options.exposureCap === undefined ? DEFAULT_EXPOSURE_CAP : options.exposureCap;
  if (cap !== null) requireNumber(cap, 'options.exposureCap', { min: 1, integer: true });

  const about = (reason: ExclusionReason, memberId: string | null): ExclusionDecision => ({ excluded: true, reason, memberId });
  if (a.memberId === b.memberId) return about('same_member', a.memberId);
  for (const m of [a, b]) if (m.suspended) return about('suspended', m.memberId);
  for (const m of [a, b]) if (m.openModerationCase) return about('under_moderation', m.memberId);
  if (h.aBlockedB || h.bBlockedA) return about('blocked', null); // who blocked whom stays in the store
  if (h.declined) return about('declined', null);
  if (lastMatchedAt !== null && now - lastMatchedAt < recentWeeks * WEEK_MS) return about('recently_matched', null);
  if (cap !== null) for (const m of [a, b]) if (m.weeklyExposure >= cap) return about('exposure_cap', m.memberId);
  return ALLOWED;
}
