// Visibility: open rooms admit any member; connections_or_group rooms the host's connections and group members;
// invite-only rooms invitees. Missing door-opening facts fail closed.
import test from 'ava';
import { type JoinContext, type JoinRoomFacts, canJoin, canSee } from '../../engine/access/index.js';

const member = { memberId: 'm', platformRoles: ['member'] as const };
const room = (visibility: JoinRoomFacts['visibility'], groupId: string | null = null): JoinRoomFacts => ({
  hostId: 'h',
  state: 'live',
  visibility,
  maxListeners: 100,
  groupId,
});
const ctx = (extra: Partial<JoinContext> = {}): JoinContext => ({
  listenerCount: 0,
  isBanned: false,
  restriction: null,
  hostBlockedMember: false,
  memberBlockedHost: false,
  ...extra,
});

test('open rooms admit any member as listener', (t) => {
  t.deepEqual(canJoin(member, room('open'), ctx()), { allowed: true, role: 'listener' });
});

test('connections_or_group: connections get in, strangers do not', (t) => {
  t.deepEqual(canJoin(member, room('connections_or_group'), ctx({ isConnectedToHost: true })), { allowed: true, role: 'listener' });
  t.like(canJoin(member, room('connections_or_group'), ctx()), { allowed: false, code: 'not_connected' });
});

test('connections_or_group: group members get in only when the room has a group', (t) => {
  t.deepEqual(canJoin(member, room('connections_or_group', 'g1'), ctx({ isGroupMember: true })), { allowed: true, role: 'listener' });
  t.like(canJoin(member, room('connections_or_group', null), ctx({ isGroupMember: true })), { allowed: false, code: 'not_connected' });
});

test('invite-only: only invitees, connections are not enough', (t) => {
  t.deepEqual(canJoin(member, room('invite_only'), ctx({ isInvited: true })), { allowed: true, role: 'listener' });
  t.like(canJoin(member, room('invite_only'), ctx({ isConnectedToHost: true })), { allowed: false, code: 'not_invited' });
});

test('the host always enters their own room, as host', (t) => {
  t.deepEqual(canJoin({ memberId: 'h', platformRoles: ['member'] }, room('invite_only'), ctx()), { allowed: true, role: 'host' });
});

test('canSee applies the same visibility rules for listings', (t) => {
  t.deepEqual(canSee(member, room('open'), ctx()), { allowed: true });
  t.like(canSee(member, room('invite_only'), ctx()), { allowed: false, code: 'not_invited' });
  t.deepEqual(canSee(member, room('invite_only'), ctx({ isInvited: true })), { allowed: true });
});
