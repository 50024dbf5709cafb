// Runs one moderation agent worker: registers with LiveKit under the agent name and takes the rooms it is
// dispatched to, each in its own job process that loads agents/moderation-agent.ts.
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { AgentServer, ServerOptions, WorkerPermissions, initializeLogger, type RunningJobInfo } from '@livekit/agents';
import { AgentDispatchClient, RoomServiceClient, TrackType } from 'livekit-server-sdk';
import { toHttpUrl } from '../engine/gateway/livekit-gateway.js';
import { TRANSCRIBING_ATTRIBUTE, sendHandoverMessage, type HandoverDispatchMetadata } from './job-handover.js';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import { registerInferenceRunners } from './inference/register.js';
import { startSpoolSweeper } from './spool-sweeper.js';

export const AGENT_ENTRY = fileURLToPath(new URL('./moderation-agent.ts', import.meta.url));

export interface RunningWorker {
  readonly server: AgentServer;
  /** Resolves once the worker is registered with LiveKit. */
  readonly registered: Promise<void>;
  /**
   * Takes no new rooms and hands each of its rooms to an agent on another worker (agents/job-handover.ts); rooms
   * no other worker takes are served until the drain deadline (AGENT_DRAIN_TIMEOUT_SECONDS). Resolves when no
   * room is left here; close() afterwards.
   */
  drain(): Promise<DrainReport>;
  close(): Promise<void>;
}

export interface DrainReport {
  handedOver: number;
  /** Rooms still here at the deadline (no other worker took them); close() ends them as a stop does. */
  kept: number;
  ms: number;
}

/** How long a replacement may take to be in the room and hearing every speaker before the dispatch is retried. */
const REPLACEMENT_READY_MS = 60_000;
/** Pause before dispatching again when no worker took the last replacement (a new one may be starting). */
const REDISPATCH_PAUSE_MS = 5000;
const POLL_MS = 250;
const CLOSE_AFTER_DRAIN_MAX_MS = 45_000;

