// A host undoes what automatic moderation did: the room's policy (tightened by the host: threat -> remove) removes
// and bans a speaker whose words the classifier flagged; the host lifts it through the API, once, audited, and the
// speaker can join again. A listener cannot; a second undo is 409; an action that changed nothing cannot be undone.
import test from 'ava';
import { bringOnStage } from '../stage-api/_fixtures.js';
import { eventually, joinRoom, liveRoom, member, useStack } from './_fixtures.js';

const stack = useStack();

test('the host lifts an automatic removal: the ban is gone, the speaker may join again, the undo is audited once', async (t) => {
  t.timeout(120_000);
  const { env, pool } = stack;
  const host = await member(env, 'Hana Host');
  const tom = await member(env, 'Tom Speaker');
  const lee = await member(env, 'Lee Listener');
  const roomId = await liveRoom(host);
  const tightened = await host.client.request('PUT', `/v1/rooms/${roomId}/moderation-policy`, { categories: { threat: { action: 'remove' } } });
  t.is(tightened.status, 200, JSON.stringify(tightened.body));
  await joinRoom(host, roomId);
  await joinRoom(tom, roomId);
  await joinRoom(lee, roomId);
  await bringOnStage({ ...host, name: 'Hana Host', accessToken: '' }, { ...tom, name: 'Tom Speaker', accessToken: '' }, roomId);

  // What the agent writes for Tom's utterance; the stack's own moderation evaluator takes it from here.
  const { rows } = await pool.query(
    `INSERT INTO transcript_segments (room_id, segment_key, speaker_identity, track_sid, started_at, ended_at, text, model)
     VALUES ($1, 'undo-test-1', $2, 'TR_1', now() - interval '3 seconds', now(), 'I will find you and hurt you.', 'moonshine-base-en') RETURNING id`,
    [roomId, tom.memberId],
  );
  await pool.query(
    `INSERT INTO segment_classifications (segment_id, room_id, speaker_identity, scores, categories, model_version, taxonomy_version)
     VALUES ($1, $2, $3, '{"threat": 0.97}', '{threat}', 'harm-head-minilm-v1', 'harm-taxonomy-v1')`,
    [rows[0].id, roomId, tom.memberId],
  );
  const action = await eventually(async () => {
    const r = await pool.query("SELECT id::text AS id FROM audit_log WHERE action = 'moderation.auto_remove' AND room_id = $1", [roomId]);
    return r.rows[0]?.id as string | undefined;
  }, 30_000, 'the automatic removal');
  const refused = await tom.client.post(`/v1/rooms/${roomId}/join`, { acceptTranscription: true });
  t.is(refused.status, 403, 'removed and banned by the policy');

  const byListener = await lee.client.post(`/v1/rooms/${roomId}/moderation/actions/${action}/undo`);
  t.is(byListener.status, 403, JSON.stringify(byListener.body));
  t.is((await pool.query("SELECT count(*)::int AS n FROM audit_log WHERE action = 'moderation.auto_action_undone'")).rows[0].n, 0);

  const undone = await host.client.post(`/v1/rooms/${roomId}/moderation/actions/${action}/undo`);
  t.is(undone.status, 200, JSON.stringify(undone.body));
  t.deepEqual(undone.body, { actionId: action, undone: 'remove', speaker: tom.memberId, effect: 'unbanned' });
  t.is((await tom.client.post(`/v1/rooms/${roomId}/join`, { acceptTranscription: true })).status, 200, 'Tom may join again');
  const audit = await pool.query("SELECT actor_id, subject_id, detail FROM audit_log WHERE action = 'moderation.auto_action_undone'");
  t.deepEqual(audit.rows, [{ actor_id: host.memberId, subject_id: action, detail: { undone: 'moderation.auto_remove', speaker: tom.memberId, effect: 'unbanned' } }]);

  const again = await host.client.post(`/v1/rooms/${roomId}/moderation/actions/${action}/undo`);
  t.is(again.status, 409);
  t.is(again.body.error.code, 'already_undone');
  const unknown = await host.client.post(`/v1/rooms/${roomId}/moderation/actions/999999999/undo`);
  t.is(unknown.status, 404);
  const bad = await host.client.post(`/v1/rooms/${roomId}/moderation/actions/not-an-id/undo`);
  t.is(bad.status, 400);
  t.is(bad.body.error.details[0].field, 'params.actionId');
});
