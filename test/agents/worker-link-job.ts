// Not a test: run by worker-link.test.ts as two processes. `worker` stands in for a `roundtable worker`: it forks
// `job` (a job process, IPC channel to the worker) and tells the test the job's pid. The job watches its worker with
// WorkerLink, sends one inference request that the worker never answers, and when the worker is gone writes what
// it saw to `<out>` and exits; without the link it would wait forever (the interval keeps it alive).
import { fork } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WorkerLink } from '../../agents/job-shutdown.js';

const [mode, out] = process.argv.slice(2);
if ((mode !== 'worker' && mode !== 'job') || !out) throw new Error('usage: worker-link-job.ts worker|job <out file>');

if (mode === 'worker') {
  const job = fork(fileURLToPath(import.meta.url), ['job', out], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  job.on('message', (msg) => process.send?.({ ...(msg as object), jobPid: job.pid }));
  setInterval(() => undefined, 60_000); // until SIGKILL
} else {
  const link = new WorkerLink(process);
  const silentWorker = { doInference: () => new Promise<unknown>(() => undefined) };
  const inference = link.guard(silentWorker);
  const pending = inference.doInference('stt', {}).then(
    () => 'answered',
    (err: Error) => err.name,
  );
  link.onGone(() => {
    void (async () => {
      const afterGone = await inference.doInference('stt', {}).then(
        () => 'answered',
        (err: Error) => err.name,
      );
      fs.writeFileSync(out, JSON.stringify({ gone: link.gone, pending: await pending, afterGone }));
      process.exit(0);
    })();
  });
  process.send?.({ type: 'ready' });
  setInterval(() => undefined, 60_000);
}
