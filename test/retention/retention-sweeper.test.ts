import test from 'ava';
import { pino } from 'pino';
import type { Queryable } from '../../db/queryable.js';
import { EvidenceStore } from '../../engine/evidence/evidence-store.js';
import { RetentionSweeper } from '../../engine/retention/retention-sweeper.js';
import { BACKENDS, createTestDatabase, quietLog } from '../support/database.js';
import { addMember, addRoom, addSegment, count, DAY } from '../evidence/_fixtures.js';

const T0 = new Date('2026-11-01T10:00:00Z');
const at = (days: number) => new Date(T0.getTime() + days * DAY);

for (const kind of BACKENDS) {
  test(`${kind}: expired clips and old unflagged segments go, in batches, once; held evidence and its segments stay`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const speaker = await addMember(db.pool);
    const room = await addRoom(db.pool, speaker);
    let now = T0;
    const evidence = new EvidenceStore(db.pool, { now: () => now });
    const clipFor = async (segmentId: string) =>
      (await evidence.save({ segmentId, roomId: room, speakerIdentity: speaker, mediaType: 'audio/flac', audio: Buffer.from('fLaC'), durationMs: 1000, leadMs: 0 })).id;

    // Spoken on day 0: 7 plain, 2 classified but not flagged, 1 flagged without a clip, 3 flagged with clips.
    const plain = [];
    for (let i = 0; i < 7; i++) plain.push(await addSegment(db.pool, { roomId: room, speaker, text: `small talk ${i}`, startedAt: at(0) }));
    for (let i = 0; i < 2; i++) plain.push(await addSegment(db.pool, { roomId: room, speaker, text: `fine ${i}`, startedAt: at(0), categories: [] }));
    const flaggedNoClip = await addSegment(db.pool, { roomId: room, speaker, text: 'insult', startedAt: at(0), categories: ['insult'] });
    const flagged = [];
    for (let i = 0; i < 3; i++) flagged.push(await addSegment(db.pool, { roomId: room, speaker, text: `threat ${i}`, startedAt: at(0), categories: ['threat'] }));
    for (const s of flagged) await clipFor(s);
    // A recent segment, spoken on day 25.
    const recent = await addSegment(db.pool, { roomId: room, speaker, text: 'recent', startedAt: at(25) });

    const sweeper = new RetentionSweeper(db.pool, { log: quietLog, batchSize: 2, now: () => now });
    // Day 29: nothing is old enough.
    now = at(29);
    t.deepEqual(await sweeper.sweepOnce(), { evidenceClips: 0, transcriptSegments: 0 });

    // An open case holds the first flagged segment's evidence (90 days).
    now = at(10);
    t.is(await evidence.extendForSegments([flagged[0]!]), 1);

    // Day 31: clips retained until day 30 go; the plain segments go (in batches of 2); flagged ones stay for now.
    now = at(31);
    t.deepEqual(await sweeper.sweepOnce(), { evidenceClips: 2, transcriptSegments: 9 });
    t.deepEqual(await sweeper.sweepOnce(), { evidenceClips: 0, transcriptSegments: 0 }, 'a second run deletes nothing');
    const left = async () => (await db.pool.query<{ id: string }>('SELECT id FROM transcript_segments ORDER BY id')).rows.map((r) => String(r.id));
    t.deepEqual(await left(), [flaggedNoClip, ...flagged, recent]);
    t.deepEqual((await evidence.metadataForSegments(flagged)).map((m) => m.segmentId), [flagged[0]]);
    t.is(await count(db.pool, 'segment_classifications'), 4, 'the unflagged classifications went with their segments');

    // Day 91: flagged segments whose clip is gone go (and the day-25 segment, now 66 days old); the one held by a
    // case until day 100 stays with its clip.
    now = at(91);
    t.deepEqual(await sweeper.sweepOnce(), { evidenceClips: 0, transcriptSegments: 4 });
    t.deepEqual(await left(), [flagged[0]]);
    // Day 101: the hold has run out: clip and segment go together.
    now = at(101);
    t.deepEqual(await sweeper.sweepOnce(), { evidenceClips: 1, transcriptSegments: 1 });
    t.is(await count(db.pool, 'transcript_segments'), 0);
    t.is(await count(db.pool, 'evidence_clips'), 0);
  });
}

