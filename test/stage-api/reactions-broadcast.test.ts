// Reactions go through the API (listeners' tokens cannot publish data): they are counted per room and sent on the
// roundtable.reactions data topic as small events, without rewriting the stage snapshot or rebroadcasting the stage;
// every stage change reaches the room on roundtable.stage as the audience view.
import test from 'ava';
import { ToneParticipant, eventually, join, liveRoom, ok, signUp, useRtcRig } from './_fixtures.js';

const rig = useRtcRig();

/** The stage row and its event log as the database holds them. */
async function stageRow(roomId: string): Promise<{ snapshot: unknown; version: number; events: number }> {
  const pool = rig.env.stack.database.pool;
  const { rows } = await pool.query('SELECT snapshot, version FROM room_stages WHERE room_id = $1', [roomId]);
  const events = await pool.query('SELECT count(*)::int AS n FROM room_stage_events WHERE room_id = $1', [roomId]);
  return { snapshot: rows[0].snapshot, version: rows[0].version, events: events.rows[0].n };
}

test('a reaction is counted and broadcast to the room without rewriting the stage; stage changes are broadcast as the audience view', async (t) => {
  t.timeout(90_000);
  const host = await signUp(rig.env, 'Hana Host');
  const lee = await signUp(rig.env, 'Lee Listener');
  const roomId = await liveRoom(host);
  const hostRtc = await ToneParticipant.connect(host.name, await join(host, roomId));
  rig.keep(hostRtc);
  const leeRtc = await ToneParticipant.connect(lee.name, await join(lee, roomId));
  rig.keep(leeRtc);
  const reactions = hostRtc.collect('roundtable.reactions');
  const states = hostRtc.collect('roundtable.stage');
  const before = await stageRow(roomId);

  // Skin tone and variation selector are folded into the palette emoji.
  const after = await ok(lee, 'POST', `/v1/rooms/${roomId}/stage/reactions`, { emoji: '👏🏽' });
  t.deepEqual(after.reactions, { '👏': 1 });
  await ok(host, 'POST', `/v1/rooms/${roomId}/stage/reactions`, { emoji: '🔥' });
  await ok(lee, 'POST', `/v1/rooms/${roomId}/stage/reactions`, { emoji: '👏' });
  t.deepEqual((await host.client.get(`/v1/rooms/${roomId}/stage`)).body.reactions, { '👏': 2, '🔥': 1 });

  await eventually(async () => (reactions.length >= 3 ? true : undefined), 10_000, 'three reactions on the data topic');
  t.like(reactions[0], { type: 'reaction', identity: lee.memberId, emoji: '👏' });
  t.like(reactions[1], { type: 'reaction', identity: host.memberId, emoji: '🔥' });

  // Cheap: the stage snapshot, its version and its event log are exactly as before the three reactions, the counts
  // are rows of their own, and no stage_state newer than before went out for them.
  t.deepEqual(await stageRow(roomId), before);
  const counts = await rig.env.stack.database.pool.query('SELECT emoji, count::int AS n FROM room_reaction_counts WHERE room_id = $1 ORDER BY emoji', [roomId]);
  t.deepEqual(Object.fromEntries(counts.rows.map((r: { emoji: string; n: number }) => [r.emoji, r.n])), { '👏': 2, '🔥': 1 });
  t.false(states.some((m) => m.type === 'stage_state' && m.state.version > before.version), 'no stage_state broadcast for a reaction');

  await ok(lee, 'POST', `/v1/rooms/${roomId}/stage/hand`);
  const withHand = await eventually(
    async () => states.find((m) => m.type === 'stage_state' && m.state.raisedHandCount === 1),
    10_000,
    'the raised hand on the stage topic',
  );
  t.is(withHand.state.roomId, roomId);
  t.is(withHand.state.moderation, undefined, 'the broadcast never carries the hand queue or bans');
  t.is(withHand.state.you, undefined);
  t.deepEqual(withHand.state.onStage.map((p: { identity: string }) => p.identity), [host.memberId]);
  t.deepEqual(withHand.state.reactions, { '👏': 2, '🔥': 1 }, 'the next stage view carries the counts');
});

test('an outsider cannot react', async (t) => {
  const host = await signUp(rig.env, 'Hana Host');
  const olga = await signUp(rig.env, 'Olga Outsider');
  const roomId = await liveRoom(host);
  await join(host, roomId);
  const res = await olga.client.post(`/v1/rooms/${roomId}/stage/reactions`, { emoji: '👏' });
  t.is(res.status, 403);
  t.is(res.body.error.code, 'not_in_room');
});
