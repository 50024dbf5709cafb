import test from 'ava';
import { CaseStore } from '../../engine/cases/case-store.js';
import { BACKENDS, createTestDatabase } from '../support/database.js';
import { count, world } from './fixtures.js';

for (const kind of BACKENDS) {
  test(`${kind}: case_events cannot be updated or deleted, but follow an erased member`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const w = await world(db.pool);
    const store = new CaseStore(db.pool);
    const { caseId, eventId } = await store.openOrMerge({ kind: 'report', subjectMemberId: w.speaker, roomId: w.room, categories: ['harassment'], actor: { kind: 'member', memberId: w.other }, reason: 'kept interrupting me' });
    await store.addNote(caseId, { kind: 'member', memberId: w.reviewer }, 'looked at the transcript');

    await t.throwsAsync(db.pool.query("UPDATE case_events SET reason = 'nothing happened' WHERE id = $1", [eventId]), { message: /append-only/ });
    await t.throwsAsync(db.pool.query('DELETE FROM case_events WHERE id = $1', [eventId]), { message: /append-only/ });
    await t.throwsAsync(db.pool.query('DELETE FROM case_events'), { message: /append-only/ });
    t.is(await count(db.pool, 'case_events'), 2);

    // A deleted reviewer's events stay, with the actor nulled.
    await db.pool.query('DELETE FROM members WHERE id = $1', [w.reviewer]);
    const events = (await store.get(caseId))!.events;
    t.deepEqual(events[1]!.actor, { kind: 'member', memberId: null });
    t.is(events[1]!.reason, 'looked at the transcript');

    // Erasing the subject deletes their cases, and the events go with them.
    await db.pool.query('DELETE FROM members WHERE id = $1', [w.speaker]);
    t.is(await count(db.pool, 'moderation_cases'), 0);
    t.is(await count(db.pool, 'case_events'), 0);
  });
}
