// The worker's spool sweeper on real PostgreSQL and a real killed process: a room's job (its own process) spools
// segments while the database is unreachable and is killed with SIGKILL. While it lives, the sweeper leaves its
// spool alone; once it is dead, the sweeper stores every segment and clip exactly once (one was already stored
// before the job died) and deletes the directory. A spool of a room that no longer exists goes to dead/ after the
// configured attempts, with a log line naming it.
import { fork, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import pino from 'pino';
import { SegmentSpool } from '../../agents/segment-spool.js';
import { DEAD_DIR, SpoolSweeper, spoolRoot } from '../../agents/spool-sweeper.js';
import { TranscriptStore } from '../../engine/transcripts/transcript-store.js';
import type { Database } from '../../db/database.js';
import { createTestDatabase, quietLog } from '../support/database.js';
import { spooledRecord } from './spool-records.js';

const JOB = fileURLToPath(new URL('./spool-killed-job.ts', import.meta.url));
const RECORDS = 7;

let db: Database;
test.before(async () => {
  db = await createTestDatabase('postgres');
});
test.after.always(async () => {
  await db?.close();
});

async function room(): Promise<string> {
  const host = crypto.randomUUID();
  const id = crypto.randomUUID();
  await db.pool.query("INSERT INTO members (id, email, password_hash, display_name) VALUES ($1, $2, 'x', 'Hana Host')", [host, `${host}@example.test`]);
  await db.pool.query("INSERT INTO rooms (id, livekit_name, host_member_id, title) VALUES ($1, $2, $3, 'Spooled')", [id, `rt-${id}`, host]);
  return id;
}

async function dataDir(t: { teardown(f: () => Promise<void>): void }): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rt-spool-sweep-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs the stand-in job until it has spooled `count` records; it then waits to be killed. */
async function spoolingJob(dir: string, roomId: string, count: number): Promise<ChildProcess> {
  const child = fork(JOB, [dir, roomId, String(count)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the job did not spool within 120 s')), 120_000);
    child.once('message', () => (clearTimeout(timer), resolve()));
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`the job exited early (${code})`))));
  });
  return child;
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

async function stored(roomId: string): Promise<{ keys: Map<string, number>; clips: number[][]; classified: number }> {
  const segs = await db.pool.query<{ segment_key: string; n: string }>('SELECT segment_key, count(*) AS n FROM transcript_segments WHERE room_id = $1 GROUP BY segment_key', [roomId]);
  const clips = await db.pool.query<{ audio: Buffer }>('SELECT audio FROM evidence_clips WHERE room_id = $1 ORDER BY segment_id', [roomId]);
  const cls = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM segment_classifications WHERE room_id = $1', [roomId]);
  return { keys: new Map(segs.rows.map((r) => [r.segment_key, Number(r.n)])), clips: clips.rows.map((r) => [...r.audio]), classified: Number(cls.rows[0]!.n) };
}

const exists = (p: string) => fs.stat(p).then(() => true, () => false);

test('a killed job\'s spool is left alone while it lives, then stored exactly once and removed', async (t) => {
  t.timeout(180_000);
  const root = spoolRoot(await dataDir(t));
  const roomId = await room();
  const dir = path.join(root, roomId);
  const job = await spoolingJob(dir, roomId, RECORDS);
  t.teardown(() => kill(job));
  t.is((await new SegmentSpool(dir).pending()).length, RECORDS, 'the job spooled every record');

  const sweeper = new SpoolSweeper({ root, pool: db.pool, log: quietLog, maxAttempts: 3 });
  const whileAlive = await sweeper.sweepOnce();
  t.deepEqual(whileAlive.waiting, [roomId], 'a live job keeps its spool');
  t.is(whileAlive.stored, 0);
  t.is((await stored(roomId)).keys.size, 0);

  await kill(job);
  // What a killed job can also leave: the first record already stored (it went through before the database went),
  // and a half-written temporary file.
  await new TranscriptStore(db.pool).append(spooledRecord(roomId, 1).segment, spooledRecord(roomId, 1).classification);
  await fs.writeFile(path.join(dir, '.000000000000001-000099-deadbeef.json.tmp'), '{"segment":');

  const report = await sweeper.sweepOnce();
  t.deepEqual(report.delivered, [roomId]);
  t.deepEqual(report.dead, []);
  const after = await stored(roomId);
  const expected = Array.from({ length: RECORDS }, (_, i) => spooledRecord(roomId, i));
  t.deepEqual([...after.keys.keys()].sort(), expected.map((r) => r.segment.segmentKey).sort(), 'every spooled segment is in the database');
  t.true([...after.keys.values()].every((n) => n === 1), 'each exactly once');
  t.is(after.classified, RECORDS, 'each with its scores, once');
  t.deepEqual(after.clips, expected.filter((r) => r.evidence).map((r) => [...r.evidence!.audio]), 'each evidence clip, once');
  t.false(await exists(dir), 'the spool directory is gone');

  const again = await sweeper.sweepOnce();
  t.deepEqual(again, { stored: 0, delivered: [], dead: [], waiting: [] }, 'nothing left to sweep');
  t.deepEqual((await stored(roomId)).keys.size, RECORDS);
});

test('a spool whose room no longer exists goes to dead/ after the configured attempts, with a log line', async (t) => {
  t.timeout(60_000);
  const root = spoolRoot(await dataDir(t));
  const gone = crypto.randomUUID(); // never a room
  const dir = path.join(root, gone);
  const spool = new SegmentSpool(dir);
  for (let i = 0; i < 3; i++) await spool.write(spooledRecord(gone, i));
  const lines: { level: number; msg: string; roomId?: string; movedTo?: string }[] = [];
  const log = pino({ level: 'info' }, new Writable({ write: (chunk, _e, done) => (lines.push(JSON.parse(String(chunk))), done()) }));

  const sweeper = new SpoolSweeper({ root, pool: db.pool, log, maxAttempts: 2 });
  const first = await sweeper.sweepOnce();
  t.deepEqual(first.waiting, [gone], 'the first failure is retried');
  t.true(await exists(dir));
  const second = await sweeper.sweepOnce();
  t.deepEqual(second.dead, [gone]);
  t.false(await exists(dir), 'no longer among the spools');
  const dead = await fs.readdir(path.join(root, DEAD_DIR));
  t.is(dead.length, 1);
  t.true(dead[0]!.startsWith(gone));
  t.is((await new SegmentSpool(path.join(root, DEAD_DIR, dead[0]!)).pending()).length, 3, 'every record kept for inspection');
  const line = lines.find((l) => l.level >= 50 && l.roomId === gone);
  t.truthy(line, 'an error line names the spool');
  t.is(line?.movedTo, path.join(root, DEAD_DIR, dead[0]!));
  t.is(Number((await db.pool.query('SELECT count(*) AS n FROM transcript_segments WHERE room_id = $1', [gone])).rows[0].n), 0);
  const third = await sweeper.sweepOnce();
  t.deepEqual(third, { stored: 0, delivered: [], dead: [], waiting: [] }, 'dead/ is not swept');
});
