// Bans and blocks shut the door whatever the visibility; blocks count in both directions.
import test from 'ava';
import { type JoinContext, type JoinRoomFacts, canJoin, canSee } from '../../engine/access/index.js';

const member = { memberId: 'm', platformRoles: ['member'] as const };
const open: JoinRoomFacts = { hostId: 'h', state: 'live', visibility: 'open', maxListeners: 10 };
const ctx = (extra: Partial<JoinContext> = {}): JoinContext => ({
  listenerCount: 0,
  isBanned: false,
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
