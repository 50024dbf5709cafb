// The one typed home of Roundtable's configuration: every setting comes from an env var with a default.
// loadConfig is pure (env in, Config out) so tests pass their own env instead of mutating process.env.
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';

/** Values anyone can read in this repository: fine on a developer's loopback, never on a reachable listener. */
export const DEV_LIVEKIT_API_SECRET = 'roundtable-dev-secret-change-me-0123456789';
export const DEV_AUTH_JWT_SECRET = 'roundtable-dev-jwt-secret-change-me-0123456789';
/** The bootstrap's local cluster role (scripts/bootstrap.sh creates roundtable/roundtable). */
const DEV_PG_PASSWORD = 'roundtable';

const port = z.coerce.number().int().min(1).max(65535);
const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const EnvSchema = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ROUNDTABLE_CACHE_DIR: z.string().optional(),
  ROUNDTABLE_DATA_DIR: z.string().optional(),
  MODELS_DIR: z.string().optional(),

  DATABASE_URL: z.string().url().optional(),
  ROUNDTABLE_DB: z.enum(['auto', 'postgres', 'embedded']).default('auto'),
  ROUNDTABLE_LOCAL_PG_URL: z.string().url().default('postgres://roundtable:roundtable@127.0.0.1:5432/roundtable'),
  ROUNDTABLE_EMBEDDED_PG_PORT: port.default(5433),

  LIVEKIT_URL: z.string().optional(),
  LIVEKIT_API_KEY: z.string().min(1).default('roundtable-dev'),
  LIVEKIT_API_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_LIVEKIT_API_SECRET),
  LIVEKIT_PORT: port.default(7880),
  LIVEKIT_RTC_TCP_PORT: port.default(7881),
  LIVEKIT_RTC_UDP_PORT_START: port.default(50000),
  LIVEKIT_RTC_UDP_PORT_END: port.default(50100),
  LIVEKIT_NODE_IP: z.union([z.ipv4(), z.ipv6()]).default('127.0.0.1'),
  LIVEKIT_BIN: z.string().optional(),
  // A LiveKit cluster: nodes share rooms through this Redis (redis://[user:password@]host:port[/db]). The managed
  // server then starts LIVEKIT_NODES nodes on this machine, node i on LIVEKIT_PORT + 10·i (and so on).
  LIVEKIT_REDIS_URL: z.string().regex(/^redis:\/\/[^/\s]+(\/\d+)?$/, 'must be a redis://[user:password@]host:port[/db] URL').optional(),
  LIVEKIT_NODES: z.coerce.number().int().min(1).max(8).default(1),
  PUBLIC_LIVEKIT_URL: z.string().regex(/^wss?:\/\/[^/\s]+/, 'must be a ws:// or wss:// URL clients can reach').optional(),

  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: port.default(8080),
  PUBLIC_API_URL: z.string().url().optional(),

  AGENT_NAME: z.string().min(1).default('roundtable-moderator'),
  AGENT_WORKERS: z.coerce.number().int().min(0).max(64).default(1),
  // shared: the speech model and classifier load once per worker (its inference process); per_job: once per room's
  // job process, as before — kept as the baseline bench/agent-memory.ts measures against.
  AGENT_INFERENCE: z.enum(['shared', 'per_job']).default('shared'),
  // Above this CPU load (0-1) a worker tells LiveKit it takes no new rooms (the @livekit/agents default is 0.7).
  AGENT_LOAD_THRESHOLD: z.coerce.number().gt(0).max(1).default(0.7),
  AGENT_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  // Agent supervision (engine/agent-supervision): how often the API checks that every live room has its agent,
  // and how long a fresh dispatch may take to show its agent in the room before it counts as lost.
  AGENT_SUPERVISION_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(2000),
  AGENT_SUPERVISION_START_GRACE_MS: z.coerce.number().int().min(1000).max(600_000).default(45_000),
  // The worker's spool sweeper (agents/spool-sweeper.ts): how often it delivers spools no running job holds, and
  // after how many failed sweeps (room gone, records refused) a spool is moved to agent-spool/dead/.
  AGENT_SPOOL_SWEEP_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  AGENT_SPOOL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(10),
  // A worker told to drain (SIGTERM) hands each room to another worker; with none to take a room, it keeps serving
  // it until this deadline and then leaves as a stopped worker does. A deploy's stop grace must be longer.
  AGENT_DRAIN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),

  STT_MODEL: z.string().min(1).default('moonshine-base-en'),
  STT_BACKEND: z.enum(['local', 'openai']).default('local'),
  OPENAI_BASE_URL: z.string().url().optional(),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_STT_MODEL: z.string().default('whisper-1'),
  ORT_THREADS: z.coerce.number().int().min(1).max(64).default(1),
  // Transcribe an utterance in pieces at the speaker's short pauses while they talk (agents/utterance-chunker.ts),
  // so only the tail is left when it ends; `off` decodes each utterance whole (the measured baseline).
  STT_CHUNKING: z.enum(['on', 'off']).default('on'),
  // Silence that ends an utterance (Silero VAD's minimum silence).
  VAD_MIN_SILENCE_MS: z.coerce.number().int().min(100).max(900).default(600), // below the 1 s tail agents/speaker-transcriber.ts pushes at the end

  AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_AUTH_JWT_SECRET),
  AUTH_ACCESS_TTL_SECONDS: z.coerce.number().int().min(30).default(900),
  AUTH_REFRESH_TTL_SECONDS: z.coerce.number().int().min(60).default(30 * 24 * 3600),
  AUTH_LOGIN_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  AUTH_SESSION_CACHE_SECONDS: z.coerce.number().min(0).max(10).default(2),
  AUTH_PASSWORD_RESET_TTL_SECONDS: z.coerce.number().int().min(60).max(30 * 24 * 3600).default(24 * 3600),
  STAGE_EVENT_STREAMS_PER_MEMBER: z.coerce.number().int().min(1).max(100).default(5),
  ROOM_EMPTY_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(300),
  ROOM_ADMISSION_GRACE_SECONDS: z.coerce.number().int().min(1).default(120),
  ROOM_ADMISSION_SWEEP_SECONDS: z.coerce.number().int().min(1).default(30),
  ROOM_TOKEN_TTL_SECONDS: z.coerce.number().int().min(5).max(600).default(60),
  STAGE_EFFECT_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(1500),
  STAGE_EFFECT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  STAGE_EFFECT_RETRY_BASE_MS: z.coerce.number().int().min(1).default(500),
  STAGE_EFFECT_RETRY_MAX_MS: z.coerce.number().int().min(1).default(30_000),
  LIVEKIT_API_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5000),

  // Quotas (engine/quotas): each a limit per window for one key, answered with 429 rate_limited and Retry-After.
  QUOTA_SIGNUPS_PER_IP_PER_HOUR: z.coerce.number().int().min(1).default(10),
  QUOTA_ROOMS_PER_MEMBER_PER_HOUR: z.coerce.number().int().min(1).default(10),
  QUOTA_LIVE_ROOMS_PER_MEMBER: z.coerce.number().int().min(1).default(2),
  QUOTA_LIVE_ROOMS_TOTAL: z.coerce.number().int().min(1).default(20),
  QUOTA_REACTIONS_PER_MEMBER_PER_ROOM_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  QUOTA_REPORTS_PER_MEMBER_PER_HOUR: z.coerce.number().int().min(1).default(20),
  // Each photo costs seconds of face detection and each intro a transcription and a classification.
  QUOTA_MEDIA_UPLOADS_PER_MEMBER_PER_HOUR: z.coerce.number().int().min(1).default(20),
  QUOTA_INVITATIONS_PER_MEMBER_PER_HOUR: z.coerce.number().int().min(1).default(50),

  // Trust and safety: background chores, evidence retention and reviewer leases.
  MODERATION_SUSPENSION_LIFT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(30),
  RETENTION_EVIDENCE_DAYS: z.coerce.number().int().min(1).max(36_500).default(30),
  RETENTION_EXTENDED_DAYS: z.coerce.number().int().min(1).max(36_500).default(90),
  RETENTION_UNFLAGGED_TRANSCRIPT_DAYS: z.coerce.number().int().min(1).max(36_500).default(30),
  RETENTION_SWEEP_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  CASE_LEASE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),

  // Matching profiles (engine/matching): gating and upload limits.
  MATCHING_MIN_CONNECTIONS: z.coerce.number().int().min(0).max(10_000).default(3),
  MATCHING_MIN_EXPERIENCE_ENTRIES: z.coerce.number().int().min(0).max(30).default(1),
  MATCHING_MIN_DESCRIPTION_CHARS: z.coerce.number().int().min(0).max(2000).default(80),
  MATCHING_PHOTO_MAX_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(5 * 1024 * 1024),
  MATCHING_PHOTO_MAX_PIXELS: z.coerce.number().int().min(10_000).max(268_402_689).default(40_000_000),
  MATCHING_FACE_MIN_SCORE: z.coerce.number().gt(0).lt(1).default(0.5),
  MATCHING_INTRO_MAX_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(2 * 1024 * 1024),
  MATCHING_INTRO_MAX_SECONDS: z.coerce.number().min(1).max(600).default(20),

  ROUNDTABLE_DEV: bool.optional().transform((v) => v ?? false),
});

