// The real Moonshine base-en model on the real JFK clip: no mocks. The model comes from the real cache
// (config.dirs.models), fetched from PyPI first if it is not there yet.
import test from 'ava';
import path from 'node:path';
import { loadConfig } from '../../core/config.js';
import { readAudioFile16kMono } from '../../models/audio/read-audio-file.js';
import { ensureModel } from '../../models/fetch.js';
import { MoonshineRecognizer } from '../../models/stt/moonshine/moonshine-recognizer.js';
import { SttError } from '../../models/stt/stt-error.js';
import { wordErrorRate } from '../../models/stt/wer.js';
import { defaultSpeechEvalDir } from '../../bench/lib/speech-eval-set.js';

// Measured: 0 errors in 22 words (bench/stt.ts). Two words of slack (9.1%) absorbs numeric drift between ORT
// builds; a broken decode loop or tokenizer lands far above it (wrong KV wiring gives repeated or empty output).
const JFK_MAX_WER = 0.1;
const JFK_REFERENCE = 'And so my fellow Americans ask not what your country can do for you ask what you can do for your country';

let recognizer: MoonshineRecognizer;
let jfk: Float32Array;

test.before(async () => {
  const config = loadConfig();
  const { files } = await ensureModel('moonshine-base-en', { modelsDir: config.dirs.models });
  recognizer = await MoonshineRecognizer.load(
    { encoderPath: files['encoder_model.ort']!, decoderPath: files['decoder_model_merged.ort']!, tokenizerPath: files['tokenizer.bin']! },
    { threads: config.stt.ortThreads },
  );
  jfk = await readAudioFile16kMono(path.join(defaultSpeechEvalDir(), 'jfk', 'jfk.wav'));
});

test.after.always(async () => {
  await recognizer?.close();
});

test.serial('transcribes the JFK clip within the measured word error rate', async (t) => {
  const r = await recognizer.transcribe(jfk);
  const { wer } = wordErrorRate(JFK_REFERENCE, r.text);
  t.log(`"${r.text}" WER ${(wer * 100).toFixed(1)}% in ${Math.round(r.processingMs)} ms`);
  t.true(wer <= JFK_MAX_WER, `WER ${wer} above ${JFK_MAX_WER}: "${r.text}"`);
  t.false(r.truncated);
  t.is(r.audioSeconds, 11);
  t.is(r.language, 'en');
  t.is(r.recognizerId, 'moonshine-base-en');
});

test.serial('silence shorter than 0.1 s yields empty text without running the model', async (t) => {
  const r = await recognizer.transcribe(new Float32Array(800));
  t.is(r.text, '');
  t.false(r.truncated);
});

test.serial('a tight token budget stops early and says the text is truncated', async (t) => {
  const config = loadConfig();
  const { files } = await ensureModel('moonshine-base-en', { modelsDir: config.dirs.models });
  const tight = await MoonshineRecognizer.load(
    { encoderPath: files['encoder_model.ort']!, decoderPath: files['decoder_model_merged.ort']!, tokenizerPath: files['tokenizer.bin']! },
    { tokensPerSecond: 0.5 },
  );
  t.teardown(() => tight.close());
  const r = await tight.transcribe(jfk);
  t.true(r.truncated);
  t.true(r.text.length > 0 && r.text.length < JFK_REFERENCE.length / 2, r.text);
});

test.serial('an aborted signal rejects with a non-retryable SttError', async (t) => {
  const ac = new AbortController();
  ac.abort();
  const err = await t.throwsAsync(recognizer.transcribe(jfk, { signal: ac.signal }), { instanceOf: SttError });
  t.is(err?.code, 'aborted');
  t.false(err?.retryable);
});

test.serial('audio longer than the model takes is refused before inference', async (t) => {
  const err = t.throws(() => recognizer.transcribe(new Float32Array(16000 * 65)), { instanceOf: SttError });
  t.is(err?.code, 'invalid-audio');
  t.regex(err?.message ?? '', /65\.0 s/);
});

test.serial('non-Float32Array audio is a TypeError', (t) => {
  t.throws(() => recognizer.transcribe(Array.from(jfk) as unknown as Float32Array), { instanceOf: TypeError, message: /pcm16k/ });
});

test.serial('load rejects bad arguments', async (t) => {
  await t.throwsAsync(MoonshineRecognizer.load({ encoderPath: '', decoderPath: 'x', tokenizerPath: 'y' }), { instanceOf: TypeError, message: /encoderPath/ });
  await t.throwsAsync(MoonshineRecognizer.load({ encoderPath: 'a', decoderPath: 'b', tokenizerPath: 'c' }, { threads: 0 }), {
    instanceOf: TypeError,
    message: /threads/,
  });
});

test.serial('after close, transcribe rejects with code closed', async (t) => {
  const config = loadConfig();
  const { files } = await ensureModel('moonshine-base-en', { modelsDir: config.dirs.models });
  const r = await MoonshineRecognizer.load({
    encoderPath: files['encoder_model.ort']!,
    decoderPath: files['decoder_model_merged.ort']!,
    tokenizerPath: files['tokenizer.bin']!,
  });
  await r.close();
  const err = await t.throwsAsync(r.transcribe(jfk), { instanceOf: SttError });
  t.is(err?.code, 'closed');
});
