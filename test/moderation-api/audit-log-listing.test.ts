// Staff list the audit log, newest first, by action, action prefix, actor, subject and room; paged by id.
import test from 'ava';
import { flagCase, liveRoom, member, segment, staff, useStack } from './_fixtures.js';

const s = useStack();

test('the audit log lists decisions and policy changes with filters', async (t) => {
  const host = await member(s.env, 'Hana Host');
  const speaker = await member(s.env, 'Tom Troll');
  const reviewer = await staff(s.env);
  const roomId = await liveRoom(host);
  const caseId = await flagCase(s.pool, { roomId, memberId: speaker.memberId, segmentId: await segment(s.pool, { roomId, speaker: speaker.memberId, text: 'words' }) });
  t.is((await reviewer.client.post(`/v1/moderation/cases/${caseId}/decision`, { decision: 'warn', reason: 'careful' })).status, 200);
  t.is((await host.client.request('PUT', `/v1/rooms/${roomId}/moderation-policy`, { escalation: { windowSeconds: 600 } })).status, 200);

  const all = await reviewer.client.get('/v1/admin/audit');
  t.is(all.status, 200, JSON.stringify(all.body));
  const actions = all.body.items.map((e: { action: string }) => e.action);
  t.deepEqual(actions.slice(0, 2), ['room.moderation_policy_changed', 'case.decided'], 'newest first');
  const decided = await reviewer.client.get('/v1/admin/audit?action=case.decided');
  t.is(decided.body.items.length, 1);
  t.like(decided.body.items[0], { actor: { kind: 'member', memberId: reviewer.memberId }, subject: { kind: 'case', id: caseId }, roomId });
  t.is((await reviewer.client.get('/v1/admin/audit?actionPrefix=room.')).body.items.length, 1);
  t.is((await reviewer.client.get(`/v1/admin/audit?actorId=${host.memberId}`)).body.items[0].action, 'room.moderation_policy_changed');
  t.is((await reviewer.client.get(`/v1/admin/audit?subjectKind=case&subjectId=${caseId}`)).body.items.length, 1);
  t.is((await reviewer.client.get(`/v1/admin/audit?roomId=${roomId}`)).body.items.length, 2);
  const page = await reviewer.client.get('/v1/admin/audit?limit=1');
  t.is(page.body.items.length, 1);
  const next = await reviewer.client.get(`/v1/admin/audit?limit=1&before=${page.body.nextBefore}`);
  t.is(next.body.items[0].action, 'case.decided');
  t.is((await host.client.get('/v1/admin/audit')).status, 403);
});
