// Chunked transcription on the real models (Silero VAD + Moonshine): an utterance cut into pieces at its pauses
// while it is spoken gets the words of the spoken sentences (the reference flite read), no worse than decoding it
// whole — at most one word more wrong. The WER figures on the real speech set are bench/stt-chunking.ts's.
import test from 'ava';
import { SpeakerTranscriber } from '../../agents/speaker-transcriber.js';
import { DEFAULT_CHUNKING } from '../../agents/utterance-chunker.js';
import { loadConfig } from '../../core/config.js';
import { ensureModel } from '../../models/fetch.js';
import { createRecognizer } from '../../models/stt/create-recognizer.js';
import type { SpeechRecognizer } from '../../models/stt/speech-recognizer.js';
import { wordErrorRate } from '../../models/stt/wer.js';
import { asStream, capturingLog, sileroVad, spokenFrames, withTimeout } from './_transcriber.js';

const SENTENCES = [
  'We reviewed the hiring plan for the platform team this morning.',
  'Next week we will interview three senior engineers for the data group.',
];

async function transcribe(recognizer: SpeechRecognizer, chunked: boolean): Promise<{ texts: string[]; calls: number }> {
  let calls = 0;
  const counting: SpeechRecognizer = { id: recognizer.id, capabilities: recognizer.capabilities, close: async () => undefined, transcribe: (pcm, o) => (calls++, recognizer.transcribe(pcm, o)) };
  const texts: string[] = [];
  const transcriber = new SpeakerTranscriber({
    roomId: 'room',
    speakerIdentity: 'speaker-1',
    trackSid: 'TR_1',
    vad: await sileroVad(),
    recognizer: counting,
    sink: { append: async (s) => (texts.push(s.text), true) },
    log: capturingLog().log,
    chunking: chunked && DEFAULT_CHUNKING,
  });
  // Back to back: flite's own silences make a ~0.4 s pause between the sentences, one utterance for the VAD.
  const frames = [...(await spokenFrames([SENTENCES[0]!], 0)), ...(await spokenFrames([SENTENCES[1]!], 1.5))];
  await withTimeout(transcriber.run(asStream(frames)), 180_000, 'run() did not resolve');
  return { texts, calls };
}

test('an utterance transcribed in pieces gets the spoken words, no worse than whole', async (t) => {
  t.timeout(8 * 60_000, 'model load and two passes on a loaded 2-core machine');
  const config = loadConfig();
  await ensureModel('moonshine-base-en', { modelsDir: config.dirs.models });
  const recognizer = await createRecognizer(config);
  t.teardown(() => recognizer.close());
  const reference = SENTENCES.join(' ');

  const whole = await transcribe(recognizer, false);
  const chunked = await transcribe(recognizer, true);
  t.is(whole.texts.length, 1, 'one utterance');
  t.is(chunked.texts.length, 1, 'still one segment with chunking');
  t.true(chunked.calls >= 2, `decoded in pieces (${chunked.calls} calls)`);
  const wholeErr = wordErrorRate(reference, whole.texts[0]!);
  const chunkedErr = wordErrorRate(reference, chunked.texts[0]!);
  const errors = (c: typeof wholeErr) => c.substitutions + c.deletions + c.insertions;
  t.log(`whole:   ${whole.texts[0]} (${errors(wholeErr)} errors)`);
  t.log(`chunked: ${chunked.texts[0]} (${errors(chunkedErr)} errors)`);
  t.true(errors(chunkedErr) <= errors(wholeErr) + 1, 'at most one word more wrong than whole-utterance decoding');
  t.true(chunkedErr.wer <= 0.15, `chunked WER ${chunkedErr.wer} against what was spoken`);
});

// flite reads this sentence without a pause a cut could use (8 s): only the forced cut splits it, inside a word, and
// the next piece starts 1 s before that cut. The stored text must hold the overlap's words once, not twice.
const NO_PAUSE = 'We are discussing hiring plans, interview loops and how to onboard senior engineers into remote teams.';

test('a sentence without a pause is cut with overlap; the stored text has the shared words once', async (t) => {
  t.timeout(8 * 60_000, 'model load and two passes on a loaded 2-core machine');
  const config = loadConfig();
  await ensureModel('moonshine-base-en', { modelsDir: config.dirs.models });
  const recognizer = await createRecognizer(config);
  t.teardown(() => recognizer.close());
  const run = async (chunking: typeof DEFAULT_CHUNKING | false) => {
    const decoded: number[] = [];
    const texts: string[] = [];
    const transcriber = new SpeakerTranscriber({
      roomId: 'room',
      speakerIdentity: 'speaker-1',
      trackSid: 'TR_1',
      vad: await sileroVad(),
      recognizer: { id: recognizer.id, capabilities: recognizer.capabilities, close: async () => undefined, transcribe: (pcm, o) => (decoded.push(pcm.length), recognizer.transcribe(pcm, o)) },
      sink: { append: async (s) => (texts.push(s.text), true) },
      log: capturingLog().log,
      chunking,
    });
    await withTimeout(transcriber.run(asStream(await spokenFrames([NO_PAUSE], 1.5))), 180_000, 'run() did not resolve');
    return { texts, decoded };
  };
  const whole = await run(false);
  const chunked = await run({ ...DEFAULT_CHUNKING, maxChunkMs: 5000, overlapMs: 1000 });
  t.is(chunked.texts.length, 1, 'one segment');
  t.true(chunked.decoded.length >= 2, `decoded in pieces (${chunked.decoded.length})`);
  const sum = chunked.decoded.reduce((a, b) => a + b, 0);
  // Without overlap the pieces add up to at most the utterance; with it, ~1 s more (less closing silence not decoded).
  t.true(sum >= whole.decoded[0]! + 8000, `the pieces overlap: ${sum} samples decoded for an utterance of ${whole.decoded[0]}`);
  const words = (s: string) => s.toLowerCase().replace(/[^a-z' ]/g, ' ').split(/\s+/).filter(Boolean);
  const bigrams = (w: string[]) => w.slice(1).map((x, i) => `${w[i]} ${x}`);
  const said = new Set(bigrams(words(NO_PAUSE)));
  const heard = bigrams(words(chunked.texts[0]!)).filter((b) => said.has(b));
  t.is(new Set(heard).size, heard.length, `no spoken word pair twice: ${chunked.texts[0]}`);
  const err = wordErrorRate(NO_PAUSE, chunked.texts[0]!);
  t.log(`whole:   ${whole.texts[0]}`);
  t.log(`chunked: ${chunked.texts[0]} (WER ${err.wer.toFixed(3)})`);
  t.true(err.wer <= 0.25, `WER ${err.wer} against what was spoken`);
});
