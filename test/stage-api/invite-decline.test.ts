// The invite path needs both keys: after the host invites a listener and the listener declines, they are still a
// listener and LiveKit still refuses their microphone.
import test from 'ava';
import { ToneParticipant, join, liveRoom, ok, signUp, useRtcRig } from './_fixtures.js';

const rig = useRtcRig();

test('invite -> decline leaves the listener unable to publish', async (t) => {
  t.timeout(90_000);
  const host = await signUp(rig.env, 'Hana Host');
  const lee = await signUp(rig.env, 'Lee Listener');
  const roomId = await liveRoom(host);
  await join(host, roomId);
  const leeRtc = await ToneParticipant.connect(lee.name, await join(lee, roomId));
  rig.keep(leeRtc);

  const invited = await ok(host, 'POST', `/v1/rooms/${roomId}/stage/invites`, { memberId: lee.memberId });
  t.deepEqual(invited.moderation.invites.map((v: { identity: string }) => v.identity), [lee.memberId]);
  t.like((await lee.client.get(`/v1/rooms/${roomId}/stage`)).body.you, { role: 'listener', invitedBy: host.memberId });

  const declined = await ok(lee, 'POST', `/v1/rooms/${roomId}/stage/invite/decline`);
  t.like(declined.you, { role: 'listener', invitedBy: null });
  t.deepEqual((await host.client.get(`/v1/rooms/${roomId}/stage`)).body.moderation.invites, []);

  const attempt = await leeRtc.tryPublish();
  t.false(attempt.published, 'declining does not open the microphone');
  // A declined invitation cannot be accepted afterwards.
  const late = await lee.client.post(`/v1/rooms/${roomId}/stage/invite/accept`);
  t.is(late.status, 409);
  t.is(late.body.error.code, 'no_pending_invite');
});

test('invite -> accept brings the listener on stage and the microphone publishes', async (t) => {
  t.timeout(90_000);
  const host = await signUp(rig.env, 'Hana Host');
  const ivy = await signUp(rig.env, 'Ivy Invitee');
  const roomId = await liveRoom(host);
  await join(host, roomId);
  const ivyRtc = await ToneParticipant.connect(ivy.name, await join(ivy, roomId));
  rig.keep(ivyRtc);

  await ok(host, 'POST', `/v1/rooms/${roomId}/stage/invites`, { memberId: ivy.memberId });
  const accepted = await ok(ivy, 'POST', `/v1/rooms/${roomId}/stage/invite/accept`);
  t.like(accepted.you, { role: 'speaker', invitedBy: null });
  const attempt = await ivyRtc.tryPublish();
  t.true(attempt.published, attempt.error);
});
