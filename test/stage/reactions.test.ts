// Reactions: a fixed palette; skin tones and the variation selector fold into the base emoji. A reaction is checked
// by the stage (who may react, which emoji) but does not change it: counts are kept apart (test/stage-api).
import test from 'ava';
import { DomainError, REACTION_EMOJI, normalizeReaction } from '../../engine/stage/index.js';
import { actor, at, stageWith } from './_fixtures.js';

const base = () => stageWith({ host: 'host', ann: 'listener', sp: 'speaker' });

test('every participant can react; the reaction names who, which emoji and when, and the stage is unchanged', (t) => {
  const stage = base();
  const before = stage.toJSON();
  t.deepEqual(stage.react(actor('ann'), '🔥', at(1)), { identity: 'ann', emoji: '🔥', at: at(1) });
  t.deepEqual(stage.react(actor('sp'), '👏', at(2)), { identity: 'sp', emoji: '👏', at: at(2) });
  t.deepEqual(stage.react(actor('host'), '🔥', at(3)), { identity: 'host', emoji: '🔥', at: at(3) });
  t.deepEqual(stage.toJSON(), before);
  t.is(stage.version, 0);
});

test('skin tones and the variation selector count under the palette emoji', (t) => {
  t.is(normalizeReaction('👍🏽'), '👍');
  t.is(normalizeReaction('❤'), '❤️');
  t.is(normalizeReaction('❤️'), '❤️');
  t.is(base().react(actor('ann'), '👏🏿', at(1)).emoji, '👏');
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
  t.throws(() => base().react(actor('ann'), '🔥', Number.NaN), { instanceOf: TypeError, message: /now/ });
});
