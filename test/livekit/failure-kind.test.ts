// Whether a failed LiveKit call is worth retrying, judged on real failures: the real LiveKit refusing bad
// credentials (permanent), a closed port and a server that never answers (retryable); and the backoff schedule.
import test from 'ava';
import net from 'node:net';
import { LiveKitGateway, liveKitFailureKind } from '../../engine/gateway/livekit-gateway.js';
import { LiveKitServer } from '../../engine/livekit/index.js';
import { afterFailure, retryDelayMs } from '../../engine/stage-service/index.js';
import { loadConfig } from '../../core/config.js';
import { freeTcpPort, liveKitTestEnv } from './fixtures/ports.js';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const POLICY = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 3000 };

async function failureOf(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (err) {
    return err;
  }
  throw new Error('the call did not fail');
}

test('the real LiveKit refusing bad credentials is permanent; a closed port and a silent server are retryable', async (t) => {
  t.timeout(60_000);
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'rt-lk-fail-'));
  const config = loadConfig({ ...(process.env as Record<string, string>), ...(await liveKitTestEnv(42000)), ROUNDTABLE_DATA_DIR: dataDir, LIVEKIT_URL: '' });
  const server = LiveKitServer.fromConfig(config);
  const silent = net.createServer(() => undefined); // accepts, never answers
  try {
    const { url } = await server.start();
    const wrongSecret = new LiveKitGateway({ url, apiKey: config.livekit.apiKey, apiSecret: 'x'.repeat(40), agentName: 'a' });
    const refused = await failureOf(() => wrongSecret.setCanPublish('room', 'someone', false));
    t.is((refused as { status?: number }).status, 401);
    t.is(liveKitFailureKind(refused), 'permanent');
    t.deepEqual(afterFailure(refused, 1, POLICY), { fail: 'refused' });

    const closed = new LiveKitGateway({ url: `ws://127.0.0.1:${await freeTcpPort()}`, apiKey: 'k', apiSecret: 'x'.repeat(40), agentName: 'a' });
    const unreachable = await failureOf(() => closed.setCanPublish('room', 'someone', false));
    t.is(liveKitFailureKind(unreachable), 'retryable');

    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    const slow = new LiveKitGateway({ url: `ws://127.0.0.1:${port}`, apiKey: 'k', apiSecret: 'x'.repeat(40), agentName: 'a', requestTimeoutMs: 300 });
    const started = Date.now();
    const timedOut = await failureOf(() => slow.setCanPublish('room', 'someone', false));
    t.true(Date.now() - started < 10_000, 'the request timeout bounds the call');
    t.is(liveKitFailureKind(timedOut), 'retryable');
  } finally {
    silent.close();
    await server.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
});

test('retries back off by doubling up to the cap, then give up', (t) => {
  t.deepEqual([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, POLICY)), [500, 1000, 2000, 3000, 3000]);
  const down = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
  t.deepEqual(afterFailure(down, 1, POLICY), { retryInMs: 500 });
  t.deepEqual(afterFailure(down, 3, POLICY), { retryInMs: 2000 });
  t.deepEqual(afterFailure(down, 4, POLICY), { fail: 'retries_exhausted' });
  t.is(liveKitFailureKind({ status: 503, code: 'unavailable' }), 'retryable');
  t.is(liveKitFailureKind({ status: 400, code: 'invalid_argument' }), 'permanent');
  t.throws(() => retryDelayMs(0, POLICY), { instanceOf: TypeError });
  t.throws(() => new LiveKitGateway({ url: 'ws://x', apiKey: 'k', apiSecret: 's', agentName: 'a', requestTimeoutMs: 0 }), { instanceOf: TypeError, message: /requestTimeoutMs/ });
});
