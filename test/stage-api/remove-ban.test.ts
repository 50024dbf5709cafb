// Removing with a ban: LiveKit disconnects the participant at once, and joining again is refused with 403 banned.
// Removing without a ban disconnects too, but the member may come back.
import test from 'ava';
import { RoomEvent } from '@livekit/rtc-node';
import { JOIN_BODY, ToneParticipant, bringOnStage, join, liveRoom, ok, signUp, useRtcRig } from './_fixtures.js';

const rig = useRtcRig();

test('remove with ban disconnects the participant and refuses their rejoin', async (t) => {
  t.timeout(90_000);
  const host = await signUp(rig.env, 'Hana Host');
  const troll = await signUp(rig.env, 'Tom Troll');
  const roomId = await liveRoom(host);
  const hostRtc = await ToneParticipant.connect(host.name, await join(host, roomId));
  rig.keep(hostRtc);
  const trollRtc = await ToneParticipant.connect(troll.name, await join(troll, roomId));
  rig.keep(trollRtc);
  await bringOnStage(host, troll, roomId);

  const disconnected = trollRtc.waitFor(RoomEvent.Disconnected);
  const left = hostRtc.waitFor(RoomEvent.ParticipantDisconnected, (p) => p.identity === troll.memberId);
  const after = await ok(host, 'POST', `/v1/rooms/${roomId}/stage/participants/${troll.memberId}/remove`, {});
  t.deepEqual(after.moderation.bans, [troll.memberId], 'ban is the default');
  t.false(after.onStage.some((p: { identity: string }) => p.identity === troll.memberId));
  await t.notThrowsAsync(disconnected, 'LiveKit disconnected the removed participant');
  await t.notThrowsAsync(left, 'the room saw them leave');

  const rejoin = await troll.client.post(`/v1/rooms/${roomId}/join`, JOIN_BODY);
  t.is(rejoin.status, 403, JSON.stringify(rejoin.body));
  t.is(rejoin.body.error.code, 'banned');
  // The banned member cannot read the stage either: they are no longer in the room.
  t.is((await troll.client.get(`/v1/rooms/${roomId}/stage`)).status, 403);
});

test('remove without ban disconnects but the member may rejoin as a listener', async (t) => {
  t.timeout(90_000);
  const host = await signUp(rig.env, 'Hana Host');
  const pat = await signUp(rig.env, 'Pat Participant');
  const roomId = await liveRoom(host);
  await join(host, roomId);
  const patRtc = await ToneParticipant.connect(pat.name, await join(pat, roomId));
  rig.keep(patRtc);

  const disconnected = patRtc.waitFor(RoomEvent.Disconnected);
  const after = await ok(host, 'POST', `/v1/rooms/${roomId}/stage/participants/${pat.memberId}/remove`, { ban: false });
  t.deepEqual(after.moderation.bans, []);
  await t.notThrowsAsync(disconnected);

  const rejoin = await join(pat, roomId);
  t.is(rejoin.role, 'listener');
});
