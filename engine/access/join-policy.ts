// Who may enter (and see) a room. Pure: the caller looks the facts up (connections, group membership, invitations,
// bans, blocks, current listener count) and passes them in as booleans and counts.
//
// Decisions:
// - Facts that open a door (connection, group, invitation) are optional and default to false, so forgetting one
//   fails closed. Facts that shut a door (ban, blocks, listener count) are required.
// - Nobody joins a scheduled room: the host starts it (transitionRoom 'start') and then joins it as host.
// - Staff (trust_safety, admin) may enter any room that is live, whatever its visibility, bans, blocks or capacity,
//   so reports can be checked; they join visibly as listeners (no covert presence).
// - Blocks work both ways: if the host blocked the member or the member blocked the host, the member cannot join.
// - A member under a platform suspension or ban (trust-and-safety's sanction) joins no room, not even their own and
//   whatever their platform roles: the sanction is about the person. They may still see listings.
import { requireBoolean, requireCount, requireObject, requireString } from './guards.js';
import {
  type PlatformRole,
  type RoomRole,
  type RoomState,
  type RoomVisibility,
  isPlatformRole,
  isRoomState,
  isRoomVisibility,
  isStaff,
} from './roles.js';

export interface JoinCandidate {
  memberId: string;
  platformRoles: readonly PlatformRole[];
}

export interface JoinRoomFacts {
  hostId: string;
  state: RoomState;
  visibility: RoomVisibility;
  /** Most listeners at once; hosts, co-hosts and speakers do not count. */
  maxListeners: number;
  /** Set when a connections_or_group room is tied to a group. */
  groupId?: string | null;
}

/** A platform sanction that keeps the member out of every room (SanctionStore.activeRestriction). */
export interface PlatformRestriction {
  kind: 'suspend' | 'ban';
  /** ISO time the suspension ends; null for a ban. */
  expiresAt: string | null;
}

export interface JoinContext {
  /** Listeners in the room right now. */
  listenerCount: number;
  isBanned: boolean;
  /** The member's active platform suspension or ban, or null. Required: forgetting it must not let them in. */
  restriction: PlatformRestriction | null;
  hostBlockedMember: boolean;
  memberBlockedHost: boolean;
  /** The member and the host are connected. */
  isConnectedToHost?: boolean;
  /** The member belongs to the room's group (room.groupId). */
  isGroupMember?: boolean;
  /** The member holds an invitation to this room. */
  isInvited?: boolean;
}

export type JoinDenyCode =
  | 'room_ended'
  | 'room_not_live'
  | 'banned'
  | 'blocked'
  | 'not_connected'
  | 'not_invited'
  | 'room_full'
  | 'account_restricted';

export type JoinDecision =
  | { allowed: true; role: Extract<RoomRole, 'host' | 'listener'> }
  | { allowed: false; code: JoinDenyCode; reason: string };

export type SeeDecision = { allowed: true } | { allowed: false; code: Exclude<JoinDenyCode, 'room_ended' | 'room_not_live' | 'room_full' | 'account_restricted'>; reason: string };

interface CheckedInput {
  member: JoinCandidate;
  room: JoinRoomFacts;
  ctx: Required<JoinContext>;
}

function checkInput(member: unknown, room: unknown, ctx: unknown): CheckedInput {
  const m = requireObject(member, 'member');
  const memberId = requireString(m.memberId, 'member.memberId');
  if (!Array.isArray(m.platformRoles) || !m.platformRoles.every(isPlatformRole)) {
    throw new TypeError('member.platformRoles must be an array of platform roles');
  }
  const r = requireObject(room, 'room');
  const hostId = requireString(r.hostId, 'room.hostId');
  if (!isRoomState(r.state)) throw new TypeError('room.state must be scheduled, live or ended');
  if (!isRoomVisibility(r.visibility)) throw new TypeError('room.visibility must be open, connections_or_group or invite_only');
  const maxListeners = requireCount(r.maxListeners, 'room.maxListeners');
  if (r.groupId !== undefined && r.groupId !== null) requireString(r.groupId, 'room.groupId');
  const c = requireObject(ctx, 'ctx');
  const optional = (v: unknown, field: string): boolean => (v === undefined ? false : requireBoolean(v, field));
  return {
    member: { memberId, platformRoles: m.platformRoles },
    room: { hostId, state: r.state, visibility: r.visibility, maxListeners, groupId: (r.groupId as string | null | undefined) ?? null },
    ctx: {
      listenerCount: requireCount(c.listenerCount, 'ctx.listenerCount'),
      isBanned: requireBoolean(c.isBanned, 'ctx.isBanned'),
      hostBlockedMember: requireBoolean(c.hostBlockedMember, 'ctx.hostBlockedMember'),
      memberBlockedHost: requireBoolean(c.memberBlockedHost, 'ctx.memberBlockedHost'),
      isConnectedToHost: optional(c.isConnectedToHost, 'ctx.isConnectedToHost'),
      isGroupMember: optional(c.isGroupMember, 'ctx.isGroupMember'),
      isInvited: optional(c.isInvited, 'ctx.isInvited'),
      restriction: checkRestriction(c.restriction),
    },
  };
}

