// Public surface of engine/stage: the per-room StageState, its effects/events, reactions, the room lifecycle and
// DomainError.
export { StageState } from './stage-state.js';
export type { Reaction, StageCreateInput, StageJoinInput, StageResult } from './stage-state.js';
export type { Actor } from './guards.js';
export { parseStageSnapshot } from './stage-snapshot.js';
export type { HandRaise, ParticipantRecord, StageInvite, StageSnapshot } from './stage-snapshot.js';
export type { StageEffect, StageEvent, StageJoinVia } from './stage-effects.js';
export { REACTION_EMOJI, isReactionEmoji, normalizeReaction } from './reactions.js';
export type { ReactionEmoji } from './reactions.js';
export { DomainError } from './domain-error.js';
export type { DomainErrorCode } from './domain-error.js';
export { MAX_SCHEDULE_AHEAD_MS, createRoomLifecycle, transitionRoom } from './room-lifecycle.js';
export type { RoomLifecycle, RoomLifecycleEvent } from './room-lifecycle.js';
