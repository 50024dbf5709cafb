// One decision on several cases under a shared batch id; each case stands or fails on its own.
import test from 'ava';
import { flagCase, liveRoom, member, segment, staff, useStack } from './_fixtures.js';

const s = useStack();

test('bulk dismiss with a shared batch id; a decided case fails alone', async (t) => {
  const host = await member(s.env, 'Hana Host');
  const reviewer = await staff(s.env);
  const roomId = await liveRoom(host);
  const ids: string[] = [];
  for (const name of ['Ann', 'Bob', 'Cid']) {
    const m = await member(s.env, `${name} Spammer`);
    ids.push(await flagCase(s.pool, { roomId, memberId: m.memberId, segmentId: await segment(s.pool, { roomId, speaker: m.memberId, text: 'buy now' }), category: 'spam' }));
  }
  t.is((await reviewer.client.post(`/v1/moderation/cases/${ids[2]}/decision`, { decision: 'dismiss', reason: 'fine' })).status, 200);
  const res = await reviewer.client.post('/v1/moderation/decisions', { caseIds: ids, decision: 'warn', reason: 'no self-promotion' });
  t.is(res.status, 200, JSON.stringify(res.body));
  t.truthy(res.body.batchId);
  t.deepEqual(res.body.results.map((r: { ok: boolean }) => r.ok), [true, true, false]);
  t.is(res.body.results[2].code, 'invalid_transition');
  for (const r of res.body.results.slice(0, 2)) t.is(r.decision.batchId, res.body.batchId);
  const sanctions = await s.pool.query("SELECT count(*)::int AS n FROM member_sanctions WHERE kind = 'warn'");
  t.is(sanctions.rows[0].n, 2);
  const audit = await s.pool.query("SELECT detail->>'batchId' AS batch FROM audit_log WHERE action = 'case.decided' AND detail->>'batchId' IS NOT NULL");
  t.deepEqual(audit.rows.map((r) => r.batch), [res.body.batchId, res.body.batchId]);
});
