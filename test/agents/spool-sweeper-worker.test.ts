// The sweeper runs in the agent worker process itself: a real `roundtable start` stack with one worker (its own
// process, DATABASE_URL from the stack) and a sweep every second. A spool a killed job left in the worker's data
// directory is stored (checked in PostgreSQL, each segment once) and its directory removed, with no job of that room
// ever running.
import { fork } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { spoolRoot } from '../../agents/spool-sweeper.js';
import { eventually } from '../stage-api/_fixtures.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { spooledRecord } from './spool-records.js';

const JOB = fileURLToPath(new URL('./spool-killed-job.ts', import.meta.url));
const RECORDS = 4;

let env: TestStack | undefined;
test.before(async () => {
  env = await startTestStack({ workers: 1, env: { AGENT_SPOOL_SWEEP_SECONDS: '1' } });
});
test.after.always(async () => {
  await env?.stop();
});

test("the agent worker delivers a killed job's spool and removes it", async (t) => {
  t.timeout(180_000);
  const pool = env!.stack.database.pool;
  const host = crypto.randomUUID();
  const roomId = crypto.randomUUID();
  await pool.query("INSERT INTO members (id, email, password_hash, display_name) VALUES ($1, $2, 'x', 'Hana Host')", [host, `${host}@example.test`]);
  await pool.query("INSERT INTO rooms (id, livekit_name, host_member_id, title) VALUES ($1, $2, $3, 'Spooled')", [roomId, `rt-${roomId}`, host]);
  const dir = path.join(spoolRoot(env!.config.dirs.data), roomId);

  const job = fork(JOB, [dir, roomId, String(RECORDS)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => job.once('exit', () => resolve()));
  t.teardown(() => void job.kill('SIGKILL'));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the job did not spool within 120 s')), 120_000);
    job.once('message', () => (clearTimeout(timer), resolve()));
  });
  job.kill('SIGKILL');
  await exited;

  const keys = await eventually(async () => {
    const r = await pool.query<{ segment_key: string; n: string }>('SELECT segment_key, count(*) AS n FROM transcript_segments WHERE room_id = $1 GROUP BY segment_key', [roomId]);
    const gone = await fs.stat(dir).then(() => false, () => true);
    return r.rows.length === RECORDS && gone ? r.rows : undefined;
  }, 90_000, 'the worker to deliver the spool and remove it');
  t.deepEqual(keys.map((r) => r.segment_key).sort(), Array.from({ length: RECORDS }, (_, i) => spooledRecord(roomId, i).segment.segmentKey).sort());
  t.true(keys.every((r) => Number(r.n) === 1), 'each segment once');
});
