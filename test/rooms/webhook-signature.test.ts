// LiveKit webhooks are accepted only when signed with our LiveKit secret; a verified one updates presence and
// room state, and a redelivery is handled once.
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';
import { createRoom, postSignedWebhook } from './_helpers.js';

let env: TestStack;
test.before(async () => {
  env = await startTestStack({ workers: 0 });
});
test.after.always(() => env?.stop());

test('an unsigned webhook is refused with 401', async (t) => {
  const res = await env.api.request('POST', '/v1/livekit/webhook', JSON.stringify({ event: 'room_started' }), { 'content-type': 'application/webhook+json' });
  t.is(res.status, 401);
  t.is(res.body.error.code, 'webhook_unsigned');
});

test('a webhook signed with another secret is refused with 401', async (t) => {
  const res = await postSignedWebhook(env, { event: 'room_started', id: 'EV_forged' }, 'not-the-livekit-secret-0123456789-abcdef');
  t.is(res.status, 401);
  t.is(res.body.error.code, 'webhook_bad_signature');
});

test('a body changed after signing is refused with 401', async (t) => {
  const signed = await postSignedWebhook(env, { event: 'room_started', id: 'EV_x' });
  t.is(signed.status, 200);
  const { AccessToken } = await import('livekit-server-sdk');
  const at = new AccessToken(env.config.livekit.apiKey, env.config.livekit.apiSecret);
  at.sha256 = 'AAAA';
  const res = await env.api.request('POST', '/v1/livekit/webhook', JSON.stringify({ event: 'room_started', id: 'EV_y' }), {
    'content-type': 'application/webhook+json',
    authorization: await at.toJwt(),
  });
  t.is(res.status, 401);
});

test('a verified participant_joined shows in presence, once per delivery id, and participant_left removes it', async (t) => {
  const host = await env.api.signUp('Hana Host');
  const room = await createRoom(host.client);
  const participant = { sid: 'PA_test1', identity: host.memberId, kind: 0 };
  const joined = { event: 'participant_joined', id: 'EV_join_1', createdAt: '1795300000', room: { name: room.id }, participant };
  t.like((await postSignedWebhook(env, joined)).body, { handled: true });
  t.like((await postSignedWebhook(env, joined)).body, { handled: false }, 'a redelivery is not handled twice');
  const presence = await host.client.get(`/v1/rooms/${room.id}/presence`);
  t.deepEqual(presence.body.connected.map((p: { identity: string }) => p.identity), [host.memberId]);

  await postSignedWebhook(env, { event: 'participant_left', id: 'EV_left_1', createdAt: '1795300010', room: { name: room.id }, participant });
  t.deepEqual((await host.client.get(`/v1/rooms/${room.id}/presence`)).body.connected, []);
});

test('room_finished (LiveKit closed the empty room) ends the room with reason "empty"', async (t) => {
  const host = await env.api.signUp('Eli Empty');
  const room = await createRoom(host.client);
  await postSignedWebhook(env, { event: 'room_finished', id: 'EV_fin_1', room: { name: room.id } });
  const after = await host.client.get(`/v1/rooms/${room.id}`);
  t.is(after.body.status, 'ended');
  t.is(after.body.endedReason, 'empty');
});
