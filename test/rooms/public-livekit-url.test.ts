// Join answers carry the LiveKit URL clients can reach: PUBLIC_LIVEKIT_URL (a TLS proxy's wss:// address) when
// set, while the API itself keeps talking to LiveKit at LIVEKIT_URL / the managed server.
import test from 'ava';
import { loadConfig, ConfigError } from '../../core/config.js';
import { startTestStack } from '../support/stack.js';
import { createRoom, JOIN } from './_helpers.js';

test('a join answer gives clients PUBLIC_LIVEKIT_URL, not the internal LiveKit address', async (t) => {
  const env = await startTestStack({ workers: 0, env: { PUBLIC_LIVEKIT_URL: 'wss://rtc.example.test' } });
  t.teardown(() => env.stop());
  t.regex(env.config.livekit.url, /^ws:\/\/127\.0\.0\.1:/, 'the services still use the managed server');
  const host = await env.api.signUp('Pat Public');
  const room = await createRoom(host.client, { title: 'Behind the proxy' });
  const join = await host.client.post(`/v1/rooms/${room.id}/join`, JOIN);
  t.is(join.status, 200, JSON.stringify(join.body));
  t.is(join.body.url, 'wss://rtc.example.test');
});

test('without PUBLIC_LIVEKIT_URL clients get the LiveKit URL; a non-WebSocket value is refused naming it', (t) => {
  t.is(loadConfig({}).livekit.publicUrl, 'ws://127.0.0.1:7880');
  t.is(loadConfig({ LIVEKIT_URL: 'ws://127.0.0.1:7990' }).livekit.publicUrl, 'ws://127.0.0.1:7990');
  const err = t.throws(() => loadConfig({ PUBLIC_LIVEKIT_URL: 'https://rtc.example.test' }), { instanceOf: ConfigError });
  t.deepEqual(err?.issues.map((i) => i.variable), ['PUBLIC_LIVEKIT_URL']);
});
