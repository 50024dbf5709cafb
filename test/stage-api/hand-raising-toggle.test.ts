// Turning hand raising off clears the queue and refuses new hands until it is back on.
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';
import { join, liveRoom, ok, signUp } from './_fixtures.js';

let env: TestStack;

test.before(async () => {
  env = await startTestStack({ workers: 0 });
});

test.after.always(async () => {
  await env?.stop();
});

test('hand raising off clears the queue and refuses hands; on again accepts them', async (t) => {
  const host = await signUp(env, 'Hana Host');
  const lee = await signUp(env, 'Lee Listener');
  const roomId = await liveRoom(host);
  await join(host, roomId);
  await join(lee, roomId);
  await ok(lee, 'POST', `/v1/rooms/${roomId}/stage/hand`);

  const off = await ok(host, 'PUT', `/v1/rooms/${roomId}/stage/hand-raising`, { enabled: false });
  t.false(off.handRaisingEnabled);
  t.deepEqual(off.moderation.hands, []);
  t.like((await lee.client.get(`/v1/rooms/${roomId}/stage`)).body.you, { handRaised: false });

  const refused = await lee.client.post(`/v1/rooms/${roomId}/stage/hand`);
  t.is(refused.status, 409);
  t.is(refused.body.error.code, 'hand_raising_off');

  await ok(host, 'PUT', `/v1/rooms/${roomId}/stage/hand-raising`, { enabled: true });
  const raised = await ok(lee, 'POST', `/v1/rooms/${roomId}/stage/hand`);
  t.true(raised.you.handRaised);

  // The cleared hand is on record.
  const { rows } = await env.stack.database.pool.query(
    `SELECT payload FROM room_stage_events WHERE room_id = $1 AND type = 'hand_raising_changed' ORDER BY id`,
    [roomId],
  );
  t.deepEqual(rows.map((r) => r.payload.cleared), [[lee.memberId], []]);
});
