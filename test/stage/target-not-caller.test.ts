// Permission changes read the TARGET participant's state, never the caller's. A public LiveKit stage example
// approved "the hand" by looking at the caller's own hand flag; these tests fail on that bug.
import test from 'ava';
import { DomainError } from '../../engine/stage/index.js';
import { actor, at, run, stageWith } from './_fixtures.js';

const base = () => stageWith({ host: 'host', mod: 'co_host', raiser: 'listener', quiet: 'listener', sp: 'speaker' });

test("approval checks the target's hand: a moderator without a raised hand can approve a raiser", (t) => {
  const s = base().raiseHand(actor('raiser'), at(1)).state;
  t.is(s.approveHand(actor('host'), 'raiser', at(2)).state.roleOf('raiser'), 'speaker');
});

test("approval checks the target's hand: a listener who did not raise is refused even though someone else did", (t) => {
  const s = base().raiseHand(actor('raiser'), at(1)).state;
  const err = t.throws(() => s.approveHand(actor('host'), 'quiet', at(2)), { instanceOf: DomainError });
  t.is(err?.code, 'no_raised_hand');
  t.regex(err?.message ?? '', /quiet/);
});

test('effects name the target, not the caller', (t) => {
  const { effects } = run(base(), (s) => s.raiseHand(actor('raiser'), at(1)), (s) => s.approveHand(actor('mod'), 'raiser', at(2)));
  t.true(effects.every((e) => 'identity' in e && e.identity === 'raiser'));
  const moved = base().moveToAudience(actor('mod'), 'sp', at(3));
  t.deepEqual(moved.effects, [
    { kind: 'revoke_publish', identity: 'sp' },
    { kind: 'set_role', identity: 'sp', role: 'listener' },
  ]);
  t.is(moved.state.roleOf('mod'), 'co_host');
});

test("rank is judged on the target's role: a co-host cannot move the host, whatever the co-host's own state", (t) => {
  const err = t.throws(() => base().moveToAudience(actor('mod'), 'host', at(1)), { instanceOf: DomainError });
  t.is(err?.code, 'target_protected');
  t.is(err?.field, 'target');
});

test("an invitation belongs to the invitee: another listener cannot accept it", (t) => {
  const s = base().invite(actor('host'), 'raiser', at(1)).state;
  t.is(t.throws(() => s.respondToInvite(actor('quiet'), true, at(2)), { instanceOf: DomainError })?.code, 'no_pending_invite');
  t.is(s.roleOf('quiet'), 'listener');
});

test("muting checks the target is on stage, not the caller", (t) => {
  t.is(t.throws(() => base().mute(actor('host'), 'quiet', at(1)), { instanceOf: DomainError })?.code, 'not_on_stage');
  t.deepEqual(base().mute(actor('mod'), 'sp', at(1)).effects, [{ kind: 'mute_track', identity: 'sp' }]);
});
