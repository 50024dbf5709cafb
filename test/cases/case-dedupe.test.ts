import test from 'ava';
import { CaseError } from '../../engine/cases/case-error.js';
import { casePriority } from '../../engine/cases/case-priority.js';
import { CaseStore } from '../../engine/cases/case-store.js';
import { BACKENDS, createTestDatabase } from '../support/database.js';
import { count, world } from './fixtures.js';

for (const kind of BACKENDS) {
  test(`${kind}: a further flag merges into the open case and raises its priority`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const w = await world(db.pool);
    const store = new CaseStore(db.pool);
    const key = `flag:${w.speaker}:${w.room}`;
    const first = await store.openOrMerge({ kind: 'flag', subjectMemberId: w.speaker, roomId: w.room, categories: ['insult'], scores: { insult: 0.7 }, dedupeKey: key, eventKey: 'segment:1', actor: { kind: 'system' } });
    const second = await store.openOrMerge({ kind: 'flag', subjectMemberId: w.speaker, roomId: w.room, categories: ['threat', 'insult'], scores: { threat: 0.6, insult: 0.5 }, dedupeKey: key, eventKey: 'segment:2', actor: { kind: 'system' } });
    t.is(second.caseId, first.caseId);
    t.is(second.outcome, 'merged');
    const c = (await store.get(first.caseId))!.case;
    t.deepEqual(c.categories, ['insult', 'threat']);
    t.deepEqual(c.scores, { insult: 0.7, threat: 0.6 });
    t.is(c.maxScore, 0.7);
    t.is(c.evidenceCount, 2);
    t.is(c.priority, casePriority({ categories: ['insult', 'threat'], scores: { insult: 0.7, threat: 0.6 }, repeatCount: 1 }));
    t.true(c.priority > first.priority);

    // A replayed segment is recorded once.
    const replay = await store.openOrMerge({ kind: 'flag', subjectMemberId: w.speaker, roomId: w.room, categories: ['threat'], scores: { threat: 0.6 }, dedupeKey: key, eventKey: 'segment:2', actor: { kind: 'system' } });
    t.deepEqual(replay, { caseId: first.caseId, outcome: 'duplicate', priority: c.priority, eventId: null });
    t.is(await count(db.pool, 'case_events'), 2);

    // The same key on a different kind is a conflict, not a silent merge.
    await t.throwsAsync(store.openOrMerge({ kind: 'report', subjectMemberId: w.speaker, categories: ['insult'], dedupeKey: key, actor: { kind: 'system' } }), { instanceOf: CaseError, message: /flag case/ });

    // Once resolved, the key is free: the next flag opens a new case; reopening the old one would collide.
    await store.decide(first.caseId, w.reviewer, { decision: 'dismiss', reason: 'banter' });
    const third = await store.openOrMerge({ kind: 'flag', subjectMemberId: w.speaker, roomId: w.room, categories: ['insult'], scores: { insult: 0.9 }, dedupeKey: key, actor: { kind: 'system' } });
    t.is(third.outcome, 'opened');
    t.not(third.caseId, first.caseId);
    const err = await t.throwsAsync(store.reopen(first.caseId, { kind: 'member', memberId: w.reviewer }, 'wrong call'), { instanceOf: CaseError });
    t.is((err as CaseError).code, 'conflict');
    t.is((await store.get(first.caseId))!.case.status, 'resolved');
  });

  test(`${kind}: five concurrent flags with one dedupe key make exactly one case`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const w = await world(db.pool);
    const store = new CaseStore(db.pool);
    const key = `flag:${w.speaker}:${w.room}`;
    const results = await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        store.openOrMerge({ kind: 'flag', subjectMemberId: w.speaker, roomId: w.room, categories: ['harassment'], scores: { harassment: 0.5 + i / 10 }, dedupeKey: key, eventKey: `segment:${i}`, actor: { kind: 'system' } }),
      ),
    );
    t.is(new Set(results.map((r) => r.caseId)).size, 1);
    t.deepEqual(results.map((r) => r.outcome).sort(), ['merged', 'merged', 'merged', 'merged', 'opened']);
    t.is(await count(db.pool, 'moderation_cases'), 1);
    const got = (await store.get(results[0]!.caseId))!;
    t.is(got.case.evidenceCount, 5);
    t.is(got.case.maxScore, 0.9);
    t.deepEqual(got.events.map((e) => e.type), ['opened', 'evidence_added', 'evidence_added', 'evidence_added', 'evidence_added']);
    t.is(got.case.lastEventId, got.events[4]!.id);
  });
}
