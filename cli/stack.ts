// The whole Roundtable stack in one process tree: database (PostgreSQL or embedded), migrations, LiveKit
// (managed or external), the HTTP API, and N moderation agent workers as child processes.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import { createApp } from '../api/app.js';
import { HealthCheck } from '../api/health-check.js';
import { IdempotencyStore } from '../api/idempotency-store.js';
import { liveKitWebhookRoutes } from '../api/routes/livekit-webhook.js';
import { openDatabase, type Database } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { LiveKitGateway } from '../engine/gateway/livekit-gateway.js';
import { AccountService } from '../engine/identity/account-service.js';
import { LiveKitCluster } from '../engine/livekit/index.js';
import { AgentSupervisor } from '../engine/agent-supervision/index.js';
import { AdmissionSweeper } from '../engine/rooms/admission-sweeper.js';
import { LiveKitEventHandler } from '../engine/rooms/livekit-events.js';
import { PgRateLimiter, Quotas } from '../engine/quotas/index.js';
import { RoomService } from '../engine/rooms/room-service.js';
import { GroupService, SocialService } from '../engine/social/index.js';
import { StageService } from '../engine/stage-service/index.js';
import { TranscriptStore } from '../engine/transcripts/transcript-store.js';
import { ModerationService } from '../engine/moderation/moderation-service.js';
import { RetentionSweeper } from '../engine/retention/retention-sweeper.js';
import { SanctionStore } from '../engine/sanctions/sanction-store.js';
import { SuspensionLifter } from '../engine/sanctions/suspension-lifter.js';
import { AuditLog } from '../engine/audit/audit-log.js';
import { CaseStore } from '../engine/cases/case-store.js';
import { EvidenceStore } from '../engine/evidence/evidence-store.js';
import { ModerationEvaluator } from '../engine/moderation/moderation-evaluator.js';
import { RoomFeed } from '../engine/moderation/room-feed.js';
import { leaseFor } from '../engine/leases/index.js';
import { ROOM_EVENT_RETENTION, RoomEventBus, RoomEventSweeper } from '../engine/room-events/index.js';
import { PLATFORM_DEFAULT_POLICY } from '../engine/moderation/room-policy.js';
import { RoomPolicyStore } from '../engine/moderation/room-policy-store.js';
import { resolveModelFiles } from '../models/fetch.js';
import { MatchingProfileService } from '../engine/matching/matching-profile-service.js';
import { loadIntroModels } from '../engine/matching/intro-models.js';
import path from 'node:path';
import type { ApiServices } from '../api/context.js';
import { sharedProfileEmbedder } from '../engine/matching/embedder.js';
import { EmbeddingService } from '../engine/matching/embedding-service.js';
import { NotificationService } from '../engine/matching/notification-service.js';
import { RoomsForYou } from '../engine/matching/rooms-for-you.js';
import { SUGGESTION_SWEEP_INTERVAL_MS, SuggestionService } from '../engine/matching/suggestion-service.js';
import { MatchingVectorIndex } from '../engine/matching/vector-index.js';

/** The built web console (web/build.ts), served by the API on its own origin. */
const WEB_CONSOLE_DIR = fileURLToPath(new URL('../web/dist', import.meta.url));

const CLI_MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

export interface RunningStack {
  apiUrl: string;
  livekitUrl: string;
  database: Database;
  workers: ChildProcess[];
  /** Resolves when every agent worker has registered with LiveKit (rooms created before that wait for a worker). */
  workersRegistered: Promise<void>;
  /** LiveKit worker ids each agent worker process registered under (fault tests find the one holding a room). */
  workerIds: ReadonlyMap<ChildProcess, readonly string[]>;
  /** The managed LiveKit nodes; undefined with an external LIVEKIT_URL. */
  liveKit: LiveKitCluster | undefined;
  /** The engine services the API was given (tests drive the matching services and their clocks through them). */
  services: ApiServices;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Start this many agent workers (default config.agent.workers). */
  workers?: number;
  /** Extra env for worker processes (tests pass their LOG_LEVEL, ports…). */
  workerEnv?: NodeJS.ProcessEnv;
  /** Reach LiveKit's server API here instead of config.livekit.url (clients still get config.livekit.url). */
  liveKitApiUrl?: string;
  /** The database URL agent workers get, from the stack's own (fault tests put a proxy in between). */
  workerDatabaseUrl?: (url: string) => string;
}