export interface Config {
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  dirs: { cache: string; data: string; models: string };
  database: {
    /** Explicit URL; when absent, `mode` decides between the local cluster and the embedded PGlite. */
    url: string | undefined;
    mode: 'auto' | 'postgres' | 'embedded';
    localUrl: string;
    embeddedPort: number;
  };
  livekit: {
    /** URL services use; when `managed`, Roundtable runs the server itself. */
    url: string;
    /** URL handed to clients in join answers (behind a TLS proxy: its wss:// address); defaults to `url`. */
    publicUrl: string;
    managed: boolean;
    apiKey: string;
    apiSecret: string;
    port: number;
    rtcTcpPort: number;
    rtcUdpPortStart: number;
    rtcUdpPortEnd: number;
    nodeIp: string;
    bin: string | undefined;
    version: string;
    /** Shared by the nodes of a LiveKit cluster; undefined: a single node keeps rooms in memory. */
    redisUrl: string | undefined;
    /** Managed nodes started on this machine (more than one needs redisUrl). */
    nodes: number;
  };
  api: { host: string; port: number; publicUrl: string };
  agent: { name: string; workers: number; httpPort: number; inference: 'shared' | 'per_job'; loadThreshold: number; supervision: { intervalMs: number; startGraceMs: number }; spool: { sweepMs: number; maxAttempts: number }; drainMs: number };
  stt: {
    model: string;
    backend: 'local' | 'openai';
    openai: { baseUrl: string | undefined; apiKey: string | undefined; model: string };
    ortThreads: number;
    chunking: boolean;
    vadMinSilenceMs: number;
  };
  auth: {
    jwtSecret: string;
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
    loginRatePerMinute: number;
    /** A checked session and the member's platform roles are reused this long; changes made in-process apply at once. */
    sessionCacheSeconds: number;
    /** How long an operator-issued password reset link (roundtable password-reset) stays valid. */
    passwordResetTtlSeconds: number;
  };
  rooms: {
    emptyTimeoutSeconds: number;
    /** A member admitted through the API who has not connected to the media within this lapses from the room. */
    admissionGraceSeconds: number;
    admissionSweepSeconds: number;
    /** Open stage event streams (SSE) one member may hold at once in this process. */
    stageStreamsPerMember: number;
    /** Lifetime of LiveKit join tokens: they only authorise the connect (LiveKit refreshes connected sessions). */
    tokenTtlSeconds: number;
    /** Rooms one member may host live at once, and live rooms on the whole platform (each costs an agent job). */
    liveRoomsPerMember: number;
    liveRoomsTotal: number;
  };
  /** Stage effects on LiveKit (the outbox): how long a command waits for them, and the retry policy. */
  stageEffects: { waitMs: number; maxAttempts: number; retryBaseMs: number; retryMaxMs: number; liveKitTimeoutMs: number };
  /** Windowed quotas by name (engine/quotas QUOTA_NAMES). */
  quotas: Record<'signup' | 'room_create' | 'reaction' | 'report' | 'invitation' | 'media_upload', { limit: number; windowSeconds: number }>;
  /** Trust and safety: how often expired suspensions are lifted (and sanctioned members swept out of live rooms), evidence retention, reviewer leases. */
  moderation: {
    suspensionLiftSeconds: number;
    /** An evidence clip is kept this long unless a case or appeal holds it. */
    evidenceRetentionDays: number;
    /** How long an open report or an appeal holds its evidence. */
    extendedRetentionDays: number;
    unflaggedTranscriptDays: number;
    retentionSweepSeconds: number;
    caseLeaseSeconds: number;
  };
  /** Matching: what makes a profile matchable (engine/matching/gating.ts) and the photo and intro upload limits. */
  matching: {
    minConnections: number;
    /** Experience is complete with at least this many entries whose description has minDescriptionChars each. */
    minExperienceEntries: number;
    minDescriptionChars: number;
    photoMaxBytes: number;
    /** sharp's limitInputPixels: a larger image is refused before it is decoded. */
    photoMaxPixels: number;
    faceMinScore: number;
    introMaxBytes: number;
    introMaxSeconds: number;
  };
  dev: boolean;
}

