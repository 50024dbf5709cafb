// Bans and blocks shut the door whatever the visibility; blocks count in both directions.
import test from 'ava';
import { type JoinContext, type JoinRoomFacts, canJoin, canSee } from '../../engine/access/index.js';

const member = { memberId: 'm', platformRoles: ['member'] as const };
const open: JoinRoomFacts = { hostId: 'h', state: 'live', visibility: 'open', maxListeners: 10 };
const ctx = (extra: Partial<JoinContext> = {}): JoinContext => ({
  listenerCount: 0,
  isBanned: false,
  restriction: null,
  hostBlockedMember: false,
  memberBlockedHost: false,
  ...extra,
});

test('a banned member cannot rejoin, even when invited', (t) => {
  t.like(canJoin(member, open, ctx({ isBanned: true, isInvited: true })), { allowed: false, code: 'banned' });
  t.like(canSee(member, open, ctx({ isBanned: true })), { allowed: false, code: 'banned' });
});

test('a member the host blocked cannot join the rooms they host', (t) => {
  const d = canJoin(member, open, ctx({ hostBlockedMember: true }));
  t.like(d, { allowed: false, code: 'blocked' });
});

test('a member who blocked the host cannot join either', (t) => {
  const d = canJoin(member, open, ctx({ memberBlockedHost: true }));
  t.like(d, { allowed: false, code: 'blocked' });
  if (!d.allowed) t.regex(d.reason, /you have blocked the host/);
});

test('staff enter whatever the bans, blocks, visibility or capacity, as visible listeners', (t) => {
  const staff = { memberId: 's', platformRoles: ['member', 'trust_safety'] as const };
  const locked: JoinRoomFacts = { hostId: 'h', state: 'live', visibility: 'invite_only', maxListeners: 0 };
  const d = canJoin(staff, locked, ctx({ isBanned: true, hostBlockedMember: true, listenerCount: 5 }));
  t.deepEqual(d, { allowed: true, role: 'listener' });
});

test('the blocking facts are required, so forgetting one is a TypeError and not an open door', (t) => {
  const partial = { listenerCount: 0, isBanned: false, hostBlockedMember: false } as unknown as JoinContext;
  t.throws(() => canJoin(member, open, partial), { instanceOf: TypeError, message: /ctx.memberBlockedHost/ });
});

test('a platform suspension or ban keeps the member out of every room, their own and staff included', (t) => {
  const suspended = ctx({ restriction: { kind: 'suspend', expiresAt: '2030-01-01T00:00:00.000Z' }, isInvited: true });
  const d = canJoin(member, open, suspended);
  t.like(d, { allowed: false, code: 'account_restricted' });
  if (!d.allowed) t.regex(d.reason, /suspended until 2030-01-01/);
  t.like(canJoin({ memberId: 'h', platformRoles: ['member'] }, open, suspended), { allowed: false, code: 'account_restricted' });
  t.like(canJoin({ memberId: 's', platformRoles: ['member', 'admin'] }, open, ctx({ restriction: { kind: 'ban', expiresAt: null } })), {
    allowed: false,
    code: 'account_restricted',
  });
  // Listings stay visible; a warning (no restriction) changes nothing.
  t.deepEqual(canSee(member, open, suspended), { allowed: true });
  t.deepEqual(canJoin(member, open, ctx()), { allowed: true, role: 'listener' });
  // An ended room is still refused as ended.
  t.like(canJoin(member, { ...open, state: 'ended' }, suspended), { allowed: false, code: 'room_ended' });
});

test('the restriction fact is required: leaving it out is a TypeError, not an open door', (t) => {
  const { restriction: _r, ...rest } = ctx();
  t.throws(() => canJoin(member, open, rest as JoinContext), { instanceOf: TypeError, message: /ctx.restriction/ });
});
