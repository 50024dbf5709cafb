// Hand path, end to end: a listener raises a hand, the host sees it in the stage, approves, and from then on the
// listener's microphone publishes and another listener hears it (real LiveKit, real rtc-node, real PostgreSQL).
import test from 'ava';
import { type Member, ToneParticipant, join, liveRoom, ok, signUp, useRtcRig } from './_fixtures.js';

const rig = useRtcRig();
const enter = (member: Member, roomId: string) => rig.enter(member, roomId);

test('raise hand -> host sees it -> approve -> the new speaker publishes and a listener hears the tone', async (t) => {
  t.timeout(120_000);
  const host = await signUp(rig.env, 'Hana Host');
  const lee = await signUp(rig.env, 'Lee Listener');
  const ann = await signUp(rig.env, 'Ann Audience');
  const roomId = await liveRoom(host);
  await enter(host, roomId);
  const leeRtc = await enter(lee, roomId);
  const annRtc = await enter(ann, roomId);

  const raised = await ok(lee, 'POST', `/v1/rooms/${roomId}/stage/hand`);
  t.like(raised.you, { role: 'listener', handRaised: true });
  t.is(raised.moderation, undefined, 'a listener does not see the hand queue');

  const seen = (await host.client.get(`/v1/rooms/${roomId}/stage`)).body;
  t.deepEqual(seen.moderation.hands.map((h: { identity: string }) => h.identity), [lee.memberId]);
  t.is(seen.raisedHandCount, 1);
  t.like(seen.you, { role: 'host' });

  const approved = await ok(host, 'POST', `/v1/rooms/${roomId}/stage/hands/${lee.memberId}/approve`);
  t.deepEqual(approved.moderation.hands, []);
  t.true(approved.onStage.some((p: { identity: string; role: string }) => p.identity === lee.memberId && p.role === 'speaker'));

  const publication = await leeRtc.publishTone();
  t.truthy(publication.sid, 'LiveKit accepted the track');
  const track = await annRtc.audioFrom(lee.memberId);
  const rms = await annRtc.rmsOf(track);
  t.log(`listener hears the new speaker at RMS ${rms.toFixed(0)}`);
  t.true(rms > 2000, `rms ${rms}`);

  // The stage remembers who brought whom on stage and when the speaker consented to transcription.
  const { rows } = await rig.env.stack.database.pool.query(
    `SELECT actor, target, payload FROM room_stage_events WHERE room_id = $1 AND type = 'stage_joined' AND target = $2`,
    [roomId, lee.memberId],
  );
  t.is(rows.length, 1);
  t.is(rows[0].actor, host.memberId);
  t.is(rows[0].payload.via, 'hand');
  t.is(typeof rows[0].payload.transcriptionConsentAt, 'number');
});
