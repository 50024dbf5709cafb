// A flag case's detail: its event log, the room's transcript from two minutes before to two minutes after the
// flagged segment (every speaker, with times), the classifier's scores and model versions, and the member's history.
import test from 'ava';
import { flagCase, liveRoom, member, segment, staff, useStack } from './_fixtures.js';

const s = useStack();

test('case detail shows the transcript around the flag with scores and history', async (t) => {
  const host = await member(s.env, 'Hana Host');
  const speaker = await member(s.env, 'Tom Troll');
  const reviewer = await staff(s.env);
  const roomId = await liveRoom(host);
  const otherRoom = await liveRoom(host, 'Elsewhere');
  const t0 = Date.now() - 10 * 60_000;
  const at = (minutes: number) => new Date(t0 + minutes * 60_000);
  const tooEarly = await segment(s.pool, { roomId, speaker: host.memberId, text: 'three minutes before', at: at(-3) });
  const before = await segment(s.pool, { roomId, speaker: host.memberId, text: 'ninety seconds before', at: at(-1.5) });
  const flagged = await segment(s.pool, { roomId, speaker: speaker.memberId, text: 'I know where you live', at: at(0), scores: { threat: 0.91, insult: 0.2 }, categories: ['threat'] });
  const after = await segment(s.pool, { roomId, speaker: host.memberId, text: 'one minute after', at: at(1) });
  const tooLate = await segment(s.pool, { roomId, speaker: host.memberId, text: 'five minutes after', at: at(5) });
  await segment(s.pool, { roomId: otherRoom, speaker: host.memberId, text: 'same time, other room', at: at(0) });
  // An earlier, decided case about the same member.
  const earlier = await flagCase(s.pool, { roomId: otherRoom, memberId: speaker.memberId, segmentId: await segment(s.pool, { roomId: otherRoom, speaker: speaker.memberId, text: 'earlier', at: at(-60) }), category: 'insult' });
  t.is((await reviewer.client.post(`/v1/moderation/cases/${earlier}/decision`, { decision: 'warn', reason: 'first warning' })).status, 200);
  const caseId = await flagCase(s.pool, { roomId, memberId: speaker.memberId, segmentId: flagged });

  const res = await reviewer.client.get(`/v1/moderation/cases/${caseId}`);
  t.is(res.status, 200, JSON.stringify(res.body));
  const d = res.body;
  t.like(d.case, { id: caseId, kind: 'flag', status: 'open', subjectMemberId: speaker.memberId, roomId });
  t.is(d.events[0].type, 'opened');
  t.like(d.events[0].detail, { segmentId: flagged, modelVersion: 'harm-head-v1', action: 'notify_host' });
  t.deepEqual(d.transcript.map((l: { segmentId: string }) => l.segmentId), [before, flagged, after]);
  t.false(d.transcript.some((l: { segmentId: string }) => l.segmentId === tooEarly || l.segmentId === tooLate));
  const line = d.transcript[1];
  t.like(line, { speakerIdentity: speaker.memberId, text: 'I know where you live', inCase: true, startedAt: at(0).toISOString() });
  t.like(line.classification, { modelVersion: 'harm-head-v1', taxonomyVersion: 'harm-taxonomy-v1', policyVersion: 'platform-v1', categories: ['threat'] });
  t.is(line.classification.scores.threat, 0.91);
  t.like(d.transcript[0], { speakerIdentity: host.memberId, inCase: false, classification: null });
  t.deepEqual(d.history.cases.map((c: { id: string }) => c.id), [earlier]);
  t.is(d.history.decisions[0].decision, 'warn');
  t.is(d.history.sanctions[0].kind, 'warn');
  t.is((await reviewer.client.get('/v1/moderation/cases/00000000-0000-4000-8000-000000000000')).status, 404);
});
