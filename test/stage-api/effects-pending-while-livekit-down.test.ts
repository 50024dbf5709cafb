// Moderation while LiveKit's server API is out of reach (a proxy in front of the real LiveKit refuses connections,
// or swallows them so calls time out): the API answers 202 with the effects pending, not 200, and once LiveKit is
// back the effect worker carries them out — LiveKit itself then reports the track muted, publishing revoked and the
// banned participant gone. Media and clients keep using LiveKit directly; only the engine's API calls are cut.
import test from 'ava';
import { RoomEvent, dispose } from '@livekit/rtc-node';
import { LiveKitGateway } from '../../engine/gateway/livekit-gateway.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { liveKitTestEnv } from '../livekit/fixtures/ports.js';
import { type Member, ToneParticipant, bringOnStage, eventually, join, liveRoom, signUp } from './_fixtures.js';

let env: TestStack;
let proxy: FaultProxy;
let truth: LiveKitGateway; // LiveKit as it is, straight, not through the proxy
const connected: ToneParticipant[] = [];

test.before(async () => {
  const lk = await liveKitTestEnv(42000);
  proxy = await FaultProxy.start(Number(lk.LIVEKIT_PORT));
  env = await startTestStack({
    workers: 0,
    liveKitApiUrl: proxy.url,
    env: { ...lk, STAGE_EFFECT_WAIT_MS: '1500', STAGE_EFFECT_MAX_ATTEMPTS: '100', STAGE_EFFECT_RETRY_BASE_MS: '200', STAGE_EFFECT_RETRY_MAX_MS: '1000', LIVEKIT_API_TIMEOUT_MS: '1000' },
  });
  const { url, apiKey, apiSecret } = env.config.livekit;
  truth = new LiveKitGateway({ url, apiKey, apiSecret, agentName: env.config.agent.name });
});

test.after.always(async () => {
  try {
    for (const p of connected) await p.disconnect().catch(() => undefined);
    await env?.stop();
    await proxy?.stop();
  } finally {
    await dispose();
  }
});

async function enter(member: Member, roomId: string): Promise<ToneParticipant> {
  const p = await ToneParticipant.connect(member.name, await join(member, roomId));
  connected.push(p);
  return p;
}

