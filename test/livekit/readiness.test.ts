import test from 'ava';
import { liveKitHealthUrl, probeLiveKit, waitForLiveKit } from '../../engine/livekit/index.js';
import { freeTcpPort } from './fixtures/ports.js';

test('the health URL is the http(s) root of the ws(s) URL', (t) => {
  t.is(liveKitHealthUrl('ws://127.0.0.1:7880').href, 'http://127.0.0.1:7880/');
  t.is(liveKitHealthUrl('wss://lk.example.com/rtc?x=1').href, 'https://lk.example.com/');
  t.is(liveKitHealthUrl('http://[::1]:7880/').href, 'http://[::1]:7880/');
});

test('a URL that is not ws(s)/http(s) is a TypeError', (t) => {
  for (const bad of ['', 'localhost:7880', 'ftp://127.0.0.1/', 42 as unknown as string]) {
    t.throws(() => liveKitHealthUrl(bad), { instanceOf: TypeError, message: /url/ }, String(bad));
  }
});

test('nothing listening: not ready, with the reason', async (t) => {
  const port = await freeTcpPort();
  const r = await probeLiveKit(`ws://127.0.0.1:${port}`, { timeoutMs: 1000 });
  t.false(r.ready);
  t.is(r.status, undefined);
  t.regex(r.reason ?? '', /ECONNREFUSED/);
});

test('waiting gives up when told to stop and reports the last probe', async (t) => {
  const port = await freeTcpPort();
  let probes = 0;
  const r = await waitForLiveKit(`ws://127.0.0.1:${port}`, { timeoutMs: 10_000, intervalMs: 10, shouldContinue: () => probes++ < 2 });
  t.false(r.ready);
  t.regex(r.reason ?? '', /ECONNREFUSED/);
});

test('bad timing options are TypeErrors', async (t) => {
  await t.throwsAsync(probeLiveKit('ws://127.0.0.1:1', { timeoutMs: 0 }), { instanceOf: TypeError, message: /timeoutMs/ });
  await t.throwsAsync(waitForLiveKit('ws://127.0.0.1:1', { intervalMs: -1 }), { instanceOf: TypeError, message: /intervalMs/ });
});
