// Pure construction of the livekit-server YAML config (field names checked against v1.13.5's
// config-sample.yaml and pkg/config/config.go). The invariant it protects: with a loopback node
// IP, every address the server binds, advertises or contacts is loopback, so no media (and no
// STUN probe) ever leaves the machine.
import net from 'node:net';
import path from 'node:path';
import type { Config } from '../../core/config.js';
import { toYaml } from './yaml.js';

export type LiveKitLogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LiveKitServerSettings {
  /** HTTP/WebSocket signalling port. */
  port: number;
  /** ICE-over-TCP port (pion listens on all interfaces; only nodeIp is advertised). */
  rtcTcpPort: number;
  rtcUdpPortStart: number;
  rtcUdpPortEnd: number;
  /** The only address the server gathers ICE candidates on and advertises. */
  nodeIp: string;
  apiKey: string;
  apiSecret: string;
  /** Where the server POSTs room events (signed with apiKey). Loopback when nodeIp is loopback. */
  webhookUrls: string[];
  emptyTimeoutSeconds: number;
  departureTimeoutSeconds: number;
  logLevel: LiveKitLogLevel;
  /** Set for a node of a cluster: the nodes share rooms, routing and agent workers through this Redis. */
  redis?: LiveKitRedisSettings;
  /** CPU load (0-1] up to which LiveKit still sends a worker jobs (its own default 0.7); kept equal to the workers'
   * AGENT_LOAD_THRESHOLD, or LiveKit would hold back jobs the workers would take. */
  agentTargetLoad?: number;
}

export interface LiveKitRedisSettings {
  /** host:port */
  address: string;
  username?: string;
  password?: string;
  db?: number;
}

/** The YAML document, typed to the subset of livekit-server fields Roundtable sets. */
export interface LiveKitServerYaml {
  port: number;
  bind_addresses: string[];
  rtc: {
    node_ip: string;
    use_external_ip: false;
    stun_servers: string[];
    enable_loopback_candidate: boolean;
    ips: { includes: string[] };
    tcp_port: number;
    port_range_start: number;
    port_range_end: number;
  };
  keys: Record<string, string>;
  webhook?: { api_key: string; urls: string[] };
  room: { auto_create: true; enable_remote_unmute: true; empty_timeout: number; departure_timeout: number };
  turn: { enabled: false };
  logging: { level: LiveKitLogLevel; pion_level: LiveKitLogLevel };
  redis?: { address: string; username?: string; password?: string; db?: number };
  agents?: { target_load: number };
}

const LOG_LEVELS: readonly LiveKitLogLevel[] = ['debug', 'info', 'warn', 'error'];
/** LiveKit reads LIVEKIT_* env vars as config overrides, so the key name is checked to stay a plain token. */
const API_KEY = /^[A-Za-z0-9_-]+$/;

export function isLoopbackAddress(address: string): boolean {
  if (net.isIPv4(address)) return address.startsWith('127.');
  if (net.isIPv6(address)) return address === '::1' || address === '0:0:0:0:0:0:0:1';
  return false;
}

