// The sweep, not the decision's kick: a suspension written while no kick ran (the process stopped between the commit
// and the kick) still takes the member off LiveKit. The member is connected as a listener the stage no longer holds,
// so only LiveKit's own participant list can find them; the sweep (every second here) asks it. Checked against what
// LiveKit lists, not our rows.
import crypto from 'node:crypto';
import test from 'ava';
import { RoomEvent, dispose } from '@livekit/rtc-node';
import { RoomServiceClient } from 'livekit-server-sdk';
import { ToneParticipant, eventually, join, liveRoom, signUp } from '../stage-api/_fixtures.js';
import { startTestStack, type TestStack } from '../support/stack.js';

let env: TestStack | undefined;
const connected: ToneParticipant[] = [];
test.before(async () => {
  env = await startTestStack({ workers: 0, env: { MODERATION_SUSPENSION_LIFT_SECONDS: '1' } });
});
test.after.always(async () => {
  try {
    for (const p of connected) await p.disconnect().catch(() => undefined);
    await env?.stop();
  } finally {
    await dispose();
  }
});

test('the sanction sweep disconnects a suspended member LiveKit still lists, whom no kick reached', async (t) => {
  t.timeout(120_000);
  const pool = env!.stack.database.pool;
  const host = await signUp(env!, 'Hal Host');
  const troll = await signUp(env!, 'Tia Listener');
  const roomId = await liveRoom(host);
  connected.push(await ToneParticipant.connect(host.name, await join(host, roomId)));
  const trollRtc = await ToneParticipant.connect(troll.name, await join(troll, roomId));
  connected.push(trollRtc);
  const lk = new RoomServiceClient(env!.config.livekit.url.replace(/^ws/, 'http'), env!.config.livekit.apiKey, env!.config.livekit.apiSecret);
  const listed = async (): Promise<string[]> => (await lk.listParticipants(roomId)).map((p) => p.identity);
  await eventually(async () => ((await listed()).includes(troll.memberId) ? true : undefined), 30_000, 'LiveKit to list the listener');
  await eventually(
    async () => ((await pool.query('SELECT 1 FROM room_presence WHERE room_id = $1 AND identity = $2 AND left_at IS NULL', [roomId, troll.memberId])).rowCount ? true : undefined),
    30_000,
    'the webhook to record presence',
  );
  // Neither the stage nor our presence rows know of the connection any more: only LiveKit does.
  t.deepEqual(await env!.stack.services.stage.dropUnconnected(roomId, new Set([host.memberId]), Date.now() + 60_000), [troll.memberId]);
  await pool.query('UPDATE room_presence SET left_at = now() WHERE room_id = $1 AND identity = $2', [roomId, troll.memberId]);
  t.true((await listed()).includes(troll.memberId));

  const gone = trollRtc.waitFor(RoomEvent.Disconnected, () => true, 60_000);
  // The decision's record without its kick (setup, straight in the database).
  await pool.query(
    `INSERT INTO member_sanctions (id, member_id, kind, reason, starts_at, expires_at, created_at)
     VALUES ($1, $2, 'suspend', 'threat', now(), now() + interval '10 minutes', now())`,
    [crypto.randomUUID(), troll.memberId],
  );
  await eventually(async () => ((await listed()).includes(troll.memberId) ? undefined : true), 45_000, 'the sweep to take the member off LiveKit');
  await t.notThrowsAsync(gone, 'the client was disconnected');
  t.true((await listed()).includes(host.memberId), 'the host stays');
});
