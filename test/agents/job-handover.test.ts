// The hand-over's pure parts: which agent stores a segment (the gate), where a cut falls (speech activity on the
// transcriber's clock), and the messages. The whole hand-over runs for real in test/cluster/agent-drain.test.ts.
import test from 'ava';
import { HandoverGate, SpeechActivity, StoppableAudio, chooseCut, handoverSourceOf, parseHandoverMessage } from '../../agents/job-handover.js';
import { quietLog } from '../support/database.js';

const seg = (ms: number) => ({ roomId: 'r', segmentKey: `k${ms}`, speakerIdentity: 's', startedAt: new Date(ms), endedAt: new Date(ms + 1000), text: 't', model: 'm' });

test('a holding gate stores nothing until the cut, then only segments from it; the old side stores only before it', async (t) => {
  const stored: number[] = [];
  const replacement = HandoverGate.holding();
  const sink = replacement.wrap({ append: async (s) => (stored.push(s.startedAt.getTime()), true) }, quietLog);
  const early = sink.append(seg(1000));
  const late = sink.append(seg(5000));
  await new Promise((r) => setTimeout(r, 20));
  t.deepEqual(stored, [], 'held while the cut is unknown');
  replacement.release(3000);
  await Promise.all([early, late]);
  t.deepEqual(stored, [5000]);

  const old = HandoverGate.open();
  t.true(await old.admits(new Date(2999)));
  old.endAt(3000);
  t.false(await old.admits(new Date(3000)));
  t.true(await old.admits(new Date(2999)));
  old.reopen();
  t.true(await old.admits(new Date(9000)));
  t.throws(() => old.endAt(Number.NaN), { instanceOf: TypeError });
});

test('the cut falls in a pause of every speaker, on the transcriber clock', async (t) => {
  const activity = new SpeechActivity();
  const loud = new Int16Array(160).fill(4000);
  const quiet = new Int16Array(160);
  for (let i = 0; i < 100; i++) activity.observe('TR_a', loud, 16000, 1); // 1 s of speech
  for (let i = 0; i < 150; i++) activity.observe('TR_a', quiet, 16000, 1); // 1.5 s of pause
  const { clockMs, quietMs } = activity.snapshot();
  t.is(Math.round(quietMs), 1500);
  const cut = await chooseCut(activity, 0);
  t.true(cut.inPause);
  // Inside the pause: after the speech ended, and far enough before the next utterance's padding.
  t.true(cut.cutMs > clockMs - 1500 && cut.cutMs <= clockMs - 700, `cut ${clockMs - cut.cutMs} ms back`);

  for (let i = 0; i < 10; i++) activity.observe('TR_a', loud, 16000, 1);
  const forced = await chooseCut(activity, 0);
  t.false(forced.inPause, 'no pause within the wait: cut now');
});

test('messages and dispatch metadata are read strictly', (t) => {
  t.is(handoverSourceOf(JSON.stringify({ handoverFrom: 'agent-AJ_1' })), 'agent-AJ_1');
  t.is(handoverSourceOf(''), undefined);
  t.is(handoverSourceOf('not json'), undefined);
  const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
  t.deepEqual(parseHandoverMessage(enc({ type: 'hand_over', to: 'agent-AJ_2' })), { type: 'hand_over', to: 'agent-AJ_2' });
  t.deepEqual(parseHandoverMessage(enc({ type: 'cut', cutMs: 12, from: 'a' })), { type: 'cut', cutMs: 12, from: 'a' });
  t.is(parseHandoverMessage(enc({ type: 'cut', cutMs: 'x', from: 'a' })), undefined);
  t.is(parseHandoverMessage(enc({ type: 'hand_over' })), undefined);
});

test('stopped audio ends the frames even while the source waits', async (t) => {
  const audio = new StoppableAudio();
  async function* never() {
    yield { data: new Int16Array(160), samplesPerChannel: 160, channels: 1, sampleRate: 16000 };
    await new Promise(() => undefined);
  }
  let seen = 0;
  const frames = audio.frames(never(), () => seen++);
  const consumed = (async () => {
    let n = 0;
    for await (const _ of frames) n++;
    return n;
  })();
  await new Promise((r) => setTimeout(r, 20));
  audio.stop();
  t.is(await consumed, 1);
  t.is(seen, 1);
});
