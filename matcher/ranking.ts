// Pure scoring of a candidate pair, and the short reasons each member reads on the suggestion.
// Similarities are computed elsewhere (embeddings stay out of this module) and passed in as signals.
//
// score = weighted mean of four components in [0, 1]:
//   complementarity  mutual goal fit: A seeks what B offers (goalFitAB) and the reverse (goalFitBA), each cosine
//                    rescaled so that `goalFitFloor` (unrelated text) is 0 and 1 is 1; combined as
//                    mutuality·√(ab) + (1 − mutuality)·(a + b)/2, so at the same total a two-way fit beats a
//                    one-way one, while a pure mentoring fit (one side only) still counts.
//   experience       experienceSimilarity rescaled the same way (peers with related experience).
//   availability     common minutes, saturating: 1 − 2^(−minutes / overlapHalfSaturationMinutes)
//                    (with 90: 30 min → 0.21, 90 → 0.5, 3 h → 0.75); more common time helps, with diminishing returns.
//   language         1 when they share a language. By default a shared language is REQUIRED (no conversation
//                    otherwise) and the pair is ineligible without one; set requireSharedLanguage false to weigh it.
// A pair without common time (overlap already filtered to the minimum) is ineligible: a suggestion must be meetable.
import { describeInZone } from './availability.js';
import { requireBoolean, requireNumber, requireObject, requireString, requireStringArray } from './guards.js';
import { type UtcInterval, requireIntervals, totalMinutes } from './interval.js';
import { requireZone } from './zone-time.js';

export type Pronoun = 'she' | 'he' | 'they';

/** What ranking needs to know about a member (the matching profile, already gated). */
export interface MatchProfile {
  memberId: string;
  /** Shown in reasons ("Ana can help with …"); the first word is used. */
  displayName: string;
  /** Used after the first mention when given; otherwise the name is repeated (never guessed). */
  pronoun?: Pronoun;
  /** "I can help with …" */
  offers: readonly string[];
  /** "I'm looking for …" */
  seeks: readonly string[];
  /** BCP 47 tags (`it`, `en`, `pt-BR`); regional variants of one language count as shared. */
  languages: readonly string[];
  zone: string;
  skills: readonly string[];
  experienceSummary?: string;
}

/** A goal item of one member matched to an offer item of the other, chosen by the embedding layer. */
export interface TopicMatch {
  seek: string;
  offer: string;
}

export interface PairSignals {
  /** Cosine in [-1, 1] of A's seeks against B's offers. */
  goalFitAB: number;
  /** Cosine in [-1, 1] of B's seeks against A's offers. */
  goalFitBA: number;
  /** Cosine in [-1, 1] of their experience embeddings. */
  experienceSimilarity: number;
  /** Common UTC intervals (already at least the minimum overlap each). */
  overlap: readonly UtcInterval[];
  /** The best-fitting items for the reasons text; when absent, a word-overlap guess over the lists is used. */
  topicAB?: TopicMatch;
  topicBA?: TopicMatch;
}

export interface RankingWeights {
  complementarity: number;
  experience: number;
  availability: number;
  language: number;
  /** 0 = arithmetic mean of the two goal fits, 1 = geometric mean (only mutual fit counts). */
  mutuality: number;
  overlapHalfSaturationMinutes: number;
  requireSharedLanguage: boolean;
  /** Cosine treated as "unrelated" (→ 0). Sentence-embedding cosines of unrelated texts sit around 0–0.2. */
  goalFitFloor: number;
  /** Cosine from which a goal fit or similar experience is worth saying in the reasons. */
  reasonThreshold: number;
}

/** Defaults, to be tuned on the match-quality scenario set. */
export const DEFAULT_RANKING_WEIGHTS: Readonly<RankingWeights> = Object.freeze({
  complementarity: 0.5,
  experience: 0.2,
  availability: 0.2,
  language: 0.1,
  mutuality: 0.5,
  overlapHalfSaturationMinutes: 90,
  requireSharedLanguage: true,
  goalFitFloor: 0.1,
  reasonThreshold: 0.4,
});

/** Merges overrides onto the defaults; TypeError naming the bad weight. */
export function resolveWeights(overrides: Partial<RankingWeights> = {}): RankingWeights {
  requireObject(overrides, 'weights');
  const known = Object.keys(DEFAULT_RANKING_WEIGHTS);
  for (const k of Object.keys(overrides)) if (!known.includes(k)) throw new TypeError(`weights.${k} is not a known weight`);
  const w = { ...DEFAULT_RANKING_WEIGHTS, ...overrides };
  for (const k of ['complementarity', 'experience', 'availability', 'language'] as const) requireNumber(w[k], `weights.${k}`, { min: 0 });
  if (w.complementarity + w.experience + w.availability + w.language <= 0) {
    throw new TypeError('weights.complementarity, experience, availability and language must not all be 0');
  }
  requireNumber(w.mutuality, 'weights.mutuality', { min: 0, max: 1 });
  requireNumber(w.overlapHalfSaturationMinutes, 'weights.overlapHalfSaturationMinutes', { min: 1 });
  requireBoolean(w.requireSharedLanguage, 'weights.requireSharedLanguage');
  requireNumber(w.goalFitFloor, 'weights.goalFitFloor', { min: -1, max: 0.99 });
  requireNumber(w.reasonThreshold, 'weights.reasonThreshold', { min: -1, max: 1 });
  return w;
}

