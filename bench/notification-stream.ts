// Notification delivery across API processes: a notification committed by "another process" (its own pool, its
// own unstarted bus: no in-process kick) until the member's SSE stream in the API process carries it — PostgreSQL
// NOTIFY/LISTEN on the room event bus (and on PGlite, the bus's 250 ms poll). Run:
//   bash scripts/netns.sh run -- node --import tsx bench/notification-stream.ts [--db postgres|embedded] [--n 100]
// Writes bench/results/notification-stream-<date>-<db>.json.
import fs from 'node:fs/promises';
import path from 'node:path';
import { connectPostgres, type DatabaseKind } from '../db/database.js';
import { inTransaction } from '../db/queryable.js';
import { NotificationService } from '../engine/matching/notification-service.js';
import { RoomEventBus } from '../engine/room-events/index.js';
import { quietLog } from '../test/support/database.js';
import { startTestStack } from '../test/support/stack.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const kind = arg('db', 'postgres') as DatabaseKind;
const n = Number(arg('n', '100'));

const env = await startTestStack({ db: kind, workers: 0 });
const other = await connectPostgres(env.stack.database.url, quietLog, 30_000);
const writer = new NotificationService(other.pool, { events: new RoomEventBus(other.pool, { log: quietLog }) });
const signUp = await env.api.post('/v1/auth/signup', { email: `bench.${Date.now()}@example.test`, password: 'correct horse battery staple', displayName: 'Bench Member' });
const { memberId, accessToken } = signUp.body as { memberId: string; accessToken: string };

const arrivals = new Map<string, number>();
const abort = new AbortController();
const res = await fetch(`${env.api.baseUrl}/v1/me/notifications/events`, { headers: { accept: 'text/event-stream', authorization: `Bearer ${accessToken}` }, signal: abort.signal });
let ready = false;
const reading = (async () => {
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of res.body!) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        if (block.startsWith('event: ready')) ready = true;
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (block.startsWith('event: notification') && data) arrivals.set((JSON.parse(data) as { id: string }).id, performance.now());
      }
    }
  } catch {
    // aborted at the end
  }
})();
while (!ready) await new Promise((r) => setTimeout(r, 20));

const latencies: number[] = [];
for (let i = 0; i < n; i++) {
  const note = await inTransaction(other.pool, (c) => writer.add(c, memberId, 'bench', { i }));
  const committed = performance.now();
  const deadline = committed + 30_000;
  while (!arrivals.has(note.id) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 1));
  if (!arrivals.has(note.id)) throw new Error(`notification ${i} never arrived`);
  latencies.push(arrivals.get(note.id)! - committed);
  await new Promise((r) => setTimeout(r, 20));
}
abort.abort();
await reading;
await other.close();
await env.stop();

latencies.sort((a, b) => a - b);
const q = (p: number) => Number(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(1));
const loadavg = (await fs.readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).map(Number);
const result = {
  bench: 'notification-stream',
  db: kind,
  samples: n,
  what: 'commit of a notification in another process -> its SSE event read by the client (ms)',
  p50Ms: q(0.5),
  p95Ms: q(0.95),
  maxMs: Number(latencies.at(-1)!.toFixed(1)),
  loadavg,
  at: new Date().toISOString(),
};
const out = path.join('bench/results', `notification-stream-${result.at.slice(0, 10)}-${kind}.json`);
await fs.writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(result)}\n${out}\n`);
