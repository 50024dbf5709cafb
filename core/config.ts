// The one typed home of Roundtable's configuration: every setting comes from an env var with a default.
// loadConfig is pure (env in, Config out) so tests pass their own env instead of mutating process.env.
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

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
  LIVEKIT_API_SECRET: z.string().min(32, 'must be at least 32 characters').default('roundtable-dev-secret-change-me-0123456789'),
  LIVEKIT_PORT: port.default(7880),
  LIVEKIT_RTC_TCP_PORT: port.default(7881),
  LIVEKIT_RTC_UDP_PORT_START: port.default(50000),
  LIVEKIT_RTC_UDP_PORT_END: port.default(50100),
  LIVEKIT_NODE_IP: z.union([z.ipv4(), z.ipv6()]).default('127.0.0.1'),
  LIVEKIT_BIN: z.string().optional(),

  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: port.default(8080),
  PUBLIC_API_URL: z.string().url().optional(),

  AGENT_NAME: z.string().min(1).default('roundtable-moderator'),
  AGENT_WORKERS: z.coerce.number().int().min(0).max(64).default(1),
  AGENT_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(0),

  STT_MODEL: z.string().min(1).default('moonshine-base-en'),
  STT_BACKEND: z.enum(['local', 'openai']).default('local'),
  OPENAI_BASE_URL: z.string().url().optional(),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_STT_MODEL: z.string().default('whisper-1'),
  ORT_THREADS: z.coerce.number().int().min(1).max(64).default(1),

  AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').default('roundtable-dev-jwt-secret-change-me-0123456789'),
  AUTH_ACCESS_TTL_SECONDS: z.coerce.number().int().min(30).default(900),
  AUTH_REFRESH_TTL_SECONDS: z.coerce.number().int().min(60).default(30 * 24 * 3600),
  AUTH_LOGIN_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  ROOM_EMPTY_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(300),
  ROOM_ADMISSION_GRACE_SECONDS: z.coerce.number().int().min(1).default(120),
  ROOM_ADMISSION_SWEEP_SECONDS: z.coerce.number().int().min(1).default(30),

  // Quotas (engine/quotas): each a limit per window for one key, answered with 429 rate_limited and Retry-After.
  QUOTA_SIGNUPS_PER_IP_PER_HOUR: z.coerce.number().int().min(1).default(10),
  QUOTA_ROOMS_PER_MEMBER_PER_HOUR: z.coerce.number().int().min(1).default(10),
  QUOTA_LIVE_ROOMS_PER_MEMBER: z.coerce.number().int().min(1).default(2),
  QUOTA_LIVE_ROOMS_TOTAL: z.coerce.number().int().min(1).default(20),
  QUOTA_REACTIONS_PER_MEMBER_PER_ROOM_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  QUOTA_REPORTS_PER_MEMBER_PER_HOUR: z.coerce.number().int().min(1).default(20),
  QUOTA_INVITATIONS_PER_MEMBER_PER_HOUR: z.coerce.number().int().min(1).default(50),

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
    /** URL clients and services use; when `managed`, Roundtable runs the server itself. */
    url: string;
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
  };
  api: { host: string; port: number; publicUrl: string };
  agent: { name: string; workers: number; httpPort: number };
  stt: {
    model: string;
    backend: 'local' | 'openai';
    openai: { baseUrl: string | undefined; apiKey: string | undefined; model: string };
    ortThreads: number;
  };
  auth: { jwtSecret: string; accessTtlSeconds: number; refreshTtlSeconds: number; loginRatePerMinute: number };
  rooms: {
    emptyTimeoutSeconds: number;
    /** A member admitted through the API who has not connected to the media within this lapses from the room. */
    admissionGraceSeconds: number;
    admissionSweepSeconds: number;
    /** Rooms one member may host live at once, and live rooms on the whole platform (each costs an agent job). */
    liveRoomsPerMember: number;
    liveRoomsTotal: number;
  };
  /** Windowed quotas by name (engine/quotas QUOTA_NAMES). */
  quotas: Record<'signup' | 'room_create' | 'reaction' | 'report' | 'invitation', { limit: number; windowSeconds: number }>;
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
    },
    api: { host: e.API_HOST, port: e.API_PORT, publicUrl: e.PUBLIC_API_URL ?? `http://${apiHostForUrl}:${e.API_PORT}` },
    agent: { name: e.AGENT_NAME, workers: e.AGENT_WORKERS, httpPort: e.AGENT_HTTP_PORT },
    stt: {
      model: e.STT_MODEL,
      backend: e.STT_BACKEND,
      openai: { baseUrl: e.OPENAI_BASE_URL, apiKey: e.OPENAI_API_KEY, model: e.OPENAI_STT_MODEL },
      ortThreads: e.ORT_THREADS,
    },
    auth: {
      jwtSecret: e.AUTH_JWT_SECRET,
      accessTtlSeconds: e.AUTH_ACCESS_TTL_SECONDS,
      refreshTtlSeconds: e.AUTH_REFRESH_TTL_SECONDS,
      loginRatePerMinute: e.AUTH_LOGIN_RATE_PER_MINUTE,
    },
    rooms: {
      emptyTimeoutSeconds: e.ROOM_EMPTY_TIMEOUT_SECONDS,
      admissionGraceSeconds: e.ROOM_ADMISSION_GRACE_SECONDS,
      admissionSweepSeconds: e.ROOM_ADMISSION_SWEEP_SECONDS,
      liveRoomsPerMember: e.QUOTA_LIVE_ROOMS_PER_MEMBER,
      liveRoomsTotal: e.QUOTA_LIVE_ROOMS_TOTAL,
    },
    quotas: {
      signup: { limit: e.QUOTA_SIGNUPS_PER_IP_PER_HOUR, windowSeconds: 3600 },
      room_create: { limit: e.QUOTA_ROOMS_PER_MEMBER_PER_HOUR, windowSeconds: 3600 },
      reaction: { limit: e.QUOTA_REACTIONS_PER_MEMBER_PER_ROOM_PER_MINUTE, windowSeconds: 60 },
      report: { limit: e.QUOTA_REPORTS_PER_MEMBER_PER_HOUR, windowSeconds: 3600 },
      invitation: { limit: e.QUOTA_INVITATIONS_PER_MEMBER_PER_HOUR, windowSeconds: 3600 },
    },
    dev: e.ROUNDTABLE_DEV,
  };
}

/** Treats `FOO=` like an unset variable, as shells and compose files often produce it. */
function stripEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}
