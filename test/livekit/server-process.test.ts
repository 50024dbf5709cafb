// Lifecycle of the real livekit-server child process (no media here, so the host namespace is fine).
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { loadConfig } from '../../core/config.js';
import {
  LiveKitServer,
  liveKitBinaryPath,
  liveKitServerSettingsFromConfig,
  probeLiveKit,
  type LiveKitServerExit,
} from '../../engine/livekit/index.js';
import { listenOutsideUdpRange, liveKitTestEnv } from './fixtures/ports.js';

/** A data dir removed after the test (teardowns run last-registered first, so after stop()). */
function tmpDir(t: ExecutionContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-livekit-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function managedServer(t: ExecutionContext, extraEnv: Record<string, string> = {}): Promise<LiveKitServer> {
  const config = loadConfig(await liveKitTestEnv(41000, extraEnv));
  return LiveKitServer.fromConfig(config, { dataDir: tmpDir(t), webhookUrls: ['http://127.0.0.1:9/hook'], stopGraceMs: 300 });
}

test('start() resolves once GET / answers OK; stop() ends it and emits an expected exit', async (t) => {
  const server = await managedServer(t);
  const events: string[] = [];
  server.on('ready', () => events.push('ready'));
  const exits: LiveKitServerExit[] = [];
  server.on('exit', (e) => exits.push(e));
  t.teardown(() => server.stop());

  const ready = await server.start();
  t.is(ready.url, server.url);
  t.true(server.running);
  t.is(server.pid, ready.pid as number | undefined);
  t.like(await probeLiveKit(server.url), { ready: true, status: 200 });
  t.is(fs.statSync(server.configPath).mode & 0o777, 0o600, 'the config holds the API secret');
  t.regex(fs.readFileSync(server.configPath, 'utf8'), /^ {2}node_ip: "127\.0\.0\.1"$/m);
  t.regex(server.logTail(), /starting LiveKit server/);
  t.log(`startup took ${ready.startupMs} ms`);

  const exit = await server.stop();
  t.deepEqual(events, ['ready']);
  t.true(exit?.expected);
  t.deepEqual(exits, [exit]);
  t.false(server.running);
  t.false((await probeLiveKit(server.url, { timeoutMs: 500 })).ready);
});

test('the signalling port is bound to the node IP only', async (t) => {
  const server = await managedServer(t);
  t.teardown(() => server.stop());
  await server.start();
  const { port } = server.serverConfig;
  const onOtherAddress = await new Promise<boolean>((resolve) => {
    // ::1 is still this machine, and LiveKit must not answer there when bound to 127.0.0.1.
    const s = net.connect({ host: '::1', port }, () => resolve(s.destroy() !== undefined));
    s.once('error', () => resolve(false));
  });
  t.false(onOtherAddress);
});

test('a server that dies on its own emits an unexpected exit and can be started again', async (t) => {
  const server = await managedServer(t);
  t.teardown(() => server.stop());
  await server.start();
  const exited = new Promise<LiveKitServerExit>((resolve) => server.once('exit', resolve));
  process.kill(server.pid!, 'SIGKILL');
  const exit = await exited;
  t.false(exit.expected);
  t.is(exit.signal, 'SIGKILL');
  t.false(server.running);
  // It can be started again, e.g. by a supervisor.
  await server.start();
  t.true(server.running);
});

test('start() fails with the server log tail when livekit-server cannot bind its RTC TCP port', async (t) => {
  const blocker = net.createServer();
  const blocked = await listenOutsideUdpRange(blocker);
  t.teardown(() => blocker.close());
  const server = await managedServer(t, { LIVEKIT_RTC_TCP_PORT: String(blocked) });
  const err = await t.throwsAsync(server.start());
  t.regex(err?.message ?? '', /LiveKit server exited \(code \d+/);
  t.regex(err?.message ?? '', /address already in use/);
  t.false(server.running);
});

test('start() refuses a port that another HTTP server already answers on', async (t) => {
  const other = http.createServer((_, res) => res.end('OK'));
  const taken = await listenOutsideUdpRange(other, '127.0.0.1');
  t.teardown(() => other.close());
  const server = await managedServer(t, { LIVEKIT_PORT: String(taken) });
  await t.throwsAsync(server.start(), { message: /already serving HTTP/ });
  t.is(server.pid, undefined);
});

test('a missing binary points at the install script', async (t) => {
  const config = loadConfig({ ...(await liveKitTestEnv()), LIVEKIT_BIN: '/nonexistent/livekit-server' });
  const server = LiveKitServer.fromConfig(config, { dataDir: tmpDir(t) });
  await t.throwsAsync(server.start(), { message: /install-livekit\.sh/ });
});

test('stop() before start() is a no-op and a second start() is refused', async (t) => {
  const server = await managedServer(t);
  t.is(await server.stop(), undefined);
  t.teardown(() => server.stop());
  await server.start();
  await t.throwsAsync(server.start(), { message: /already started/ });
});

test('fromConfig refuses an external LIVEKIT_URL; the constructor checks its options', (t) => {
  t.throws(() => LiveKitServer.fromConfig(loadConfig({ LIVEKIT_URL: 'ws://127.0.0.1:7880' })), { message: /external/ });
  const config = loadConfig({});
  const settings = { ...liveKitServerSettingsFromConfig(config), port: -1 };
  t.throws(() => new LiveKitServer({ bin: liveKitBinaryPath(config), dataDir: tmpDir(t), settings }), { instanceOf: TypeError, message: /^port / });
  t.throws(() => new LiveKitServer({ bin: '', dataDir: tmpDir(t), settings: liveKitServerSettingsFromConfig(config) }), { instanceOf: TypeError, message: /^bin / });
  t.throws(() => new LiveKitServer({ bin: 'x', dataDir: '', settings: liveKitServerSettingsFromConfig(config) }), { instanceOf: TypeError, message: /^dataDir / });
  t.throws(() => new LiveKitServer({ bin: 'x', dataDir: 'd', settings: liveKitServerSettingsFromConfig(config), readyTimeoutMs: 0 }), {
    instanceOf: TypeError,
    message: /^readyTimeoutMs /,
  });
});
