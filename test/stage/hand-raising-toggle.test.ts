// The host can turn hand raising off: raises are refused and the queue is cleared.
import test from 'ava';
import { DomainError } from '../../engine/stage/index.js';
import { actor, at, run, stageWith } from './_fixtures.js';

const base = () => stageWith({ host: 'host', mod: 'co_host', a: 'listener', b: 'listener' });

test('turning hand raising off clears the queue and says who was cleared', (t) => {
  const { state, events } = run(
    base(),
    (s) => s.raiseHand(actor('a'), at(1)),
    (s) => s.raiseHand(actor('b'), at(2)),
    (s) => s.setHandRaising(actor('mod'), false, at(3)),
  );
  t.false(state.handRaisingEnabled);
  t.deepEqual(state.handQueue, []);
  t.deepEqual(events, [{ type: 'hand_raising_changed', enabled: false, by: 'mod', cleared: ['a', 'b'], at: at(3) }]);
});

test('a hand raise is refused while hand raising is off', (t) => {
  const off = base().setHandRaising(actor('host'), false, at(1)).state;
  const err = t.throws(() => off.raiseHand(actor('a'), at(2)), { instanceOf: DomainError });
  t.is(err?.code, 'hand_raising_off');
});

test('invitations still work while hand raising is off', (t) => {
  const off = base().setHandRaising(actor('host'), false, at(1)).state;
  const { state } = run(off, (s) => s.invite(actor('host'), 'a', at(2)), (s) => s.respondToInvite(actor('a'), true, at(3)));
  t.is(state.roleOf('a'), 'speaker');
});

test('turning it back on allows raises again; setting the same value changes nothing', (t) => {
  const on = run(base(), (s) => s.setHandRaising(actor('host'), false, at(1)), (s) => s.setHandRaising(actor('host'), true, at(2)));
  t.deepEqual(on.events, [{ type: 'hand_raising_changed', enabled: true, by: 'host', cleared: [], at: at(2) }]);
  t.deepEqual(on.state.raiseHand(actor('a'), at(3)).state.handQueue.length, 1);
  t.is(on.state.setHandRaising(actor('host'), true, at(4)).state, on.state);
});

test('listeners and speakers cannot toggle it', (t) => {
  t.is(t.throws(() => base().setHandRaising(actor('a'), false, at(1)), { instanceOf: DomainError })?.code, 'role_forbidden');
});