export function buildLiveKitServerConfig(settings: LiveKitServerSettings): LiveKitServerYaml {
  if (typeof settings !== 'object' || settings === null) throw new TypeError('settings must be an object');
  const s = settings;
  for (const field of ['port', 'rtcTcpPort', 'rtcUdpPortStart', 'rtcUdpPortEnd'] as const) requirePort(s[field], field);
  if (s.rtcUdpPortEnd <= s.rtcUdpPortStart) throw new TypeError('rtcUdpPortEnd must be greater than rtcUdpPortStart');
  const udpRange: [number, number] = [s.rtcUdpPortStart, s.rtcUdpPortEnd];
  for (const field of ['port', 'rtcTcpPort'] as const) {
    if (s[field] >= udpRange[0] && s[field] <= udpRange[1]) throw new TypeError(`${field} must lie outside the RTC UDP port range`);
  }
  if (s.port === s.rtcTcpPort) throw new TypeError('rtcTcpPort must differ from port');
  if (typeof s.nodeIp !== 'string' || net.isIP(s.nodeIp) === 0) throw new TypeError('nodeIp must be an IPv4 or IPv6 address');
  if (typeof s.apiKey !== 'string' || !API_KEY.test(s.apiKey)) throw new TypeError('apiKey must be a non-empty token of letters, digits, - or _');
  if (typeof s.apiSecret !== 'string' || s.apiSecret.length < 32) throw new TypeError('apiSecret must be a string of at least 32 characters');
  if (!Array.isArray(s.webhookUrls)) throw new TypeError('webhookUrls must be an array of URLs');
  const loopback = isLoopbackAddress(s.nodeIp);
  s.webhookUrls.forEach((u, i) => checkWebhookUrl(u, `webhookUrls[${i}]`, loopback));
  for (const field of ['emptyTimeoutSeconds', 'departureTimeoutSeconds'] as const) {
    if (!Number.isInteger(s[field]) || s[field] < 1) throw new TypeError(`${field} must be a positive integer`);
  }
  if (!LOG_LEVELS.includes(s.logLevel)) throw new TypeError(`logLevel must be one of ${LOG_LEVELS.join(', ')}`);
  if (s.redis !== undefined) checkRedis(s.redis, loopback);
  if (s.agentTargetLoad !== undefined && !(typeof s.agentTargetLoad === 'number' && s.agentTargetLoad > 0 && s.agentTargetLoad <= 1)) {
    throw new TypeError('agentTargetLoad must be a number in (0, 1]');
  }

  const v6 = net.isIPv6(s.nodeIp);
  return {
    port: s.port,
    bind_addresses: [s.nodeIp],
    rtc: {
      node_ip: s.nodeIp,
      // Never ask a public STUN server for our address.
      use_external_ip: false,
      // Handed to clients; without it the server gives them Google's public STUN servers.
      stun_servers: [v6 ? '[::1]:3478' : '127.0.0.1:3478'],
      enable_loopback_candidate: loopback,
      ips: { includes: [`${s.nodeIp}/${v6 ? 128 : 32}`] },
      tcp_port: s.rtcTcpPort,
      port_range_start: s.rtcUdpPortStart,
      port_range_end: s.rtcUdpPortEnd,
    },
    keys: { [s.apiKey]: s.apiSecret },
    ...(s.webhookUrls.length > 0 ? { webhook: { api_key: s.apiKey, urls: [...s.webhookUrls] } } : {}),
    room: {
      auto_create: true,
      enable_remote_unmute: true,
      empty_timeout: s.emptyTimeoutSeconds,
      departure_timeout: s.departureTimeoutSeconds,
    },
    turn: { enabled: false },
    logging: { level: s.logLevel, pion_level: s.logLevel === 'debug' ? 'debug' : 'error' },
    ...(s.redis !== undefined
      ? {
          redis: {
            address: s.redis.address,
            ...(s.redis.username ? { username: s.redis.username } : {}),
            ...(s.redis.password ? { password: s.redis.password } : {}),
            ...(s.redis.db ? { db: s.redis.db } : {}),
          },
        }
      : {}),
    ...(s.agentTargetLoad !== undefined ? { agents: { target_load: s.agentTargetLoad } } : {}),
  };
}

export function renderLiveKitServerConfig(config: LiveKitServerYaml): string {
  return toYaml(config as unknown as Parameters<typeof toYaml>[0]);
}

/** Settings for the managed server from Roundtable's config; webhook URLs come from the API's address. */
export function liveKitServerSettingsFromConfig(
  config: Config,
  options: { webhookUrls?: string[]; logLevel?: LiveKitLogLevel } = {},
): LiveKitServerSettings {
  const lk = config.livekit;
  return {
    port: lk.port,
    rtcTcpPort: lk.rtcTcpPort,
    rtcUdpPortStart: lk.rtcUdpPortStart,
    rtcUdpPortEnd: lk.rtcUdpPortEnd,
    nodeIp: lk.nodeIp,
    apiKey: lk.apiKey,
    apiSecret: lk.apiSecret,
    webhookUrls: options.webhookUrls ?? [],
    emptyTimeoutSeconds: config.rooms.emptyTimeoutSeconds,
    departureTimeoutSeconds: 20,
    logLevel: options.logLevel ?? toLiveKitLogLevel(config.logLevel),
    ...(lk.redisUrl !== undefined ? { redis: parseRedisUrl(lk.redisUrl) } : {}),
    agentTargetLoad: config.agent.loadThreshold,
  };
}

