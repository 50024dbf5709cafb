// Chunked transcription through the real Silero VAD and the real transcript store, with a scripted recognizer: an
// utterance with a short pause inside is transcribed in pieces while it is spoken, yet stored as ONE segment with
// the pieces' texts in order; the pieces together are the utterance's audio; a piece that fails loses only its
// utterance. Whole-utterance mode (chunking off) is the comparison.
import test from 'ava';
import { SpeakerTranscriber, type TranscriberEvents } from '../../agents/speaker-transcriber.js';
import { DEFAULT_CHUNKING } from '../../agents/utterance-chunker.js';
import type { Database } from '../../db/database.js';
import { TranscriptStore } from '../../engine/transcripts/transcript-store.js';
import { FakeRecognizer } from '../../models/stt/testing/fake-recognizer.js';
import { createTestDatabase } from '../support/database.js';
import { asStream, capturingLog, roomRow, segmentsOf, sileroVad, spokenFrames, withTimeout } from './_transcriber.js';

let db: Database;
test.before(async () => {
  db = await createTestDatabase('postgres');
});
test.after.always(async () => {
  await db?.close();
});

// Two sentences back to back: flite's own trailing and leading silence make a pause of ~0.4 s between them, shorter
// than the VAD's closing silence (600 ms), so ONE utterance, but a pause the chunker cuts in. Each sentence is well over minChunkMs of flite speech.
const FIRST = 'We reviewed the hiring plan for the platform team this morning.';
const SECOND = 'Next week we will interview three senior engineers.';

async function utteranceWithPause(): Promise<Awaited<ReturnType<typeof spokenFrames>>> {
  return [...(await spokenFrames([FIRST], 0)), ...(await spokenFrames([SECOND], 1.5))];
}

async function transcribe(chunking: boolean, recognizer: FakeRecognizer, frames: Awaited<ReturnType<typeof spokenFrames>>) {
  const roomId = await roomRow(db.pool);
  const { log, lines } = capturingLog();
  const transcriber = new SpeakerTranscriber({
    roomId,
    speakerIdentity: 'speaker-1',
    trackSid: 'TR_1',
    vad: await sileroVad(),
    recognizer,
    sink: new TranscriptStore(db.pool),
    log,
    chunking: chunking && DEFAULT_CHUNKING,
  });
  const failed: TranscriberEvents['utterance_failed'][0][] = [];
  transcriber.on('utterance_failed', (f) => failed.push(f));
  const stored = await withTimeout(transcriber.run(asStream(frames)), 60_000, 'run() did not resolve');
  return { roomId, stored, failed, lines };
}

test('an utterance with a short pause is transcribed in pieces and stored as one segment, texts in order', async (t) => {
  const frames = await utteranceWithPause();
  const whole = new FakeRecognizer(['whole'], { repeatLast: true });
  const baseline = await transcribe(false, whole, frames);
  t.is(whole.calls.length, 1, 'chunking off: the utterance is decoded once, whole');
  t.is(baseline.stored, 1);

  let n = 0;
  const chunked = new FakeRecognizer([() => `piece ${++n}`], { repeatLast: true });
  const { roomId, stored, lines } = await transcribe(true, chunked, frames);
  t.is(stored, 1, 'one segment per utterance, as without chunking');
  t.true(chunked.calls.length >= 2, `pieces decoded: ${chunked.calls.length}`);
  const texts = (await segmentsOf(db.pool, roomId)).map((s) => s.text);
  t.deepEqual(texts, [Array.from({ length: chunked.calls.length }, (_, i) => `piece ${i + 1}`).join(' ')]);
  // The pieces cover the utterance the VAD cut (the same audio the whole decode got), give or take the tail of
  // closing silence that is not decoded when the last cut fell into it.
  const chunkedSamples = chunked.calls.reduce((s, c) => s + c.length, 0);
  const wholeSamples = whole.calls[0]!.length;
  t.true(chunkedSamples <= wholeSamples && chunkedSamples > wholeSamples - 16_000, `${chunkedSamples} of ${wholeSamples} samples`);
  // The first piece ends inside the pause: it holds the first clause and not the second.
  t.true(chunked.calls[0]!.length / 16_000 > 2 && chunked.calls[0]!.length < wholeSamples * 0.75);
  t.true(lines.some((l) => l.msg === 'utterance transcribed in pieces'));
});

test('a failing piece loses only its utterance, reported as a transcription failure; the next one is stored', async (t) => {
  const frames = [...(await utteranceWithPause()), ...(await spokenFrames(['Thanks everyone.'], 1.5))];
  let call = 0;
  const recognizer = new FakeRecognizer(
    [
      () => {
        call += 1;
        if (call === 1) throw new Error('onnxruntime: session failed');
        return 'thanks everyone';
      },
    ],
    { repeatLast: true },
  );
  const { roomId, stored, failed } = await transcribe(true, recognizer, frames);
  t.is(stored, 1);
  t.is(failed.length, 1);
  t.is(failed[0]!.stage, 'transcribe');
  t.is(failed[0]!.error.message, 'onnxruntime: session failed');
  t.deepEqual((await segmentsOf(db.pool, roomId)).map((s) => s.text), ['thanks everyone']);
});

test('a short utterance without a pause inside is decoded once, as without chunking', async (t) => {
  const recognizer = new FakeRecognizer(['thanks everyone'], { repeatLast: true });
  const { roomId, stored } = await transcribe(true, recognizer, await spokenFrames(['Thanks everyone.'], 1.5));
  t.is(stored, 1);
  t.is(recognizer.calls.length, 1);
  t.deepEqual((await segmentsOf(db.pool, roomId)).map((s) => s.text), ['thanks everyone']);
});
