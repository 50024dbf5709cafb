// Every subject kind x every action, written out by hand (not derived from ACCESS_TABLE), so a change to the table
// has to be a deliberate change here too. Actions are tried in a live room, except those only possible before a room
// starts (start, cancel), tried in a scheduled one. What each decision DOES through the API (the effect of an allowed
// call, nothing changed by a refused one) is in test/rooms/authorization-matrix.test.ts and
// test/stage-api/authorization-matrix.test.ts.
import test from 'ava';
import { ACTIONS, type Action, type DenyCode, type RoomState, type Subject, type TargetFacts, authorize } from '../../engine/access/index.js';

type SubjectKind = 'host' | 'co_host' | 'speaker' | 'listener' | 'outsider' | 'trust_safety' | 'admin';
const KINDS: SubjectKind[] = ['host', 'co_host', 'speaker', 'listener', 'outsider', 'trust_safety', 'admin'];

function subject(kind: SubjectKind): Subject {
  switch (kind) {
    case 'outsider':
      return { memberId: 'subject', platformRoles: ['member'], roomRole: null };
    case 'trust_safety':
    case 'admin':
      return { memberId: 'subject', platformRoles: ['member', kind], roomRole: null };
    default:
      return { memberId: 'subject', platformRoles: ['member'], roomRole: kind };
  }
}

// The target each targeted action is tried on.
const TARGET: Partial<Record<Action, TargetFacts>> = {
  'stage.approve_hand': { memberId: 'target', roomRole: 'listener' },
  'stage.dismiss_hand': { memberId: 'target', roomRole: 'listener' },
  'stage.invite': { memberId: 'target', roomRole: 'listener' },
  'stage.move_to_audience': { memberId: 'target', roomRole: 'speaker' },
  'participant.mute': { memberId: 'target', roomRole: 'speaker' },
  'participant.remove': { memberId: 'target', roomRole: 'speaker' },
  'role.promote_cohost': { memberId: 'target', roomRole: 'speaker' },
  'role.demote_cohost': { memberId: 'target', roomRole: 'co_host' },
};

const STATE: Partial<Record<Action, RoomState>> = { 'room.start': 'scheduled', 'room.cancel': 'scheduled' };

const A = 'allowed';
const RF: DenyCode = 'role_forbidden';
const NIR: DenyCode = 'not_in_room';
const TP: DenyCode = 'target_protected';
type Cell = typeof A | DenyCode;

//                                   host co_host speaker listener outsider trust_safety admin
const MATRIX: Record<Action, Cell[]> = {
  'room.view':              [A,   A,   A,   A,   A,   A,   A],
  'room.join':              [A,   A,   A,   A,   A,   A,   A],
  'room.update':            [A,   RF,  RF,  RF,  NIR, NIR, A],
  'room.start':             [A,   RF,  RF,  RF,  NIR, NIR, NIR],
  'room.cancel':            [A,   RF,  RF,  RF,  NIR, A,   A],
  'room.end':               [A,   RF,  RF,  RF,  NIR, A,   A],
  'room.invite':            [A,   A,   RF,  RF,  NIR, NIR, NIR],
  'room.set_hand_raising':  [A,   A,   RF,  RF,  NIR, NIR, NIR],
  'stage.view':             [A,   A,   A,   A,   NIR, A,   A],
  'stage.view_moderation':  [A,   A,   RF,  RF,  NIR, A,   A],
  'stage.raise_hand':       [RF,  RF,  RF,  A,   NIR, NIR, NIR],
  'stage.lower_hand':       [RF,  RF,  RF,  A,   NIR, NIR, NIR],
  'stage.approve_hand':     [A,   A,   RF,  RF,  NIR, NIR, NIR],
  'stage.dismiss_hand':     [A,   A,   RF,  RF,  NIR, NIR, NIR],
  'stage.invite':           [A,   A,   RF,  RF,  NIR, NIR, NIR],
  'stage.respond_invite':   [RF,  RF,  RF,  A,   NIR, NIR, NIR],
  'stage.move_to_audience': [A,   A,   RF,  RF,  NIR, A,   A],
  'stage.leave':            [RF,  A,   A,   RF,  NIR, NIR, NIR],
  'participant.mute':       [A,   A,   RF,  RF,  NIR, A,   A],
  'participant.remove':     [A,   A,   RF,  RF,  NIR, A,   A],
  'participant.unban':      [A,   A,   RF,  RF,  NIR, A,   A],
  'role.promote_cohost':    [A,   RF,  RF,  RF,  NIR, NIR, NIR],
  'role.demote_cohost':     [A,   TP,  RF,  RF,  NIR, NIR, NIR],
  'reaction.send':          [A,   A,   A,   A,   NIR, NIR, NIR],
  'transcript.read':        [RF,  RF,  RF,  RF,  RF,  A,   A],
  'room.report':            [A,   A,   A,   A,   NIR, NIR, NIR],
  'room.view_moderation_policy': [A, A, RF,  RF,  NIR, A,   A],
  'room.moderation_policy': [A,   RF,  RF,  RF,  NIR, NIR, A],
};

test('the matrix covers every action and every subject kind', (t) => {
  t.deepEqual(Object.keys(MATRIX).sort(), [...ACTIONS].sort());
  for (const row of Object.values(MATRIX)) t.is(row.length, KINDS.length);
});

for (const action of ACTIONS) {
  KINDS.forEach((kind, column) => {
    const expected: Cell = MATRIX[action][column] ?? 'role_forbidden';
    test(`${kind} -> ${action}: ${expected}`, (t) => {
      const target = TARGET[action];
      const roomState = STATE[action] ?? 'live';
      const decision = authorize(subject(kind), action, target === undefined ? { roomState } : { roomState, target });
      if (expected === A) {
        t.true(decision.allowed, decision.allowed ? '' : `${decision.code}: ${decision.reason}`);
      } else {
        t.false(decision.allowed);
        if (!decision.allowed) {
          t.is(decision.code, expected);
          t.true(decision.reason.length > 0);
        }
      }
    });
  });
}

test('the decision says which role granted it', (t) => {
  t.deepEqual(authorize(subject('host'), 'room.end', { roomState: 'live' }), { allowed: true, via: 'host' });
  t.deepEqual(authorize(subject('trust_safety'), 'room.end', { roomState: 'live' }), { allowed: true, via: 'trust_safety' });
  // A staff member who is also a listener acts as staff where listeners may not.
  const staffListener: Subject = { memberId: 's', platformRoles: ['member', 'trust_safety'], roomRole: 'listener' };
  t.deepEqual(authorize(staffListener, 'participant.mute', { roomState: 'live', target: { memberId: 'x', roomRole: 'speaker' } }), {
    allowed: true,
    via: 'trust_safety',
  });
  t.deepEqual(authorize(staffListener, 'stage.raise_hand', { roomState: 'live' }), { allowed: true, via: 'listener' });
});
