// Invitations: only to listeners, one at a time, declined cleanly, cancelled when the inviter loses the role.
import test from 'ava';
import { DomainError } from '../../engine/stage/index.js';
import { actor, at, run, stageWith } from './_fixtures.js';

const base = () => stageWith({ host: 'host', mod: 'co_host', sp: 'speaker', ann: 'listener', bob: 'listener' });

test('a declined invitation leaves the listener in the audience and records the decline', (t) => {
  const invited = base().invite(actor('mod'), 'ann', at(1));
  t.deepEqual(invited.events, [{ type: 'invite_sent', identity: 'ann', by: 'mod', at: at(1) }]);
  t.deepEqual(invited.state.invites, [{ identity: 'ann', invitedBy: 'mod', invitedAt: at(1) }]);
  const { state, effects, events } = invited.state.respondToInvite(actor('ann'), false, at(2));
  t.is(state.roleOf('ann'), 'listener');
  t.deepEqual(state.invites, []);
  t.deepEqual(effects, []);
  t.deepEqual(events, [{ type: 'invite_declined', identity: 'ann', invitedBy: 'mod', at: at(2) }]);
});

test('after declining, the invitation is gone: accepting later is refused', (t) => {
  const { state } = run(base(), (s) => s.invite(actor('host'), 'ann', at(1)), (s) => s.respondToInvite(actor('ann'), false, at(2)));
  t.is(t.throws(() => state.respondToInvite(actor('ann'), true, at(3)), { instanceOf: DomainError })?.code, 'no_pending_invite');
});

test('inviting someone who is not a listener is refused', (t) => {
  const err = t.throws(() => base().invite(actor('host'), 'sp', at(1)), { instanceOf: DomainError });
  t.is(err?.code, 'not_a_listener');
  t.is(err?.field, 'target');
});

test('inviting the same listener twice is refused', (t) => {
  const s = base().invite(actor('host'), 'ann', at(1)).state;
  t.is(t.throws(() => s.invite(actor('mod'), 'ann', at(2)), { instanceOf: DomainError })?.code, 'already_invited');
});

test('inviting someone not in the room is refused', (t) => {
  t.is(t.throws(() => base().invite(actor('host'), 'ghost', at(1)), { instanceOf: DomainError })?.code, 'target_not_in_room');
});

test('speakers and listeners cannot invite', (t) => {
  t.is(t.throws(() => base().invite(actor('sp'), 'ann', at(1)), { instanceOf: DomainError })?.code, 'role_forbidden');
  t.is(t.throws(() => base().invite(actor('bob'), 'ann', at(1)), { instanceOf: DomainError })?.code, 'role_forbidden');
});

test("a co-host's pending invitations are cancelled when they are demoted", (t) => {
  const { state, events } = run(base(), (s) => s.invite(actor('mod'), 'ann', at(1)), (s) => s.demoteCohost(actor('host'), 'mod', at(2)));
  t.deepEqual(state.invites, []);
  t.deepEqual(events[0], { type: 'invite_cancelled', identity: 'ann', invitedBy: 'mod', at: at(2) });
  t.is(t.throws(() => state.respondToInvite(actor('ann'), true, at(3)), { instanceOf: DomainError })?.code, 'no_pending_invite');
});

test('an invited listener who leaves the room loses the invitation', (t) => {
  const { state } = run(base(), (s) => s.invite(actor('mod'), 'ann', at(1)), (s) => s.leave('ann', at(2)));
  t.deepEqual(state.invites, []);
});
