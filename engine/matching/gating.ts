// Who may be suggested: the gating rules in one pure function. Each criterion is reported with whether it is met,
// why not, and what to do, so a member sees exactly what stands between them and matching.
//
// Rules (limits from config `matching`):
// - photo:         an uploaded photo in which the face detector found a face (an upload without one is refused,
//                  so a stored photo always has one).
// - connections:   at least minConnections accepted connections.
// - experience:    at least minExperienceEntries entries whose description has at least minDescriptionChars
//                  characters each (trimmed); a shorter entry does not count. Per entry, not in total, so one
//                  long paragraph cannot stand in for a described career.
// - intro:         an accepted recorded intro.
// - availability:  a time zone and at least one weekly window (a part of the day or an exact range).
// - good_standing: no active suspension or ban.
// - opted_in:      the member asked to be matched (POST /v1/me/matching/opt-in).
// matchable = every criterion met.
export const GATING_CRITERIA = ['photo', 'connections', 'experience', 'intro', 'availability', 'good_standing', 'opted_in'] as const;
export type GatingCriterion = (typeof GATING_CRITERIA)[number];

export interface GatingRules {
  minConnections: number;
  minExperienceEntries: number;
  minDescriptionChars: number;
}

export interface GatingFacts {
  photo: { faceScore: number } | null;
  connectionCount: number;
  experience: readonly { role: string; company: string; description: string }[];
  intro: { durationMs: number } | null;
  timeZone: string | null;
  /** Whether the availability has at least one weekly window. */
  hasAvailability: boolean;
  restriction: { kind: 'suspend' | 'ban'; expiresAt: Date | null } | null;
  optedIn: boolean;
}

export interface CriterionResult {
  criterion: GatingCriterion;
  met: boolean;
  /** What was found (also when met, e.g. "4 connections"). */
  reason: string;
  /** What to do; null when met (or when nothing the member does helps). */
  fix: string | null;
}

export interface GatingResult {
  matchable: boolean;
  criteria: CriterionResult[];
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function evaluateGating(facts: GatingFacts, rules: GatingRules): GatingResult {
  for (const k of ['minConnections', 'minExperienceEntries', 'minDescriptionChars'] as const) {
    if (!Number.isInteger(rules[k]) || rules[k] < 0) throw new TypeError(`rules.${k} must be a non-negative integer`);
  }
  if (!Number.isInteger(facts.connectionCount) || facts.connectionCount < 0) throw new TypeError('facts.connectionCount must be a non-negative integer');
  const criteria: CriterionResult[] = [];
  const add = (criterion: GatingCriterion, met: boolean, reason: string, fix: string | null) => criteria.push({ criterion, met, reason, fix: met ? null : fix });

  add(
    'photo',
    facts.photo !== null,
    facts.photo ? 'you have a photo with your face' : 'you have no profile photo',
    'upload a photo in which your face is clearly visible (POST /v1/me/matching/photo, JPEG, PNG or WebP)',
  );

  const missing = rules.minConnections - facts.connectionCount;
  add(
    'connections',
    missing <= 0,
    `you have ${plural(facts.connectionCount, 'connection')}; matching needs at least ${rules.minConnections}`,
    `connect with ${plural(missing, 'more member')} (send connection requests to people you know)`,
  );

  const described = facts.experience.filter((e) => e.description.trim().length >= rules.minDescriptionChars);
  const short = facts.experience.length - described.length;
  const needEntries = rules.minExperienceEntries - described.length;
  add(
    'experience',
    needEntries <= 0,
    facts.experience.length === 0
      ? `your matching profile lists no experience; at least ${plural(rules.minExperienceEntries, 'entry', 'entries')} with a description of ${rules.minDescriptionChars}+ characters each is needed`
      : `${plural(described.length, 'experience entry', 'experience entries')} with a description of at least ${rules.minDescriptionChars} characters` +
          (short > 0 ? ` (${short} shorter)` : '') +
          `; at least ${rules.minExperienceEntries} needed`,
    short > 0
      ? `describe what you did in ${needEntries > 1 ? `${needEntries} of your roles` : 'one of your roles'} in at least ${rules.minDescriptionChars} characters (PUT /v1/me/matching/profile)`
      : `add ${plural(needEntries, 'experience entry', 'experience entries')} (role, company, years and a description of at least ${rules.minDescriptionChars} characters) with PUT /v1/me/matching/profile`,
  );

  add(
    'intro',
    facts.intro !== null,
    facts.intro ? `you recorded a ${(facts.intro.durationMs / 1000).toFixed(1)} s intro` : 'you have not recorded an intro',
    'record a short spoken intro of at most 20 seconds (POST /v1/me/matching/intro)',
  );

  const availabilityMet = facts.timeZone !== null && facts.hasAvailability;
  add(
    'availability',
    availabilityMet,
    availabilityMet
      ? `you are available in ${facts.timeZone}`
      : facts.timeZone === null
        ? 'you have not said your time zone and when you are free'
        : 'you have not said when you are free',
    'say your time zone and when you are free, e.g. weekday mornings (PUT /v1/me/matching/availability)',
  );

  const r = facts.restriction;
  add(
    'good_standing',
    r === null,
    r === null ? 'your account is in good standing' : r.kind === 'ban' ? 'your account is banned' : `your account is suspended until ${r.expiresAt?.toISOString() ?? 'further notice'}`,
    r?.kind === 'ban' ? 'appeal the decision if you think it is wrong' : 'matching resumes when the suspension ends; you can appeal the decision',
  );

  add('opted_in', facts.optedIn, facts.optedIn ? 'you asked to be matched' : 'you have not opted in to matching', 'opt in (POST /v1/me/matching/opt-in)');

  return { matchable: criteria.every((c) => c.met), criteria };
}
