import test from 'ava';
import { CaseStore } from '../../engine/cases/case-store.js';
import { BACKENDS, createTestDatabase } from '../support/database.js';
import { addMember, world } from './fixtures.js';

for (const kind of BACKENDS) {
  test(`${kind}: decideMany shares one batch id and reports each case`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const w = await world(db.pool);
    const store = new CaseStore(db.pool);
    const open = async () =>
      (await store.openOrMerge({ kind: 'flag', subjectMemberId: await addMember(db.pool), roomId: w.room, categories: ['spam'], scores: { spam: 0.99 }, actor: { kind: 'system' } })).caseId;
    const a = await open();
    const b = await open();
    const held = await open();
    const done = await open();
    await store.claim(held, w.reviewer2);
    await store.decide(done, w.reviewer, { decision: 'dismiss', reason: 'fine' });
    const sanctioned: string[] = [];

    const { batchId, results } = await store.decideMany([a, held, b, done], w.reviewer, {
      decision: 'ban',
      reason: 'spam wave',
      onDecided: async (_client, d) => void sanctioned.push(d.caseId),
    });
    t.deepEqual(results.map((r) => [r.caseId, r.ok, r.ok ? r.decision.batchId : r.code]), [
      [a, true, batchId],
      [held, false, 'lease_held'],
      [b, true, batchId],
      [done, false, 'invalid_transition'],
    ]);
    t.deepEqual(sanctioned, [a, b]);
    t.is((await store.get(a))!.events.at(-1)!.batchId, batchId);
    t.is((await store.get(held))!.case.status, 'open');
  });
}
