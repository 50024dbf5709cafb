// The combined fault topology (not a test file), all real processes on loopback: one Redis, two managed LiveKit
// nodes sharing it, one fresh PostgreSQL database, two `roundtable api` processes and two `roundtable worker`
// processes — what a small production cluster runs, with processes standing in for machines. Started once;
// fault tests kill parts of it and restart only what the next step needs. stop() ends every child it started.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { AgentDispatchClient, RoomServiceClient } from 'livekit-server-sdk';
import { loadConfig, type Config } from '../../core/config.js';
import type { Database } from '../../db/database.js';
import { toHttpUrl } from '../../engine/gateway/livekit-gateway.js';
import { CLUSTER_NODE_PORT_STRIDE, LiveKitCluster } from '../../engine/livekit/index.js';
import { freeTcpPort, insideUdpRange, liveKitTestEnv } from '../livekit/fixtures/ports.js';
import { createTestDatabase, quietLog } from '../support/database.js';
import { spawnApiProcess, spawnRoundtable, type ApiProcess } from './api-process.js';
import { startRedis, type TestRedis } from './livekit-redis-fixture.js';

/** A worker loads its models (inference process and a warm job process) before it registers: slow on a busy box. */
const WORKER_REGISTER_TIMEOUT_MS = 150_000;

export interface WorkerProcess {
  child: ChildProcess;
  /** LiveKit worker ids it registered under (a new one after each reconnect to LiveKit). */
  workerIds: string[];
  /** SIGKILL and wait: no cleanup runs (its job processes are orphaned and linger, as after a host crash). */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

export interface Topology {
  /** Keys and URL (node 0's) every process uses. */
  config: Config;
  db: Database;
  redis: TestRedis;
  liveKit: LiveKitCluster;
  /** apis[0] receives LiveKit's webhooks (the load balancer's choice in production), so it is the one kept alive. */
  apis: ApiProcess[];
  workers: WorkerProcess[];
  /** LiveKit's room service and agent dispatch records, asked through node 0: the independent truth. */
  lkRooms: RoomServiceClient;
  lkDispatch: AgentDispatchClient;
  stop(): Promise<void>;
}

/** Starts one `roundtable worker` on the database and LiveKit, and resolves once it registered with LiveKit. */
export async function spawnWorker(options: { databaseUrl: string; liveKitUrl: string; dataDir: string; env?: Record<string, string> }): Promise<WorkerProcess> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'production',
    DATABASE_URL: options.databaseUrl,
    LIVEKIT_URL: options.liveKitUrl,
    // @livekit/agents reads port 0 as its default 8081: each worker on this machine needs its own.
    AGENT_HTTP_PORT: String(await freeTcpPort()),
    ROUNDTABLE_DATA_DIR: await fs.mkdtemp(path.join(options.dataDir, 'worker-')),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    // A busy test machine must not make a worker refuse rooms (dispatch under load is not what is tested here).
    AGENT_LOAD_THRESHOLD: '1',
    ...options.env,
  };
  const workerIds: string[] = [];
  const worker = await spawnRoundtable('worker', env, {
    readyType: 'worker_registered',
    timeoutMs: WORKER_REGISTER_TIMEOUT_MS,
    onMessage: (msg) => {
      if (msg.type === 'worker_registered' && typeof msg.workerId === 'string') workerIds.push(msg.workerId);
    },
  });
  return { child: worker.child, workerIds, kill9: worker.kill9, stop: () => worker.stop(5000) };
}

/** Whether nothing listens on `port` (all interfaces, as LiveKit binds). */
async function tcpPortFree(port: number): Promise<boolean> {
  const server = net.createServer();
  const free = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, () => resolve(true));
  });
  if (free) await new Promise<void>((resolve) => server.close(() => resolve()));
  return free;
}

/** liveKitTestEnv for two nodes: node 1 listens on node 0's ports + CLUSTER_NODE_PORT_STRIDE, so those must be free too. */
async function twoNodeLiveKitEnv(udpBase: number): Promise<Record<string, string>> {
  for (let attempt = 1; ; attempt++) {
    const env = await liveKitTestEnv(udpBase);
    const second = [env.LIVEKIT_PORT, env.LIVEKIT_RTC_TCP_PORT].map((p) => Number(p) + CLUSTER_NODE_PORT_STRIDE);
    if (second.every((p) => p < 65536 && !insideUdpRange(p, udpBase)) && (await Promise.all(second.map(tcpPortFree))).every(Boolean)) return env;
    if (attempt === 50) throw new Error('no free port pair for a second LiveKit node in 50 draws');
  }
}

export async function startTopology(options: { apiEnv?: Record<string, string>; workerEnv?: Record<string, string> } = {}): Promise<Topology> {
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async (): Promise<void> => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    stops.length = 0;
  };
  try {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'rt-topology-'));
    stops.push(() => fs.rm(dataDir, { recursive: true, force: true }));
    const db = await createTestDatabase('postgres');
    stops.push(() => db.close());
    // Persistent, as deployed: a restarted Redis comes back with the cluster's state.
    const redis = await startRedis({ persistent: true });
    stops.push(() => redis.stop());
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      ...(await twoNodeLiveKitEnv(44000)),
      LIVEKIT_NODES: '2',
      LIVEKIT_REDIS_URL: redis.url,
      ROUNDTABLE_DATA_DIR: dataDir,
      // LiveKit's agents.target_load follows it: with the default (0.7) a busy test machine gets no agent at all.
      AGENT_LOAD_THRESHOLD: '1',
    };
    delete env.LIVEKIT_URL; // managed nodes here; the API and worker processes get node 0's URL as an external one
    const config = loadConfig(env);
    // The webhook target must be known before LiveKit starts: the first API process's port, chosen now.
    const webhookPort = await freeTcpPort();
    const liveKit = LiveKitCluster.fromConfig(config, { webhookUrls: [`http://127.0.0.1:${webhookPort}/v1/livekit/webhook`], logger: quietLog });
    await liveKit.start();
    stops.push(() => liveKit.stop());

    const apis: ApiProcess[] = [];
    const workers: WorkerProcess[] = [];
    stops.push(() => Promise.all(apis.filter(Boolean).map((a) => a.stop())));
    stops.push(() => Promise.all(workers.map((w) => w.stop())));
    const apiOptions = { databaseUrl: db.url, liveKitUrl: config.livekit.url, dataDir, env: options.apiEnv };
    const workerOptions = { databaseUrl: db.url, liveKitUrl: config.livekit.url, dataDir, env: options.workerEnv };
    // All four at once (each is its own process): the API processes migrate nothing (the test database is).
    // allSettled: every process that did start is in apis/workers, so a failed start still stops the others.
    const started = await Promise.allSettled([
      spawnApiProcess({ ...apiOptions, port: webhookPort }).then((a) => void (apis[0] = a)),
      spawnApiProcess(apiOptions).then((a) => void (apis[1] = a)),
      spawnWorker(workerOptions).then((w) => void workers.push(w)),
      spawnWorker(workerOptions).then((w) => void workers.push(w)),
    ]);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const lkHttp = toHttpUrl(config.livekit.url);
    return {
      config,
      db,
      redis,
      liveKit,
      apis,
      workers,
      lkRooms: new RoomServiceClient(lkHttp, config.livekit.apiKey, config.livekit.apiSecret),
      lkDispatch: new AgentDispatchClient(lkHttp, config.livekit.apiKey, config.livekit.apiSecret),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
