// The host ends the room for everyone: participants are disconnected, the room reads as ended, and the stage
// refuses further commands. A co-host cannot end it.
import test from 'ava';
import { RoomEvent } from '@livekit/rtc-node';
import { ToneParticipant, join, liveRoom, makeCohost, ok, signUp, staffMember, useRtcRig } from './_fixtures.js';

const rig = useRtcRig();

test('the host ends the room: everyone is disconnected and the stage is closed', async (t) => {
  t.timeout(90_000);
  const host = await signUp(rig.env, 'Hana Host');
  const cole = await signUp(rig.env, 'Cole Cohost');
  const lee = await signUp(rig.env, 'Lee Listener');
  const roomId = await liveRoom(host);
  await join(host, roomId);
  await join(cole, roomId);
  await makeCohost(host, cole, roomId);
  const leeRtc = await ToneParticipant.connect(lee.name, await join(lee, roomId));
  rig.keep(leeRtc);

  const denied = await cole.client.post(`/v1/rooms/${roomId}/end`);
  t.is(denied.status, 403);
  t.is(denied.body.error.code, 'role_forbidden');

  const disconnected = leeRtc.waitFor(RoomEvent.Disconnected);
  const ended = await ok(host, 'POST', `/v1/rooms/${roomId}/end`);
  t.true(ended.ended);
  t.is(typeof ended.endedAt, 'number');
  await t.notThrowsAsync(disconnected, 'LiveKit closed the room');

  const room = await host.client.get(`/v1/rooms/${roomId}`);
  t.is(room.body.status, 'ended');
  const raise = await lee.client.post(`/v1/rooms/${roomId}/stage/hand`);
  t.is(raise.status, 409);
  t.is(raise.body.error.code, 'room_ended');
  const again = await host.client.post(`/v1/rooms/${roomId}/end`);
  t.is(again.status, 409);
  // The final roster stays readable.
  const stage = await host.client.get(`/v1/rooms/${roomId}/stage`);
  t.is(stage.status, 200);
  t.true(stage.body.ended);
});

test('trust-and-safety staff can end a room they are not in', async (t) => {
  const host = await signUp(rig.env, 'Hana Host');
  const roomId = await liveRoom(host);
  await join(host, roomId);
  const staff = await staffMember(rig.env, 'Sam Safety');
  const ended = await staff.client.post(`/v1/rooms/${roomId}/end`);
  t.is(ended.status, 200, JSON.stringify(ended.body));
  t.true(ended.body.ended);
  const room = await host.client.get(`/v1/rooms/${roomId}`);
  t.is(room.body.status, 'ended');
  t.is(room.body.endedReason, 'staff');
});
