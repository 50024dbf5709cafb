import test from 'ava';
import { CaseStore } from '../../engine/cases/case-store.js';
import { createTestDatabase } from '../support/database.js';
import { count, world } from './fixtures.js';

test('bad arguments are TypeErrors and write nothing', async (t) => {
  const db = await createTestDatabase('embedded');
  t.teardown(() => db.close());
  const w = await world(db.pool);
  t.throws(() => new CaseStore(db.pool, { leaseSeconds: 0 }), { instanceOf: TypeError, message: /leaseSeconds/ });
  t.throws(() => new CaseStore(db.pool, { now: 'noon' as never }), { instanceOf: TypeError, message: /now/ });
  const store = new CaseStore(db.pool);
  const base = { kind: 'flag' as const, subjectMemberId: w.speaker, roomId: w.room, categories: ['insult' as const], scores: { insult: 0.5 }, actor: { kind: 'system' as const } };
  const bad = async (p: Promise<unknown>, message: RegExp) => void (await t.throwsAsync(p, { instanceOf: TypeError, message }));

  await bad(store.openOrMerge({ ...base, kind: 'appeal' as never }), /kind/);
  await bad(store.openOrMerge({ ...base, subjectMemberId: 'tom' }), /subjectMemberId/);
  await bad(store.openOrMerge({ ...base, subjectMemberId: null, roomId: null }), /subjectMemberId or a roomId/);
  await bad(store.openOrMerge({ ...base, categories: ['rudeness' as never] }), /rudeness/);
  await bad(store.openOrMerge({ ...base, scores: { insult: 7 } }), /scores\.insult/);
  await bad(store.openOrMerge({ ...base, maxScore: -1 }), /maxScore/);
  await bad(store.openOrMerge({ ...base, actor: { kind: 'robot' } as never }), /actor/);
  await bad(store.openOrMerge({ ...base, dedupeKey: '' }), /dedupeKey/);
  await bad(store.openOrMerge({ ...base, detail: [] as never }), /detail/);
  t.is(await count(db.pool, 'moderation_cases'), 0);

  const { caseId } = await store.openOrMerge(base);
  await bad(store.decide(caseId, w.reviewer, { decision: 'suspend', reason: 'x' }), /durationSeconds/);
  await bad(store.decide(caseId, w.reviewer, { decision: 'warn', reason: 'x', durationSeconds: 60 }), /durationSeconds/);
  await bad(store.decide(caseId, w.reviewer, { decision: 'shame' as never, reason: 'x' }), /decision/);
  await bad(store.decide(caseId, w.reviewer, { decision: 'warn', reason: ' ' }), /reason/);
  await bad(store.decide(caseId, w.reviewer, { decision: 'warn', reason: 'x', batchId: 'b1' }), /batchId/);
  await bad(store.decide('case-1', w.reviewer, { decision: 'warn', reason: 'x' }), /caseId/);
  await bad(store.decideMany([caseId, caseId], w.reviewer, { decision: 'warn', reason: 'x' }), /duplicates/);
  await bad(store.decideMany([], w.reviewer, { decision: 'warn', reason: 'x' }), /caseIds/);
  await bad(store.claim(caseId, 'me'), /reviewerId/);
  await bad(store.addNote(caseId, { kind: 'system' }, ''), /text/);
  await bad(store.addNote(caseId, { kind: 'system' }, 'x', { visibleToSubject: 'yes' as never }), /visibleToSubject/);
  await bad(store.appeal(caseId, w.speaker, ''), /text/);
  await bad(store.resolveAppeal(caseId, w.reviewer, 'maybe' as never, 'x'), /outcome/);
  await bad(store.queue({ limit: 0 }), /limit/);
  await bad(store.queue({ limit: 10, status: 'pending' as never }), /status/);
  await bad(store.queue({ limit: 10, category: 'rudeness' as never }), /category/);
  await bad(store.queue({ limit: 10, olderThan: new Date('x') }), /olderThan/);
  await bad(store.history(w.speaker, { limit: 1000 }), /limit/);
  t.is(await count(db.pool, 'case_events'), 1);
  t.is(await count(db.pool, 'case_decisions'), 0);
});
