import test from 'ava';
import { SttError } from '../../models/stt/stt-error.js';
import { FakeRecognizer } from '../../models/stt/testing/fake-recognizer.js';

const second = new Float32Array(16000);

test('answers from the script in order and records each call', async (t) => {
  const fake = new FakeRecognizer(['hello', { text: 'cut', truncated: true }, (pcm) => `n=${pcm.length}`]);
  t.is((await fake.transcribe(second)).text, 'hello');
  const cut = await fake.transcribe(second);
  t.true(cut.truncated);
  t.is((await fake.transcribe(new Float32Array(8000))).text, 'n=8000');
  t.is(fake.calls.length, 3);
  t.is(cut.audioSeconds, 1);
  t.is(cut.recognizerId, 'fake');
});

test('scripted errors are thrown, so retry logic can be tested with retryable SttErrors', async (t) => {
  const fake = new FakeRecognizer([new SttError('fake', 'backend-unavailable', 'down', { retryable: true }), 'ok']);
  const err = await t.throwsAsync(fake.transcribe(second), { instanceOf: SttError });
  t.true(err?.retryable);
  t.is((await fake.transcribe(second)).text, 'ok');
});

test('an exhausted script rejects unless repeatLast is set', async (t) => {
  const strict = new FakeRecognizer(['once']);
  await strict.transcribe(second);
  await t.throwsAsync(strict.transcribe(second), { message: /script exhausted/ });
  const lenient = new FakeRecognizer(['again'], { repeatLast: true });
  await lenient.transcribe(second);
  t.is((await lenient.transcribe(second)).text, 'again');
  lenient.push('new');
  t.is((await lenient.transcribe(second)).text, 'new');
});

test('validates audio like the real recognizers and honours close', async (t) => {
  const fake = new FakeRecognizer(['x'], { maxAudioSeconds: 2 });
  await t.throwsAsync(fake.transcribe([0] as unknown as Float32Array), { instanceOf: TypeError });
  t.is((await t.throwsAsync(fake.transcribe(new Float32Array(16000 * 3)), { instanceOf: SttError }))?.code, 'invalid-audio');
  await fake.close();
  t.true(fake.closed);
  t.is((await t.throwsAsync(fake.transcribe(second), { instanceOf: SttError }))?.code, 'closed');
  t.throws(() => new FakeRecognizer('nope' as unknown as string[]), { instanceOf: TypeError });
});