export type IneligibleReason = 'same_member' | 'no_shared_language' | 'no_common_time';

export interface PairScore {
  /** In [0, 1]; 0 when ineligible. */
  score: number;
  eligible: boolean;
  ineligible: IneligibleReason | null;
  components: {
    complementarity: number;
    goalFitAB: number;
    goalFitBA: number;
    experience: number;
    availability: number;
    language: number;
    overlapMinutes: number;
  };
  /** Primary language subtags both speak, in A's order. */
  sharedLanguages: string[];
}

function primaryLanguage(tag: string, name: string): string {
  let canonical: string;
  try {
    canonical = Intl.getCanonicalLocales(tag)[0]!;
  } catch {
    throw new TypeError(`${name} must be a BCP 47 language tag such as "it" or "pt-BR"`);
  }
  return canonical.split('-')[0]!.toLowerCase();
}

function requireProfile(p: unknown, name: string): MatchProfile {
  const o = requireObject(p, name);
  requireString(o.memberId, `${name}.memberId`);
  requireString(o.displayName, `${name}.displayName`);
  if (o.pronoun !== undefined && !['she', 'he', 'they'].includes(o.pronoun as string)) throw new TypeError(`${name}.pronoun must be she, he or they`);
  requireStringArray(o.offers, `${name}.offers`);
  requireStringArray(o.seeks, `${name}.seeks`);
  requireStringArray(o.languages, `${name}.languages`);
  requireStringArray(o.skills, `${name}.skills`);
  requireZone(o.zone, `${name}.zone`);
  return o as unknown as MatchProfile;
}

function requireSignals(s: unknown): PairSignals {
  const o = requireObject(s, 'signals');
  requireNumber(o.goalFitAB, 'signals.goalFitAB', { min: -1.000001, max: 1.000001 });
  requireNumber(o.goalFitBA, 'signals.goalFitBA', { min: -1.000001, max: 1.000001 });
  requireNumber(o.experienceSimilarity, 'signals.experienceSimilarity', { min: -1.000001, max: 1.000001 });
  requireIntervals(o.overlap, 'signals.overlap');
  return o as unknown as PairSignals;
}

function rescale(cosine: number, floor: number): number {
  return Math.min(1, Math.max(0, (cosine - floor) / (1 - floor)));
}

function sharedLanguagesOf(a: MatchProfile, b: MatchProfile): string[] {
  const theirs = new Set(b.languages.map((t, i) => primaryLanguage(t, `b.languages[${i}]`)));
  const out: string[] = [];
  a.languages.forEach((t, i) => {
    const p = primaryLanguage(t, `a.languages[${i}]`);
    if (theirs.has(p) && !out.includes(p)) out.push(p);
  });
  return out;
}

/** Scores a pair (symmetric in its inputs: swapping A and B and the two goal fits gives the same score). */
export function scorePair(a: MatchProfile, b: MatchProfile, signals: PairSignals, weights: Partial<RankingWeights> = {}): PairScore {
  requireProfile(a, 'a');
  requireProfile(b, 'b');
  requireSignals(signals);
  const w = resolveWeights(weights);
  const fitAB = rescale(signals.goalFitAB, w.goalFitFloor);
  const fitBA = rescale(signals.goalFitBA, w.goalFitFloor);
  const complementarity = w.mutuality * Math.sqrt(fitAB * fitBA) + (1 - w.mutuality) * ((fitAB + fitBA) / 2);
  const experience = rescale(signals.experienceSimilarity, w.goalFitFloor);
  const overlapMinutes = totalMinutes(signals.overlap);
  const availability = 1 - Math.pow(2, -overlapMinutes / w.overlapHalfSaturationMinutes);
  const sharedLanguages = sharedLanguagesOf(a, b);
  const language = sharedLanguages.length > 0 ? 1 : 0;
  const components = { complementarity, goalFitAB: fitAB, goalFitBA: fitBA, experience, availability, language, overlapMinutes };

  let ineligible: IneligibleReason | null = null;
  if (a.memberId === b.memberId) ineligible = 'same_member';
  else if (w.requireSharedLanguage && language === 0) ineligible = 'no_shared_language';
  else if (overlapMinutes <= 0) ineligible = 'no_common_time';
  if (ineligible) return { score: 0, eligible: false, ineligible, components, sharedLanguages };

  const total = w.complementarity + w.experience + w.availability + w.language;
  const score =
    (w.complementarity * complementarity + w.experience * experience + w.availability * availability + w.language * language) / total;
  return { score, eligible: true, ineligible: null, components, sharedLanguages };
}

