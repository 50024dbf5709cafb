// The pure part of a managed cluster: node settings derived from one config, Redis URLs, and the YAML each node gets.
import test from 'ava';
import { loadConfig } from '../../core/config.js';
import {
  buildLiveKitServerConfig,
  liveKitClusterNodeSettings,
  liveKitServerSettingsFromConfig,
  parseRedisUrl,
  renderLiveKitServerConfig,
} from '../../engine/livekit/index.js';

const clusterEnv = { LIVEKIT_NODES: '2', LIVEKIT_REDIS_URL: 'redis://127.0.0.1:6390/2', LIVEKIT_PORT: '7880', LIVEKIT_RTC_TCP_PORT: '7881' };

test('two nodes from one config: own signalling, ICE/TCP and UDP ports, the same Redis', (t) => {
  const config = loadConfig(clusterEnv);
  const nodes = liveKitClusterNodeSettings(liveKitServerSettingsFromConfig(config), config.livekit.nodes);
  t.deepEqual(
    nodes.map((n) => [n.port, n.rtcTcpPort, n.rtcUdpPortStart, n.rtcUdpPortEnd]),
    [
      [7880, 7881, 50000, 50049],
      [7890, 7891, 50050, 50099],
    ],
  );
  for (const n of nodes) t.deepEqual(n.redis, { address: '127.0.0.1:6390', db: 2 });
  const yaml = renderLiveKitServerConfig(buildLiveKitServerConfig(nodes[1]!));
  t.regex(yaml, /\nredis:\n {2}address: "127\.0\.0\.1:6390"\n {2}db: 2\n/);
  t.regex(yaml, /^port: 7890$/m);
});

test('a single node without Redis renders no redis section', (t) => {
  const config = loadConfig({});
  const [node, ...rest] = liveKitClusterNodeSettings(liveKitServerSettingsFromConfig(config), 1);
  t.is(rest.length, 0);
  t.false(renderLiveKitServerConfig(buildLiveKitServerConfig(node!)).includes('redis'));
});

test('bad cluster settings are refused, naming the variable or field', (t) => {
  const noRedis = t.throws(() => loadConfig({ LIVEKIT_NODES: '2' }));
  t.regex(noRedis!.message, /LIVEKIT_NODES/);
  t.regex(t.throws(() => loadConfig({ LIVEKIT_REDIS_URL: 'http://x:1' }))!.message, /LIVEKIT_REDIS_URL/);
  t.regex(t.throws(() => loadConfig({ LIVEKIT_NODES: '9', LIVEKIT_REDIS_URL: 'redis://127.0.0.1:1' }))!.message, /LIVEKIT_NODES/);
  const base = liveKitServerSettingsFromConfig(loadConfig({}));
  t.throws(() => liveKitClusterNodeSettings(base, 2), { message: /needs redis/ });
  // A loopback node must not talk to a Redis elsewhere.
  t.throws(() => buildLiveKitServerConfig({ ...base, redis: { address: '10.0.0.5:6379' } }), { message: /redis\.address must be a loopback/ });
  t.throws(() => buildLiveKitServerConfig({ ...base, redis: { address: 'nohostport' } }), { message: /redis\.address must be host:port/ });
});

test('redis URLs: user, password and database are carried over', (t) => {
  t.deepEqual(parseRedisUrl('redis://app:s%40cret@127.0.0.1:6400/3'), { address: '127.0.0.1:6400', username: 'app', password: 's@cret', db: 3 });
  t.deepEqual(parseRedisUrl('redis://localhost'), { address: 'localhost:6379', db: 0 });
  t.throws(() => parseRedisUrl('rediss//x'), { message: /redis URL must look like/ });
});
