// A job process whose worker is killed with -9 notices at once (its IPC channel closes), fails the inference
// requests the dead worker will never answer, and can leave (agents/job-shutdown.ts WorkerLink). Real processes:
// a stand-in worker forks a job process; the test kills the worker and reads what the job wrote.
import test from 'ava';
import { fork } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventEmitter } from 'node:events';
import { WorkerLink } from '../../agents/job-shutdown.js';

const PROCS = fileURLToPath(new URL('./worker-link-job.ts', import.meta.url));

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a job process whose worker is killed with -9 fails its pending inference and exits by itself', async (t) => {
  t.timeout(90_000);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'worker-link-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  const out = path.join(dir, 'job.json');
  // The worker's stdout, which its job inherits: the pipe ends only when both processes are gone (the OS's word).
  const worker = fork(PROCS, ['worker', out], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const bothGone = new Promise<true>((resolve) => worker.stdout!.on('end', () => resolve(true)).resume());
  let jobPid: number | undefined;
  t.teardown(() => {
    worker.kill('SIGKILL');
    try {
      if (jobPid) process.kill(jobPid, 'SIGKILL');
    } catch {
      // gone
    }
  });
  jobPid = await new Promise<number>((resolve, reject) => {
    worker.once('message', (m: { type?: string; jobPid?: number }) => (m.type === 'ready' && m.jobPid ? resolve(m.jobPid) : reject(new Error(JSON.stringify(m)))));
    worker.once('exit', (code) => reject(new Error(`the stand-in worker exited (${code})`)));
  });
  worker.kill('SIGKILL');
  // The job's own report, then the OS's: the job process is gone (it would otherwise wait forever).
  const seen = await until('the job to report', 60_000, async () => JSON.parse(await fs.readFile(out, 'utf8').catch(() => 'null')) ?? undefined);
  t.deepEqual(seen, { gone: true, pending: 'WorkerGoneError', afterGone: 'WorkerGoneError' });
  let timer: NodeJS.Timeout | undefined;
  const exited = await Promise.race([bothGone, new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 30_000)))]);
  clearTimeout(timer);
  t.true(exited, 'the job process exited by itself (its stdout pipe closed)');
});

test('WorkerLink: a channel already closed counts as gone; listeners run once; bad input is refused', async (t) => {
  const closed = Object.assign(new EventEmitter(), { connected: false });
  const link = new WorkerLink(closed);
  let calls = 0;
  link.onGone(() => calls++);
  await new Promise((r) => setImmediate(r));
  t.true(link.gone);
  closed.emit('disconnect');
  await new Promise((r) => setImmediate(r));
  t.is(calls, 1);
  await t.throwsAsync(link.guard({ doInference: async () => 'answer' }).doInference('stt', {}), { name: 'WorkerGoneError' });
  t.throws(() => new WorkerLink(undefined as never), { message: /channel/ });
  t.throws(() => link.guard({} as never), { message: /doInference/ });

  const open = Object.assign(new EventEmitter(), { connected: true });
  const live = new WorkerLink(open);
  t.is(await live.guard({ doInference: async () => 'answer' }).doInference('stt', {}), 'answer', 'answers pass while the worker lives');
});
