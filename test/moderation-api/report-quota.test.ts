// Reports spend the report quota (QUOTA_REPORTS_PER_MEMBER_PER_HOUR): one more is 429 rate_limited with
// Retry-After, and opens nothing. Bad input costs nothing.
import test from 'ava';
import { joinRoom, liveRoom, member, useStack } from './_fixtures.js';

const s = useStack({ QUOTA_REPORTS_PER_MEMBER_PER_HOUR: '2' });

test('the third report in an hour is 429 with Retry-After', async (t) => {
  const host = await member(s.env, 'Hana Host');
  const a = await member(s.env, 'Ann Speaker');
  const listener = await member(s.env, 'Lia Listener');
  const roomId = await liveRoom(host);
  await joinRoom(a, roomId);
  await joinRoom(listener, roomId);
  // Refused as bad input: no unit spent.
  t.is((await listener.client.post(`/v1/rooms/${roomId}/reports`, { memberId: listener.memberId, reason: 'spam' })).status, 400);
  t.is((await listener.client.post(`/v1/rooms/${roomId}/reports`, { memberId: a.memberId, reason: 'spam' })).status, 201);
  t.is((await listener.client.post(`/v1/rooms/${roomId}/reports`, { reason: 'other' })).status, 201);
  const cases = async () => (await s.pool.query("SELECT count(*)::int AS n FROM moderation_cases WHERE kind = 'report'")).rows[0].n;
  const before = await cases();
  const third = await listener.client.post(`/v1/rooms/${roomId}/reports`, { memberId: host.memberId, reason: 'insult' });
  t.is(third.status, 429, JSON.stringify(third.body));
  t.is(third.body.error.code, 'rate_limited');
  t.true(Number(third.headers.get('retry-after')) >= 1);
  t.is(await cases(), before, 'nothing opened');
  // Another member's quota is their own.
  t.is((await a.client.post(`/v1/rooms/${roomId}/reports`, { memberId: host.memberId, reason: 'insult' })).status, 201);
});
