// One authorization function over a declarative table: for each action, which room roles and which platform roles
// may perform it, in which room states, and how it may touch a target participant.
//
// Decisions documented here (the table is the source of truth):
// - transcript.read is staff-only (trust_safety, admin), NOT the host: participants consent to transcription *for
//   safety*; letting hosts read transcripts would turn that into host-side recording nobody agreed to, and could
//   expose people who report the host.
// - Powers that change who holds power stay with the host: only the host promotes co-hosts and ends the room.
//   A co-host may demote only themself; co-hosts moderate speakers and listeners but never the host or each other.
// - Staff (trust_safety, admin) may mute, move to audience, remove and end in any room without being in it, and may
//   act on the host. Only admins may edit room details. Staff never get stage powers (approve, invite, promote).
// - room.view / room.join here only say "a signed-in member may ask"; canSee() / canJoin() (join-policy.ts) are the
//   full listing and join policy, asked only after authorize() allowed. Every caller asks both, in that order.
// - Only the host starts a scheduled room; the host or staff cancel one. Inviting people into a room (room.invite,
//   needed for invite-only rooms) is for the host and co-hosts, before or during the room.
// - stage.view: the stage is visible to whoever is in the room (the room's host counts even when not connected) and to
//   staff; stage.view_moderation (hand queue, invitations, bans, audience) to the host, co-hosts and staff.
// - The room's host is the rooms table's host_member_id for room.* actions, even before any stage exists.
// - room.report: anyone in a live room may report a speaker (or the room) to trust-and-safety; staff act directly.
// - A room's moderation policy (tighten-only thresholds and actions): the host and admins change it; the host,
//   co-hosts and staff read it. Trust-and-safety staff review cases; they do not tune rooms.
import { type Action, isAction } from './actions.js';
import { requireObject, requireString } from './guards.js';
import {
  type PlatformRole,
  type RoomRole,
  type RoomState,
  ROOM_ROLES,
  ROOM_STATES,
  isPlatformRole,
  isRoomRole,
  isRoomState,
  roomRoleRank,
} from './roles.js';

/** Who is asking. `roomRole` is null when they are not a participant of the room. */
export interface Subject {
  memberId: string;
  platformRoles: readonly PlatformRole[];
  roomRole: RoomRole | null;
}

/** The participant an action is aimed at, as the ROOM currently knows them (never the caller's own state). */
export interface TargetFacts {
  memberId: string;
  roomRole: RoomRole | null;
}

export interface AuthorizeContext {
  roomState: RoomState;
  /** Required for actions whose table row has a target rule (approve, invite, mute, remove, promote, ...). */
  target?: TargetFacts;
}

export type DenyCode =
  | 'room_ended'
  | 'room_not_live'
  | 'not_scheduled'
  | 'not_in_room'
  | 'role_forbidden'
  | 'self_target'
  | 'target_not_in_room'
  | 'target_protected';

export type Decision =
  | { allowed: true; via: RoomRole | PlatformRole }
  | { allowed: false; code: DenyCode; reason: string };

/** none: no target. outranked: target must be someone else the subject strictly outranks. self_or_outranked: also self. */
export type TargetRule = 'none' | 'outranked' | 'self_or_outranked';

export interface AccessRule {
  roomRoles: readonly RoomRole[];
  platformRoles: readonly PlatformRole[];
  states: readonly RoomState[];
  target: TargetRule;
}

const ANY_MEMBER: readonly PlatformRole[] = ['member', 'trust_safety', 'admin'];
const STAFF: readonly PlatformRole[] = ['trust_safety', 'admin'];
const MODERATORS: readonly RoomRole[] = ['host', 'co_host'];
const NOT_ENDED: readonly RoomState[] = ['scheduled', 'live'];
const LIVE: readonly RoomState[] = ['live'];
const SCHEDULED: readonly RoomState[] = ['scheduled'];

