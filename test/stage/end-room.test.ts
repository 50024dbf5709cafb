// Ending the room: LiveKit must close it, and the stage refuses everything afterwards.
import test from 'ava';
import { DomainError } from '../../engine/stage/index.js';
import { actor, at, run, stageWith } from './_fixtures.js';

const base = () => stageWith({ host: 'host', mod: 'co_host', ann: 'listener' });

test('the host ends the room: end_room effect, pending hands and invites dropped, roster kept', (t) => {
  const { state, effects, events } = run(
    base(),
    (s) => s.raiseHand(actor('ann'), at(1)),
    (s) => s.end(actor('host'), at(2)),
  );
  t.true(state.ended);
  t.is(state.endedAt, at(2));
  t.deepEqual(effects, [{ kind: 'end_room' }]);
  t.deepEqual(events, [{ type: 'room_ended', by: 'host', at: at(2) }]);
  t.deepEqual(state.handQueue, []);
  t.is(state.participants.length, 3);
});

test('co-hosts cannot end the room; trust & safety can', (t) => {
  t.is(t.throws(() => base().end(actor('mod'), at(1)), { instanceOf: DomainError })?.code, 'role_forbidden');
  t.true(base().end({ identity: 'ts', platformRoles: ['trust_safety'] }, at(1)).state.ended);
});

test('after the end every command is refused with room_ended', (t) => {
  const ended = base().end(actor('host'), at(1)).state;
  const attempts = [
    () => ended.raiseHand(actor('ann'), at(2)),
    () => ended.react(actor('ann'), '🔥', at(2)),
    () => ended.end(actor('host'), at(2)),
    () => ended.invite(actor('host'), 'ann', at(2)),
    () => ended.join({ identity: 'new', transcriptionConsentAt: at(2) }, at(2)),
  ];
  for (const attempt of attempts) t.is(t.throws(attempt, { instanceOf: DomainError })?.code, 'room_ended');
});

test('leaving after the end is still recorded, without handing the room on', (t) => {
  const ended = base().end(actor('host'), at(1)).state;
  const { state, effects } = ended.leave('host', at(2));
  t.is(state.roleOf('host'), null);
  t.is(state.hostId, 'host');
  t.deepEqual(effects, []);
});
