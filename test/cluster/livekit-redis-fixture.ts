// Shared by the cluster tests (not a test file): a throw-away redis-server (loopback only, a free port, nothing
// persisted unless asked, stopped by the test; read with redis-cli), and the polling and room helpers they use.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type pg from 'pg';
import type { AgentDispatchClient, RoomServiceClient } from 'livekit-server-sdk';
import type { ApiClient } from '../support/api-client.js';
import { freeTcpPort } from '../livekit/fixtures/ports.js';

const run = promisify(execFile);

export interface TestRedis {
  port: number;
  url: string;
  /** One redis-cli command; its stdout trimmed. */
  cli(...args: string[]): Promise<string>;
  /** Starts it again on the same port (after stop or a kill). */
  restart(): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

/** persistent: an append-only file in a temporary directory (fsync on every write), as a deployment keeps it, so a
 * restarted Redis comes back with the cluster's state. */
export async function startRedis(options: { persistent?: boolean } = {}): Promise<TestRedis> {
  const port = await freeTcpPort();
  const dir = options.persistent ? await fs.mkdtemp(path.join(os.tmpdir(), 'rt-redis-')) : undefined;
  const persistence = dir ? ['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  let child: ChildProcess | undefined;
  const cli = async (...args: string[]): Promise<string> => (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 })).stdout.trim();
  const launch = async (): Promise<void> => {
    const c = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--protected-mode', 'yes'], { stdio: 'ignore' });
    child = c;
    process.once('exit', () => c.kill('SIGKILL'));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (c.exitCode !== null) throw new Error(`redis-server exited (${c.exitCode}) on port ${port}`);
      if ((await cli('ping').catch(() => '')) === 'PONG') return;
      if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not answer PING within 30 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const kill = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.kill(signal);
    const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  await launch();
  const stop = async (): Promise<void> => {
    await kill('SIGTERM');
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  };
  return { port, url: `redis://127.0.0.1:${port}`, cli, restart: launch, kill, stop };
}

/** Polls `probe` until it answers a value (errors count as not yet), or fails naming `what` and the last error. */
export async function eventually<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Ends a room as its host, joining first (ending needs the host in the room). The webhook of the host's previous
 * connection leaving can land after that join and take them out again, so a `not_in_room` refusal is retried.
 */
export async function endRoom(client: ApiClient, roomId: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await client.post(`/v1/rooms/${roomId}/join`, { acceptTranscription: true });
    const res = await client.post(`/v1/rooms/${roomId}/end`);
    if (res.status === 200) return;
    if (res.body?.error?.code !== 'not_in_room' || attempt === 10) throw new Error(`end room: ${res.status} ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The moderation agent holding a LiveKit room: a running job of one of its dispatches whose participant is in the room. */
export interface RoomAgent {
  identity: string;
  jobId: string;
  workerId: string;
}

/** LiveKit's own answer (its dispatch records and participant list): the agent in `lkRoom`, or undefined. */
export async function agentInRoom(rooms: RoomServiceClient, dispatch: AgentDispatchClient, lkRoom: string): Promise<RoomAgent | undefined> {
  const jobs = (await dispatch.listDispatch(lkRoom)).flatMap((d) => d.state?.jobs ?? []);
  const present = new Set((await rooms.listParticipants(lkRoom)).map((p) => p.identity));
  const job = jobs.find((j) => j.state?.status === 1 && present.has(j.state.participantIdentity));
  return job ? { identity: job.state!.participantIdentity, jobId: job.id, workerId: job.state!.workerId } : undefined;
}

/**
 * Creates rooms as `client` (a host) until LiveKit places one on `nodeId` (Redis' room_node_map says where; the
 * placement is LiveKit's choice), ending the others; fails after 20 tries.
 */
export async function createRoomOnNode(
  client: ApiClient,
  pool: pg.Pool,
  redis: TestRedis,
  nodeId: string,
  title: string,
): Promise<{ roomId: string; lkRoom: string }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const created = await client.post('/v1/rooms', { title: `${title} ${attempt}` });
    if (created.status !== 201) throw new Error(`create room: ${created.status} ${JSON.stringify(created.body)}`);
    const { rows } = await pool.query<{ livekit_name: string }>('SELECT livekit_name FROM rooms WHERE id = $1', [created.body.id]);
    const lkRoom = rows[0]!.livekit_name;
    if ((await redis.cli('HGET', 'room_node_map', lkRoom)) === nodeId) return { roomId: created.body.id, lkRoom };
    await endRoom(client, created.body.id);
  }
  throw new Error(`no room landed on node ${nodeId} in 20 tries`);
}