test('start() sweeps continuously; stop() waits for the pass in flight and no pass starts after it', async (t) => {
  const db = await createTestDatabase('embedded');
  t.teardown(() => db.close());
  const speaker = await addMember(db.pool);
  const room = await addRoom(db.pool, speaker);
  let now = T0;
  const sweeper = new RetentionSweeper(db.pool, { log: quietLog, intervalMs: 20, now: () => now });
  sweeper.start();
  sweeper.start(); // idempotent
  await addSegment(db.pool, { roomId: room, speaker, text: 'old', startedAt: at(-40) });
  await waitFor(async () => (await count(db.pool, 'transcript_segments')) === 0);
  await addSegment(db.pool, { roomId: room, speaker, text: 'later', startedAt: at(-10) });
  now = at(25);
  await waitFor(async () => (await count(db.pool, 'transcript_segments')) === 0);
  await sweeper.stop();
  await addSegment(db.pool, { roomId: room, speaker, text: 'after stop', startedAt: at(-100) });
  await new Promise((r) => setTimeout(r, 100));
  t.is(await count(db.pool, 'transcript_segments'), 1, 'no pass after stop()');
});

test('a failing pass is logged and retried next interval, never an unhandled rejection; stop() waits for the pass in flight', async (t) => {
  const warnings: unknown[] = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
  let calls = 0;
  let release: (() => void) | undefined;
  const fake: Queryable = {
    query: (async () => {
      calls++;
      if (calls <= 2) throw new Error(`database down (${calls})`);
      if (calls === 3) await new Promise<void>((r) => (release = r));
      return { rowCount: 0, rows: [] };
    }) as unknown as Queryable['query'],
  };
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  t.teardown(() => process.off('unhandledRejection', onUnhandled));

  const sweeper = new RetentionSweeper(fake, { log, intervalMs: 10 });
  sweeper.start();
  await waitFor(async () => release !== undefined);
  t.is(warnings.length, 2, 'each failure logged once');
  t.regex(JSON.stringify(warnings[0]), /database down \(1\)/);

  let stopped = false;
  const stopping = sweeper.stop().then(() => (stopped = true));
  await new Promise((r) => setTimeout(r, 50));
  t.false(stopped, 'stop() waits for the pass in flight');
  release!();
  await stopping;
  const after = calls;
  await new Promise((r) => setTimeout(r, 60));
  t.is(calls, after, 'nothing runs after stop()');
  t.is(after, 3, 'the pass in flight stopped between statements instead of going on to the transcripts');
  t.deepEqual(unhandled, []);
});

test('bad options are TypeErrors', (t) => {
  const fake = { query: async () => ({ rowCount: 0, rows: [] }) } as unknown as Queryable;
  t.throws(() => new RetentionSweeper(fake, { log: quietLog, intervalMs: 0 }), { instanceOf: TypeError, message: /intervalMs/ });
  t.throws(() => new RetentionSweeper(fake, { log: quietLog, batchSize: 0 }), { instanceOf: TypeError, message: /batchSize/ });
  t.throws(() => new RetentionSweeper(fake, { log: quietLog, unflaggedTranscriptDays: -1 }), { instanceOf: TypeError, message: /unflaggedTranscriptDays/ });
  t.throws(() => new RetentionSweeper(fake, { log: undefined as never }), { instanceOf: TypeError, message: /log/ });
  t.throws(() => new RetentionSweeper(undefined as never, { log: quietLog }), { instanceOf: TypeError, message: /db/ });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
