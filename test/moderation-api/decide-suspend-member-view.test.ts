// A reviewer suspends a flagged speaker: the sanction and the `case.decided` audit record commit with the decision,
// and the member sees the decision at /v1/me/decisions with what they were told and the notes addressed to them,
// never the reviewer, the internal reason or internal notes.
import test from 'ava';
import { flagCase, liveRoom, member, segment, staff, useStack } from './_fixtures.js';

const s = useStack();

test('decide suspend: sanction and audit in the decision, the member sees only what is meant for them', async (t) => {
  const host = await member(s.env, 'Hana Host');
  const speaker = await member(s.env, 'Tom Troll');
  const reviewer = await staff(s.env, 'Rita Reviewer');
  const roomId = await liveRoom(host);
  const seg = await segment(s.pool, { roomId, speaker: speaker.memberId, text: 'I will hurt you', scores: { threat: 0.93 }, categories: ['threat'] });
  const caseId = await flagCase(s.pool, { roomId, memberId: speaker.memberId, segmentId: seg });

  t.is((await reviewer.client.post(`/v1/moderation/cases/${caseId}/notes`, { text: 'INTERNAL: repeat offender elsewhere' })).status, 201);
  t.is((await reviewer.client.post(`/v1/moderation/cases/${caseId}/notes`, { text: 'Please review our community rules.', visibleToMember: true })).status, 201);

  const decided = await reviewer.client.post(`/v1/moderation/cases/${caseId}/decision`, {
    decision: 'suspend',
    reason: 'INTERNAL: clear threat, second this month',
    memberMessage: 'You threatened another participant.',
    durationSeconds: 3600,
  });
  t.is(decided.status, 200, JSON.stringify(decided.body));
  t.is(decided.body.decision, 'suspend');
  t.is(decided.body.subjectMemberId, speaker.memberId);

  const sanction = await s.pool.query('SELECT kind, decision_id, case_id, expires_at FROM member_sanctions WHERE member_id = $1', [speaker.memberId]);
  t.is(sanction.rows.length, 1);
  t.is(sanction.rows[0].kind, 'suspend');
  t.is(sanction.rows[0].decision_id, decided.body.id);
  t.true(sanction.rows[0].expires_at.getTime() > Date.now() + 3500_000);
  const audit = await s.pool.query("SELECT actor_id, subject_id, room_id, detail FROM audit_log WHERE action = 'case.decided'");
  t.is(audit.rows.length, 1);
  t.is(audit.rows[0].actor_id, reviewer.memberId);
  t.is(audit.rows[0].subject_id, caseId);
  t.is(audit.rows[0].room_id, roomId);
  t.is(audit.rows[0].detail.decision, 'suspend');

  const mine = await speaker.client.get('/v1/me/decisions');
  t.is(mine.status, 200, JSON.stringify(mine.body));
  t.is(mine.body.items.length, 1);
  const d = mine.body.items[0];
  t.like(d, { id: decided.body.id, decision: 'suspend', reason: 'You threatened another participant.', roomId, canAppeal: true, appeal: null });
  t.deepEqual(d.categories, ['threat']);
  t.truthy(d.expiresAt);
  t.deepEqual(d.messages.map((m: { text: string }) => m.text), ['Please review our community rules.']);
  const text = JSON.stringify(mine.body);
  t.false(text.includes('INTERNAL'), 'no internal reason or note');
  t.false(text.includes(reviewer.memberId), 'no reviewer');

  // The case is resolved; deciding again is a conflict.
  const again = await reviewer.client.post(`/v1/moderation/cases/${caseId}/decision`, { decision: 'dismiss', reason: 'x' });
  t.is(again.status, 409, JSON.stringify(again.body));
  t.is(again.body.error.code, 'invalid_transition');
  // Others see no decisions of theirs.
  t.deepEqual((await host.client.get('/v1/me/decisions')).body.items, []);
});
