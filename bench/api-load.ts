// API load on the real stack (one API process, PostgreSQL, LiveKit; no agent workers: this is the API's own cost):
//  - join: POST /v1/rooms/:roomId/join from C concurrent clients (default 50) for D seconds: throughput and latency
//    percentiles, against GET /v1/me (authentication and one read) measured the same way in the same run;
//  - fan-out: S concurrent stage event streams (default 1,000, from 100 members in the room) and a host toggling hand
//    raising R times: for each change, the delay from sending the command to each stream receiving the new stage
//    version (the API publishes before it answers, so this includes the command itself); p50/p95/p99 over all (stream, change) pairs, against the same with 10 streams in the same run.
// Loopback only; run inside the test network namespace like the other stack benches:
//   bash scripts/netns.sh run -- node --import tsx bench/api-load.ts [--clients 50] [--seconds 10] [--streams 1000]
// JSON on stdout.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Agent, fetch as undiciFetch, setGlobalDispatcher } from 'undici';
import { startTestStack, type TestStack } from '../test/support/stack.js';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '10' },
    streams: { type: 'string', default: '1000' },
    members: { type: 'string', default: '100' },
    changes: { type: 'string', default: '20' },
  },
});
const CLIENTS = Number(values.clients);
const SECONDS = Number(values.seconds);
const STREAMS = Number(values.streams);
const MEMBERS = Number(values.members);
const CHANGES = Number(values.changes);

// Enough sockets for every stream plus the load clients (undici pools per origin; its fetch is used throughout).
const fetch = undiciFetch;
setGlobalDispatcher(new Agent({ connections: STREAMS + CLIENTS + 50, pipelining: 0, keepAliveTimeout: 60_000 }));

const JOIN_BODY = { acceptTranscription: true };
const PASSWORD = 'correct horse battery staple';

interface Member {
  memberId: string;
  accessToken: string;
}

