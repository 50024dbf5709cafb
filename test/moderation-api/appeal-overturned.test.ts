// An overturned appeal lifts the sanction of the decision (the member may join again); an upheld one keeps it.
// The reviewer who decided cannot resolve the appeal of their own decision.
import test from 'ava';
import { flagCase, liveRoom, member, segment, staff, useStack, type Member } from './_fixtures.js';

const s = useStack();

async function suspendAndAppeal(reviewer: Member, speaker: Member, roomId: string): Promise<{ decisionId: string; appealCaseId: string }> {
  const caseId = await flagCase(s.pool, { roomId, memberId: speaker.memberId, segmentId: await segment(s.pool, { roomId, speaker: speaker.memberId, text: 'words' }) });
  const decided = await reviewer.client.post(`/v1/moderation/cases/${caseId}/decision`, { decision: 'suspend', reason: 'threat', durationSeconds: 86_400 });
  const appealed = await speaker.client.post(`/v1/me/decisions/${decided.body.id}/appeal`, { text: 'It was a joke between friends.' });
  if (appealed.status !== 201) throw new Error(`appeal: ${appealed.status} ${JSON.stringify(appealed.body)}`);
  return { decisionId: decided.body.id, appealCaseId: appealed.body.appealCaseId };
}

test('overturned lifts the suspension; upheld keeps it; the deciding reviewer may not resolve', async (t) => {
  const host = await member(s.env, 'Hana Host');
  const sue = await member(s.env, 'Sue Speaker');
  const ugo = await member(s.env, 'Ugo Upheld');
  const rita = await staff(s.env, 'Rita Reviewer');
  const rex = await staff(s.env, 'Rex Reviewer');
  const roomId = await liveRoom(host);

  const a = await suspendAndAppeal(rita, sue, roomId);
  t.is((await sue.client.post(`/v1/rooms/${roomId}/join`, { acceptTranscription: true })).status, 403);
  const own = await rita.client.post(`/v1/moderation/appeals/${a.appealCaseId}/resolve`, { outcome: 'overturned', reason: 'x' });
  t.is(own.status, 403, JSON.stringify(own.body));
  const overturned = await rex.client.post(`/v1/moderation/appeals/${a.appealCaseId}/resolve`, { outcome: 'overturned', reason: 'context shows a joke', memberMessage: 'We reversed the suspension.' });
  t.is(overturned.status, 200, JSON.stringify(overturned.body));
  t.like(overturned.body.appeal, { outcome: 'overturned' });
  const sanction = (await s.pool.query('SELECT lifted_at, lifted_by FROM member_sanctions WHERE decision_id = $1', [a.decisionId])).rows[0];
  t.truthy(sanction.lifted_at);
  t.is(sanction.lifted_by, rex.memberId);
  t.is((await sue.client.post(`/v1/rooms/${roomId}/join`, { acceptTranscription: true })).status, 200);
  t.like((await sue.client.get('/v1/me/decisions')).body.items[0].appeal, { status: 'overturned', reason: 'We reversed the suspension.' });
  const audit = await s.pool.query("SELECT detail FROM audit_log WHERE action = 'appeal.resolved' AND subject_id = $1", [a.appealCaseId]);
  t.is(audit.rows[0].detail.outcome, 'overturned');

  const b = await suspendAndAppeal(rita, ugo, roomId);
  t.is((await rex.client.post(`/v1/moderation/appeals/${b.appealCaseId}/resolve`, { outcome: 'upheld', reason: 'clear threat' })).status, 200);
  t.is((await s.pool.query('SELECT lifted_at FROM member_sanctions WHERE decision_id = $1', [b.decisionId])).rows[0].lifted_at, null);
  t.is((await ugo.client.post(`/v1/rooms/${roomId}/join`, { acceptTranscription: true })).status, 403);
  // An appeal's outcome is final.
  const again = await rex.client.post(`/v1/moderation/appeals/${b.appealCaseId}/resolve`, { outcome: 'overturned', reason: 'changed my mind' });
  t.is(again.status, 409);
});
