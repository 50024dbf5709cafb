// The track ends while the speaker is still talking (they left, the room closed): the utterance in progress is still
// cut, recognised and stored, and run() resolves, so the job's shutdown drain does not wait forever.
import test from 'ava';
import { SpeakerTranscriber } from '../../agents/speaker-transcriber.js';
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

test('audio that ends mid-utterance: the last utterance is stored and run() resolves', async (t) => {
  const roomId = await roomRow(db.pool);
  const { log } = capturingLog();
  const recognizer = new FakeRecognizer(['and that is why we are hiring'], { repeatLast: true });
  const transcriber = new SpeakerTranscriber({ roomId, speakerIdentity: 'speaker-1', trackSid: 'TR_1', vad: await sileroVad(), recognizer, sink: new TranscriptStore(db.pool), log });
  const frames = await spokenFrames(['And that is why we are hiring.'], 0); // no silence after the words
  const stored = await withTimeout(transcriber.run(asStream(frames)), 20_000, 'run() did not resolve after the audio ended');
  t.is(stored, 1);
  t.is(recognizer.calls.length, 1);
  t.deepEqual((await segmentsOf(db.pool, roomId)).map((s) => s.text), ['and that is why we are hiring']);
});

test('audio that ends in silence: run() resolves with nothing to store', async (t) => {
  const roomId = await roomRow(db.pool);
  const { log } = capturingLog();
  const recognizer = new FakeRecognizer([]);
  const transcriber = new SpeakerTranscriber({ roomId, speakerIdentity: 'speaker-1', trackSid: 'TR_1', vad: await sileroVad(), recognizer, sink: new TranscriptStore(db.pool), log });
  const silence = (await spokenFrames(['Hello.'])).slice(-50); // the last second: silence only
  t.is(await withTimeout(transcriber.run(asStream(silence)), 20_000, 'run() did not resolve'), 0);
  t.is(recognizer.calls.length, 0);
});
