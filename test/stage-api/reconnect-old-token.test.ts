// A speaker moved to the audience who leaves and comes back with the token they were given while on stage (still
// valid) does not get the microphone back: when LiveKit reports the connection (webhook), the stage re-admits them
// as a listener and takes the publish grant away. This one necessarily waits for LiveKit's webhooks.
import test from 'ava';
import { LiveKitGateway } from '../../engine/gateway/livekit-gateway.js';
import { ToneParticipant, bringOnStage, eventually, join, liveRoom, ok, signUp, useRtcRig } from './_fixtures.js';

const rig = useRtcRig();

test('reconnecting with a token minted while on stage does not restore publishing', async (t) => {
  t.timeout(120_000);
  const { url, apiKey, apiSecret } = rig.env.config.livekit;
  const livekit = new LiveKitGateway({ url, apiKey, apiSecret, agentName: rig.env.config.agent.name });
  const host = await signUp(rig.env, 'Hana Host');
  const sam = await signUp(rig.env, 'Sam Speaker');
  const roomId = await liveRoom(host);
  await join(host, roomId);
  await join(sam, roomId);
  await bringOnStage(host, sam, roomId);
  const speakerTicket = await join(sam, roomId); // joining again while on stage: a token that may publish
  t.true(speakerTicket.canPublish);
  t.is(speakerTicket.role, 'speaker');

  const first = await ToneParticipant.connect(sam.name, speakerTicket);
  rig.keep(first);
  await ok(host, 'POST', `/v1/rooms/${roomId}/stage/participants/${sam.memberId}/move-to-audience`);
  await first.disconnect();
  // LiveKit reports the departure; the stage lets Sam go.
  await eventually(
    async () => {
      const stage = (await host.client.get(`/v1/rooms/${roomId}/stage`)).body;
      return stage.moderation.audience.includes(sam.memberId) ? undefined : true;
    },
    20_000,
    'the stage to see Sam leave',
  );

  const again = await ToneParticipant.connect(sam.name, speakerTicket);
  rig.keep(again);
  await eventually(async () => ((await livekit.getParticipant(roomId, sam.memberId))?.canPublish === false ? true : undefined), 20_000, 'the grant to be revoked');
  const stage = (await sam.client.get(`/v1/rooms/${roomId}/stage`)).body;
  t.like(stage.you, { role: 'listener' }, 're-admitted as a listener with the consent given before');
  const attempt = await again.tryPublish();
  t.false(attempt.published, 'the old token no longer publishes');
});
