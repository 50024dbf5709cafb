// The matching API's answers as the pages read them (shapes from api/routes/matching-profile.ts and
// matching-suggestions.ts; the OpenAPI document is built from the same zod schemas).

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const DAY_PARTS = ['morning', 'afternoon', 'evening'] as const;
export type DayPart = (typeof DAY_PARTS)[number];
export type PartPreset = `${'weekday' | 'weekend'}_${'mornings' | 'afternoons' | 'evenings'}`;

export interface ClockRange {
  start: string;
  end: string;
}

export interface Availability {
  parts?: (PartPreset | { days: Weekday[]; part: DayPart })[];
  ranges?: (ClockRange & { day: Weekday })[];
  exceptions?: string[];
  partRanges?: Partial<Record<DayPart, ClockRange>>;
}

export interface ExperienceEntry {
  role: string;
  company: string;
  years: number;
  description: string;
}

export interface MatchingProfile {
  memberId: string;
  headline: string;
  experience: ExperienceEntry[];
  skills: string[];
  offers: string[];
  seeks: string[];
  languages: string[];
  timeZone: string | null;
  availability: Availability | null;
  optedIn: boolean;
  photo: { url: string; width: number; height: number; faceScore: number; uploadedAt: string } | null;
  intro: { url: string; mediaType: string; durationMs: number; transcript: string | null; uploadedAt: string } | null;
  updatedAt: string | null;
}

export const GATING_CRITERIA = ['photo', 'connections', 'experience', 'intro', 'availability', 'good_standing', 'opted_in'] as const;
export type GatingCriterion = (typeof GATING_CRITERIA)[number];

export interface MatchingStatus {
  memberId: string;
  matchable: boolean;
  criteria: { criterion: GatingCriterion; met: boolean; reason: string; fix: string | null }[];
}

export interface MemberCard {
  memberId: string;
  displayName: string;
  headline: string;
  photoUrl: string;
  introUrl: string;
}

export type SuggestionStatus = 'pending' | 'accepted' | 'declined' | 'snoozed' | 'expired' | 'matched';

export interface Suggestion {
  id: string;
  candidate: MemberCard;
  score: number;
  reasons: string[];
  overlap: { start: string; end: string }[];
  status: SuggestionStatus;
  createdAt: string;
  expiresAt: string;
  snoozedUntil: string | null;
  respondedAt: string | null;
}

export interface Match {
  matchId: string;
  roomId: string;
  partner: MemberCard;
  youHost: boolean;
  scheduledFor: string;
  endsAt: string;
  roomStatus: 'scheduled' | 'live' | 'ended';
  createdAt: string;
}

export interface AcceptAnswer {
  suggestion: Suggestion;
  match: Match | null;
  waiting: 'other_member' | 'no_common_slot' | null;
}
