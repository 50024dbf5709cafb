// Moving a speaker to the audience takes the microphone away at once: LiveKit unpublishes the track (listeners see
// TrackUnpublished) and a new publish attempt by the former speaker fails.
import test from 'ava';
import { RoomEvent } from '@livekit/rtc-node';
import { type Member, ToneParticipant, bringOnStage, join, liveRoom, ok, signUp, useRtcRig } from './_fixtures.js';

const rig = useRtcRig();
const enter = (member: Member, roomId: string) => rig.enter(member, roomId);

test('move to audience unpublishes the speaker and a new publish attempt fails', async (t) => {
  t.timeout(120_000);
  const host = await signUp(rig.env, 'Hana Host');
  const sam = await signUp(rig.env, 'Sam Speaker');
  const ann = await signUp(rig.env, 'Ann Audience');
  const roomId = await liveRoom(host);
  await enter(host, roomId);
  const samRtc = await enter(sam, roomId);
  const annRtc = await enter(ann, roomId);
  await bringOnStage(host, sam, roomId);
  await samRtc.publishTone();
  const track = await annRtc.audioFrom(sam.memberId);
  t.true((await annRtc.rmsOf(track, 30, 20)) > 2000, 'the speaker is heard before the move');

  const unpublished = annRtc.waitFor(RoomEvent.TrackUnpublished, (_pub, participant) => participant.identity === sam.memberId);
  const moved = await ok(host, 'POST', `/v1/rooms/${roomId}/stage/participants/${sam.memberId}/move-to-audience`);
  t.false(moved.onStage.some((p: { identity: string }) => p.identity === sam.memberId));
  t.true(moved.moderation.audience.includes(sam.memberId));
  await t.notThrowsAsync(unpublished, 'the listener saw the track go');

  const again = await samRtc.tryPublish();
  t.log(`publish after the move: ${JSON.stringify(again)}`);
  t.false(again.published);
  const stage = (await sam.client.get(`/v1/rooms/${roomId}/stage`)).body;
  t.like(stage.you, { role: 'listener' });
});
