// A moderator mutes a speaker: LiveKit mutes the published microphone and the room sees TrackMuted. The speaker
// stays on stage.
import test from 'ava';
import { RoomEvent } from '@livekit/rtc-node';
import { type Member, ToneParticipant, bringOnStage, join, liveRoom, makeCohost, ok, signUp, useRtcRig } from './_fixtures.js';

const rig = useRtcRig();
const enter = (member: Member, roomId: string) => rig.enter(member, roomId);

test('a co-host mutes a speaker: the track is muted for the room and the speaker stays on stage', async (t) => {
  t.timeout(90_000);
  const host = await signUp(rig.env, 'Hana Host');
  const cole = await signUp(rig.env, 'Cole Cohost');
  const sam = await signUp(rig.env, 'Sam Speaker');
  const roomId = await liveRoom(host);
  const hostRtc = await enter(host, roomId);
  await join(cole, roomId);
  await makeCohost(host, cole, roomId);
  const samRtc = await enter(sam, roomId);
  await bringOnStage(host, sam, roomId);
  await samRtc.publishTone();
  await hostRtc.audioFrom(sam.memberId);

  const muted = hostRtc.waitFor(RoomEvent.TrackMuted, (_pub, participant) => participant.identity === sam.memberId);
  const after = await ok(cole, 'POST', `/v1/rooms/${roomId}/stage/participants/${sam.memberId}/mute`);
  await t.notThrowsAsync(muted, 'the host saw the track muted');
  t.true(after.onStage.some((p: { identity: string; role: string }) => p.identity === sam.memberId && p.role === 'speaker'));
  // Muting a listener makes no sense: there is nothing to mute.
  const lee = await signUp(rig.env, 'Lee Listener');
  await join(lee, roomId);
  const res = await cole.client.post(`/v1/rooms/${roomId}/stage/participants/${lee.memberId}/mute`);
  t.is(res.status, 409);
  t.is(res.body.error.code, 'not_on_stage');
});
