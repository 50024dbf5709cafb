// Real API processes for cluster tests (not a test file): a managed LiveKit on free loopback ports, a fresh
// PostgreSQL database, and `roundtable api` child processes on them, each on its own port. Also an SSE reader that
// keeps every `id:` it is sent (id-only lines too), as EventSource does for Last-Event-ID.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../core/config.js';
import type { Database } from '../../db/database.js';
import { LiveKitServer } from '../../engine/livekit/index.js';
import { freeTcpPort, liveKitTestEnv } from '../livekit/fixtures/ports.js';
import { createTestDatabase, quietLog } from '../support/database.js';
import { GENEROUS_QUOTAS } from '../support/stack.js';

const CLI_MAIN = fileURLToPath(new URL('../../cli/main.ts', import.meta.url));

export interface ApiProcess {
  url: string;
  child: ChildProcess;
  /** SIGTERM and wait (the process stops cleanly). */
  stop(): Promise<void>;
  /** SIGKILL and wait: no cleanup runs. */
  kill9(): Promise<void>;
}

export interface Cluster {
  db: Database;
  liveKitUrl: string;
  /** Starts one more `roundtable api` process; `databaseUrl` overrides the one it gets (a fault proxy in between). */
  spawnApi(options?: { databaseUrl?: string; env?: Record<string, string> }): Promise<ApiProcess>;
  stop(): Promise<void>;
}

export async function startCluster(): Promise<Cluster> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'rt-cluster-'));
  const db = await createTestDatabase('postgres');
  const lkEnv = await liveKitTestEnv(43000);
  const baseEnv: Record<string, string> = { ...(process.env as Record<string, string>), ...lkEnv, ROUNDTABLE_DATA_DIR: dataDir };
  delete baseEnv.LIVEKIT_URL; // a managed LiveKit for the test; the API processes get its URL as an external one
  const config = loadConfig(baseEnv);
  const liveKit = LiveKitServer.fromConfig(config, { logger: quietLog });
  await liveKit.start();
  const processes: ApiProcess[] = [];
  return {
    db,
    liveKitUrl: config.livekit.url,
    async spawnApi(options = {}) {
      const proc = await spawnApiProcess({ databaseUrl: options.databaseUrl ?? db.url, liveKitUrl: config.livekit.url, dataDir, env: options.env });
      if (proc.child.exitCode === null && proc.child.signalCode === null) processes.push(proc);
      return proc;
    },
    async stop() {
      await Promise.all(processes.map((p) => p.stop()));
      await liveKit.stop();
      await db.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ApiProcessOptions {
  databaseUrl: string;
  /** The LiveKit it uses as an external one (node 0 of a cluster: the one services use). */
  liveKitUrl: string;
  /** It keeps its data (the matching index) in a fresh folder under this one. */
  dataDir: string;
  /** Listen here (a port known before it starts, e.g. for LiveKit's webhook URL); a free port otherwise. */
  port?: number;
  env?: Record<string, string>;
}

/** A `roundtable <command>` child process this test process started. */
export interface RoundtableChild {
  child: ChildProcess;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it exited. */
  stop(graceMs: number): Promise<void>;
  /** SIGKILL and wait: no cleanup runs. */
  kill9(): Promise<void>;
}

/**
 * Spawns `roundtable <command>` with `env` and resolves once it sends the IPC message `{type: readyType}`; fails
 * (and kills it) when it exits first or after `timeoutMs`. `onMessage` sees every IPC message, the ready one too.
 * The child is killed if this test process exits without stopping it.
 */
export async function spawnRoundtable(
  command: 'api' | 'worker',
  env: Record<string, string>,
  options: { readyType: string; timeoutMs: number; onMessage?: (msg: Record<string, unknown>) => void },
): Promise<RoundtableChild> {
  // stdout as `roundtable start` has it (@livekit/agents writes its own logs there); the API writes only its banner.
  const child = spawn(process.execPath, ['--import', 'tsx', CLI_MAIN, command], { env, stdio: ['ignore', command === 'worker' ? 'inherit' : 'ignore', 'inherit', 'ipc'] });
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => process.off('exit', killOnExit));
  if (options.onMessage) child.on('message', options.onMessage);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`roundtable ${command} did not report ${options.readyType} within ${options.timeoutMs} ms`)), options.timeoutMs);
    child.on('message', (msg: { type?: string }) => {
      if (msg?.type !== options.readyType) return;
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`roundtable ${command} exited (${code ?? signal}) before it reported ${options.readyType}`));
    });
  }).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  return {
    child,
    stop: async (graceMs) => {
      if (!running()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    kill9: async () => {
      if (running()) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Starts one `roundtable api` process and resolves once it reports ready (at most 120 s). The caller stops it. */
export async function spawnApiProcess(options: ApiProcessOptions): Promise<ApiProcess> {
  const port = options.port ?? (await freeTcpPort());
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ...GENEROUS_QUOTAS,
    NODE_ENV: 'production',
    DATABASE_URL: options.databaseUrl,
    LIVEKIT_URL: options.liveKitUrl,
    API_PORT: String(port),
    ROUNDTABLE_DATA_DIR: await fs.mkdtemp(path.join(options.dataDir, 'api-')),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    STAGE_EFFECT_WAIT_MS: '10000',
    ...options.env,
  };
  const api = await spawnRoundtable('api', env, { readyType: 'api_ready', timeoutMs: 120_000 });
  return { url: `http://127.0.0.1:${port}`, child: api.child, stop: () => api.stop(15_000), kill9: api.kill9 };
}

export interface StreamBlock {
  event?: string;
  id?: number;
  data?: any;
}

export interface EventStream {
  status: number;
  blocks: StreamBlock[];
  /** The last id the server sent (what EventSource would send as Last-Event-ID). */
  lastId(): number | undefined;
  /** Ids in the order they came (event blocks and id-only blocks). */
  ids(): number[];
  ended(): boolean;
  /** The connection broke (the server died) rather than ending cleanly. */
  broken(): boolean;
  close(): void;
}

/** Opens GET /v1/rooms/:roomId/stage/events with a bearer token (and Last-Event-ID when given) and reads it as it comes. */
export async function openEventStream(baseUrl: string, token: string, roomId: string, lastEventId?: number): Promise<EventStream> {
  const abort = new AbortController();
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (lastEventId !== undefined) headers['last-event-id'] = String(lastEventId);
  const res = await fetch(`${baseUrl}/v1/rooms/${roomId}/stage/events`, { headers, signal: abort.signal });
  const blocks: StreamBlock[] = [];
  let ended = false;
  let broken = false;
  void (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const lines = buffer.slice(0, cut).split('\n').filter((l) => !l.startsWith(':'));
          buffer = buffer.slice(cut + 2);
          if (lines.length === 0) continue;
          const fields = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
          blocks.push({ event: fields.event, id: fields.id === undefined ? undefined : Number(fields.id), data: fields.data === undefined ? undefined : JSON.parse(fields.data) });
        }
      }
      ended = true;
    } catch {
      broken = !abort.signal.aborted;
      ended = true;
    }
  })();
  const ids = () => blocks.filter((b) => b.id !== undefined).map((b) => b.id!);
  return {
    status: res.status,
    blocks,
    ids,
    lastId: () => ids().at(-1),
    ended: () => ended,
    broken: () => broken,
    close: () => abort.abort(),
  };
}

export async function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
