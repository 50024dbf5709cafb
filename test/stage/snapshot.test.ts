// toJSON() dumps are plain data the API serves and the lead stores; fromJSON() rebuilds the same stage.
import test from 'ava';
import { StageState, type StageSnapshot } from '../../engine/stage/index.js';
import { T0, actor, at, run } from './_fixtures.js';

function scenario() {
  return run(
    StageState.create({ roomId: 'room-1', hostId: 'host' }),
    (s) => s.join({ identity: 'host', transcriptionConsentAt: at(0) }, at(0)),
    (s) => s.join({ identity: 'ann', transcriptionConsentAt: at(1) }, at(1)),
    (s) => s.join({ identity: 'bob', transcriptionConsentAt: at(2) }, at(2)),
    (s) => s.join({ identity: 'cy', transcriptionConsentAt: at(3) }, at(3)),
    (s) => s.raiseHand(actor('bob'), at(4)),
    (s) => s.raiseHand(actor('ann'), at(5)),
    (s) => s.approveHand(actor('host'), 'ann', at(6)),
    (s) => s.promoteCohost(actor('host'), 'ann', at(7)),
    (s) => s.invite(actor('ann'), 'cy', at(8)),
  ).state;
}

const EXPECTED: StageSnapshot = {
  roomId: 'room-1',
  hostId: 'host',
  version: 9,
  handRaisingEnabled: true,
  endedAt: null,
  participants: [
    { identity: 'host', role: 'host', joinedAt: T0, transcriptionConsentAt: T0, roleSince: T0 },
    { identity: 'ann', role: 'co_host', joinedAt: at(1), transcriptionConsentAt: at(1), roleSince: at(7) },
    { identity: 'bob', role: 'listener', joinedAt: at(2), transcriptionConsentAt: at(2), roleSince: at(2) },
    { identity: 'cy', role: 'listener', joinedAt: at(3), transcriptionConsentAt: at(3), roleSince: at(3) },
  ],
  hands: [{ identity: 'bob', raisedAt: at(4) }],
  invites: [{ identity: 'cy', invitedBy: 'ann', invitedAt: at(8) }],
  bans: [],
};

test('the dump of a scenario is exactly the expected plain data', (t) => {
  t.deepEqual(scenario().toJSON(), EXPECTED);
});

test('a fresh stage dumps empty', (t) => {
  t.deepEqual(StageState.create({ roomId: 'r', hostId: 'h', handRaisingEnabled: false }).toJSON(), {
    roomId: 'r',
    hostId: 'h',
    version: 0,
    handRaisingEnabled: false,
    endedAt: null,
    participants: [],
    hands: [],
    invites: [],
    bans: [],
  });
});

test('JSON round trip rebuilds an equal stage that keeps working', (t) => {
  const rebuilt = StageState.fromJSON(JSON.parse(JSON.stringify(scenario())));
  t.deepEqual(rebuilt.toJSON(), EXPECTED);
  const { state } = rebuilt.respondToInvite(actor('cy'), true, at(10));
  t.is(state.roleOf('cy'), 'speaker');
  t.is(state.version, 10);
});

test('commands never change the state they are called on, and dumps are copies', (t) => {
  const s = scenario();
  s.approveHand(actor('host'), 'bob', at(10));
  t.deepEqual(s.toJSON(), EXPECTED);
  const dump = s.toJSON();
  dump.participants.pop();
  t.is(s.participants.length, 4);
  t.true(Object.isFrozen(s.participants[0]));
});

test('no-op commands keep the version; changes bump it by one', (t) => {
  const s = scenario();
  t.is(s.raiseHand(actor('bob'), at(10)).state.version, 9);
  t.is(s.lowerHand(actor('bob'), at(10)).state.version, 10);
});