export const LIVEKIT_VERSION = 'v1.13.5';

export class ConfigError extends Error {
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(`invalid configuration: ${issues.map((i) => `${i.variable}: ${i.message}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(stripEmpty(env));
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? '?'), message: i.message })));
  }
  const e = parsed.data;
  if (e.LIVEKIT_NODES > 1 && e.LIVEKIT_REDIS_URL === undefined) {
    throw new ConfigError([{ variable: 'LIVEKIT_NODES', message: 'more than one LiveKit node needs LIVEKIT_REDIS_URL (the nodes share rooms through Redis)' }]);
  }
  refuseDevSecretsBeyondLoopback(e);
  const xdgCache = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  const cache = path.resolve(e.ROUNDTABLE_CACHE_DIR ?? path.join(xdgCache, 'roundtable'));
  const data = path.resolve(e.ROUNDTABLE_DATA_DIR ?? path.join(process.cwd(), '.data'));
  const apiHostForUrl = e.API_HOST === '0.0.0.0' ? '127.0.0.1' : e.API_HOST;
  return {
    logLevel: e.LOG_LEVEL,
    dirs: { cache, data, models: path.resolve(e.MODELS_DIR ?? path.join(cache, 'models')) },
    database: {
      url: e.DATABASE_URL,
      mode: e.ROUNDTABLE_DB,
      localUrl: e.ROUNDTABLE_LOCAL_PG_URL,
      embeddedPort: e.ROUNDTABLE_EMBEDDED_PG_PORT,
    },
    livekit: {
      url: e.LIVEKIT_URL ?? `ws://${e.LIVEKIT_NODE_IP}:${e.LIVEKIT_PORT}`,
      publicUrl: e.PUBLIC_LIVEKIT_URL ?? e.LIVEKIT_URL ?? `ws://${e.LIVEKIT_NODE_IP}:${e.LIVEKIT_PORT}`,
      managed: e.LIVEKIT_URL === undefined,
      apiKey: e.LIVEKIT_API_KEY,
      apiSecret: e.LIVEKIT_API_SECRET,
      port: e.LIVEKIT_PORT,
      rtcTcpPort: e.LIVEKIT_RTC_TCP_PORT,
      rtcUdpPortStart: e.LIVEKIT_RTC_UDP_PORT_START,
      rtcUdpPortEnd: e.LIVEKIT_RTC_UDP_PORT_END,
      nodeIp: e.LIVEKIT_NODE_IP,
      bin: e.LIVEKIT_BIN,
      version: LIVEKIT_VERSION,
      redisUrl: e.LIVEKIT_REDIS_URL,
      nodes: e.LIVEKIT_NODES,
    },
    api: { host: e.API_HOST, port: e.API_PORT, publicUrl: e.PUBLIC_API_URL ?? `http://${apiHostForUrl}:${e.API_PORT}` },
    agent: { name: e.AGENT_NAME, workers: e.AGENT_WORKERS, httpPort: e.AGENT_HTTP_PORT, inference: e.AGENT_INFERENCE, loadThreshold: e.AGENT_LOAD_THRESHOLD, supervision: { intervalMs: e.AGENT_SUPERVISION_INTERVAL_MS, startGraceMs: e.AGENT_SUPERVISION_START_GRACE_MS }, spool: { sweepMs: e.AGENT_SPOOL_SWEEP_SECONDS * 1000, maxAttempts: e.AGENT_SPOOL_MAX_ATTEMPTS }, drainMs: e.AGENT_DRAIN_TIMEOUT_SECONDS * 1000 },
    stt: {
      model: e.STT_MODEL,
      backend: e.STT_BACKEND,
      openai: { baseUrl: e.OPENAI_BASE_URL, apiKey: e.OPENAI_API_KEY, model: e.OPENAI_STT_MODEL },
      ortThreads: e.ORT_THREADS,
      chunking: e.STT_CHUNKING === 'on',
      vadMinSilenceMs: e.VAD_MIN_SILENCE_MS,
    },
    auth: {
      jwtSecret: e.AUTH_JWT_SECRET,
      accessTtlSeconds: e.AUTH_ACCESS_TTL_SECONDS,
      refreshTtlSeconds: e.AUTH_REFRESH_TTL_SECONDS,
      loginRatePerMinute: e.AUTH_LOGIN_RATE_PER_MINUTE,
      sessionCacheSeconds: e.AUTH_SESSION_CACHE_SECONDS,
      passwordResetTtlSeconds: e.AUTH_PASSWORD_RESET_TTL_SECONDS,
    },
    rooms: {
      emptyTimeoutSeconds: e.ROOM_EMPTY_TIMEOUT_SECONDS,
      admissionGraceSeconds: e.ROOM_ADMISSION_GRACE_SECONDS,
      admissionSweepSeconds: e.ROOM_ADMISSION_SWEEP_SECONDS,
      stageStreamsPerMember: e.STAGE_EVENT_STREAMS_PER_MEMBER,
      tokenTtlSeconds: e.ROOM_TOKEN_TTL_SECONDS,
      liveRoomsPerMember: e.QUOTA_LIVE_ROOMS_PER_MEMBER,
      liveRoomsTotal: e.QUOTA_LIVE_ROOMS_TOTAL,
    },
    quotas: {
      signup: { limit: e.QUOTA_SIGNUPS_PER_IP_PER_HOUR, windowSeconds: 3600 },
      room_create: { limit: e.QUOTA_ROOMS_PER_MEMBER_PER_HOUR, windowSeconds: 3600 },
      reaction: { limit: e.QUOTA_REACTIONS_PER_MEMBER_PER_ROOM_PER_MINUTE, windowSeconds: 60 },
      report: { limit: e.QUOTA_REPORTS_PER_MEMBER_PER_HOUR, windowSeconds: 3600 },
      media_upload: { limit: e.QUOTA_MEDIA_UPLOADS_PER_MEMBER_PER_HOUR, windowSeconds: 3600 },
      invitation: { limit: e.QUOTA_INVITATIONS_PER_MEMBER_PER_HOUR, windowSeconds: 3600 },
    },
    moderation: {
      suspensionLiftSeconds: e.MODERATION_SUSPENSION_LIFT_SECONDS,
      evidenceRetentionDays: e.RETENTION_EVIDENCE_DAYS,
      extendedRetentionDays: e.RETENTION_EXTENDED_DAYS,
      unflaggedTranscriptDays: e.RETENTION_UNFLAGGED_TRANSCRIPT_DAYS,
      retentionSweepSeconds: e.RETENTION_SWEEP_SECONDS,
      caseLeaseSeconds: e.CASE_LEASE_SECONDS,
    },
    matching: {
      minConnections: e.MATCHING_MIN_CONNECTIONS,
      minExperienceEntries: e.MATCHING_MIN_EXPERIENCE_ENTRIES,
      minDescriptionChars: e.MATCHING_MIN_DESCRIPTION_CHARS,
      photoMaxBytes: e.MATCHING_PHOTO_MAX_BYTES,
      photoMaxPixels: e.MATCHING_PHOTO_MAX_PIXELS,
      faceMinScore: e.MATCHING_FACE_MIN_SCORE,
      introMaxBytes: e.MATCHING_INTRO_MAX_BYTES,
      introMaxSeconds: e.MATCHING_INTRO_MAX_SECONDS,
    },
    stageEffects: {
      waitMs: e.STAGE_EFFECT_WAIT_MS,
      maxAttempts: e.STAGE_EFFECT_MAX_ATTEMPTS,
      retryBaseMs: e.STAGE_EFFECT_RETRY_BASE_MS,
      retryMaxMs: Math.max(e.STAGE_EFFECT_RETRY_MAX_MS, e.STAGE_EFFECT_RETRY_BASE_MS),
      liveKitTimeoutMs: e.LIVEKIT_API_TIMEOUT_MS,
    },
    dev: e.ROUNDTABLE_DEV,
  };
}

