// The hand queue: ordered by the raised-at time passed in, idempotent raises, lowering and dismissal.
import test from 'ava';
import { DomainError } from '../../engine/stage/index.js';
import { actor, at, run, stageWith } from './_fixtures.js';

const base = () => stageWith({ host: 'host', a: 'listener', b: 'listener', c: 'listener', sp: 'speaker' });

test('the queue is ordered by raised-at time, not by call order', (t) => {
  const { state } = run(
    base(),
    (s) => s.raiseHand(actor('b'), at(5)),
    (s) => s.raiseHand(actor('a'), at(3)), // arrived later, raised earlier (time comes from the caller)
    (s) => s.raiseHand(actor('c'), at(5)), // same time as b: keeps raise order
  );
  t.deepEqual(state.handQueue, [
    { identity: 'a', raisedAt: at(3) },
    { identity: 'b', raisedAt: at(5) },
    { identity: 'c', raisedAt: at(5) },
  ]);
});

test('raising emits hand_raised; raising again keeps the original place and changes nothing', (t) => {
  const first = base().raiseHand(actor('a'), at(1));
  t.deepEqual(first.events, [{ type: 'hand_raised', identity: 'a', at: at(1) }]);
  const again = first.state.raiseHand(actor('a'), at(9));
  t.is(again.state, first.state);
  t.deepEqual(again.events, []);
  t.deepEqual(again.state.handQueue, [{ identity: 'a', raisedAt: at(1) }]);
});

test('lowering your own hand leaves the queue', (t) => {
  const { state, events } = run(base(), (s) => s.raiseHand(actor('a'), at(1)), (s) => s.lowerHand(actor('a'), at(2)));
  t.deepEqual(state.handQueue, []);
  t.deepEqual(events, [{ type: 'hand_lowered', identity: 'a', at: at(2) }]);
  t.deepEqual(state.lowerHand(actor('a'), at(3)).events, []);
});

test('a moderator dismisses a hand; dismissing a hand that is not raised is refused', (t) => {
  const raised = base().raiseHand(actor('a'), at(1)).state;
  const { state, events, effects } = raised.dismissHand(actor('host'), 'a', at(2));
  t.deepEqual(state.handQueue, []);
  t.is(state.roleOf('a'), 'listener');
  t.deepEqual(effects, []);
  t.deepEqual(events, [{ type: 'hand_dismissed', identity: 'a', by: 'host', at: at(2) }]);
  t.is(t.throws(() => state.dismissHand(actor('host'), 'a', at(3)), { instanceOf: DomainError })?.code, 'no_raised_hand');
});

test('only listeners raise hands', (t) => {
  t.is(t.throws(() => base().raiseHand(actor('sp'), at(1)), { instanceOf: DomainError })?.code, 'role_forbidden');
  t.is(t.throws(() => base().raiseHand(actor('stranger'), at(1)), { instanceOf: DomainError })?.code, 'not_in_room');
});

test('approving one hand leaves the others queued in order', (t) => {
  const { state } = run(
    base(),
    (s) => s.raiseHand(actor('a'), at(1)),
    (s) => s.raiseHand(actor('b'), at(2)),
    (s) => s.raiseHand(actor('c'), at(3)),
    (s) => s.approveHand(actor('host'), 'b', at(4)),
  );
  t.deepEqual(state.handQueue.map((h) => h.identity), ['a', 'c']);
});