export async function startStack(config: Config, log: Logger, options: StackOptions = {}): Promise<RunningStack> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((err: unknown) => log.warn({ err }, 'stop step failed'));
  };
  try {
    const database = await openDatabase(config, log);
    stops.push(() => database.close());
    const applied = await migrate(database.pool);
    if (applied.length) log.info({ applied }, 'migrations applied');

    const webhookUrl = `${config.api.publicUrl}/v1/livekit/webhook`;
    // LIVEKIT_NODES nodes sharing LIVEKIT_REDIS_URL (one node without Redis by default); services use node 0.
    const liveKit = config.livekit.managed ? LiveKitCluster.fromConfig(config, { webhookUrls: [webhookUrl], logger: log }) : undefined;
    if (liveKit) {
      const ready = await liveKit.start();
      log.info({ nodes: ready.map((r) => ({ url: r.url, ms: r.startupMs })) }, 'LiveKit ready');
      stops.push(() => liveKit.stop());
    }
    const gateway = new LiveKitGateway({
      url: config.livekit.url,
      apiUrl: options.liveKitApiUrl,
      apiKey: config.livekit.apiKey,
      apiSecret: config.livekit.apiSecret,
      agentName: config.agent.name,
      requestTimeoutMs: config.stageEffects.liveKitTimeoutMs,
    });
    await gateway.ping(5000);

    const workers: ChildProcess[] = [];
    const registered = new Set<ChildProcess>();
    const workerIds = new Map<ChildProcess, string[]>();
    const health = new HealthCheck({
      db: async () => {
        await database.pool.query('SELECT 1');
        return database.kind;
      },
      livekit: () => gateway.ping(),
      models: async () => {
        const ids = requiredModels(config);
        for (const id of ids) await resolveModelFiles(id, config.dirs.models);
        return ids.join(', ');
      },
      agents: async () => {
        const alive = workers.filter((w) => w.exitCode === null && w.signalCode === null);
        if (alive.length < workers.length) throw new Error(`${workers.length - alive.length} of ${workers.length} agent workers exited`);
        const ready = alive.filter((w) => registered.has(w)).length;
        if (ready < alive.length) throw new Error(`${alive.length - ready} of ${alive.length} agent workers not yet registered with LiveKit`);
        return `${ready} worker(s) registered`;
      },
    });
    // The stage hands "the host ended the room" to the room service, which marks it ended and closes it on LiveKit.
    const effects = config.stageEffects;
    // The room event bus: every stage change, effect, caption and flag, shared by every API process on this database
    // (LISTEN on PostgreSQL; the embedded PGlite's single session cannot deliver notifications, so it polls).
    const roomEvents = new RoomEventBus(database.pool, { log, listen: database.kind === 'postgres' });
    await roomEvents.start();
    stops.push(() => roomEvents.stop());
    const roomEventSweeper = new RoomEventSweeper(roomEvents, { ...ROOM_EVENT_RETENTION, lease: leaseFor(database.pool, 'room-event-sweeper', ROOM_EVENT_RETENTION.intervalMs), log });
    roomEventSweeper.start();
    stops.push(() => roomEventSweeper.stop());
    const stage = new StageService(database.pool, gateway, log, {
      events: roomEvents,
      onRoomEnded: async (roomId, by): Promise<void> => {
        await services.rooms.end(roomId, by.staff ? 'staff' : 'host');
      },
      effects: {
        waitMs: effects.waitMs,
        maxAttempts: effects.maxAttempts,
        baseDelayMs: effects.retryBaseMs,
        maxDelayMs: effects.retryMaxMs,
        // A claimed effect is reserved for longer than its calls can take (mute: a read and one call per track).
        leaseMs: effects.liveKitTimeoutMs * 4 + 5000,
      },
    });
    // One effect worker in this process; stopped before the database closes.
    stage.startEffects();
    stops.push(() => stage.stop());
    // Classified segments -> captions, flag cases, the room policy's actions; stopped before the stage (stops run in reverse).
    const feed = new RoomFeed({ events: roomEvents, log });
    const evaluator = new ModerationEvaluator(
      database.pool,
      {
        stage,
        messenger: gateway,
        policies: new RoomPolicyStore(database.pool, PLATFORM_DEFAULT_POLICY),
        cases: new CaseStore(database.pool, { leaseSeconds: config.moderation.caseLeaseSeconds }),
        evidence: new EvidenceStore(database.pool, {
          retentionDays: config.moderation.evidenceRetentionDays,
          extendedRetentionDays: config.moderation.extendedRetentionDays,
        }),
        audit: new AuditLog(database.pool),
        feed,
      },
      { log },
    );
    evaluator.start();
    stops.push(() => evaluator.stop());
    const social = new SocialService(database.pool);
    // Platform sanctions: the join policy and room hosting ask them; trust-and-safety decisions impose them.
    const sanctions = new SanctionStore(database.pool);
    const auditLog = new AuditLog(database.pool);
    const services = {
      config,
      log,
      accounts: new AccountService(database.pool, config.auth),
      rooms: new RoomService(database.pool, gateway, stage, social, {
        emptyTimeoutSeconds: config.rooms.emptyTimeoutSeconds,
        tokenTtlSeconds: config.rooms.tokenTtlSeconds,
        publicLiveKitUrl: config.livekit.publicUrl,
        liveRoomCaps: { perMember: config.rooms.liveRoomsPerMember, total: config.rooms.liveRoomsTotal },
        restrictions: sanctions,
      }),
      stage,
      transcripts: new TranscriptStore(database.pool),
      social,
      groups: new GroupService(database.pool),
      health,
      feed,
      quotas: new Quotas(new PgRateLimiter(database.pool), config.quotas),
      // Set just below, once the room service it uses exists.
      moderation: undefined as unknown as ModerationService,
      // Matching profiles: the face detector's worker thread and the intro models start on first use.
      matchingProfiles: new MatchingProfileService({
        pool: database.pool,
        limits: config.matching,
        restrictions: sanctions,
        blocks: social,
        introModels: () => loadIntroModels(config),
        log,
      }),
    };
    stops.push(() => services.matchingProfiles.close());
    // Matching: embeddings (table + hnswlib index persisted under the data dir, rebuilt from the table when stale),
    // re-embedded after every profile change; suggestions, notifications and "rooms for you" on top.
    const matchingIndex = await MatchingVectorIndex.open({ db: database.pool, dir: path.join(config.dirs.data, 'matching-index'), log });
    stops.push(() => matchingIndex.close());
    const embedder = () => sharedProfileEmbedder(config.dirs.models);
    const embeddings = new EmbeddingService({ db: database.pool, index: matchingIndex, embedder, log });
    services.matchingProfiles.onProfileChanged((memberId, texts) => embeddings.reembed(memberId, texts));
    const notifications = new NotificationService(database.pool, { events: roomEvents });
    const matchingSuggestions = new SuggestionService({ pool: database.pool, profiles: services.matchingProfiles, embeddings, notifications, log });
    // One API process at a time sweeps (the others stand by on the lease).
    matchingSuggestions.startSweeper(SUGGESTION_SWEEP_INTERVAL_MS, { lease: leaseFor(database.pool, 'suggestion-sweeper', SUGGESTION_SWEEP_INTERVAL_MS) });
    stops.push(() => matchingSuggestions.stopSweeper());
    const roomsForYou = new RoomsForYou({ pool: database.pool, rooms: services.rooms, embeddings, embedder });
    const moderation = new ModerationService({
      pool: database.pool,
      rooms: services.rooms,
      stage,
      livekit: gateway,
      feed,
      sanctions,
      audit: auditLog,
      log,
      caseLeaseSeconds: config.moderation.caseLeaseSeconds,
      evidenceRetentionDays: config.moderation.evidenceRetentionDays,
      extendedRetentionDays: config.moderation.extendedRetentionDays,
      enforceIntervalMs: config.moderation.suspensionLiftSeconds * 1000,
    });
    services.moderation = moderation;
    // Sweeps suspended and banned members out of live rooms (a decision also removes them at once).
    moderation.start();
    stops.push(() => moderation.stop());
    // A room that ended for any reason (host, staff, LiveKit's empty timeout) closes its stage too.
    services.rooms.onEnded = (room) => stage.roomEnded(room.id);
    const liveKitEvents = new LiveKitEventHandler(services.rooms, stage, log);
    const sweeper = new AdmissionSweeper(services.rooms.store, stage, {
      graceMs: config.rooms.admissionGraceSeconds * 1000,
      intervalMs: config.rooms.admissionSweepSeconds * 1000,
      // One API process at a time sweeps (the others stand by on the lease).
      lease: leaseFor(database.pool, 'admission-sweeper', config.rooms.admissionSweepSeconds * 1000),
      log,
    });
    sweeper.start();
    stops.push(() => sweeper.stop());
    // Suspensions that ran out are recorded as lifted (they stop restricting at expires_at regardless).
    const lifter = new SuspensionLifter(sanctions, {
      intervalMs: config.moderation.suspensionLiftSeconds * 1000,
      lease: leaseFor(database.pool, 'suspension-lifter', config.moderation.suspensionLiftSeconds * 1000),
      log,
      onLifted: async (sanction) => {
        await auditLog.record({ actor: { kind: 'system' }, action: 'sanction.expired', subject: { kind: 'member', id: sanction.memberId }, detail: { sanctionId: sanction.id, kind: sanction.kind } });
      },
    });
    lifter.start();
    stops.push(() => lifter.stop());
    const retention = new RetentionSweeper(database.pool, {
      log,
      intervalMs: config.moderation.retentionSweepSeconds * 1000,
      lease: leaseFor(database.pool, 'retention-sweeper', config.moderation.retentionSweepSeconds * 1000),
      unflaggedTranscriptDays: config.moderation.unflaggedTranscriptDays,
      flaggedTranscriptDays: config.moderation.extendedRetentionDays,
    });
    retention.start();
    stops.push(() => retention.stop());
    const apiServices: ApiServices = { ...services, embeddings, matchingSuggestions, notifications, roomsForYou };
    const app = createApp(apiServices, {
      idempotency: new IdempotencyStore(database.pool),
      extraRoutes: liveKitWebhookRoutes(apiServices, liveKitEvents),
      webConsole: { dir: WEB_CONSOLE_DIR, liveKitUrl: config.livekit.publicUrl },
    });
    const httpServer = http.createServer(app.callback());
    // Requests Node's parser refuses before Koa sees them (a request line or headers over 16 KiB, malformed HTTP)
    // still get the API's one error shape, not an empty answer.
    httpServer.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      if (!socket.writable) return socket.destroy();
      const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
      const body = JSON.stringify({
        error: tooLarge
          ? { code: 'request_too_large', message: 'the request line and headers must fit in 16 KiB', details: [] }
          : { code: 'bad_request', message: 'the request is not valid HTTP', details: [] },
      });
      socket.end(
        `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\ncontent-type: application/json; charset=utf-8\r\n` +
          `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    });
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.api.port, config.api.host, () => resolve());
    });
    stops.push(() => new Promise<void>((resolve) => { httpServer.closeAllConnections(); httpServer.close(() => resolve()); }));

    // Gives a live room a new agent when its worker died (LiveKit does not); stopped before the database closes.
    const agentSupervisor = new AgentSupervisor({
      pool: database.pool,
      livekit: gateway,
      log,
      intervalMs: config.agent.supervision.intervalMs,
      startGraceMs: config.agent.supervision.startGraceMs,
    });
    agentSupervisor.start();

    const count = options.workers ?? config.agent.workers;
    const registrations: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const child = spawn(process.execPath, [...process.execArgv, CLI_MAIN, 'worker'], {
        // NODE_ENV=production unless set: rtc-node logs every WebRTC callback at debug level otherwise.
        env: {
          NODE_ENV: 'production',
          ...process.env,
          ...options.workerEnv,
          DATABASE_URL: options.workerDatabaseUrl?.(database.url) ?? database.url,
          LIVEKIT_URL: config.livekit.url,
          // @livekit/agents reads port 0 as "its default 8081": each worker on this machine needs a port of its own.
          AGENT_HTTP_PORT: String(config.agent.httpPort === 0 ? await freeLoopbackPort() : config.agent.httpPort + i),
        },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      registrations.push(
        new Promise<void>((resolve, reject) => {
          child.on('message', (msg: { type?: string; workerId?: string }) => {
            if (msg?.type !== 'worker_registered') return;
            registered.add(child);
            // A worker that reconnects to LiveKit registers again under a new id: all of them are its.
            if (typeof msg.workerId === 'string') workerIds.set(child, [...(workerIds.get(child) ?? []), msg.workerId]);
            resolve();
          });
          child.once('exit', (code, signal) => reject(new Error(`agent worker ${i} exited (${code ?? signal}) before registering`)));
        }),
      );
      child.on('exit', (code, signal) => {
        log.info({ worker: i, code, signal }, 'agent worker exited');
        for (const id of workerIds.get(child) ?? []) agentSupervisor.workerLost(id);
      });
      workers.push(child);
    }
    const workersRegistered = Promise.all(registrations).then(() => undefined);
    workersRegistered.catch(() => undefined); // reported through /healthz and to callers that await it
    // SIGINT: the whole stack stops, so there is no other worker to hand rooms to (SIGTERM would drain first).
    stops.push(() => Promise.all(workers.map((w) => stopChild(w, 8000, 'SIGINT'))).then(() => undefined));
    // Stopped before the workers (stops run in reverse): their exits at shutdown are no loss to repair.
    stops.push(() => agentSupervisor.stop());

    return { apiUrl: config.api.publicUrl, livekitUrl: config.livekit.url, database, workers, workersRegistered, workerIds, liveKit, services: apiServices, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export function requiredModels(config: Config): string[] {
  return config.stt.backend === 'local' ? [config.stt.model, 'silero-vad'] : ['silero-vad'];
}

async function freeLoopbackPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function stopChild(child: ChildProcess, graceMs = 8000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
