// The recognizer fails or hears nothing: the utterance is reported ('utterance_failed' / 'empty') and logged, no
// 'error' is emitted that nobody listens to, and the speaker's other utterances are still stored.
import test from 'ava';
import { SpeakerTranscriber, type TranscriberEvents, type Utterance } from '../../agents/speaker-transcriber.js';
import { TranscriptStore } from '../../engine/transcripts/transcript-store.js';
import { FakeRecognizer, type FakeResponse } from '../../models/stt/testing/fake-recognizer.js';
import { createTestDatabase } from '../support/database.js';
import type { Database } from '../../db/database.js';
import { asStream, capturingLog, roomRow, segmentsOf, sileroVad, spokenFrames } from './_transcriber.js';

let db: Database;
test.before(async () => {
  db = await createTestDatabase('postgres');
});
test.after.always(async () => {
  await db?.close();
});

const SENTENCES = ['Good morning everyone.', 'Let us review the hiring plan.'];

async function run(first: FakeResponse) {
  const roomId = await roomRow(db.pool);
  const { log, lines } = capturingLog();
  const recognizer = new FakeRecognizer([first, 'let us review the hiring plan'], { repeatLast: true });
  const transcriber = new SpeakerTranscriber({ roomId, speakerIdentity: 'speaker-1', trackSid: 'TR_1', vad: await sileroVad(), recognizer, sink: new TranscriptStore(db.pool), log });
  const failed: TranscriberEvents['utterance_failed'][0][] = [];
  const empty: Utterance[] = [];
  transcriber.on('utterance_failed', (f) => failed.push(f));
  transcriber.on('empty', (u) => empty.push(u));
  // No 'error' listener on purpose: the agent registers none.
  const stored = await transcriber.run(asStream(await spokenFrames(SENTENCES)));
  return { roomId, stored, failed, empty, lines, calls: recognizer.calls.length };
}

test('a recognizer failure loses only that utterance: run() resolves and the next utterance is stored', async (t) => {
  const { roomId, stored, failed, empty, lines, calls } = await run(new Error('onnxruntime: session failed'));
  t.is(calls, 2, 'the VAD cut two utterances');
  t.is(stored, 1);
  t.is(failed.length, 1);
  t.is(failed[0]!.stage, 'transcribe');
  t.is(failed[0]!.error.message, 'onnxruntime: session failed');
  t.deepEqual(empty, []);
  t.true(lines.some((l) => l.level === 50 && l.msg === 'utterance could not be transcribed; it is lost'));
  t.deepEqual((await segmentsOf(db.pool, roomId)).map((s) => s.text), ['let us review the hiring plan']);
});

test('empty recognizer output is logged and reported, nothing is stored for it', async (t) => {
  const { roomId, stored, failed, empty, lines, calls } = await run('   ');
  t.is(calls, 2);
  t.is(stored, 1);
  t.deepEqual(failed, []);
  t.is(empty.length, 1);
  t.true(empty[0]!.endedAt > empty[0]!.startedAt);
  const logged = lines.filter((l) => l.msg === 'recognizer heard no words in an utterance; nothing stored');
  t.is(logged.length, 1);
  t.is(logged[0]!.speaker, 'speaker-1');
  t.deepEqual((await segmentsOf(db.pool, roomId)).map((s) => s.text), ['let us review the hiring plan']);
});

test('a listener that throws does not break the transcription', async (t) => {
  const roomId = await roomRow(db.pool);
  const { log } = capturingLog();
  const recognizer = new FakeRecognizer(['good morning everyone'], { repeatLast: true });
  const transcriber = new SpeakerTranscriber({ roomId, speakerIdentity: 'speaker-1', trackSid: 'TR_1', vad: await sileroVad(), recognizer, sink: new TranscriptStore(db.pool), log });
  transcriber.on('segment', () => {
    throw new Error('listener bug');
  });
  t.is(await transcriber.run(asStream(await spokenFrames(['Good morning everyone.']))), 1);
  t.is((await segmentsOf(db.pool, roomId)).length, 1);
});

test('bad options are refused with TypeError', (t) => {
  const base = { roomId: 'r', speakerIdentity: 's', trackSid: 't', vad: {} as never, recognizer: new FakeRecognizer(), sink: { append: async () => true }, log: capturingLog().log };
  t.throws(() => new SpeakerTranscriber({ ...base, storeAttempts: 0 }), { instanceOf: TypeError, message: /storeAttempts/ });
  t.throws(() => new SpeakerTranscriber({ ...base, storeRetryDelayMs: -1 }), { instanceOf: TypeError, message: /storeRetryDelayMs/ });
  t.throws(() => new SpeakerTranscriber({ ...base, sink: {} as never }), { instanceOf: TypeError, message: /sink/ });
});
