// Runs one moderation agent worker: registers with LiveKit under the agent name and takes the rooms it is
// dispatched to, each in its own job process that loads agents/moderation-agent.ts.
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { AgentServer, ServerOptions, WorkerPermissions, initializeLogger } from '@livekit/agents';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import { registerInferenceRunners } from './inference/register.js';
import { startSpoolSweeper } from './spool-sweeper.js';

export const AGENT_ENTRY = fileURLToPath(new URL('./moderation-agent.ts', import.meta.url));

export interface RunningWorker {
  readonly server: AgentServer;
  /** Resolves once the worker is registered with LiveKit. */
  readonly registered: Promise<void>;
  close(): Promise<void>;
}

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
  return {
    server,
    registered,
    close: async () => {
      await server.close();
      await stopSpoolSweeper();
    },
  };
}
