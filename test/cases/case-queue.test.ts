import test from 'ava';
import { CaseStore } from '../../engine/cases/case-store.js';
import { BACKENDS, createTestDatabase } from '../support/database.js';
import { addMember, addRoom, fixedClock, world } from './fixtures.js';

for (const kind of BACKENDS) {
  test(`${kind}: the queue is by priority then age, filtered, and pages without gaps or repeats`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const w = await world(db.pool);
    const room2 = await addRoom(db.pool, w.other);
    const clock = fixedClock();
    const store = new CaseStore(db.pool, { now: clock.now });
    const open = async (label: string, input: Partial<Parameters<CaseStore['openOrMerge']>[0]>) => {
      clock.advance(60);
      const subject = input.subjectMemberId ?? (await addMember(db.pool, label));
      const r = await store.openOrMerge({ kind: 'flag', roomId: w.room, categories: ['insult'], scores: { insult: 0.5 }, actor: { kind: 'system' }, ...input, subjectMemberId: subject });
      return r.caseId;
    };
    const spam = await open('spam', { categories: ['spam'], scores: { spam: 0.9 } }); // 0.36
    const threat = await open('threat', { categories: ['threat'], scores: { threat: 0.9 } }); // 1.8
    const insultOld = await open('insult-old', {}); // 0.4
    const insultNew = await open('insult-new', {}); // 0.4, newer
    const report = await open('report', { kind: 'report', categories: ['harassment'], scores: {}, roomId: room2 }); // 0.6
    const wellbeing = await open('wellbeing', { kind: 'wellbeing', categories: ['self_harm'], scores: { self_harm: 0.7 }, subjectMemberId: w.speaker }); // 1.4
    const closed = await open('closed', { categories: ['severe'], scores: { severe: 0.99 } });
    await store.decide(closed, w.reviewer, { decision: 'warn', reason: 'x' });

    const all = await store.queue({ limit: 50 });
    t.deepEqual(all.cases.map((c) => c.id), [threat, wellbeing, report, insultOld, insultNew, spam]);
    t.is(all.nextCursor, null);

    // Keyset pages of 2 walk the same order, including the tie.
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.queue({ limit: 2, ...(cursor ? { cursor } : {}) });
      paged.push(...page.cases.map((c) => c.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    t.deepEqual(paged, all.cases.map((c) => c.id));

    const ids = async (q: Omit<Parameters<CaseStore['queue']>[0], 'limit'>) => (await store.queue({ limit: 50, ...q })).cases.map((c) => c.id);
    t.deepEqual(await ids({ status: 'resolved' }), [closed]);
    t.deepEqual(await ids({ status: 'any', category: 'severe' }), [closed]);
    t.deepEqual(await ids({ category: 'insult' }), [insultOld, insultNew]);
    t.deepEqual(await ids({ kind: 'report' }), [report]);
    t.deepEqual(await ids({ roomId: room2 }), [report]);
    t.deepEqual(await ids({ subjectMemberId: w.speaker }), [wellbeing]);
    // created at 10:01 .. 10:07, one a minute
    t.deepEqual(await ids({ olderThan: new Date('2026-11-01T10:03:30Z') }), [threat, insultOld, spam]);
    t.deepEqual(await ids({ newerThan: new Date('2026-11-01T10:03:30Z') }), [wellbeing, report, insultNew]);
    await store.claim(threat, w.reviewer);
    t.deepEqual(await ids({ unclaimedOnly: true }), [wellbeing, report, insultOld, insultNew, spam]);

    await t.throwsAsync(store.queue({ limit: 2, cursor: 'garbage' }), { instanceOf: TypeError, message: /cursor/ });
  });
}
