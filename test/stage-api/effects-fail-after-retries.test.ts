// LiveKit stays unreachable until the retries run out: the effect is failed, and the host sees it — in the command's
// answer, in the stage's moderation view, at the effect's own URL and as `event: stage_effect` on the event stream.
// The decision itself stands (the ban keeps the member out of later joins), and LiveKit really was not changed.
import test from 'ava';
import { dispose } from '@livekit/rtc-node';
import { LiveKitGateway } from '../../engine/gateway/livekit-gateway.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { liveKitTestEnv } from '../livekit/fixtures/ports.js';
import { openStageStream } from './_sse.js';
import { JOIN_BODY, type Member, ToneParticipant, eventually, join, liveRoom, signUp } from './_fixtures.js';

let env: TestStack;
let proxy: FaultProxy;
let truth: LiveKitGateway;
const connected: ToneParticipant[] = [];

test.before(async () => {
  const lk = await liveKitTestEnv(42000);
  proxy = await FaultProxy.start(Number(lk.LIVEKIT_PORT));
  env = await startTestStack({
    workers: 0,
    liveKitApiUrl: proxy.url,
    env: { ...lk, STAGE_EFFECT_WAIT_MS: '8000', STAGE_EFFECT_MAX_ATTEMPTS: '3', STAGE_EFFECT_RETRY_BASE_MS: '100', STAGE_EFFECT_RETRY_MAX_MS: '200' },
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

/** The stage event stream of `member`, parsed as it arrives. */
async function openStream(member: Member, roomId: string): Promise<{ events: { event: string; data: any }[]; close(): void }> {
  const stream = await openStageStream(env, member.accessToken, roomId);
  return { events: stream.events, close: () => stream.abort.abort() };
}

test('a removal LiveKit never takes fails after the retries, and the host is shown it', async (t) => {
  t.timeout(120_000);
  const host = await signUp(env, 'Hana Host');
  const troll = await signUp(env, 'Tom Troll');
  const lee = await signUp(env, 'Lee Listener');
  const roomId = await liveRoom(host);
  connected.push(await ToneParticipant.connect(host.name, await join(host, roomId)));
  connected.push(await ToneParticipant.connect(troll.name, await join(troll, roomId)));
  await join(lee, roomId);
  const livekitName = (await env.stack.database.pool.query('SELECT livekit_name FROM rooms WHERE id = $1', [roomId])).rows[0].livekit_name;
  const hostStream = await openStream(host, roomId);
  const leeStream = await openStream(lee, roomId);
  await eventually(async () => (hostStream.events.length > 0 && leeStream.events.length > 0 ? true : undefined), 10_000, 'both streams open');

  await proxy.set('refuse');
  const res = await host.client.post(`/v1/rooms/${roomId}/stage/participants/${troll.memberId}/remove`, {});
  t.is(res.status, 202, JSON.stringify(res.body));
  const effect = res.body.effects[0];
  t.like(effect, { kind: 'remove', identity: troll.memberId, status: 'failed', outcome: 'retries_exhausted', attempts: 3 });
  t.regex(effect.lastError, /ECONNREFUSED|fetch failed/);
  t.deepEqual(res.body.moderation.bans, [troll.memberId], 'the ban itself is recorded');

  // Visible to the host: the stage's moderation view, the effect's URL, the event stream.
  const stage = await host.client.get(`/v1/rooms/${roomId}/stage`);
  t.deepEqual(stage.body.moderation.effects.map((e: { id: string; status: string }) => [e.id, e.status]), [[effect.id, 'failed']]);
  t.like((await host.client.get(`/v1/rooms/${roomId}/stage/effects/${effect.id}`)).body, { status: 'failed', outcome: 'retries_exhausted' });
  const streamed = await eventually(async () => hostStream.events.find((e) => e.event === 'stage_effect' && e.data.status === 'failed'), 10_000, 'stage_effect failed on the stream');
  t.is(streamed.data.id, effect.id);
  t.true(hostStream.events.filter((e) => e.event === 'stage_effect').length >= 3, 'each attempt was streamed');
  t.false(leeStream.events.some((e) => e.event === 'stage_effect'), 'a listener is not shown moderation effects');

  // Honest: LiveKit was not changed, and coming back does not retry a failed effect on its own.
  await proxy.set('forward');
  await new Promise((r) => setTimeout(r, 1000));
  t.truthy(await truth.getParticipant(livekitName, troll.memberId), 'Tom is still connected on LiveKit');
  t.is((await host.client.get(`/v1/rooms/${roomId}/stage/effects/${effect.id}`)).body.status, 'failed');
  // The ban holds for joins whatever LiveKit did.
  const rejoin = await troll.client.post(`/v1/rooms/${roomId}/join`, JOIN_BODY);
  t.is(rejoin.status, 403);
  hostStream.close();
  leeStream.close();
});
