// When the host leaves, the longest-serving co-host takes over; with no co-host the room waits for the host.
import test from 'ava';
import { StageState } from '../../engine/stage/index.js';
import { T0, at, stageWith } from './_fixtures.js';

test('the longest-serving co-host becomes host when the host leaves', (t) => {
  const s = new StageState({
    ...stageWith({}).toJSON(),
    hostId: 'host',
    participants: [
      { identity: 'host', role: 'host', joinedAt: T0, transcriptionConsentAt: T0, roleSince: T0 },
      { identity: 'newer', role: 'co_host', joinedAt: T0, transcriptionConsentAt: T0, roleSince: at(20) },
      { identity: 'older', role: 'co_host', joinedAt: T0, transcriptionConsentAt: T0, roleSince: at(10) },
    ],
  });
  const { state, effects, events } = s.leave('host', at(30));
  t.is(state.hostId, 'older');
  t.is(state.roleOf('older'), 'host');
  t.is(state.roleOf('newer'), 'co_host');
  t.deepEqual(effects, [{ kind: 'set_role', identity: 'older', role: 'host' }]);
  t.deepEqual(events, [
    { type: 'participant_left', identity: 'host', at: at(30) },
    { type: 'host_transferred', from: 'host', to: 'older', at: at(30) },
  ]);
});

test('with no co-host the room stays hostless, and the host gets the role back on rejoining', (t) => {
  const left = stageWith({ host: 'host', sp: 'speaker' }).leave('host', at(1)).state;
  t.is(left.hostId, 'host');
  t.false(left.hasModerator());
  const back = left.join({ identity: 'host', transcriptionConsentAt: at(2) }, at(2)).state;
  t.is(back.roleOf('host'), 'host');
  t.true(back.hasModerator());
});

test('leaving when not present changes nothing', (t) => {
  const s = stageWith({ host: 'host' });
  t.is(s.leave('ghost', at(1)).state, s);
});

test('staff removing the host hands the room to a co-host', (t) => {
  const s = stageWith({ host: 'host', mod: 'co_host' });
  const { state } = s.remove({ identity: 'ts', platformRoles: ['trust_safety'] }, 'host', { ban: true }, at(1));
  t.is(state.hostId, 'mod');
  t.true(state.isBanned('host'));
});
