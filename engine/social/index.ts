// Public surface of engine/social: profiles, connections, blocks, groups, and the SocialGraph read side.
export type { SocialGraph } from './social-graph.js';
export { SocialService } from './social-service.js';
export { GroupService, GROUP_DESCRIPTION_MAX, GROUP_NAME_MAX } from './group-service.js';
export type { GroupCreateInput, GroupUpdateInput } from './group-service.js';
export type { RequestDirection } from './connection-store.js';
export { ExperienceEntrySchema, PROFILE_LIMITS, PhotoUrlSchema, ProfilePatchSchema, parseProfilePatch } from './profile-rules.js';
export type { ProfilePatch, ProfilePatchInput } from './profile-rules.js';
export { MAX_PAGE_SIZE } from './guards.js';
export { GROUP_ROLES, GROUP_VISIBILITIES } from './types.js';
export type {
  BlockedMember,
  Connection,
  ConnectionRequest,
  ConnectionRequestOutcome,
  ConnectionState,
  ExperienceEntry,
  Group,
  GroupInvitation,
  GroupMember,
  GroupRole,
  GroupVisibility,
  MemberSummary,
  OwnProfile,
  Page,
  PageRequest,
  PublicProfile,
  Relationship,
  Viewer,
} from './types.js';
