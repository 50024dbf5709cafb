// A speaker moved to the audience who leaves and comes back with a token minted while on stage (still valid, and
// allowing publishing) loses the microphone on LiveKit's participant_joined webhook: before any policy lookup the
// engine revokes the publish grant of anyone the stage does not hold in a speaking role, then re-admits them as a
// listener. This test measures the window itself: Sam publishes a tone the moment the reconnect completes, and a
// listener subscribed to everything counts the audible frames it receives from Sam. The same rig first proves it
// hears Sam while Sam is a speaker.
//
// The bound, honestly: LiveKit (v1.13.5) has no admission hook; it sends participant_joined only once the
// participant's media connection is up (~100 ms after the client's connect returns here), and a client that
// publishes at once gets its first audio to subscribers about as soon. Measured here: 3–6 audible 10 ms frames
// (30–60 ms of audio) reach the listener before the revoke lands (about 250 ms when the revoke waited for the
// policy lookups). What the test insists on: nothing audible after the revoke, no track left, role listener. Short join tokens do not shrink this window for a hostile
// client: LiveKit hands every connected client a refreshed token of its own (10 minutes, current grants).
import test from 'ava';
import { AudioStream, RoomEvent, TrackKind, type RemoteTrack } from '@livekit/rtc-node';
import { LiveKitGateway } from '../../engine/gateway/livekit-gateway.js';
import { ToneParticipant, bringOnStage, eventually, join, liveRoom, ok, signUp, useRtcRig } from './_fixtures.js';

const rig = useRtcRig();
const AUDIBLE_RMS = 500; // the tone is ~5,700 RMS; silence and comfort noise are ~0

/** Counts audible 10 ms frames `listener` receives from `identity`, on every audio track it subscribes to. */
function audibleFrom(listener: ToneParticipant, identity: string): { frames: () => number; firstAt: () => number | undefined; lastAt: () => number | undefined; stop: () => void } {
  let frames = 0;
  let firstAt: number | undefined;
  let lastAt: number | undefined;
  let stopped = false;
  const onTrack = (track: RemoteTrack, _pub: unknown, participant: { identity: string }) => {
    if (participant.identity !== identity || track.kind !== TrackKind.KIND_AUDIO) return;
    void (async () => {
      for await (const frame of new AudioStream(track, { sampleRate: 48_000, numChannels: 1 })) {
        if (stopped) break;
        let sum = 0;
        for (const s of frame.data) sum += s * s;
        if (Math.sqrt(sum / frame.data.length) > AUDIBLE_RMS) {
          frames += 1;
          firstAt ??= Date.now();
          lastAt = Date.now();
        }
      }
    })().catch(() => undefined);
  };
  listener.room.on(RoomEvent.TrackSubscribed, onTrack as never);
  return {
    frames: () => frames,
    firstAt: () => firstAt,
    lastAt: () => lastAt,
    stop: () => {
      stopped = true;
      listener.room.off(RoomEvent.TrackSubscribed, onTrack as never);
    },
  };
}

test('reconnecting with a token minted on stage publishes no audio that reaches a listener', async (t) => {
  t.timeout(120_000);
  const { url, apiKey, apiSecret } = rig.env.config.livekit;
  const livekit = new LiveKitGateway({ url, apiKey, apiSecret, agentName: rig.env.config.agent.name });
  const host = await signUp(rig.env, 'Hana Host');
  const sam = await signUp(rig.env, 'Sam Speaker');
  const roomId = await liveRoom(host);
  const hostRtc = rig.keep(await ToneParticipant.connect(host.name, await join(host, roomId)));
  await join(sam, roomId);
  await bringOnStage(host, sam, roomId);
  const speakerTicket = await join(sam, roomId); // joining again while on stage: a token that may publish
  t.true(speakerTicket.canPublish);
  t.is(speakerTicket.role, 'speaker');

  // Control: while Sam is a speaker, the listener's probe hears the tone.
  const control = audibleFrom(hostRtc, sam.memberId);
  const first = rig.keep(await ToneParticipant.connect(sam.name, speakerTicket));
  await first.publishTone();
  await eventually(async () => (control.frames() > 10 ? true : undefined), 20_000, 'the host to hear Sam on stage');
  control.stop();

  await ok(host, 'POST', `/v1/rooms/${roomId}/stage/participants/${sam.memberId}/move-to-audience`);
  await first.disconnect();
  await eventually(
    async () => {
      const stage = (await host.client.get(`/v1/rooms/${roomId}/stage`)).body;
      return stage.moderation.audience.includes(sam.memberId) ? undefined : true;
    },
    20_000,
    'the stage to see Sam leave',
  );

  // The window: reconnect with the old speaker token and publish at once, without waiting for anything.
  const probe = audibleFrom(hostRtc, sam.memberId);
  const t0 = Date.now();
  const again = rig.keep(await ToneParticipant.connect(sam.name, speakerTicket));
  const connectedMs = Date.now() - t0;
  const attempt = again.tryPublish();
  await eventually(async () => ((await livekit.getParticipant(roomId, sam.memberId))?.canPublish === false ? true : undefined), 20_000, 'the grant to be revoked');
  const revokedMs = Date.now() - t0;
  const published = await attempt;
  await new Promise((r) => setTimeout(r, 4000)); // anything forwarded in the window would have arrived by now
  probe.stop();
  t.log(`connect ${connectedMs} ms, publish grant revoked by ${revokedMs} ms after the reconnect began; publish attempt: ${JSON.stringify(published)}`);
  const last = probe.lastAt();
  t.log(`audible frames before the revoke: ${probe.frames()} (first at ${probe.firstAt() === undefined ? '-' : probe.firstAt()! - t0} ms, last at ${last === undefined ? '-' : last - t0} ms)`);
  // The revoke is observed by polling LiveKit (100 ms steps); frames already in the listener's jitter buffer may
  // still arrive shortly after it.
  t.true(last === undefined || last <= t0 + revokedMs + 300, 'no audio reaches the listener once the grant is revoked');

  const stage = (await sam.client.get(`/v1/rooms/${roomId}/stage`)).body;
  t.like(stage.you, { role: 'listener' }, 're-admitted as a listener with the consent given before');
  const live = await livekit.getParticipant(roomId, sam.memberId);
  t.deepEqual(live?.tracks ?? [], [], 'LiveKit holds no track of Sam');
});
