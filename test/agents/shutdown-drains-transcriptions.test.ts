// The job shuts down while an utterance is still being recognised: its segment is stored before the database pool
// closes. The shutdown callbacks run the way @livekit/agents runs them (all at once, Promise.allSettled), against
// the real PostgreSQL; the recognizer is scripted so the test controls when recognition finishes.
import test from 'ava';
import { InFlight, registerDrainThenClose } from '../../agents/job-shutdown.js';
import { SpeakerTranscriber } from '../../agents/speaker-transcriber.js';
import { connectPostgres, type Database } from '../../db/database.js';
import { TranscriptStore } from '../../engine/transcripts/transcript-store.js';
import { FakeRecognizer } from '../../models/stt/testing/fake-recognizer.js';
import { createTestDatabase, quietLog, TEST_CONNECT_TIMEOUT_MS } from '../support/database.js';
import { asStream, capturingLog, roomRow, segmentsOf, sileroVad, spokenFrames } from './_transcriber.js';

let db: Database;
test.before(async () => {
  db = await createTestDatabase('postgres');
});
test.after.always(async () => {
  await db?.close();
});

/** What @livekit/agents' runShutdownCallbacks does with the callbacks a job registered. */
async function runShutdownCallbacks(callbacks: (() => Promise<void>)[]): Promise<void> {
  await Promise.allSettled(callbacks.map((cb) => Promise.resolve().then(() => cb())));
}

test('shutdown while a transcription is in flight still stores the segment, then closes the pool', async (t) => {
  const roomId = await roomRow(db.pool);
  const agentDb = await connectPostgres(db.url, quietLog, TEST_CONNECT_TIMEOUT_MS); // the job's own pool, as the agent opens it
  const callbacks: (() => Promise<void>)[] = [];
  const inFlight = new InFlight();
  registerDrainThenClose({ addShutdownCallback: (cb) => callbacks.push(cb) }, inFlight, () => agentDb.close(), { log: quietLog });

  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let recognising!: () => void;
  const started = new Promise<void>((r) => (recognising = r));
  const recognizer = new FakeRecognizer([
    async () => {
      recognising();
      await released;
      return 'that is my final point';
    },
  ]);
  const { log } = capturingLog();
  const transcriber = new SpeakerTranscriber({ roomId, speakerIdentity: 'speaker-1', trackSid: 'TR_1', vad: await sileroVad(), recognizer, sink: new TranscriptStore(agentDb.pool), log });
  const run = inFlight.track(transcriber.run(asStream(await spokenFrames(['That is my final point.']))));

  await started; // the room is gone and the last utterance is with the recognizer
  const shutdown = runShutdownCallbacks(callbacks);
  await new Promise((r) => setTimeout(r, 200)); // shutdown is under way while recognition is still running
  release();
  await shutdown;

  t.is(await run, 1);
  t.deepEqual((await segmentsOf(db.pool, roomId)).map((s) => s.text), ['that is my final point']);
  await t.throwsAsync(agentDb.pool.query('SELECT 1'), undefined, 'the job pool was closed after the drain');
});

test('a drain that times out still closes the pool and says so', async (t) => {
  const agentDb = await connectPostgres(db.url, quietLog, TEST_CONNECT_TIMEOUT_MS);
  const { log, lines } = capturingLog();
  const callbacks: (() => Promise<void>)[] = [];
  const inFlight = new InFlight();
  registerDrainThenClose({ addShutdownCallback: (cb) => callbacks.push(cb) }, inFlight, () => agentDb.close(), { log, drainTimeoutMs: 100 });
  void inFlight.track(new Promise(() => undefined)); // a recognizer that never answers
  await runShutdownCallbacks(callbacks);
  t.true(lines.some((l) => l.level === 50 && /drain timeout/.test(l.msg)));
  await t.throwsAsync(agentDb.pool.query('SELECT 1'));
});

test('InFlight.drain waits for work started while draining', async (t) => {
  const inFlight = new InFlight();
  let second: Promise<void> | undefined;
  let secondDone = false;
  void inFlight.track(
    new Promise<void>((resolve) =>
      setTimeout(() => {
        second = inFlight.track(new Promise<void>((r) => setTimeout(() => ((secondDone = true), r()), 50)));
        resolve();
      }, 20),
    ),
  );
  t.true(await inFlight.drain(5000));
  t.truthy(second);
  t.true(secondDone);
  t.throws(() => inFlight.track('nope' as never), { instanceOf: TypeError });
  await t.throwsAsync(inFlight.drain(-1), { instanceOf: TypeError });
});