async function effectOf(host: Member, roomId: string, id: string): Promise<any> {
  const res = await host.client.get(`/v1/rooms/${roomId}/stage/effects/${id}`);
  if (res.status !== 200) throw new Error(`effect ${id}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

test.serial('refused connections: mute, move to audience and remove answer 202 pending; LiveKit carries them out once back', async (t) => {
  t.timeout(150_000);
  await proxy.set('forward'); // whatever an earlier test left
  const host = await signUp(env, 'Hana Host');
  const sam = await signUp(env, 'Sam Speaker');
  const troll = await signUp(env, 'Tom Troll');
  const roomId = await liveRoom(host);
  const hostRtc = await enter(host, roomId);
  const samRtc = await enter(sam, roomId);
  const trollRtc = await enter(troll, roomId);
  await bringOnStage(host, sam, roomId);
  await samRtc.publishTone();
  await hostRtc.audioFrom(sam.memberId);
  const livekitName = (await env.stack.database.pool.query('SELECT livekit_name FROM rooms WHERE id = $1', [roomId])).rows[0].livekit_name;

  await proxy.set('refuse');
  const muted = hostRtc.waitFor(RoomEvent.TrackMuted, (_pub, p) => p.identity === sam.memberId, 120_000);
  const trollGone = trollRtc.waitFor(RoomEvent.Disconnected, () => true, 120_000);

  const mute = await host.client.post(`/v1/rooms/${roomId}/stage/participants/${sam.memberId}/mute`);
  t.is(mute.status, 202, JSON.stringify(mute.body));
  t.like(mute.body.effects[0], { kind: 'mute_track', identity: sam.memberId, status: 'pending' });
  const down = await host.client.post(`/v1/rooms/${roomId}/stage/participants/${sam.memberId}/move-to-audience`);
  t.is(down.status, 202);
  t.like(down.body.effects[0], { kind: 'revoke_publish', identity: sam.memberId, status: 'pending' });
  t.false(down.body.onStage.some((p: { identity: string }) => p.identity === sam.memberId), 'the stage itself changed at once');
  const removal = await host.client.post(`/v1/rooms/${roomId}/stage/participants/${troll.memberId}/remove`, {});
  t.is(removal.status, 202);
  t.like(removal.body.effects[0], { kind: 'remove', identity: troll.memberId, status: 'pending' });
  const ids = [mute.body.effects[0].id, down.body.effects[0].id, removal.body.effects[0].id];

  // The host sees them pending, with the reason; LiveKit has done none of it.
  const stage = await host.client.get(`/v1/rooms/${roomId}/stage`);
  t.deepEqual(stage.body.moderation.effects.map((e: { id: string }) => e.id), ids);
  const pendingMute = await eventually(async () => {
    const e = await effectOf(host, roomId, ids[0]!);
    return e.attempts >= 2 ? e : undefined;
  }, 20_000, 'a retried mute');
  t.is(pendingMute.status, 'pending');
  t.regex(pendingMute.lastError, /ECONNREFUSED|fetch failed/);
  const samNow = await truth.getParticipant(livekitName, sam.memberId);
  t.true(samNow?.canPublish, 'LiveKit still lets Sam publish');
  t.true(samNow?.tracks.some((tr) => !tr.muted), "Sam's track is not muted on LiveKit");
  t.truthy(await truth.getParticipant(livekitName, troll.memberId), 'Tom is still connected');

  await proxy.set('forward');
  for (const id of ids) {
    const settled = await eventually(async () => {
      const e = await effectOf(host, roomId, id);
      return e.status === 'pending' ? undefined : e;
    }, 60_000, `effect ${id} settled`);
    t.is(settled.status, 'applied', JSON.stringify(settled));
  }
  await t.notThrowsAsync(muted, 'the room saw Sam muted');
  await t.notThrowsAsync(trollGone, 'LiveKit disconnected Tom');
  t.false((await truth.getParticipant(livekitName, sam.memberId))?.canPublish, 'LiveKit revoked publishing');
  t.is(await truth.getParticipant(livekitName, troll.memberId), undefined, 'Tom is no longer in the LiveKit room');
  const after = await host.client.get(`/v1/rooms/${roomId}/stage`);
  t.deepEqual(after.body.moderation.effects, [], 'nothing left pending');
});

test.serial('a LiveKit that accepts but never answers: the call times out, 202 pending, applied once it answers again', async (t) => {
  t.timeout(120_000);
  await proxy.set('forward');
  const host = await signUp(env, 'Hana Host');
  const sam = await signUp(env, 'Sam Speaker');
  const roomId = await liveRoom(host);
  const hostRtc = await enter(host, roomId);
  const samRtc = await enter(sam, roomId);
  await bringOnStage(host, sam, roomId);
  await samRtc.publishTone();
  await hostRtc.audioFrom(sam.memberId);

  await proxy.set('blackhole');
  const muted = hostRtc.waitFor(RoomEvent.TrackMuted, (_pub, p) => p.identity === sam.memberId, 90_000);
  const mute = await host.client.post(`/v1/rooms/${roomId}/stage/participants/${sam.memberId}/mute`);
  t.is(mute.status, 202, JSON.stringify(mute.body));
  const id = mute.body.effects[0].id;
  const timedOut = await eventually(async () => {
    const e = await effectOf(host, roomId, id);
    return e.lastError !== null ? e : undefined;
  }, 30_000, 'a timed-out attempt');
  t.is(timedOut.status, 'pending');
  t.regex(timedOut.lastError, /timeout|timed out|aborted/i);

  await proxy.set('forward');
  const settled = await eventually(async () => {
    const e = await effectOf(host, roomId, id);
    return e.status === 'pending' ? undefined : e;
  }, 60_000, 'the mute settled');
  t.is(settled.status, 'applied');
  await t.notThrowsAsync(muted);
});

test.serial('with LiveKit healthy the same command answers 200 applied', async (t) => {
  t.timeout(90_000);
  await proxy.set('forward');
  const host = await signUp(env, 'Hana Host');
  const pat = await signUp(env, 'Pat Participant');
  const roomId = await liveRoom(host);
  await enter(host, roomId);
  await enter(pat, roomId);
  const res = await host.client.post(`/v1/rooms/${roomId}/stage/participants/${pat.memberId}/remove`, { ban: false });
  t.is(res.status, 200, JSON.stringify(res.body));
  t.like(res.body.effects[0], { kind: 'remove', status: 'applied', outcome: 'applied', attempts: 1 });
  // Only moderators read effects.
  const other = await signUp(env, 'Lee Listener');
  await join(other, roomId);
  const peek = await other.client.get(`/v1/rooms/${roomId}/stage/effects/${res.body.effects[0].id}`);
  t.is(peek.status, 403);
  t.is((await host.client.get(`/v1/rooms/${roomId}/stage/effects/00000000-0000-4000-8000-000000000000`)).status, 404);
  t.is((await host.client.get(`/v1/rooms/${roomId}/stage/effects/not-a-uuid`)).status, 400);
});
