import test from 'ava';
import { CaseError } from '../../engine/cases/case-error.js';
import { CaseStore } from '../../engine/cases/case-store.js';
import { BACKENDS, createTestDatabase } from '../support/database.js';
import { fixedClock, world } from './fixtures.js';

const code = (err: unknown) => (err as CaseError).code;

for (const kind of BACKENDS) {
  test(`${kind}: a member appeals a decision once, and the appeal ends only by an explicit outcome`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const w = await world(db.pool);
    const clock = fixedClock();
    const store = new CaseStore(db.pool, { now: clock.now });
    const { caseId } = await store.openOrMerge({ kind: 'flag', subjectMemberId: w.speaker, roomId: w.room, categories: ['identity_hate'], scores: { identity_hate: 0.88 }, actor: { kind: 'system' } });
    const decision = await store.decide(caseId, w.reviewer, { decision: 'suspend', reason: 'slur on stage', durationSeconds: 3600 });

    t.is(code(await t.throwsAsync(store.appeal(decision.id, w.other, 'not me'), { instanceOf: CaseError })), 'forbidden');
    t.is(code(await t.throwsAsync(store.appeal('00000000-0000-4000-8000-000000000000', w.speaker, 'x'), { instanceOf: CaseError })), 'not_found');
    clock.advance(600);
    const { appealCaseId } = await store.appeal(decision.id, w.speaker, 'I was quoting the person who said it to me.');
    t.is(code(await t.throwsAsync(store.appeal(decision.id, w.speaker, 'again'), { instanceOf: CaseError })), 'already_appealed');
    // Even a racing pair gets one appeal.
    const concurrent = await Promise.allSettled([store.appeal(decision.id, w.speaker, 'a'), store.appeal(decision.id, w.speaker, 'b')]);
    t.true(concurrent.every((r) => r.status === 'rejected' && code(r.reason) === 'already_appealed'));

    const appeal = (await store.get(appealCaseId))!;
    t.like(appeal.case, { kind: 'appeal', status: 'open', subjectMemberId: w.speaker, roomId: w.room, appealOfDecisionId: decision.id, categories: ['identity_hate'] });
    t.true(appeal.case.priority >= (await store.get(caseId))!.case.priority);
    t.like(appeal.events[0], { type: 'opened', reason: 'I was quoting the person who said it to me.', visibleToSubject: true });

    // An appeal is not decided like a case, and the original reviewer may not judge their own call.
    t.is(code(await t.throwsAsync(store.decide(appealCaseId, w.reviewer2, { decision: 'dismiss', reason: 'x' }), { instanceOf: CaseError })), 'invalid_transition');
    t.is(code(await t.throwsAsync(store.resolveAppeal(appealCaseId, w.reviewer, 'upheld', 'x'), { instanceOf: CaseError })), 'forbidden');
    t.is(code(await t.throwsAsync(store.resolveAppeal(caseId, w.reviewer2, 'upheld', 'x'), { instanceOf: CaseError })), 'invalid_transition');

    let lifted: string | undefined;
    const resolved = await store.resolveAppeal(appealCaseId, w.reviewer2, 'overturned', 'quoting, not using', {
      memberMessage: 'You were right; the suspension is lifted.',
      onResolved: async (_client, d, outcome) => void (lifted = `${d.id}:${outcome}`),
    });
    t.is(lifted, `${decision.id}:overturned`);
    t.like(resolved.appeal, { outcome: 'overturned', reason: 'You were right; the suspension is lifted.', caseId: appealCaseId, appealedAt: '2026-11-01T10:10:00.000Z' });
    t.is((await store.get(appealCaseId))!.case.status, 'overturned');
    t.is(code(await t.throwsAsync(store.resolveAppeal(appealCaseId, w.reviewer2, 'upheld', 'changed my mind'), { instanceOf: CaseError })), 'invalid_transition');
    t.is(code(await t.throwsAsync(store.reopen(appealCaseId, { kind: 'member', memberId: w.reviewer2 }, 'again'), { instanceOf: CaseError })), 'invalid_transition');
    t.is(code(await t.throwsAsync(store.appeal(decision.id, w.speaker, 'and again'), { instanceOf: CaseError })), 'already_appealed');
  });

  test(`${kind}: a dismissal is not appealable; a one-moderator install may allow self-review of appeals`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const w = await world(db.pool);
    const store = new CaseStore(db.pool, { independentAppeals: false });
    const a = await store.openOrMerge({ kind: 'flag', subjectMemberId: w.speaker, roomId: w.room, categories: ['spam'], scores: { spam: 0.9 }, actor: { kind: 'system' } });
    const dismissed = await store.decide(a.caseId, w.reviewer, { decision: 'dismiss', reason: 'a real job offer' });
    t.is(code(await t.throwsAsync(store.appeal(dismissed.id, w.speaker, 'x'), { instanceOf: CaseError })), 'not_appealable');
    const b = await store.openOrMerge({ kind: 'flag', subjectMemberId: w.speaker, roomId: w.room, categories: ['spam'], scores: { spam: 0.95 }, actor: { kind: 'system' } });
    const warned = await store.decide(b.caseId, w.reviewer, { decision: 'warn', reason: 'gift card scam' });
    const { appealCaseId } = await store.appeal(warned.id, w.speaker, 'it was a joke');
    t.like((await store.resolveAppeal(appealCaseId, w.reviewer, 'upheld', 'not a joke')).appeal, { outcome: 'upheld', reason: 'not a joke' });
    t.is((await store.get(appealCaseId))!.case.status, 'upheld');
  });
}
