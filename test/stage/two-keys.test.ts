// A listener goes on stage only when both keys turn: raised hand + approval, or invitation + acceptance.
import test from 'ava';
import { DomainError } from '../../engine/stage/index.js';
import { T0, actor, at, stageWith } from './_fixtures.js';

const base = () => stageWith({ host: 'host', mod: 'co_host', ann: 'listener' });

test('raised hand + approval puts the listener on stage, with publish granted and consent recorded', (t) => {
  const raised = base().raiseHand(actor('ann'), at(1)).state;
  t.is(raised.roleOf('ann'), 'listener');
  const { state, effects, events } = raised.approveHand(actor('mod'), 'ann', at(2));
  t.is(state.roleOf('ann'), 'speaker');
  t.deepEqual(state.handQueue, []);
  t.deepEqual(effects, [
    { kind: 'grant_publish', identity: 'ann' },
    { kind: 'set_role', identity: 'ann', role: 'speaker' },
  ]);
  t.deepEqual(events, [{ type: 'stage_joined', identity: 'ann', via: 'hand', by: 'mod', transcriptionConsentAt: T0, at: at(2) }]);
});

test('invitation + acceptance puts the listener on stage', (t) => {
  const invited = base().invite(actor('host'), 'ann', at(1));
  t.deepEqual(invited.effects, []);
  t.is(invited.state.roleOf('ann'), 'listener');
  const { state, effects, events } = invited.state.respondToInvite(actor('ann'), true, at(2));
  t.is(state.roleOf('ann'), 'speaker');
  t.deepEqual(state.invites, []);
  t.deepEqual(effects, [
    { kind: 'grant_publish', identity: 'ann' },
    { kind: 'set_role', identity: 'ann', role: 'speaker' },
  ]);
  t.deepEqual(events, [{ type: 'stage_joined', identity: 'ann', via: 'invite', by: 'host', transcriptionConsentAt: T0, at: at(2) }]);
});

test('approval without a raised hand is refused: one key is not enough', (t) => {
  const err = t.throws(() => base().approveHand(actor('host'), 'ann', at(1)), { instanceOf: DomainError });
  t.is(err?.code, 'no_raised_hand');
  t.is(err?.field, 'target');
});

test('accepting without an invitation is refused', (t) => {
  const err = t.throws(() => base().respondToInvite(actor('ann'), true, at(1)), { instanceOf: DomainError });
  t.is(err?.code, 'no_pending_invite');
});

test('a raised hand alone, or an invitation alone, never grants publishing', (t) => {
  const raised = base().raiseHand(actor('ann'), at(1));
  const invited = raised.state.invite(actor('mod'), 'ann', at(2));
  for (const r of [raised, invited]) {
    t.false(r.effects.some((e) => e.kind === 'grant_publish'));
    t.is(r.state.roleOf('ann'), 'listener');
  }
});

test('a listener cannot approve their own hand', (t) => {
  const raised = base().raiseHand(actor('ann'), at(1)).state;
  const err = t.throws(() => raised.approveHand(actor('ann'), 'ann', at(2)), { instanceOf: DomainError });
  t.is(err?.code, 'role_forbidden');
});

test('coming on stage by invitation also takes the hand out of the queue', (t) => {
  const s = base().raiseHand(actor('ann'), at(1)).state.invite(actor('host'), 'ann', at(2)).state;
  const { state } = s.respondToInvite(actor('ann'), true, at(3));
  t.deepEqual(state.handQueue, []);
  t.deepEqual(state.invites, []);
});