/**
 * Repo-known secrets are accepted only while every listener is on loopback (or ROUNDTABLE_DEV=1 says this is a
 * development machine); otherwise start-up fails naming the variable to set. The embedded PGlite always listens on
 * 127.0.0.1 and has its own generated password (db/embedded-postgres.ts), so it never counts against this.
 */
function refuseDevSecretsBeyondLoopback(e: z.infer<typeof EnvSchema>): void {
  if (e.ROUNDTABLE_DEV) return;
  const exposed: string[] = [];
  if (!isLoopbackHost(e.API_HOST)) exposed.push(`API_HOST=${e.API_HOST}`);
  if (e.LIVEKIT_URL === undefined && !isLoopbackHost(e.LIVEKIT_NODE_IP)) exposed.push(`LIVEKIT_NODE_IP=${e.LIVEKIT_NODE_IP}`);
  if (e.LIVEKIT_URL !== undefined && !isLoopbackHost(urlHost(e.LIVEKIT_URL))) exposed.push(`LIVEKIT_URL=${e.LIVEKIT_URL}`);
  if (exposed.length === 0) return;
  const devSecrets: { variable: string; what: string }[] = [];
  if (e.LIVEKIT_API_SECRET === DEV_LIVEKIT_API_SECRET) devSecrets.push({ variable: 'LIVEKIT_API_SECRET', what: 'the built-in development LiveKit secret' });
  if (e.AUTH_JWT_SECRET === DEV_AUTH_JWT_SECRET) devSecrets.push({ variable: 'AUTH_JWT_SECRET', what: 'the built-in development token-signing secret' });
  const dbUrlVariable = e.DATABASE_URL !== undefined ? 'DATABASE_URL' : e.ROUNDTABLE_DB !== 'embedded' ? 'ROUNDTABLE_LOCAL_PG_URL' : undefined;
  if (dbUrlVariable && urlPassword(dbUrlVariable === 'DATABASE_URL' ? e.DATABASE_URL! : e.ROUNDTABLE_LOCAL_PG_URL) === DEV_PG_PASSWORD) {
    devSecrets.push({ variable: dbUrlVariable, what: `the development database password "${DEV_PG_PASSWORD}"` });
  }
  if (devSecrets.length === 0) return;
  throw new ConfigError(
    devSecrets.map(({ variable, what }) => ({
      variable,
      message: `${what} is in use while ${exposed.join(', ')} is reachable beyond loopback; set ${variable} to a secret of your own (or ROUNDTABLE_DEV=1 on a development machine)`,
    })),
  );
}

function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (net.isIPv6(h)) return h === '::1' || h === '0:0:0:0:0:0:0:1';
  return false;
}

function urlHost(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}

function urlPassword(url: string): string {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return '';
  }
}

/** Treats `FOO=` like an unset variable, as shells and compose files often produce it. */
function stripEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}
