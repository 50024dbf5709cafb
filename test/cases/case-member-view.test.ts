import test from 'ava';
import { CaseStore } from '../../engine/cases/case-store.js';
import { BACKENDS, createTestDatabase } from '../support/database.js';
import { fixedClock, world } from './fixtures.js';

for (const kind of BACKENDS) {
  test(`${kind}: a member sees their decisions and visible notes, never internal notes or reviewers`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const w = await world(db.pool);
    const clock = fixedClock();
    const store = new CaseStore(db.pool, { now: clock.now });
    const reviewer = { kind: 'member', memberId: w.reviewer } as const;
    const { caseId } = await store.openOrMerge({ kind: 'report', subjectMemberId: w.speaker, roomId: w.room, categories: ['harassment'], actor: { kind: 'member', memberId: w.other }, reason: 'reporter secret' });
    await store.addNote(caseId, reviewer, 'INTERNAL: reporter is a known friend of the host');
    await store.addNote(caseId, reviewer, 'We reviewed the recording of this room.', { visibleToSubject: true });
    clock.advance(60);
    const d = await store.decide(caseId, w.reviewer, { decision: 'suspend', reason: 'INTERNAL: third report this month', memberMessage: 'Repeated harassment of a speaker.', durationSeconds: 7 * 86_400 });
    // A dismissal elsewhere is not addressed to the member.
    const other = await store.openOrMerge({ kind: 'flag', subjectMemberId: w.speaker, roomId: w.room, categories: ['insult'], scores: { insult: 0.6 }, actor: { kind: 'system' } });
    await store.decide(other.caseId, w.reviewer, { decision: 'dismiss', reason: 'INTERNAL: banter' });

    const seen = await store.decisionsFor(w.speaker);
    t.deepEqual(seen, [
      {
        id: d.id,
        decision: 'suspend',
        reason: 'Repeated harassment of a speaker.',
        categories: ['harassment'],
        roomId: w.room,
        decidedAt: '2026-11-01T10:01:00.000Z',
        expiresAt: '2026-11-08T10:01:00.000Z',
        canAppeal: true,
        appeal: null,
        messages: [{ at: '2026-11-01T10:00:00.000Z', text: 'We reviewed the recording of this room.' }],
      },
    ]);
    const serialized = JSON.stringify(seen);
    t.false(serialized.includes('INTERNAL'));
    t.false(serialized.includes('reporter secret'));
    t.false(serialized.includes(w.reviewer));
    t.false(serialized.includes(w.other));

    await store.appeal(d.id, w.speaker, 'I only asked a question twice.');
    const after = (await store.decisionsFor(w.speaker))[0]!;
    t.false(after.canAppeal);
    t.like(after.appeal, { status: 'pending', statement: 'I only asked a question twice.', reason: null });
    t.deepEqual(await store.decisionsFor(w.other), []);

    // Staff see everything, including the internal reason and history of the member.
    const staff = (await store.get(caseId))!;
    t.true(staff.events.some((e) => e.reason === 'INTERNAL: reporter is a known friend of the host' && !e.visibleToSubject));
    const history = await store.history(w.speaker);
    t.is(history.cases.length, 3); // the report, the dismissed flag, the appeal
    t.deepEqual(history.decisions.map((x) => x.decision).sort(), ['dismiss', 'suspend']);
  });
}