export const ACCESS_TABLE: Readonly<Record<Action, AccessRule>> = {
  'room.view': { roomRoles: ROOM_ROLES, platformRoles: ANY_MEMBER, states: ROOM_STATES, target: 'none' },
  'room.join': { roomRoles: ROOM_ROLES, platformRoles: ANY_MEMBER, states: NOT_ENDED, target: 'none' },
  'room.update': { roomRoles: ['host'], platformRoles: ['admin'], states: NOT_ENDED, target: 'none' },
  'room.start': { roomRoles: ['host'], platformRoles: [], states: SCHEDULED, target: 'none' },
  'room.cancel': { roomRoles: ['host'], platformRoles: STAFF, states: SCHEDULED, target: 'none' },
  'room.end': { roomRoles: ['host'], platformRoles: STAFF, states: NOT_ENDED, target: 'none' },
  'room.invite': { roomRoles: MODERATORS, platformRoles: [], states: NOT_ENDED, target: 'none' },
  'room.set_hand_raising': { roomRoles: MODERATORS, platformRoles: [], states: NOT_ENDED, target: 'none' },
  'stage.view': { roomRoles: ROOM_ROLES, platformRoles: STAFF, states: ROOM_STATES, target: 'none' },
  'stage.view_moderation': { roomRoles: MODERATORS, platformRoles: STAFF, states: ROOM_STATES, target: 'none' },
  'stage.raise_hand': { roomRoles: ['listener'], platformRoles: [], states: LIVE, target: 'none' },
  'stage.lower_hand': { roomRoles: ['listener'], platformRoles: [], states: LIVE, target: 'none' },
  'stage.approve_hand': { roomRoles: MODERATORS, platformRoles: [], states: LIVE, target: 'outranked' },
  'stage.dismiss_hand': { roomRoles: MODERATORS, platformRoles: [], states: LIVE, target: 'outranked' },
  'stage.invite': { roomRoles: MODERATORS, platformRoles: [], states: LIVE, target: 'outranked' },
  'stage.respond_invite': { roomRoles: ['listener'], platformRoles: [], states: LIVE, target: 'none' },
  'stage.move_to_audience': { roomRoles: MODERATORS, platformRoles: STAFF, states: LIVE, target: 'outranked' },
  'stage.leave': { roomRoles: ['co_host', 'speaker'], platformRoles: [], states: LIVE, target: 'none' },
  'participant.mute': { roomRoles: MODERATORS, platformRoles: STAFF, states: LIVE, target: 'outranked' },
  'participant.remove': { roomRoles: MODERATORS, platformRoles: STAFF, states: LIVE, target: 'outranked' },
  // Lifting a room ban: the banned member is not in the room, so there is no target to outrank.
  'participant.unban': { roomRoles: MODERATORS, platformRoles: STAFF, states: LIVE, target: 'none' },
  'role.promote_cohost': { roomRoles: ['host'], platformRoles: [], states: LIVE, target: 'outranked' },
  'role.demote_cohost': { roomRoles: MODERATORS, platformRoles: [], states: LIVE, target: 'self_or_outranked' },
  'reaction.send': { roomRoles: ROOM_ROLES, platformRoles: [], states: LIVE, target: 'none' },
  'transcript.read': { roomRoles: [], platformRoles: STAFF, states: ROOM_STATES, target: 'none' },
  'room.report': { roomRoles: ROOM_ROLES, platformRoles: [], states: LIVE, target: 'none' },
  'room.view_moderation_policy': { roomRoles: MODERATORS, platformRoles: STAFF, states: ROOM_STATES, target: 'none' },
  'room.moderation_policy': { roomRoles: ['host'], platformRoles: ['admin'], states: NOT_ENDED, target: 'none' },
};

function deny(code: DenyCode, reason: string): Decision {
  return { allowed: false, code, reason };
}

function checkSubject(value: unknown): Subject {
  const s = requireObject(value, 'subject');
  const memberId = requireString(s.memberId, 'subject.memberId');
  if (!Array.isArray(s.platformRoles) || !s.platformRoles.every(isPlatformRole)) {
    throw new TypeError('subject.platformRoles must be an array of platform roles');
  }
  if (s.roomRole !== null && !isRoomRole(s.roomRole)) throw new TypeError('subject.roomRole must be a room role or null');
  return { memberId, platformRoles: s.platformRoles, roomRole: s.roomRole };
}

function checkTarget(value: unknown): TargetFacts {
  const t = requireObject(value, 'ctx.target');
  const memberId = requireString(t.memberId, 'ctx.target.memberId');
  if (t.roomRole !== null && !isRoomRole(t.roomRole)) throw new TypeError('ctx.target.roomRole must be a room role or null');
  return { memberId, roomRole: t.roomRole };
}

export function authorize(subject: Subject, action: Action, ctx: AuthorizeContext): Decision {
  const who = checkSubject(subject);
  if (!isAction(action)) throw new TypeError(`action must be one of the known actions, got ${String(action)}`);
  const c = requireObject(ctx, 'ctx');
  if (!isRoomState(c.roomState)) throw new TypeError('ctx.roomState must be scheduled, live or ended');
  const rule = ACCESS_TABLE[action];
  let target: TargetFacts | undefined;
  if (rule.target !== 'none') {
    if (c.target === undefined) throw new TypeError(`ctx.target is required for ${action}`);
    target = checkTarget(c.target);
  }

  if (!rule.states.includes(c.roomState)) {
    if (c.roomState === 'ended') return deny('room_ended', `${action} is not possible in an ended room`);
    if (c.roomState === 'live') return deny('not_scheduled', `${action} is only possible before the room starts`);
    return deny('room_not_live', `${action} needs a live room`);
  }

  const viaRoom = who.roomRole !== null && rule.roomRoles.includes(who.roomRole) ? who.roomRole : null;
  const viaPlatform = who.platformRoles.find((r) => rule.platformRoles.includes(r)) ?? null;
  if (viaRoom === null && viaPlatform === null) {
    if (rule.roomRoles.length === 0) return deny('role_forbidden', `${action} is reserved to ${rule.platformRoles.join(', ')}`);
    if (who.roomRole === null) return deny('not_in_room', `${action} needs you to be in the room`);
    return deny('role_forbidden', `a ${who.roomRole} may not ${action}`);
  }
  if (target === undefined) return { allowed: true, via: (viaRoom ?? viaPlatform) as RoomRole | PlatformRole };

  if (target.roomRole === null) return deny('target_not_in_room', `${target.memberId} is not in the room`);
  const isSelf = target.memberId === who.memberId;
  if (isSelf && rule.target !== 'self_or_outranked') return deny('self_target', `${action} cannot target yourself`);
  if (viaRoom !== null && (isSelf || roomRoleRank(viaRoom) > roomRoleRank(target.roomRole))) return { allowed: true, via: viaRoom };
  if (viaPlatform !== null) return { allowed: true, via: viaPlatform };
  return deny('target_protected', `a ${viaRoom} cannot ${action} a ${target.roomRole}`);
}
