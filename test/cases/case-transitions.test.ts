import test from 'ava';
import { CASE_EVENT_TYPES, CASE_KINDS, CASE_STATES, DECISIONS, transition, type CaseEvent } from '../../engine/cases/case-transitions.js';

// The expectation, written out by hand from the rules rather than derived from the table:
// per event (decided split by decision), per state, the next status for [flag, report, appeal, wellbeing]; '-' = refused.
type Cell = 'open' | 'resolved' | 'upheld' | 'overturned' | '-';
type Row = readonly [flag: Cell, report: Cell, appeal: Cell, wellbeing: Cell];
const _: Row = ['-', '-', '-', '-'];
const EXPECTED: Record<string, Record<(typeof CASE_STATES)[number], Row>> = {
  opened: { none: ['open', 'open', 'open', 'open'], open: _, resolved: _, upheld: _, overturned: _ },
  evidence_added: { none: _, open: ['open', 'open', '-', 'open'], resolved: _, upheld: _, overturned: _ },
  note_added: {
    none: _,
    open: ['open', 'open', 'open', 'open'],
    resolved: ['resolved', 'resolved', '-', 'resolved'],
    upheld: ['-', '-', 'upheld', '-'],
    overturned: ['-', '-', 'overturned', '-'],
  },
  claimed: { none: _, open: ['open', 'open', 'open', 'open'], resolved: _, upheld: _, overturned: _ },
  lease_renewed: { none: _, open: ['open', 'open', 'open', 'open'], resolved: _, upheld: _, overturned: _ },
  released: { none: _, open: ['open', 'open', 'open', 'open'], resolved: _, upheld: _, overturned: _ },
  'decided:dismiss': { none: _, open: ['resolved', 'resolved', '-', 'resolved'], resolved: _, upheld: _, overturned: _ },
  'decided:warn': { none: _, open: ['resolved', 'resolved', '-', '-'], resolved: _, upheld: _, overturned: _ },
  'decided:suspend': { none: _, open: ['resolved', 'resolved', '-', '-'], resolved: _, upheld: _, overturned: _ },
  'decided:ban': { none: _, open: ['resolved', 'resolved', '-', '-'], resolved: _, upheld: _, overturned: _ },
  appeal_upheld: { none: _, open: ['-', '-', 'upheld', '-'], resolved: _, upheld: _, overturned: _ },
  appeal_overturned: { none: _, open: ['-', '-', 'overturned', '-'], resolved: _, upheld: _, overturned: _ },
  reopened: { none: _, open: _, resolved: ['open', 'open', '-', 'open'], upheld: _, overturned: _ },
};
const KIND_COLUMN = { flag: 0, report: 1, appeal: 2, wellbeing: 3 } as const;

const events: { label: string; event: CaseEvent }[] = CASE_EVENT_TYPES.flatMap((type) =>
  type === 'decided' ? DECISIONS.map((decision) => ({ label: `decided:${decision}`, event: { type, decision } as CaseEvent })) : [{ label: type, event: { type } as CaseEvent }],
);

test('the matrix names exactly the exported states, events and kinds', (t) => {
  t.deepEqual(Object.keys(EXPECTED).sort(), events.map((e) => e.label).sort());
  for (const row of Object.values(EXPECTED)) t.deepEqual(Object.keys(row).sort(), [...CASE_STATES].sort());
  t.deepEqual(Object.keys(KIND_COLUMN).sort(), [...CASE_KINDS].sort());
});

test('every state x event x kind gives the expected next status or a refusal', (t) => {
  let cells = 0;
  for (const { label, event } of events) {
    for (const status of CASE_STATES) {
      for (const kind of CASE_KINDS) {
        const want = EXPECTED[label]![status][KIND_COLUMN[kind]];
        const got = transition({ kind, status }, event);
        const where = `${kind} ${status} + ${label}`;
        if (want === '-') {
          t.false(got.ok, where);
          if (!got.ok) t.true(got.reason.length > 0, where);
        } else {
          t.deepEqual(got, { ok: true, next: want }, where);
        }
        cells++;
      }
    }
  }
  t.is(cells, 13 * 5 * 4);
});

test('refusals say why', (t) => {
  t.like(transition({ kind: 'flag', status: 'resolved' }, { type: 'claimed' }), { ok: false, code: 'invalid_transition' });
  t.like(transition({ kind: 'appeal', status: 'open' }, { type: 'decided', decision: 'dismiss' }), { ok: false, code: 'wrong_kind' });
  t.like(transition({ kind: 'wellbeing', status: 'open' }, { type: 'decided', decision: 'ban' }), { ok: false, code: 'decision_not_allowed' });
  const none = transition({ kind: 'flag', status: 'none' }, { type: 'note_added' });
  t.regex(none.ok ? '' : none.reason, /not opened/);
});

test('nonsense input is a TypeError', (t) => {
  t.throws(() => transition({ kind: 'robot' as never, status: 'open' }, { type: 'claimed' }), { instanceOf: TypeError, message: /kind/ });
  t.throws(() => transition({ kind: 'flag', status: 'limbo' as never }, { type: 'claimed' }), { instanceOf: TypeError, message: /status/ });
  t.throws(() => transition({ kind: 'flag', status: 'open' }, { type: 'exploded' as never }), { instanceOf: TypeError, message: /event/ });
  t.throws(() => transition({ kind: 'flag', status: 'open' }, { type: 'decided', decision: 'shrug' as never }), { instanceOf: TypeError, message: /decision/ });
});
