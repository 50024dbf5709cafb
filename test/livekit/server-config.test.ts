import net from 'node:net';
import test from 'ava';
import { loadConfig } from '../../core/config.js';
import {
  buildLiveKitServerConfig,
  liveKitBinaryPath,
  liveKitServerSettingsFromConfig,
  renderLiveKitServerConfig,
  type LiveKitServerSettings,
} from '../../engine/livekit/index.js';

const SECRET = 'roundtable-dev-secret-change-me-0123456789';
const settings = (over: Partial<LiveKitServerSettings> = {}): LiveKitServerSettings => ({
  port: 17880,
  rtcTcpPort: 17881,
  rtcUdpPortStart: 51000,
  rtcUdpPortEnd: 51100,
  nodeIp: '127.0.0.1',
  apiKey: 'roundtable-dev',
  apiSecret: SECRET,
  webhookUrls: ['http://127.0.0.1:8080/webhooks/livekit'],
  emptyTimeoutSeconds: 300,
  departureTimeoutSeconds: 20,
  logLevel: 'info',
  ...over,
});

test('the config pins every address to loopback and sets the fields LiveKit v1.13.5 reads', (t) => {
  t.deepEqual(buildLiveKitServerConfig(settings()), {
    port: 17880,
    bind_addresses: ['127.0.0.1'],
    rtc: {
      node_ip: '127.0.0.1',
      use_external_ip: false,
      stun_servers: ['127.0.0.1:3478'],
      enable_loopback_candidate: true,
      ips: { includes: ['127.0.0.1/32'] },
      tcp_port: 17881,
      port_range_start: 51000,
      port_range_end: 51100,
    },
    keys: { 'roundtable-dev': SECRET },
    webhook: { api_key: 'roundtable-dev', urls: ['http://127.0.0.1:8080/webhooks/livekit'] },
    room: { auto_create: true, enable_remote_unmute: true, empty_timeout: 300, departure_timeout: 20 },
    turn: { enabled: false },
    logging: { level: 'info', pion_level: 'error' },
  });
});

test('the rendered YAML contains no address outside 127.0.0.0/8 and no public STUN server', (t) => {
  const yaml = renderLiveKitServerConfig(buildLiveKitServerConfig(settings()));
  const ipv4 = yaml.match(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g) ?? [];
  t.true(ipv4.length >= 5, 'bind address, node ip, stun, ip filter and webhook host are all present');
  t.deepEqual(ipv4.filter((ip) => !ip.startsWith('127.')), []);
  const hosts = [...yaml.matchAll(/"(?:https?|stun|turn):\/\/([^/":]+)/g)].map((m) => m[1]);
  t.deepEqual(hosts.filter((h) => !h!.startsWith('127.')), []);
  t.notRegex(yaml, /google|stun\.l\.|0\.0\.0\.0|use_external_ip: true/);
  t.regex(yaml, /^ {2}use_external_ip: false$/m);
  t.regex(yaml, /^ {2}enable_loopback_candidate: true$/m);
  t.regex(yaml, /^ {2}stun_servers:\n {4}- "127\.0\.0\.1:3478"$/m);
});

test('values are quoted so a secret cannot change the YAML structure', (t) => {
  const tricky = 'a: b # not a comment "quoted" \\ and more to reach 32';
  const yaml = renderLiveKitServerConfig(buildLiveKitServerConfig(settings({ apiSecret: tricky })));
  t.true(yaml.includes(`  roundtable-dev: ${JSON.stringify(tricky)}\n`));
});

test('without webhook URLs the webhook section is left out', (t) => {
  t.false('webhook' in buildLiveKitServerConfig(settings({ webhookUrls: [] })));
});

test('debug logging turns on pion (ICE) logs too', (t) => {
  t.deepEqual(buildLiveKitServerConfig(settings({ logLevel: 'debug' })).logging, { level: 'debug', pion_level: 'debug' });
});

