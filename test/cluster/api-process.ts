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
      const port = await freeTcpPort();
      const env: Record<string, string> = {
        ...(process.env as Record<string, string>),
        ...GENEROUS_QUOTAS,
        NODE_ENV: 'production',
        DATABASE_URL: options.databaseUrl ?? db.url,
        LIVEKIT_URL: config.livekit.url,
        API_PORT: String(port),
        ROUNDTABLE_DATA_DIR: await fs.mkdtemp(path.join(dataDir, 'api-')),
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
        STAGE_EFFECT_WAIT_MS: '10000',
        ...options.env,
      };
      const child = spawn(process.execPath, ['--import', 'tsx', CLI_MAIN, 'api'], { env, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the API process did not start within 120 s')), 120_000);
        child.on('message', (msg: { type?: string }) => {
          if (msg?.type !== 'api_ready') return;
          clearTimeout(timer);
          resolve();
        });
        child.once('exit', (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`the API process exited (${code ?? signal}) before it was ready`));
        });
      });
      const running = child.exitCode === null && child.signalCode === null;
      const proc: ApiProcess = {
        url: `http://127.0.0.1:${port}`,
        child,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) {
            child.kill('SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
            await exited;
            clearTimeout(timer);
          }
        },
        kill9: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await exited;
        },
      };
      if (running) processes.push(proc);
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
