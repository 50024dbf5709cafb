// The vocabulary every access decision is written in: who someone is on the platform, who they are in one room,
// and what state and visibility a room has. Kept free of logic so identity, access and stage can all share it.

/** Platform-wide roles. Every signed-up person is a `member`; staff roles are added on top. */
export type PlatformRole = 'member' | 'trust_safety' | 'admin';
export const PLATFORM_ROLES: readonly PlatformRole[] = ['member', 'trust_safety', 'admin'];

/** Roles inside one room. host, co_host and speaker are "on stage" (may publish audio); listeners never publish. */
export type RoomRole = 'host' | 'co_host' | 'speaker' | 'listener';
export const ROOM_ROLES: readonly RoomRole[] = ['host', 'co_host', 'speaker', 'listener'];

/** Room lifecycle: scheduled -> live -> ended (scheduled -> ended is a cancellation). */
export type RoomState = 'scheduled' | 'live' | 'ended';
export const ROOM_STATES: readonly RoomState[] = ['scheduled', 'live', 'ended'];

/**
 * Who may join: anyone signed in; the host's connections or members of the room's group; or only invitees.
 */
export type RoomVisibility = 'open' | 'connections_or_group' | 'invite_only';
export const ROOM_VISIBILITIES: readonly RoomVisibility[] = ['open', 'connections_or_group', 'invite_only'];

/** Staff roles: platform roles that carry moderation powers in every room. */
export const STAFF_ROLES: readonly PlatformRole[] = ['trust_safety', 'admin'];

/** Higher outranks lower; a moderator may only act on someone they strictly outrank. */
const RANK: Readonly<Record<RoomRole, number>> = { host: 3, co_host: 2, speaker: 1, listener: 0 };

export function roomRoleRank(role: RoomRole): number {
  return RANK[role];
}

export function isOnStage(role: RoomRole): boolean {
  return role !== 'listener';
}

export function isPlatformRole(value: unknown): value is PlatformRole {
  return typeof value === 'string' && (PLATFORM_ROLES as readonly string[]).includes(value);
}

export function isRoomRole(value: unknown): value is RoomRole {
  return typeof value === 'string' && (ROOM_ROLES as readonly string[]).includes(value);
}

export function isRoomState(value: unknown): value is RoomState {
  return typeof value === 'string' && (ROOM_STATES as readonly string[]).includes(value);
}

export function isRoomVisibility(value: unknown): value is RoomVisibility {
  return typeof value === 'string' && (ROOM_VISIBILITIES as readonly string[]).includes(value);
}

export function isStaff(platformRoles: readonly PlatformRole[]): boolean {
  return platformRoles.some((r) => STAFF_ROLES.includes(r));
}
