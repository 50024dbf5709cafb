// A stage event stream lives only as long as the session that opened it: logout, a revoked session (refresh-token
// reuse) and the loss of the platform role the stream relied on each close it with `event: stage_closed`.
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';
import { eventually, join, liveRoom, signUp, staffMember } from './_fixtures.js';
import { openStageStream } from './_sse.js';

let env: TestStack;

test.before(async () => {
  env = await startTestStack({ workers: 0 });
});

test.after.always(async () => {
  await env?.stop();
});

test.serial('logging out closes the stream opened with that session', async (t) => {
  t.timeout(90_000);
  const host = await signUp(env, 'Hana Host');
  const roomId = await liveRoom(host);
  await join(host, roomId);
  const stream = await openStageStream(env, host.accessToken, roomId);
  t.is(stream.res.status, 200);
  await eventually(async () => (stream.events.length >= 1 ? true : undefined), 10_000, 'first event');

  const out = await host.client.post('/v1/auth/logout');
  t.is(out.status, 204);
  await eventually(async () => (stream.isEnded() ? true : undefined), 10_000, 'the stream to end after logout');
  t.like(stream.events.at(-1), { event: 'stage_closed', data: { reason: 'session_ended' } });
  t.is((await host.client.get(`/v1/rooms/${roomId}/stage`)).status, 401, 'and the token is refused');
});

test.serial('reusing a rotated refresh token revokes the session and closes its stream', async (t) => {
  t.timeout(90_000);
  const email = `rita.${Math.random().toString(36).slice(2, 8)}@example.test`;
  const signed = await env.api.post('/v1/auth/signup', { email, password: 'correct horse battery staple', displayName: 'Rita Refresh' });
  t.is(signed.status, 201);
  const rita = { client: env.api.withToken(signed.body.accessToken), memberId: signed.body.memberId, name: 'Rita', accessToken: signed.body.accessToken };
  const roomId = await liveRoom(rita);
  await join(rita, roomId);
  const refreshed = await env.api.post('/v1/auth/refresh', { refreshToken: signed.body.refreshToken });
  t.is(refreshed.status, 200);
  const stream = await openStageStream(env, refreshed.body.accessToken, roomId);
  await eventually(async () => (stream.events.length >= 1 ? true : undefined), 10_000, 'first event');

  const replayed = await env.api.post('/v1/auth/refresh', { refreshToken: signed.body.refreshToken });
  t.is(replayed.status, 401);
  t.is(replayed.body.error.code, 'refresh_token_reused');
  await eventually(async () => (stream.isEnded() ? true : undefined), 10_000, 'the stream to end');
  t.like(stream.events.at(-1), { event: 'stage_closed', data: { reason: 'session_ended' } });
  const again = await env.api.post('/v1/auth/refresh', { refreshToken: refreshed.body.refreshToken });
  t.is(again.status, 401, 'the current refresh token of the family is revoked too');
});

test.serial('staff watching a room they are not in lose the stream when the role is revoked', async (t) => {
  t.timeout(90_000);
  const host = await signUp(env, 'Hana Host');
  const sam = await staffMember(env, 'Sam Safety');
  const admin = await staffMember(env, 'Ada Admin');
  await env.stack.database.pool.query("UPDATE members SET platform_roles = ARRAY['member','admin'] WHERE id = $1", [admin.memberId]);
  const roomId = await liveRoom(host);
  await join(host, roomId);
  const stream = await openStageStream(env, sam.accessToken, roomId);
  t.is(stream.res.status, 200);
  await eventually(async () => (stream.events.length >= 1 ? true : undefined), 10_000, 'first event');
  t.truthy(stream.events[0]!.data.moderation, 'staff see the moderation view');

  const revoked = await admin.client.request('PUT', `/v1/admin/members/${sam.memberId}/roles`, { roles: [] });
  t.is(revoked.status, 200, JSON.stringify(revoked.body));
  await eventually(async () => (stream.isEnded() ? true : undefined), 10_000, 'the stream to end');
  t.like(stream.events.at(-1), { event: 'stage_closed', data: { reason: 'not_in_room' } });
  t.is((await sam.client.get(`/v1/rooms/${roomId}/stage`)).status, 403, 'the same token no longer sees the stage');
});
