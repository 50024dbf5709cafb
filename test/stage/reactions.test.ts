// Reactions: a fixed palette, counted per emoji; skin tones and the variation selector fold into the base emoji.
import test from 'ava';
import { DomainError, REACTION_EMOJI, normalizeReaction } from '../../engine/stage/index.js';
import { actor, at, run, stageWith } from './_fixtures.js';

const base = () => stageWith({ host: 'host', ann: 'listener', sp: 'speaker' });

test('every participant can react; counts add up per emoji, in palette order', (t) => {
  const { state, events } = run(
    base(),
    (s) => s.react(actor('ann'), '🔥', at(1)),
    (s) => s.react(actor('sp'), '👏', at(2)),
    (s) => s.react(actor('host'), '🔥', at(3)),
  );
  t.deepEqual(state.reactions, { '👏': 1, '🔥': 2 });
  t.deepEqual(Object.keys(state.toJSON().reactions), ['👏', '🔥']);
  t.deepEqual(events, [{ type: 'reaction_sent', identity: 'host', emoji: '🔥', at: at(3) }]);
});

test('skin tones and the variation selector count under the palette emoji', (t) => {
  t.is(normalizeReaction('👍🏽'), '👍');
  t.is(normalizeReaction('❤'), '❤️');
  t.is(normalizeReaction('❤️'), '❤️');
  const { state } = base().react(actor('ann'), '👏🏿', at(1));
  t.deepEqual(state.reactions, { '👏': 1 });
});

test('anything outside the palette is refused, naming the field', (t) => {
  for (const bad of ['🖕', 'x', '', '🔥🔥', '👍 ', 'clap']) {
    const err = t.throws(() => base().react(actor('ann'), bad, at(1)), { instanceOf: DomainError }, bad);
    t.is(err?.code, 'unsupported_emoji');
    t.is(err?.field, 'emoji');
  }
  t.true(REACTION_EMOJI.length >= 8);
});

test('people outside the room cannot react; a non-string is a TypeError', (t) => {
  t.is(t.throws(() => base().react(actor('ghost'), '🔥', at(1)), { instanceOf: DomainError })?.code, 'not_in_room');
  t.throws(() => base().react(actor('ann'), 5 as unknown as string, at(1)), { instanceOf: TypeError, message: /emoji/ });
});
