// The pure core of matching: availability time math, pair scoring with reasons, exclusions, rounds.
// No database, no I/O, no clock: callers pass facts and instants in.
export type { FieldError, InstantInput } from './guards.js';
export type { UtcInterval } from './interval.js';
export { mergeIntervals, intersectIntervals, subtractIntervals, clipIntervals, atLeastMinutes, totalMinutes } from './interval.js';
export { isValidZone } from './zone-time.js';
export {
  type Availability,
  type AvailabilityValidation,
  type ClockRange,
  type DayPart,
  type DaysPart,
  type ExactRange,
  type PartPreset,
  type Schedule,
  type SlotOptions,
  type Weekday,
  AVAILABILITY_LIMITS,
  DAY_PARTS,
  DEFAULT_PART_RANGES,
  PART_PRESETS,
  WEEKDAYS,
  describeInZone,
  expandWindows,
  firstCommonSlot,
  overlap,
  validateAvailability,
} from './availability.js';
export {
  type IneligibleReason,
  type MatchProfile,
  type PairReasons,
  type PairScore,
  type PairSignals,
  type Pronoun,
  type RankingWeights,
  type TopicMatch,
  DEFAULT_RANKING_WEIGHTS,
  explainPair,
  resolveWeights,
  scorePair,
} from './ranking.js';
export {
  type ExclusionDecision,
  type ExclusionOptions,
  type ExclusionReason,
  type MemberFacts,
  type PairHistory,
  DEFAULT_EXPOSURE_CAP,
  DEFAULT_RECENT_WEEKS,
  checkExclusion,
} from './exclusions.js';
export { type MatchingOptions, type WeightedEdge, maxWeightMatching } from './blossom.js';
export { type LocalMatchingOptions, greedyLocalMatching } from './local-matching.js';
export {
  type NoPartner,
  type NoPartnerReason,
  type PairScoreEntry,
  type RoundGroup,
  type RoundMember,
  type RoundOptions,
  type RoundResult,
  type RoundStats,
  runRound,
} from './rounds.js';