// ---------------------------------------------------------------------------------------------------------------
// Reasons

const STOPWORDS = new Set(['and', 'the', 'for', 'with', 'how', 'your', 'you', 'our', 'into', 'from', 'about', 'help', 'looking', 'want', 'need']);

function words(text: string): Set<string> {
  return new Set(text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((t) => t.length >= 3 && !STOPWORDS.has(t)));
}

/** Fallback when the embedding layer did not name the items: the seek/offer pair sharing the most words. */
function guessTopic(seeks: readonly string[], offers: readonly string[]): TopicMatch | null {
  let best: TopicMatch | null = null;
  let bestShared = 0;
  for (const seek of seeks) {
    const sw = words(seek);
    for (const offer of offers) {
      let shared = 0;
      for (const t of words(offer)) if (sw.has(t)) shared++;
      if (shared > bestShared) {
        bestShared = shared;
        best = { seek, offer };
      }
    }
  }
  if (best) return best;
  return seeks[0] !== undefined && offers[0] !== undefined ? { seek: seeks[0], offer: offers[0] } : null;
}

function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

const languageNames = new Intl.DisplayNames(['en'], { type: 'language' });

/** Refers to the other member: their first name the first time, then their pronoun when they gave one. */
function referrer(p: MatchProfile): { name: () => string; subject: () => string } {
  const first = p.displayName.trim().split(/\s+/)[0]!;
  let mentioned = false;
  return {
    name: () => {
      mentioned = true;
      return first;
    },
    subject: () => {
      const s = mentioned && p.pronoun ? p.pronoun : first;
      mentioned = true;
      return s;
    },
  };
}

function reasonsFor(
  reader: MatchProfile,
  other: MatchProfile,
  fitReaderSeeks: number,
  fitOtherSeeks: number,
  topicReaderSeeks: TopicMatch | null,
  topicOtherSeeks: TopicMatch | null,
  signals: PairSignals,
  shared: string[],
  w: RankingWeights,
): string[] {
  const out: string[] = [];
  const them = referrer(other);
  if (shared.length > 0) out.push(`you both speak ${listOf(shared.slice(0, 2).map((l) => languageNames.of(l) ?? l))}`);
  if (fitReaderSeeks >= w.reasonThreshold && topicReaderSeeks) out.push(`${them.subject()} can help with ${topicReaderSeeks.offer}`);
  if (fitOtherSeeks >= w.reasonThreshold && topicOtherSeeks) {
    const s = them.subject();
    out.push(`${s} ${s === 'they' ? 'are' : 'is'} looking for ${topicOtherSeeks.seek}, which you offer`);
  }
  const skills = new Map(other.skills.map((s) => [s.toLowerCase(), s]));
  const common = reader.skills.filter((s) => skills.has(s.toLowerCase())).slice(0, 3);
  if (common.length > 0) out.push(`you both work with ${listOf(common)}`);
  if (signals.experienceSimilarity >= w.reasonThreshold) out.push(`your experience is close to ${them.name()}'s`);
  if (signals.overlap.length > 0) {
    // The two longest common windows (earliest first on ties), in the reader's own zone.
    const top = [...signals.overlap]
      .sort((x, y) => y.end - y.start - (x.end - x.start) || x.start - y.start)
      .slice(0, 2)
      .sort((x, y) => x.start - y.start);
    out.push(`you overlap ${listOf(top.map((iv) => describeInZone(iv, reader.zone)))} your time`);
  }
  return out;
}

export interface PairReasons {
  /** What A reads about B ("you" = A). */
  forA: string[];
  /** What B reads about A ("you" = B). */
  forB: string[];
}

/**
 * Short reasons for each side of a pair, e.g. "you both speak Italian", "Ana can help with fundraising",
 * "you overlap Tue 09:00–10:30 your time". Kept apart from scorePair so a round scores millions of pairs and
 * explains only the ones it forms.
 */
export function explainPair(a: MatchProfile, b: MatchProfile, signals: PairSignals, weights: Partial<RankingWeights> = {}): PairReasons {
  requireProfile(a, 'a');
  requireProfile(b, 'b');
  requireSignals(signals);
  const w = resolveWeights(weights);
  const topicAB = signals.topicAB ?? guessTopic(a.seeks, b.offers);
  const topicBA = signals.topicBA ?? guessTopic(b.seeks, a.offers);
  const sharedAB = sharedLanguagesOf(a, b);
  const sharedBA = sharedLanguagesOf(b, a);
  return {
    forA: reasonsFor(a, b, signals.goalFitAB, signals.goalFitBA, topicAB, topicBA, signals, sharedAB, w),
    forB: reasonsFor(b, a, signals.goalFitBA, signals.goalFitAB, topicBA, topicAB, signals, sharedBA, w),
  };
}
