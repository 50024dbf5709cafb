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
  };
}

/** LIVEKIT_BIN, else the binary scripts/install-livekit.sh builds into the cache. */
export function liveKitBinaryPath(config: Config): string {
  return config.livekit.bin ?? path.join(config.dirs.cache, 'livekit', config.livekit.version, 'bin', 'server');
}

function toLiveKitLogLevel(level: Config['logLevel']): LiveKitLogLevel {
  if (level === 'debug' || level === 'trace') return 'debug';
  if (level === 'info') return 'info';
  if (level === 'warn') return 'warn';
  return 'error';
}

function requirePort(value: unknown, field: string): void {
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 65535) {
    throw new TypeError(`${field} must be an integer port between 1 and 65535`);
  }
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
