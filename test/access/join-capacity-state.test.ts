// Room state and capacity: ended and not-yet-started rooms refuse; a full room refuses listeners but not the host.
import test from 'ava';
import { type JoinContext, type JoinRoomFacts, canJoin } from '../../engine/access/index.js';

const member = { memberId: 'm', platformRoles: ['member'] as const };
const hostMember = { memberId: 'h', platformRoles: ['member'] as const };
const room = (extra: Partial<JoinRoomFacts> = {}): JoinRoomFacts => ({ hostId: 'h', state: 'live', visibility: 'open', maxListeners: 2, ...extra });
const ctx = (listenerCount: number): JoinContext => ({ listenerCount, isBanned: false, restriction: null, hostBlockedMember: false, memberBlockedHost: false });

test('ended rooms refuse everyone, the host included', (t) => {
  t.like(canJoin(member, room({ state: 'ended' }), ctx(0)), { allowed: false, code: 'room_ended' });
  t.like(canJoin(hostMember, room({ state: 'ended' }), ctx(0)), { allowed: false, code: 'room_ended' });
});

test('scheduled rooms refuse until the host starts them', (t) => {
  t.like(canJoin(member, room({ state: 'scheduled' }), ctx(0)), { allowed: false, code: 'room_not_live' });
  t.like(canJoin(hostMember, room({ state: 'scheduled' }), ctx(0)), { allowed: false, code: 'room_not_live' });
});

test('max listeners: the last seat is taken, then the room is full', (t) => {
  t.deepEqual(canJoin(member, room(), ctx(1)), { allowed: true, role: 'listener' });
  t.like(canJoin(member, room(), ctx(2)), { allowed: false, code: 'room_full' });
});

test('a full room still admits its host', (t) => {
  t.deepEqual(canJoin(hostMember, room(), ctx(2)), { allowed: true, role: 'host' });
});

test('bad room facts are TypeErrors naming the field', (t) => {
  t.throws(() => canJoin(member, room({ maxListeners: -1 }), ctx(0)), { instanceOf: TypeError, message: /room.maxListeners/ });
  t.throws(() => canJoin(member, room({ visibility: 'public' as never }), ctx(0)), { instanceOf: TypeError, message: /room.visibility/ });
  t.throws(() => canJoin(member, room(), { ...ctx(0), listenerCount: 1.5 }), { instanceOf: TypeError, message: /ctx.listenerCount/ });
  t.throws(() => canJoin({ memberId: '', platformRoles: [] }, room(), ctx(0)), { instanceOf: TypeError, message: /member.memberId/ });
});