/** Ports between one managed node and the next on the same machine. */
export const CLUSTER_NODE_PORT_STRIDE = 10;

/**
 * Settings for `count` nodes of one cluster on this machine: node i listens on port + 10·i and rtcTcpPort + 10·i,
 * and gets the i-th slice of the RTC UDP range (a room's media flows through the node that holds it).
 */
export function liveKitClusterNodeSettings(base: LiveKitServerSettings, count: number): LiveKitServerSettings[] {
  if (!Number.isInteger(count) || count < 1) throw new TypeError('count must be a positive integer');
  if (count > 1 && base.redis === undefined) throw new TypeError('a cluster of more than one node needs redis settings');
  const udpSlice = Math.floor((base.rtcUdpPortEnd - base.rtcUdpPortStart + 1) / count);
  if (udpSlice < 2) throw new TypeError(`the RTC UDP port range is too small for ${count} nodes`);
  return Array.from({ length: count }, (_, i) => ({
    ...base,
    port: base.port + CLUSTER_NODE_PORT_STRIDE * i,
    rtcTcpPort: base.rtcTcpPort + CLUSTER_NODE_PORT_STRIDE * i,
    rtcUdpPortStart: base.rtcUdpPortStart + udpSlice * i,
    rtcUdpPortEnd: base.rtcUdpPortStart + udpSlice * (i + 1) - 1,
  }));
}

/** redis://[user:password@]host:port[/db] -> LiveKit's redis settings. */
export function parseRedisUrl(url: string): LiveKitRedisSettings {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TypeError(`redis URL must look like redis://[user:password@]host:port[/db], got ${JSON.stringify(url)}`);
  }
  if (u.protocol !== 'redis:' || u.hostname === '') throw new TypeError(`redis URL must look like redis://[user:password@]host:port[/db], got ${JSON.stringify(url)}`);
  const db = u.pathname === '' || u.pathname === '/' ? 0 : Number(u.pathname.slice(1));
  if (!Number.isInteger(db) || db < 0) throw new TypeError('redis URL database must be a non-negative integer');
  return {
    address: `${u.hostname}:${u.port || '6379'}`,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    db,
  };
}

/** LIVEKIT_BIN, else the binary scripts/install-livekit.sh builds into the cache. */
export function liveKitBinaryPath(config: Config): string {
  return config.livekit.bin ?? path.join(config.dirs.cache, 'livekit', config.livekit.version, 'bin', 'server');
}

/**
 * The managed server logs into its own file (never our console), at info at least: its start-up line is where a
 * cluster learns each node's id (LiveKitServer.nodeId), and a quieter LOG_LEVEL for Roundtable must not hide it.
 */
function toLiveKitLogLevel(level: Config['logLevel']): LiveKitLogLevel {
  if (level === 'debug' || level === 'trace') return 'debug';
  return 'info';
}

function requirePort(value: unknown, field: string): void {
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 65535) {
    throw new TypeError(`${field} must be an integer port between 1 and 65535`);
  }
}

function checkRedis(redis: LiveKitRedisSettings, requireLoopback: boolean): void {
  const m = typeof redis?.address === 'string' ? /^\[?([^\]]+?)\]?:(\d+)$/.exec(redis.address) : null;
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new TypeError('redis.address must be host:port');
  if (requireLoopback && !isLoopbackAddress(m[1]!) && m[1] !== 'localhost') {
    throw new TypeError('redis.address must be a loopback address while nodeIp is loopback');
  }
  if (redis.db !== undefined && (!Number.isInteger(redis.db) || redis.db < 0)) throw new TypeError('redis.db must be a non-negative integer');
}

function checkWebhookUrl(value: unknown, field: string, requireLoopback: boolean): void {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new TypeError(`${field} must be an absolute http(s) URL`);
  }
  if (typeof value !== 'string' || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new TypeError(`${field} must be an absolute http(s) URL`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (requireLoopback && !isLoopbackAddress(host)) {
    throw new TypeError(`${field} must point at a loopback address (127.0.0.0/8 or ::1) while nodeIp is loopback`);
  }
}
