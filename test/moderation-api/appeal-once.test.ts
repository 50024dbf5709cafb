// A member appeals a decision once (a second appeal is 409 already_appealed); opening the appeal holds the decided
// case's evidence for RETENTION_EXTENDED_DAYS, in the appeal's transaction. Someone else's decision reads as 404.
import test from 'ava';
import { evidenceClip, flagCase, liveRoom, member, segment, staff, useStack } from './_fixtures.js';

const s = useStack();

test('appeal once; the evidence is held 90 days', async (t) => {
  const host = await member(s.env, 'Hana Host');
  const speaker = await member(s.env, 'Tom Troll');
  const reviewer = await staff(s.env);
  const roomId = await liveRoom(host);
  const seg = await segment(s.pool, { roomId, speaker: speaker.memberId, text: 'a threat', scores: { threat: 0.9 }, categories: ['threat'] });
  const clipId = await evidenceClip(s.pool, seg, 30);
  const caseId = await flagCase(s.pool, { roomId, memberId: speaker.memberId, segmentId: seg });
  const decided = await reviewer.client.post(`/v1/moderation/cases/${caseId}/decision`, { decision: 'warn', reason: 'mind your words' });
  t.is(decided.status, 200);
  const decisionId = decided.body.id;

  const stranger = await host.client.post(`/v1/me/decisions/${decisionId}/appeal`, { text: 'not mine to appeal' });
  t.is(stranger.status, 404, JSON.stringify(stranger.body));
  t.is(stranger.body.error.code, 'decision_not_found');

  const before = (await s.pool.query('SELECT retain_until FROM evidence_clips WHERE id = $1', [clipId])).rows[0].retain_until as Date;
  t.true(before.getTime() < Date.now() + 31 * 86_400_000);
  const appealed = await speaker.client.post(`/v1/me/decisions/${decisionId}/appeal`, { text: 'I was quoting a film.' });
  t.is(appealed.status, 201, JSON.stringify(appealed.body));
  t.is(appealed.body.decisionId, decisionId);
  const after = (await s.pool.query('SELECT retain_until FROM evidence_clips WHERE id = $1', [clipId])).rows[0].retain_until as Date;
  t.true(after.getTime() > Date.now() + 89 * 86_400_000, `held until ${after.toISOString()}`);
  const audit = await s.pool.query("SELECT actor_id, subject_id FROM audit_log WHERE action = 'case.appealed'");
  t.deepEqual(audit.rows, [{ actor_id: speaker.memberId, subject_id: appealed.body.appealCaseId }]);

  const second = await speaker.client.post(`/v1/me/decisions/${decisionId}/appeal`, { text: 'Again!' });
  t.is(second.status, 409, JSON.stringify(second.body));
  t.is(second.body.error.code, 'already_appealed');

  const mine = (await speaker.client.get('/v1/me/decisions')).body.items[0];
  t.like(mine, { canAppeal: false, appeal: { status: 'pending', statement: 'I was quoting a film.' } });
  // The appeal is in the queue, with the appealed case's transcript.
  const detail = await reviewer.client.get(`/v1/moderation/cases/${appealed.body.appealCaseId}`);
  t.is(detail.status, 200);
  t.is(detail.body.case.kind, 'appeal');
  t.true(detail.body.transcript.some((l: { segmentId: string; inCase: boolean }) => l.segmentId === seg && l.inCase));
});
