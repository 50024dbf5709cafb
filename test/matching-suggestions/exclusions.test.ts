// Exclusions: a blocked member (either direction), a pair matched within 8 weeks, a declined pair, a suspended
// member and a member under an open moderation case are never suggested, though each would otherwise be the best
// fit; a block made after a suggestion hides it on the next read. Sanctions, cases and history are set in the
// database as setup (their own flows are tested elsewhere).
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';
import { FOUNDER, INVESTOR, makeMember, uuid, WEEKDAY_MORNINGS } from './_fixtures.js';

let env: TestStack;
test.before(async () => {
  env = await startTestStack({ workers: 0 });
});
test.after.always(() => env?.stop());

test('blocked, recently matched, declined, suspended and under-review members are never suggested', async (t) => {
  const db = env.stack.database.pool;
  const viewer = await makeMember(env, { name: 'Ada Viewer', ...FOUNDER, timeZone: 'Europe/Rome', availability: WEEKDAY_MORNINGS });
  const investor = (name: string) => makeMember(env, { name, ...INVESTOR, timeZone: 'Europe/Rome', availability: WEEKDAY_MORNINGS });
  const blockedByViewer = await investor('Bob Blocked');
  const blockerOfViewer = await investor('Bea Blocker');
  const recent = await investor('Rita Recent');
  const declined = await investor('Dan Declined');
  const suspended = await investor('Sue Suspended');
  const underReview = await investor('Una Review');
  const control = await investor('Carl Control');

  t.is((await viewer.client.post(`/v1/members/${blockedByViewer.memberId}/block`)).status < 300, true);
  t.is((await blockerOfViewer.client.post(`/v1/members/${viewer.memberId}/block`)).status < 300, true);
  const pair = (a: string, b: string) => (a < b ? [a, b] : [b, a]);
  await db.query('INSERT INTO match_pairs (member_low, member_high, matched_at, match_count) VALUES ($1, $2, $3, 1)', [...pair(viewer.memberId, recent.memberId), new Date(Date.now() - 14 * 86_400_000)]);
  await db.query('INSERT INTO match_pairs (member_low, member_high, declined, declined_at) VALUES ($1, $2, true, now())', [...pair(viewer.memberId, declined.memberId)]);
  // A suspension makes the member fail gating too; checked here as an exclusion of the pair.
  await db.query("INSERT INTO member_sanctions (id, member_id, kind, reason, starts_at, expires_at) VALUES ($1, $2, 'suspend', 'harassment', now() - interval '1 hour', now() + interval '7 days')", [uuid(), suspended.memberId]);
  await db.query("INSERT INTO moderation_cases (kind, subject_member_id) VALUES ('report', $1)", [underReview.memberId]);

  const res = await viewer.client.get('/v1/me/matching/suggestions');
  t.is(res.status, 200, JSON.stringify(res.body));
  const ids = res.body.items.map((s: any) => s.candidate.memberId);
  t.deepEqual(ids, [control.memberId], JSON.stringify(res.body.items.map((s: any) => s.candidate.displayName)));

  // The other side of each exclusion does not see the viewer either.
  for (const m of [blockedByViewer, blockerOfViewer, recent, declined]) {
    const theirs = await m.client.get('/v1/me/matching/suggestions');
    t.false(theirs.body.items.some((s: any) => s.candidate.memberId === viewer.memberId), m.name);
  }
  t.false((await suspended.client.get('/v1/me/matching/suggestions')).body.matchable);

  // A block after the suggestion: gone on the next read, and never back.
  t.true((await control.client.post(`/v1/members/${viewer.memberId}/block`)).status < 300);
  const after = await viewer.client.get('/v1/me/matching/suggestions');
  t.deepEqual(after.body.items, []);
  const { rows } = await db.query("SELECT status FROM match_suggestions WHERE member_id = $1 AND candidate_id = $2", [viewer.memberId, control.memberId]);
  t.deepEqual(rows.map((r) => r.status), ['expired']);
});
