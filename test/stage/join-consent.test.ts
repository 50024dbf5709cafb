// Joining needs the transcription notice accepted; the consent time travels with the stage event.
import test from 'ava';
import { DomainError, StageState } from '../../engine/stage/index.js';
import { actor, at, run } from './_fixtures.js';

const empty = () => StageState.create({ roomId: 'room-1', hostId: 'host' });

test('joining without accepting transcription is refused, naming the field', (t) => {
  for (const consent of [undefined, null]) {
    const err = t.throws(() => empty().join({ identity: 'ann', transcriptionConsentAt: consent }, at(1)), { instanceOf: DomainError });
    t.is(err?.code, 'consent_required');
    t.is(err?.field, 'transcriptionConsentAt');
  }
});

test('members join as listeners; no LiveKit effect (the token is minted from the role)', (t) => {
  const { state, effects, events } = empty().join({ identity: 'ann', transcriptionConsentAt: at(0) }, at(1));
  t.is(state.roleOf('ann'), 'listener');
  t.deepEqual(effects, []);
  t.deepEqual(events, [{ type: 'participant_joined', identity: 'ann', role: 'listener', transcriptionConsentAt: at(0), at: at(1) }]);
});

test('the host joins as host and is on stage at once, with the consent in the stage event', (t) => {
  const { state, events } = empty().join({ identity: 'host', transcriptionConsentAt: at(1) }, at(1));
  t.is(state.roleOf('host'), 'host');
  t.deepEqual(events[1], { type: 'stage_joined', identity: 'host', via: 'host', by: 'host', transcriptionConsentAt: at(1), at: at(1) });
});

test('a listener who later comes on stage carries the consent given at join time', (t) => {
  const { events } = run(
    empty(),
    (s) => s.join({ identity: 'host', transcriptionConsentAt: at(0) }, at(0)),
    (s) => s.join({ identity: 'ann', transcriptionConsentAt: at(5) }, at(6)),
    (s) => s.raiseHand(actor('ann'), at(7)),
    (s) => s.approveHand(actor('host'), 'ann', at(8)),
  );
  t.like(events[0], { type: 'stage_joined', identity: 'ann', transcriptionConsentAt: at(5), at: at(8) });
});

test('joining twice changes nothing (reconnects are safe)', (t) => {
  const once = empty().join({ identity: 'ann', transcriptionConsentAt: at(0) }, at(1)).state;
  const twice = once.join({ identity: 'ann', transcriptionConsentAt: at(2) }, at(2));
  t.is(twice.state, once);
  t.deepEqual(twice.events, []);
});

test('a consent time later than now is a TypeError', (t) => {
  t.throws(() => empty().join({ identity: 'ann', transcriptionConsentAt: at(5) }, at(1)), {
    instanceOf: TypeError,
    message: /transcriptionConsentAt/,
  });
});
