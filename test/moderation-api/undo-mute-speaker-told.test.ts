// A host undoes an automatic mute and the speaker learns it: the room policy mutes Tom (LiveKit reports his
// microphone muted) for a flagged utterance; his publish permission is then found taken too (as a mute that revoked
// it would leave it). After POST …/moderation/actions/:actionId/undo, Tom's rtc-node client gets a
// `moderation_undone` data message on the moderation topic, a listener's stage stream gets `event:
// moderation_undone`, LiveKit reports the permission back, and Tom publishes his microphone again (LiveKit lists it
// unmuted). Everything is checked where it lands: LiveKit's own participant info, the client, the SSE stream.
import test from 'ava';
import { RoomServiceClient, TrackSource } from 'livekit-server-sdk';
import { openStageStream } from '../stage-api/_sse.js';
import { bringOnStage, eventually, liveRoom, ok, signUp, useRtcRig } from '../stage-api/_fixtures.js';

const rig = useRtcRig();
const MODERATION_TOPIC = 'roundtable.moderation';

test('an undone automatic mute is told to the speaker and the room, and the speaker can publish again', async (t) => {
  t.timeout(180_000);
  const env = rig.env;
  const pool = env.stack.database.pool;
  const host = await signUp(env, 'Hana Host');
  const tom = await signUp(env, 'Tom Speaker');
  const lee = await signUp(env, 'Lee Listener');
  const roomId = await liveRoom(host);
  await rig.enter(host, roomId);
  const tomRtc = await rig.enter(tom, roomId);
  await rig.enter(lee, roomId);
  await bringOnStage(host, tom, roomId);

  const lk = new RoomServiceClient(env.config.livekit.url.replace(/^ws/, 'http'), env.config.livekit.apiKey, env.config.livekit.apiSecret);
  const tomOnLiveKit = async () => (await lk.listParticipants(roomId)).find((p) => p.identity === tom.memberId);
  const mic = async (muted: boolean) => {
    const p = await tomOnLiveKit();
    return p?.tracks.some((tr) => tr.source === TrackSource.MICROPHONE && tr.muted === muted) ? true : undefined;
  };
  await eventually(async () => ((await tomOnLiveKit())?.permission?.canPublish ? true : undefined), 30_000, 'LiveKit to let Tom publish');
  await tomRtc.publishTone();
  await eventually(() => mic(false), 30_000, "LiveKit to list Tom's live microphone");

  const told = tomRtc.collect(MODERATION_TOPIC);
  const stream = await openStageStream(env, lee.accessToken, roomId);
  t.teardown(() => stream.abort.abort());
  t.is(stream.res.status, 200);

  // What the agent writes for Tom's utterance; the stack's moderation evaluator mutes him (platform: threat -> mute).
  const { rows } = await pool.query(
    `INSERT INTO transcript_segments (room_id, segment_key, speaker_identity, track_sid, started_at, ended_at, text, model)
     VALUES ($1, 'undo-mute-1', $2, 'TR_1', now() - interval '3 seconds', now(), 'I will find you and hurt you.', 'moonshine-base-en') RETURNING id`,
    [roomId, tom.memberId],
  );
  await pool.query(
    `INSERT INTO segment_classifications (segment_id, room_id, speaker_identity, scores, categories, model_version, taxonomy_version)
     VALUES ($1, $2, $3, '{"threat": 0.97}', '{threat}', 'harm-head-minilm-v1', 'harm-taxonomy-v1')`,
    [rows[0].id, roomId, tom.memberId],
  );
  const actionId = await eventually(async () => {
    const r = await pool.query("SELECT id::text AS id FROM audit_log WHERE action = 'moderation.auto_mute' AND room_id = $1", [roomId]);
    return r.rows[0]?.id as string | undefined;
  }, 60_000, 'the automatic mute');
  await eventually(() => mic(true), 30_000, "LiveKit to report Tom's microphone muted");
  // The permission gone as well (setup, straight on LiveKit): the undo must give it back, not only the mute.
  await lk.updateParticipant(roomId, tom.memberId, { permission: { canPublish: false, canSubscribe: true, canPublishData: false } });
  await eventually(async () => ((await tomOnLiveKit())?.permission?.canPublish === false ? true : undefined), 15_000, 'the permission to be gone');
  t.deepEqual(told.filter((m) => m.type === 'moderation_undone'), [], 'nothing told before the undo');

  const undoAt = Date.now();
  const undone = await host.client.post(`/v1/rooms/${roomId}/moderation/actions/${actionId}/undo`);
  t.is(undone.status, 200, JSON.stringify(undone.body));
  t.deepEqual(undone.body, { actionId, undone: 'mute', speaker: tom.memberId, effect: 'may_unmute' });

  const message = await eventually(async () => told.find((m) => m.type === 'moderation_undone'), 30_000, "Tom's client to be told");
  t.log(`speaker told ${Date.now() - undoAt} ms after the undo was posted`);
  t.like(message, { type: 'moderation_undone', roomId, actionId, undone: 'mute', speaker: tom.memberId, effect: 'may_unmute', publishRestored: true, by: host.memberId });
  const seen = await eventually(async () => stream.events.find((e) => e.event === 'moderation_undone'), 30_000, "the listener's stream to carry the undo");
  t.like(seen.data, { actionId, speaker: tom.memberId, effect: 'may_unmute', by: host.memberId });
  t.truthy(seen.id, 'a room event id, so a reconnecting stream replays it');

  await eventually(async () => ((await tomOnLiveKit())?.permission?.canPublish ? true : undefined), 30_000, 'LiveKit to give Tom the permission back');
  // Tom's app, told he may speak, publishes his microphone again.
  const again = await tomRtc.tryPublish();
  t.true(again.published, again.error);
  await eventually(() => mic(false), 30_000, "LiveKit to list Tom's microphone live again");
  const stage = await ok(host, 'GET', `/v1/rooms/${roomId}/stage`);
  t.true(JSON.stringify(stage).includes(tom.memberId), 'Tom is still in the room');
  const second = await host.client.post(`/v1/rooms/${roomId}/moderation/actions/${actionId}/undo`);
  t.is(second.status, 409, 'once');
});