async function jobsGone(server: AgentServer, maxMs: number): Promise<void> {
  const until = Date.now() + maxMs;
  while (server.activeJobs.length > 0 && Date.now() < until) await sleep(POLL_MS);
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Machine CPU use (0-1) since the previous call, at most 0.99. */
function cappedCpuLoad(): () => Promise<number> {
  const sample = () => os.cpus().reduce((acc, c) => ({ idle: acc.idle + c.times.idle, total: acc.total + Object.values(c.times).reduce((a, b) => a + b, 0) }), { idle: 0, total: 0 });
  let last = sample();
  return async () => {
    const now = sample();
    const total = now.total - last.total;
    const busy = total > 0 ? 1 - (now.idle - last.idle) / total : 0;
    last = now;
    return Math.min(0.99, Math.max(0, busy));
  };
}

export function startWorker(config: Config, log: Logger): RunningWorker {
  initializeLogger({ pretty: false, level: config.logLevel === 'silent' ? 'fatal' : config.logLevel });
  // The speech model and the harm classifier live once in the worker's inference process, shared by its rooms.
  if (config.agent.inference === 'shared') registerInferenceRunners();
  const server = new AgentServer(
    new ServerOptions({
      agent: AGENT_ENTRY,
      agentName: config.agent.name,
      wsURL: config.livekit.url,
      apiKey: config.livekit.apiKey,
      apiSecret: config.livekit.apiSecret,
      // Hidden: listeners see no extra participant; subscribe-only: the agent never speaks in the room.
      permissions: new WorkerPermissions(false, true, true, false, [], true),
      port: config.agent.httpPort,
      host: '127.0.0.1',
      production: true,
      numIdleProcesses: 1,
      // The framework refuses rooms at load >= threshold, so 1 would still refuse on a fully busy machine; a load
      // can never be above 1, so AGENT_LOAD_THRESHOLD=1 means "never refuse". LiveKit weighs workers by 1 - load
      // and gives a worker at load 1 nothing, so in that mode the reported load stops just short of 1.
      loadThreshold: config.agent.loadThreshold >= 1 ? Infinity : config.agent.loadThreshold,
      ...(config.agent.loadThreshold >= 1 ? { loadFunc: cappedCpuLoad() } : {}),
      // A job process loads the VAD, the speech model and the harm classifier before it takes a room: ~7 s alone
      // on this class of machine, several times that on a busy one. The framework's default (10 s) kills it midway.
      initializeProcessTimeout: 90_000,
      logLevel: config.logLevel === 'silent' ? 'fatal' : config.logLevel,
    }),
  );
  const registered = new Promise<void>((resolve) => server.event.once('worker_registered', () => resolve()));
  // Every registration, the first and any after a reconnect to LiveKit (a new worker id each time).
  server.event.on('worker_registered', (workerId: string) => {
    log.info({ agent: config.agent.name, livekit: config.livekit.url, workerId }, 'agent worker registered');
    // Tell a supervising `roundtable start` (if any) that this worker can take rooms now; the worker id lets its
    // agent supervision find this worker's rooms if the process dies.
    process.send?.({ type: 'worker_registered', workerId });
  });
  server.run().catch((err: unknown) => log.error({ err }, 'agent worker stopped with an error'));
  // Spools that no running job holds (a killed job's, a room that never comes back here) are delivered or set aside.
  const stopSpoolSweeper = startSpoolSweeper(config, log);
  let draining: Promise<DrainReport> | undefined;
  return {
    server,
    registered,
    drain: () => (draining ??= drainWorker(server, config, log)),
    close: async () => {
      const closing = server.close();
      // After a drain only rooms kept to the deadline are left; their jobs store what they owe and exit. The
      // framework would also wait up to 60 s for an idle job process to acknowledge its shutdown, which one still
      // warming up never does; that one exits by itself once orphaned, so it is not waited for (a few seconds
      // more let the inference process finish closing).
      if (draining) await Promise.race([closing, jobsGone(server, CLOSE_AFTER_DRAIN_MAX_MS).then(() => sleep(3000))]);
      else await closing;
      await stopSpoolSweeper();
    },
  };
}

async function drainWorker(server: AgentServer, config: Config, log: Logger): Promise<DrainReport> {
  const startedMs = Date.now();
  const deadline = startedMs + config.agent.drainMs;
  const jobs = server.activeJobs;
  log.info({ rooms: jobs.length, drainMs: config.agent.drainMs }, 'agent worker draining: no new rooms; handing its rooms over');
  // The framework's drain: tells LiveKit this worker is full and refuses job offers. Its own wait for the job
  // processes is not used (it can hang on an idle process for a minute); the jobs are watched below.
  server.drain(config.agent.drainMs).catch(() => undefined);
  const lk = { url: toHttpUrl(config.livekit.url), key: config.livekit.apiKey, secret: config.livekit.apiSecret };
  const rooms = new RoomServiceClient(lk.url, lk.key, lk.secret);
  const dispatches = new AgentDispatchClient(lk.url, lk.key, lk.secret);
  const results = await Promise.all(jobs.map((job) => handOverRoom(server, job, { rooms, dispatches, agentName: config.agent.name, deadline, log })));
  while (server.activeJobs.length > 0 && Date.now() < deadline) await sleep(POLL_MS);
  const report = { handedOver: results.filter(Boolean).length, kept: results.filter((r) => !r).length, ms: Date.now() - startedMs };
  log.info(report, 'agent worker drained');
  return report;
}

interface HandOverDeps {
  rooms: RoomServiceClient;
  dispatches: AgentDispatchClient;
  agentName: string;
  deadline: number;
  log: Logger;
}

/** One room: a replacement onto another worker, then the old agent hands over and leaves. True when it left. */
async function handOverRoom(server: AgentServer, job: RunningJobInfo, d: HandOverDeps): Promise<boolean> {
  const room = job.job.room?.name ?? '';
  const from = job.acceptArguments.identity;
  const log = d.log.child({ room, job: job.job.id, agent: from });
  const stillHere = () => server.activeJobs.some((j) => j.job.id === job.job.id);
  while (Date.now() < d.deadline && stillHere()) {
    let dispatchId: string | undefined;
    try {
      const metadata: HandoverDispatchMetadata = { handoverFrom: from };
      dispatchId = (await d.dispatches.createDispatch(room, d.agentName, { metadata: JSON.stringify(metadata) })).id;
      const to = await replacementReady(room, dispatchId, from, d, Math.min(d.deadline, Date.now() + REPLACEMENT_READY_MS));
      if (to === undefined) {
        log.warn({ dispatchId }, 'hand-over: no other worker took the room yet; keeping it and trying again');
        await d.dispatches.deleteDispatch(dispatchId, room).catch(() => undefined);
        await sleep(Math.min(REDISPATCH_PAUSE_MS, Math.max(0, d.deadline - Date.now())));
        continue;
      }
      const readyMs = Date.now();
      log.info({ to, dispatchId }, 'hand-over: the replacement hears every speaker; handing over');
      // Repeated until the old job is gone: the agent acts on the first and ignores the rest.
      while (stillHere() && Date.now() < d.deadline) {
        await sendHandoverMessage(d.rooms, room, from, { type: 'hand_over', to }).catch((err: unknown) => log.warn({ err }, 'hand-over: could not reach the agent'));
        const until = Math.min(d.deadline, Date.now() + 10_000);
        while (stillHere() && Date.now() < until) await sleep(POLL_MS);
      }
      if (!stillHere()) {
        log.info({ to, handOverMs: Date.now() - readyMs }, 'hand-over: done; the old agent left');
        return true;
      }
    } catch (err) {
      log.warn({ err, dispatchId }, 'hand-over attempt failed; trying again');
      await sleep(Math.min(REDISPATCH_PAUSE_MS, Math.max(0, d.deadline - Date.now())));
    }
  }
  return !stillHere();
}

/** The replacement's identity once LiveKit shows it in the room transcribing every speaker's microphone. */
async function replacementReady(room: string, dispatchId: string, from: string, d: HandOverDeps, until: number): Promise<string | undefined> {
  while (Date.now() < until) {
    const dispatch = await d.dispatches.getDispatch(dispatchId, room).catch(() => undefined);
    const identity = dispatch?.state?.jobs.find((j) => j.state?.status === 1 && j.state.participantIdentity !== '')?.state?.participantIdentity;
    if (identity) {
      const participants = await d.rooms.listParticipants(room).catch(() => []);
      const replacement = participants.find((p) => p.identity === identity);
      const hears = new Set<string>(JSON.parse(replacement?.attributes[TRANSCRIBING_ATTRIBUTE] || '[]') as string[]);
      // Speakers: everyone but agents (the old one, the replacement) with a microphone published.
      const needed = participants
        .filter((p) => p.identity !== from && p.identity !== identity && !p.attributes['lk.agent.name'])
        .flatMap((p) => p.tracks.filter((t) => t.type === TrackType.AUDIO).map((t) => t.sid));
      if (replacement && needed.every((sid) => hears.has(sid))) return identity;
    }
    await sleep(POLL_MS);
  }
  return undefined;
}
