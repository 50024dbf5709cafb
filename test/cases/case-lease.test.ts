import test from 'ava';
import { CaseError } from '../../engine/cases/case-error.js';
import { CaseStore } from '../../engine/cases/case-store.js';
import { BACKENDS, createTestDatabase } from '../support/database.js';
import { fixedClock, world } from './fixtures.js';

const code = (err: unknown) => (err as CaseError).code;

for (const kind of BACKENDS) {
  test(`${kind}: a claim holds the case until it expires, then another reviewer may take it`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const w = await world(db.pool);
    const clock = fixedClock();
    const store = new CaseStore(db.pool, { now: clock.now, leaseSeconds: 300 });
    const { caseId } = await store.openOrMerge({ kind: 'flag', subjectMemberId: w.speaker, roomId: w.room, categories: ['sexual'], scores: { sexual: 0.8 }, actor: { kind: 'system' } });

    t.deepEqual(await store.claim(caseId, w.reviewer), { caseId, holder: w.reviewer, expiresAt: '2026-11-01T10:05:00.000Z' });
    t.is(code(await t.throwsAsync(store.claim(caseId, w.reviewer2), { instanceOf: CaseError })), 'lease_held');
    t.is(code(await t.throwsAsync(store.decide(caseId, w.reviewer2, { decision: 'warn', reason: 'x' }), { instanceOf: CaseError })), 'lease_held');
    t.is(code(await t.throwsAsync(store.renew(caseId, w.reviewer2), { instanceOf: CaseError })), 'lease_not_held');
    t.is(code(await t.throwsAsync(store.release(caseId, w.reviewer2), { instanceOf: CaseError })), 'lease_not_held');

    clock.advance(240);
    t.is((await store.renew(caseId, w.reviewer)).expiresAt, '2026-11-01T10:09:00.000Z');
    clock.advance(299);
    t.is(code(await t.throwsAsync(store.claim(caseId, w.reviewer2), { instanceOf: CaseError })), 'lease_held');
    clock.advance(1); // exactly at expiry the lease is over
    t.is((await store.claim(caseId, w.reviewer2)).holder, w.reviewer2);
    t.is(code(await t.throwsAsync(store.renew(caseId, w.reviewer), { instanceOf: CaseError })), 'lease_not_held');
    t.is(code(await t.throwsAsync(store.decide(caseId, w.reviewer, { decision: 'warn', reason: 'x' }), { instanceOf: CaseError })), 'lease_held');

    await store.release(caseId, w.reviewer2);
    t.is((await store.get(caseId))!.case.lease, null);
    // Unleased: anyone may decide without claiming first.
    await store.decide(caseId, w.reviewer, { decision: 'warn', reason: 'explicit talk in a work room' });
    const events = (await store.get(caseId))!.events;
    t.deepEqual(events.map((e) => e.type), ['opened', 'claimed', 'lease_renewed', 'claimed', 'released', 'decided']);
    t.deepEqual(events[3]!.detail, { previousHolder: w.reviewer });
  });

  test(`${kind}: a reviewer cannot take or decide a case about themselves`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const w = await world(db.pool);
    const store = new CaseStore(db.pool);
    const { caseId } = await store.openOrMerge({ kind: 'report', subjectMemberId: w.reviewer, categories: ['insult'], actor: { kind: 'member', memberId: w.other } });
    t.is(code(await t.throwsAsync(store.claim(caseId, w.reviewer), { instanceOf: CaseError })), 'forbidden');
    t.is(code(await t.throwsAsync(store.decide(caseId, w.reviewer, { decision: 'dismiss', reason: 'nah' }), { instanceOf: CaseError })), 'forbidden');
    t.is(code(await t.throwsAsync(store.claim('00000000-0000-4000-8000-000000000000', w.reviewer), { instanceOf: CaseError })), 'not_found');
  });
}
