// Public surface of engine/access: roles, actions, authorize(), the join policy and LiveKit grants.
export * from './roles.js';
export * from './actions.js';
export { ACCESS_TABLE, authorize } from './authorize.js';
export type { AccessRule, AuthorizeContext, Decision, DenyCode, Subject, TargetFacts, TargetRule } from './authorize.js';
export { canJoin, canSee } from './join-policy.js';
export type { JoinCandidate, JoinContext, JoinDecision, JoinDenyCode, JoinRoomFacts, PlatformRestriction, SeeDecision } from './join-policy.js';
export { grantsFor, moderatorAgentGrants } from './grants.js';
export type { AgentGrant, RoomGrant, TrackSourceName } from './grants.js';
export { PLATFORM_ACCESS_TABLE, PLATFORM_ACTIONS, authorizePlatform, isPlatformAction } from './platform-access.js';
export type { PlatformAction, PlatformDecision } from './platform-access.js';
