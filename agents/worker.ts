// Runs one moderation agent worker: registers with LiveKit under the agent name and takes the rooms it is
// dispatched to, each in its own job process that loads agents/moderation-agent.ts.
import { fileURLToPath } from 'node:url';
import { AgentServer, ServerOptions, WorkerPermissions, initializeLogger } from '@livekit/agents';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import { registerInferenceRunners } from './inference/register.js';

export const AGENT_ENTRY = fileURLToPath(new URL('./moderation-agent.ts', import.meta.url));

export interface RunningWorker {
  readonly server: AgentServer;
  /** Resolves once the worker is registered with LiveKit. */
  readonly registered: Promise<void>;
  close(): Promise<void>;
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
      loadThreshold: config.agent.loadThreshold,
      // A job process loads the VAD, the speech model and the harm classifier before it takes a room: ~7 s alone
      // on this class of machine, several times that on a busy one. The framework's default (10 s) kills it midway.
      initializeProcessTimeout: 90_000,
      logLevel: config.logLevel === 'silent' ? 'fatal' : config.logLevel,
    }),
  );
  const registered = new Promise<void>((resolve) => server.event.once('worker_registered', () => resolve()));
  server.run().catch((err: unknown) => log.error({ err }, 'agent worker stopped with an error'));
  void registered.then(() => {
    log.info({ agent: config.agent.name, livekit: config.livekit.url }, 'agent worker registered');
    // Tell a supervising `roundtable start` (if any) that this worker can take rooms now.
    process.send?.({ type: 'worker_registered' });
  });
  return {
    server,
    registered,
    close: async () => {
      await server.close();
    },
  };
}