function checkRestriction(value: unknown): PlatformRestriction | null {
  if (value === null) return null;
  if (value === undefined) throw new TypeError('ctx.restriction is required (null when the member has no suspension or ban)');
  const r = requireObject(value, 'ctx.restriction');
  if (r.kind !== 'suspend' && r.kind !== 'ban') throw new TypeError('ctx.restriction.kind must be suspend or ban');
  if (r.expiresAt !== null && typeof r.expiresAt !== 'string') throw new TypeError('ctx.restriction.expiresAt must be an ISO time or null');
  return { kind: r.kind, expiresAt: r.expiresAt as string | null };
}

/** Visibility, bans and blocks only: whether the room may be listed or shown to this member at all. */
function seeCheck({ member, room, ctx }: CheckedInput): SeeDecision {
  if (member.memberId === room.hostId || isStaff(member.platformRoles)) return { allowed: true };
  if (ctx.isBanned) return { allowed: false, code: 'banned', reason: 'you were removed from this room and cannot rejoin' };
  if (ctx.hostBlockedMember) return { allowed: false, code: 'blocked', reason: 'the host has blocked you' };
  if (ctx.memberBlockedHost) return { allowed: false, code: 'blocked', reason: 'you have blocked the host' };
  if (ctx.isInvited) return { allowed: true };
  if (room.visibility === 'invite_only') return { allowed: false, code: 'not_invited', reason: 'this room is invite-only' };
  if (room.visibility === 'connections_or_group') {
    const inGroup = room.groupId !== null && ctx.isGroupMember;
    if (!ctx.isConnectedToHost && !inGroup) {
      return {
        allowed: false,
        code: 'not_connected',
        reason: room.groupId !== null ? "this room is for the host's connections and group members" : "this room is for the host's connections",
      };
    }
  }
  return { allowed: true };
}

/** Whether the member may see the room (listing, details). Same visibility, ban and block rules as canJoin. */
export function canSee(member: JoinCandidate, room: JoinRoomFacts, ctx: JoinContext): SeeDecision {
  return seeCheck(checkInput(member, room, ctx));
}

/** The full join policy. On success says which role the member joins with (host for the room's host, else listener). */
export function canJoin(member: JoinCandidate, room: JoinRoomFacts, ctx: JoinContext): JoinDecision {
  const input = checkInput(member, room, ctx);
  if (input.room.state === 'ended') return { allowed: false, code: 'room_ended', reason: 'the room has ended' };
  if (input.room.state === 'scheduled') return { allowed: false, code: 'room_not_live', reason: 'the room has not started yet' };
  const restriction = input.ctx.restriction;
  if (restriction !== null) {
    const reason = restriction.kind === 'ban' ? 'your account is banned from Roundtable' : `your account is suspended until ${restriction.expiresAt ?? 'further notice'}`;
    return { allowed: false, code: 'account_restricted', reason };
  }
  if (input.member.memberId === input.room.hostId) return { allowed: true, role: 'host' };
  if (isStaff(input.member.platformRoles)) return { allowed: true, role: 'listener' };
  const seen = seeCheck(input);
  if (!seen.allowed) return seen;
  if (input.ctx.listenerCount >= input.room.maxListeners) {
    return { allowed: false, code: 'room_full', reason: `the room is full (${input.room.maxListeners} listeners)` };
  }
  return { allowed: true, role: 'listener' };
}
