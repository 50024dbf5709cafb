// The batcher with the stt-runner's settings on the real Moonshine model (the default, converted ONNX path) and
// the real speech eval set: every clip's words from a shared batch equal its words transcribed alone. The model has
// no attention mask, so padding can move punctuation (measured: one clip ended in ',' instead of '.'); the words,
// which is what WER and the harm classifier see, must not change.
import test from 'ava';
import { STT_BATCH, SttBatcher } from '../../agents/inference/stt-batcher.js';
import { loadConfig } from '../../core/config.js';
import { readAudioFile16kMono } from '../../models/audio/read-audio-file.js';
import { ensureModel } from '../../models/fetch.js';
import { createRecognizer } from '../../models/stt/create-recognizer.js';
import { MoonshineRecognizer } from '../../models/stt/moonshine/moonshine-recognizer.js';
import type { TranscriptionResult } from '../../models/stt/speech-recognizer.js';
import { normalizeTranscript } from '../../models/stt/wer.js';
import { loadSpeechEvalSet } from '../../bench/lib/speech-eval-set.js';

test('segments from several rooms batched together get the same words as each alone', async (t) => {
  t.timeout(10 * 60_000, 'two passes over the eval set on a loaded 2-core machine');
  const config = loadConfig();
  await ensureModel('moonshine-base-en', { modelsDir: config.dirs.models });
  const recognizer = await createRecognizer(config);
  t.teardown(() => recognizer.close());
  if (!(recognizer instanceof MoonshineRecognizer)) return t.fail('the default recognizer is not the local Moonshine one');
  const items = await loadSpeechEvalSet();
  const audio = await Promise.all(items.map((i) => readAudioFile16kMono(i.audioPath)));

  const alone: string[] = [];
  for (const pcm of audio) alone.push((await recognizer.transcribe(pcm)).text);

  const batcher = new SttBatcher<Float32Array, TranscriptionResult>({
    ...STT_BATCH,
    maxWaiting: 64,
    sizeOf: (pcm) => pcm.length,
    runBatch: (pcms) => recognizer.transcribeBatch(pcms),
  });
  const batched = await Promise.all(audio.map((pcm) => batcher.submit(pcm)));
  t.log(`batch sizes ${batcher.batchSizes.join(', ')}`);
  t.true(batcher.batchSizes.some((n) => n > 1), 'some clips really shared a run');
  for (const [i, item] of items.entries()) {
    if (batched[i]!.text !== alone[i]) t.log(`${item.id}: "${batched[i]!.text}" batched, "${alone[i]}" alone`);
    t.deepEqual(normalizeTranscript(batched[i]!.text), normalizeTranscript(alone[i]!), item.id);
    t.is(batched[i]!.audioSeconds, audio[i]!.length / 16_000);
    t.false(batched[i]!.truncated);
  }
});

test('a batch mixing a too-short segment with speech answers both in order', async (t) => {
  t.timeout(5 * 60_000);
  const config = loadConfig();
  const recognizer = await createRecognizer(config);
  t.teardown(() => recognizer.close());
  if (!(recognizer instanceof MoonshineRecognizer)) return t.fail('the default recognizer is not the local Moonshine one');
  const [jfk] = await loadSpeechEvalSet().then((items) => items.filter((i) => i.id === 'jfk/jfk'));
  const pcm = await readAudioFile16kMono(jfk!.audioPath);
  const [silence, speech] = await recognizer.transcribeBatch([new Float32Array(800), pcm]);
  t.is(silence!.text, '');
  t.is(speech!.text, (await recognizer.transcribe(pcm)).text);
});
