// Two reviewers, one case: the first claim holds it; the second reviewer's claim, decision and renewal are refused
// (409) until the holder releases it.
import test from 'ava';
import { flagCase, liveRoom, member, segment, staff, useStack } from './_fixtures.js';

const s = useStack();

test('a claimed case is held against a second reviewer until released', async (t) => {
  const host = await member(s.env, 'Hana Host');
  const speaker = await member(s.env, 'Tom Troll');
  const rita = await staff(s.env, 'Rita Reviewer');
  const rex = await staff(s.env, 'Rex Reviewer', 'admin');
  const roomId = await liveRoom(host);
  const caseId = await flagCase(s.pool, { roomId, memberId: speaker.memberId, segmentId: await segment(s.pool, { roomId, speaker: speaker.memberId, text: 'a threat' }) });

  const claimed = await rita.client.post(`/v1/moderation/cases/${caseId}/claim`);
  t.is(claimed.status, 200, JSON.stringify(claimed.body));
  t.is(claimed.body.holder, rita.memberId);
  const expires = Date.parse(claimed.body.expiresAt);
  t.true(expires > Date.now() + 500_000 && expires <= Date.now() + 601_000, 'CASE_LEASE_SECONDS (600) by default');

  const second = await rex.client.post(`/v1/moderation/cases/${caseId}/claim`);
  t.is(second.status, 409, JSON.stringify(second.body));
  t.is(second.body.error.code, 'lease_held');
  const decide = await rex.client.post(`/v1/moderation/cases/${caseId}/decision`, { decision: 'warn', reason: 'x' });
  t.is(decide.status, 409);
  t.is(decide.body.error.code, 'lease_held');
  t.is((await rex.client.post(`/v1/moderation/cases/${caseId}/lease/renew`)).body.error.code, 'lease_not_held');
  t.is((await rex.client.post(`/v1/moderation/cases/${caseId}/release`)).body.error.code, 'lease_not_held');

  const renewed = await rita.client.post(`/v1/moderation/cases/${caseId}/lease/renew`);
  t.is(renewed.status, 200);
  t.true(Date.parse(renewed.body.expiresAt) >= expires);
  const queued = (await rex.client.get('/v1/moderation/cases')).body.items.find((c: { id: string }) => c.id === caseId);
  t.is(queued.lease.holder, rita.memberId);
  t.deepEqual((await rex.client.get('/v1/moderation/cases?unclaimedOnly=true')).body.items, []);

  t.is((await rita.client.post(`/v1/moderation/cases/${caseId}/release`)).status, 200);
  const taken = await rex.client.post(`/v1/moderation/cases/${caseId}/claim`);
  t.is(taken.status, 200);
  t.is(taken.body.holder, rex.memberId);
  t.is((await rex.client.post(`/v1/moderation/cases/${caseId}/decision`, { decision: 'warn', reason: 'first warning' })).status, 200);
  // The event log tells the story.
  const detail = await rita.client.get(`/v1/moderation/cases/${caseId}`);
  t.deepEqual(detail.body.events.map((e: { type: string }) => e.type), ['opened', 'claimed', 'lease_renewed', 'released', 'claimed', 'decided']);
  t.is(detail.body.case.lease, null);
});
