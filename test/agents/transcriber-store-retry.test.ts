// Storing a segment: a transient database error is retried and the segment stored once; a permanent one (here a
// real foreign-key refusal from PostgreSQL) is not retried, and retries that run out are reported, not thrown.
import test from 'ava';
import { SpeakerTranscriber, type TranscriberEvents } from '../../agents/speaker-transcriber.js';
import { TranscriptStore, type NewTranscriptSegment } from '../../engine/transcripts/transcript-store.js';
import { FakeRecognizer } from '../../models/stt/testing/fake-recognizer.js';
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

function transient(): Error {
  return Object.assign(new Error('connection reset by peer'), { code: 'ECONNRESET' });
}

async function transcribe(roomId: string, sink: { append(s: NewTranscriptSegment): Promise<boolean> }, storeAttempts = 5) {
  const { log, lines } = capturingLog();
  const recognizer = new FakeRecognizer(['the quarterly numbers look strong'], { repeatLast: true });
  const transcriber = new SpeakerTranscriber({ roomId, speakerIdentity: 'speaker-1', trackSid: 'TR_1', vad: await sileroVad(), recognizer, sink, log, storeAttempts, storeRetryDelayMs: 10 });
  const failed: TranscriberEvents['utterance_failed'][0][] = [];
  transcriber.on('utterance_failed', (f) => failed.push(f));
  const stored = await transcriber.run(asStream(await spokenFrames(['The quarterly numbers look strong.'])));
  return { stored, failed, lines, calls: recognizer.calls.length };
}

test('a transient database error is retried and the segment is stored exactly once', async (t) => {
  const roomId = await roomRow(db.pool);
  const store = new TranscriptStore(db.pool);
  let tries = 0;
  const sink = {
    append: async (s: NewTranscriptSegment) => {
      tries += 1;
      if (tries <= 2) throw transient();
      return store.append(s);
    },
  };
  const { stored, failed, lines, calls } = await transcribe(roomId, sink);
  t.is(calls, 1, 'the VAD cut one utterance');
  t.is(stored, 1);
  t.is(tries, 3);
  t.deepEqual(failed, []);
  t.deepEqual((await segmentsOf(db.pool, roomId)).map((s) => s.text), ['the quarterly numbers look strong']);
  t.is(lines.filter((l) => l.msg === 'storing segment failed; retrying').length, 2);
});

test('a permanent database refusal is not retried: the utterance is reported failed and run() still resolves', async (t) => {
  const missingRoom = '00000000-0000-4000-8000-000000000000'; // no such room: PostgreSQL refuses the foreign key
  const store = new TranscriptStore(db.pool);
  let tries = 0;
  const sink = { append: (s: NewTranscriptSegment) => ((tries += 1), store.append(s)) };
  const { stored, failed, lines } = await transcribe(missingRoom, sink);
  t.is(stored, 0);
  t.is(tries, 1, 'no retry of a permanent error');
  t.is(failed.length, 1);
  t.is(failed[0]!.stage, 'store');
  t.is((failed[0]!.error as { code?: string }).code, '23503');
  t.true(lines.some((l) => l.level === 50 && l.msg === 'transcript segment could not be stored; it is lost'));
  t.is((await db.pool.query('SELECT count(*)::int AS n FROM transcript_segments WHERE room_id = $1', [missingRoom])).rows[0].n, 0);
});

test('retries that run out are reported as a failed utterance, not thrown', async (t) => {
  const roomId = await roomRow(db.pool);
  let tries = 0;
  const sink = {
    append: async () => {
      tries += 1;
      throw transient();
    },
  };
  const { stored, failed } = await transcribe(roomId, sink, 3);
  t.is(stored, 0);
  t.is(tries, 3);
  t.is(failed.length, 1);
  t.is(failed[0]!.stage, 'store');
  t.deepEqual(await segmentsOf(db.pool, roomId), []);
});