test('a corrupt snapshot is a TypeError naming the field', (t) => {
  const bad = (patch: Partial<StageSnapshot> | Record<string, unknown>, field: RegExp) =>
    t.throws(() => StageState.fromJSON({ ...EXPECTED, ...patch }), { instanceOf: TypeError, message: field });
  bad({ version: -1 }, /snapshot.version/);
  bad({ participants: [{ ...EXPECTED.participants[0], role: 'owner' }] }, /snapshot.participants\[0\].role/);
  bad({ participants: [...EXPECTED.participants, EXPECTED.participants[1]] }, /appears twice/);
  bad({ hostId: 'ann' }, /only snapshot.hostId may be host/);
  bad({ hands: [{ identity: 'ann', raisedAt: at(1) }] }, /snapshot.hands\[0\].identity must be a listener/);
  bad({ invites: [{ identity: 'cy', invitedBy: 'bob', invitedAt: at(1) }] }, /invitedBy must be a host or co-host/);
  bad({ bans: ['bob'] }, /banned but still a participant/);
  bad({ handRaisingEnabled: false }, /hands must be empty/);
  t.throws(() => StageState.fromJSON(null), { instanceOf: TypeError, message: /snapshot/ });
});

test('a snapshot stored before reactions were counted apart still loads; its counts are not part of the stage', (t) => {
  const legacy = StageState.fromJSON({ ...EXPECTED, reactions: { '👏': 3 } });
  t.deepEqual(legacy.toJSON(), EXPECTED);
});

test('a snapshot with hands out of order is rebuilt in raised-at order', (t) => {
  const s = StageState.fromJSON({
    ...EXPECTED,
    hands: [
      { identity: 'cy', raisedAt: at(9) },
      { identity: 'bob', raisedAt: at(4) },
    ],
  });
  t.deepEqual(s.handQueue.map((h) => h.identity), ['bob', 'cy']);
});

test('every state a long scenario passes through is a valid snapshot (commands keep the invariants)', (t) => {
  const staff = { identity: 'ts', platformRoles: ['trust_safety'] as const };
  const steps: Array<(s: StageState) => { state: StageState }> = [
    (s) => s.join({ identity: 'host', transcriptionConsentAt: at(0) }, at(0)),
    ...['a', 'b', 'c', 'd'].map((id, i) => (s: StageState) => s.join({ identity: id, transcriptionConsentAt: at(i) }, at(i + 1))),
    (s) => s.raiseHand(actor('a'), at(6)),
    (s) => s.approveHand(actor('host'), 'a', at(7)),
    (s) => s.promoteCohost(actor('host'), 'a', at(8)),
    (s) => s.invite(actor('a'), 'b', at(9)),
    (s) => s.raiseHand(actor('c'), at(10)),
    (s) => s.invite(actor('host'), 'c', at(11)),
    (s) => s.leave('host', at(12)), // a takes over; host's invite to c is cancelled
    (s) => s.raiseHand(actor('d'), at(13)),
    (s) => s.respondToInvite(actor('b'), true, at(14)),
    (s) => s.promoteCohost(actor('a'), 'b', at(15)),
    (s) => s.invite(actor('b'), 'd', at(16)),
    (s) => s.remove(staff, 'b', { ban: true }, at(17)), // b's invite to d is cancelled
    (s) => s.setHandRaising(actor('a'), false, at(18)),
    (s) => s.end(staff, at(20)),
    (s) => s.leave('a', at(21)),
  ];
  let state = StageState.create({ roomId: 'room-1', hostId: 'host' });
  for (const [i, step] of steps.entries()) {
    state = step(state).state;
    t.notThrows(() => StageState.fromJSON(JSON.parse(JSON.stringify(state))), `after step ${i}`);
    t.is(state.version, i + 1, `version after step ${i}`);
  }
  t.deepEqual(state.toJSON(), {
    roomId: 'room-1',
    hostId: 'a',
    version: steps.length,
    handRaisingEnabled: false,
    endedAt: at(20),
    participants: [
      { identity: 'c', role: 'listener', joinedAt: at(3), transcriptionConsentAt: at(2), roleSince: at(3) },
      { identity: 'd', role: 'listener', joinedAt: at(4), transcriptionConsentAt: at(3), roleSince: at(4) },
    ],
    hands: [],
    invites: [],
    bans: ['b'],
  });
});
