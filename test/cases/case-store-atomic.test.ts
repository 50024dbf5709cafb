import test from 'ava';
import { CaseError } from '../../engine/cases/case-error.js';
import { CaseStore } from '../../engine/cases/case-store.js';
import { BACKENDS, createTestDatabase } from '../support/database.js';
import { count, fixedClock, world } from './fixtures.js';

for (const kind of BACKENDS) {
  test(`${kind}: each change appends one event and moves the case row with it`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const w = await world(db.pool);
    const clock = fixedClock();
    const store = new CaseStore(db.pool, { now: clock.now });
    const opened = await store.openOrMerge({ kind: 'flag', subjectMemberId: w.speaker, roomId: w.room, categories: ['threat'], scores: { threat: 0.93 }, actor: { kind: 'system' }, detail: { segmentIds: ['7'] } });
    t.is(opened.outcome, 'opened');
    clock.advance(60);
    await store.claim(opened.caseId, w.reviewer);
    clock.advance(60);
    const decision = await store.decide(opened.caseId, w.reviewer, { decision: 'suspend', reason: 'credible threat', memberMessage: 'Threats are not allowed.', durationSeconds: 86_400 });
    t.is(decision.expiresAt, '2026-11-02T10:02:00.000Z');
    t.is(decision.memberReason, 'Threats are not allowed.');

    const got = (await store.get(opened.caseId))!;
    t.deepEqual(got.events.map((e) => e.type), ['opened', 'claimed', 'decided']);
    t.is(got.case.status, 'resolved');
    t.is(got.case.resolvedAt, '2026-11-01T10:02:00.000Z');
    t.is(got.case.lease, null);
    t.is(got.case.lastEventId, got.events[2]!.id);
    t.is(got.events[2]!.reason, 'credible threat');
    t.deepEqual(got.events[0]!.detail, { segmentIds: ['7'], categories: ['threat'], scores: { threat: 0.93 } });
    t.is(got.decisions[0]!.id, decision.id);
    t.is(got.decisions[0]!.eventId, got.events[2]!.id);

    // A refused transition writes nothing.
    const refused = await t.throwsAsync(store.claim(opened.caseId, w.reviewer), { instanceOf: CaseError, message: /resolved/ });
    t.is((refused as CaseError).code, 'invalid_transition');
    await t.throwsAsync(store.decide(opened.caseId, w.reviewer, { decision: 'ban', reason: 'again' }), { instanceOf: CaseError });
    t.is(await count(db.pool, 'case_events', 'case_id = $1', [opened.caseId]), 3);
  });

  test(`${kind}: a failing onDecided rolls back the event, the decision and the status together`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const w = await world(db.pool);
    const store = new CaseStore(db.pool);
    const { caseId } = await store.openOrMerge({ kind: 'flag', subjectMemberId: w.speaker, roomId: w.room, categories: ['insult'], scores: { insult: 0.8 }, actor: { kind: 'system' } });
    let seen: unknown;
    await t.throwsAsync(
      store.decide(caseId, w.reviewer, {
        decision: 'ban',
        reason: 'repeated abuse',
        onDecided: async (client, decision) => {
          // The decision is visible inside the transaction...
          seen = (await client.query('SELECT decision FROM case_decisions WHERE id = $1', [decision.id])).rows[0];
          throw new Error('sanction store down');
        },
      }),
      { message: 'sanction store down' },
    );
    t.deepEqual(seen, { decision: 'ban' });
    // ...and gone with it afterwards.
    const got = (await store.get(caseId))!;
    t.is(got.case.status, 'open');
    t.deepEqual(got.events.map((e) => e.type), ['opened']);
    t.is(got.case.lastEventId, got.events[0]!.id);
    t.is(await count(db.pool, 'case_decisions'), 0);

    // The callback's own writes commit with the decision when it succeeds.
    const decision = await store.decide(caseId, w.reviewer, {
      decision: 'warn',
      reason: 'first offence',
      onDecided: async (client, d) => {
        await client.query("INSERT INTO case_events (case_id, actor_kind, type, reason) VALUES ($1, 'system', 'note_added', $2)", [d.caseId, 'sanction written']);
      },
    });
    t.is(decision.decision, 'warn');
    t.deepEqual((await store.get(caseId))!.events.map((e) => e.type), ['opened', 'decided', 'note_added']);
  });
}