test('an IPv6 loopback node uses ::1 for binding, candidates and STUN', (t) => {
  const c = buildLiveKitServerConfig(settings({ nodeIp: '::1', webhookUrls: ['http://[::1]:8080/hook'] }));
  t.deepEqual(c.bind_addresses, ['::1']);
  t.deepEqual(c.rtc.ips.includes, ['::1/128']);
  t.deepEqual(c.rtc.stun_servers, ['[::1]:3478']);
});

test('settings come from Roundtable config: ports, keys, node IP, room timeout', (t) => {
  const config = loadConfig({
    LIVEKIT_PORT: '17990',
    LIVEKIT_RTC_TCP_PORT: '17991',
    LIVEKIT_RTC_UDP_PORT_START: '52000',
    LIVEKIT_RTC_UDP_PORT_END: '52010',
    LIVEKIT_API_KEY: 'k1',
    ROOM_EMPTY_TIMEOUT_SECONDS: '60',
    LOG_LEVEL: 'warn',
  });
  const s = liveKitServerSettingsFromConfig(config, { webhookUrls: ['http://127.0.0.1:9/x'] });
  t.like(s, { port: 17990, rtcTcpPort: 17991, rtcUdpPortStart: 52000, rtcUdpPortEnd: 52010, apiKey: 'k1', nodeIp: '127.0.0.1' });
  t.is(s.emptyTimeoutSeconds, 60);
  // Roundtable at warn, LiveKit's own log file at info: its start-up line names the node (a cluster reads it).
  t.is(s.logLevel, 'info');
  t.deepEqual(s.webhookUrls, ['http://127.0.0.1:9/x']);
});

test('the binary comes from LIVEKIT_BIN, else the versioned cache path', (t) => {
  t.is(liveKitBinaryPath(loadConfig({ ROUNDTABLE_CACHE_DIR: '/c' })), '/c/livekit/v1.13.5/bin/server');
  t.is(liveKitBinaryPath(loadConfig({ LIVEKIT_BIN: '/opt/lk/server' })), '/opt/lk/server');
});

test('bad settings throw a TypeError naming the field', (t) => {
  const cases: [Partial<LiveKitServerSettings>, RegExp][] = [
    [{ port: 0 }, /^port /],
    [{ rtcTcpPort: 70000 }, /^rtcTcpPort /],
    [{ rtcUdpPortEnd: 51000 }, /^rtcUdpPortEnd /],
    [{ port: 51050 }, /^port must lie outside/],
    [{ rtcTcpPort: 17880 }, /^rtcTcpPort must differ/],
    [{ nodeIp: 'localhost' }, /^nodeIp /],
    [{ apiKey: 'has space' }, /^apiKey /],
    [{ apiSecret: 'short' }, /^apiSecret /],
    [{ webhookUrls: ['http://192.0.2.10/hook'] }, /^webhookUrls\[0\] must point at a loopback/],
    [{ webhookUrls: ['ftp://127.0.0.1/x'] }, /^webhookUrls\[0\] /],
    [{ webhookUrls: 'http://127.0.0.1/' as unknown as string[] }, /^webhookUrls /],
    [{ emptyTimeoutSeconds: 0 }, /^emptyTimeoutSeconds /],
    [{ logLevel: 'verbose' as 'info' }, /^logLevel /],
  ];
  for (const [over, message] of cases) {
    t.throws(() => buildLiveKitServerConfig(settings(over)), { instanceOf: TypeError, message }, JSON.stringify(over));
  }
  t.throws(() => buildLiveKitServerConfig(null as unknown as LiveKitServerSettings), { instanceOf: TypeError });
});

test('a non-loopback node IP is used as given and may have non-loopback webhooks', (t) => {
  // Deliberate LAN deployments stay possible; the loopback guarantee is tied to a loopback nodeIp.
  const c = buildLiveKitServerConfig(settings({ nodeIp: '192.0.2.10', webhookUrls: ['http://192.0.2.10:8080/hook'] }));
  t.is(c.rtc.node_ip, '192.0.2.10');
  t.false(c.rtc.enable_loopback_candidate);
  t.true(net.isIP(c.rtc.node_ip) === 4);
});