async function call(env: TestStack, token: string | undefined, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${env.api.baseUrl}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}
const signUp = async (env: TestStack, name: string): Promise<Member> => {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${Math.random().toString(36).slice(2, 8)}@example.test`;
  return call(env, undefined, 'POST', '/v1/auth/signup', { email, password: PASSWORD, displayName: name });
};
const liveRoom = async (host: Member, env: TestStack, title: string): Promise<string> => (await call(env, host.accessToken, 'POST', '/v1/rooms', { title })).id;
const join = (env: TestStack, m: Member, roomId: string) => call(env, m.accessToken, 'POST', `/v1/rooms/${roomId}/join`, JOIN_BODY);

const log = (msg: string) => process.stderr.write(`[api-load] ${msg}\n`);
const r1 = (x: number) => Math.round(x * 10) / 10;

function percentiles(samples: number[]): { n: number; p50: number; p95: number; p99: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
  return { n: s.length, p50: r1(at(50)), p95: r1(at(95)), p99: r1(at(99)), max: r1(s.at(-1) ?? NaN) };
}

/** C clients sending `request` back to back for `seconds`; every non-2xx answer is counted as an error. */
async function closedLoop(clients: Member[], seconds: number, request: (m: Member) => Promise<Response>) {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    clients.map(async (m) => {
      while (performance.now() < until) {
        const t = performance.now();
        const res = await request(m);
        await res.arrayBuffer();
        latencies.push(performance.now() - t);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { requests: latencies.length, perSecond: r1(latencies.length / elapsed), latencyMs: percentiles(latencies), statuses };
}

interface Stream {
  versions: Map<number, number>;
  close(): void;
}

/** A stage event stream that records when each stage version arrived (performance.now()). */
async function openStream(env: TestStack, member: Member, roomId: string): Promise<Stream> {
  const abort = new AbortController();
  const res = await fetch(`${env.api.baseUrl}/v1/rooms/${roomId}/stage/events`, { headers: { authorization: `Bearer ${member.accessToken}` }, signal: abort.signal });
  if (res.status !== 200 || !res.body) throw new Error(`stream answered ${res.status}: ${await res.text()}`);
  const versions = new Map<number, number>();
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body!) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (!/^event: stage_state$/m.test(block) || !data) continue;
          const version = (JSON.parse(data) as { version: number }).version;
          if (!versions.has(version)) versions.set(version, performance.now());
        }
      }
    } catch {
      // aborted at the end
    }
  })();
  return { versions, close: () => abort.abort() };
}

async function fanOut(env: TestStack, host: Member, roomId: string, viewers: Member[], streamCount: number, changes: number) {
  const streams: Stream[] = [];
  for (let i = 0; i < streamCount; i++) streams.push(await openStream(env, viewers[i % viewers.length]!, roomId));
  // Everyone has the current stage before the first change.
  const first = await waitFor(() => streams.every((s) => s.versions.size > 0), 60_000);
  if (!first) throw new Error('not every stream received the first stage');
  const delays: number[] = [];
  const commandMs: number[] = [];
  let missed = 0;
  let enabled = false;
  for (let i = 0; i < changes; i++) {
    enabled = !enabled;
    const sent = performance.now();
    const body = await call(env, host.accessToken, 'PUT', `/v1/rooms/${roomId}/stage/hand-raising`, { enabled });
    commandMs.push(performance.now() - sent);
    const version = body.version as number;
    await waitFor(() => streams.every((s) => s.versions.has(version)), 30_000);
    for (const s of streams) {
      const at = s.versions.get(version);
      if (at === undefined) missed++;
      else delays.push(at - sent);
    }
  }
  for (const s of streams) s.close();
  return { streams: streamCount, changes, missed, commandAnsweredMs: percentiles(commandMs), deliveredAfterSendMs: percentiles(delays) };
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return cond();
}

const env = await startTestStack({
  workers: 0,
  env: { STAGE_EVENT_STREAMS_PER_MEMBER: String(Math.min(100, Math.ceil(STREAMS / MEMBERS) + 1)), LOG_LEVEL: 'error' },
});
try {
  log(`signing up ${MEMBERS} members`);
  const host = await signUp(env, 'Load Host');
  const members: Member[] = [];
  for (let i = 0; i < MEMBERS; i++) members.push(await signUp(env, `Listener ${i}`));
  const roomId = await liveRoom(host, env, 'Load room');
  await join(env, host, roomId);
  for (const m of members) await join(env, m, roomId);

  const clients = Array.from({ length: CLIENTS }, (_, i) => members[i % members.length]!);
  log(`GET /v1/me, ${CLIENTS} clients, ${SECONDS} s`);
  const me = await closedLoop(clients, SECONDS, (m) => fetch(`${env.api.baseUrl}/v1/me`, { headers: { authorization: `Bearer ${m.accessToken}` } }));
  log(`POST join, ${CLIENTS} clients, ${SECONDS} s`);
  const joins = await closedLoop(clients, SECONDS, (m) =>
    fetch(`${env.api.baseUrl}/v1/rooms/${roomId}/join`, { method: 'POST', headers: { authorization: `Bearer ${m.accessToken}`, 'content-type': 'application/json' }, body: JSON.stringify(JOIN_BODY) }),
  );

  log('fan-out to 10 streams (baseline)');
  const small = await fanOut(env, host, roomId, members, 10, CHANGES);
  log(`fan-out to ${STREAMS} streams`);
  const large = await fanOut(env, host, roomId, members, STREAMS, CHANGES);

  const result = {
    bench: 'api-load',
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', loadAverage: os.loadavg().map(r1) },
    apiProcesses: 1,
    join: { clients: CLIENTS, seconds: SECONDS, ...joins, baselineGetMe: me, throughputRatioToGetMe: r1(joins.perSecond / me.perSecond) },
    fanOut: {
      baseline: small,
      large,
      p99RatioToBaseline: r1(large.deliveredAfterSendMs.p99 / Math.max(0.1, small.deliveredAfterSendMs.p99)),
    },
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  await env.stop();
}
