// A suspended member connected to LiveKit is disconnected at once in every live room, whether or not the stage
// still holds them: LiveKit is the truth about who is connected. In room A the listener is connected while the stage
// no longer lists them (what the admission sweeper's drop does after a late webhook); before the fix nothing
// removed such a connection until its next reconnect. In room B they are an ordinary listener. Checked against what
// LiveKit lists (RoomServiceClient), not our rows; then the presence rows are closed and a rejoin is refused.
import test from 'ava';
import { RoomEvent } from '@livekit/rtc-node';
import { RoomServiceClient } from 'livekit-server-sdk';
import { flagCase, segment } from '../moderation-api/_fixtures.js';
import { ToneParticipant, eventually, join, liveRoom, ok, signUp, staffMember, useRtcRig } from '../stage-api/_fixtures.js';

const rig = useRtcRig();

test('a suspension disconnects a listener the stage no longer holds, and the same member in another room', async (t) => {
  t.timeout(180_000);
  const env = rig.env;
  const pool = env.stack.database.pool;
  const hostA = await signUp(env, 'Ana Host');
  const hostB = await signUp(env, 'Ben Host');
  const troll = await signUp(env, 'Lou Listener');
  const reviewer = await staffMember(env, 'Rex Reviewer');
  const roomA = await liveRoom(hostA, 'Room A');
  const roomB = await liveRoom(hostB, 'Room B');
  rig.keep(await ToneParticipant.connect(hostA.name, await join(hostA, roomA)));
  rig.keep(await ToneParticipant.connect(hostB.name, await join(hostB, roomB)));
  const inA = rig.keep(await ToneParticipant.connect(`${troll.name} A`, await join(troll, roomA)));
  const inB = rig.keep(await ToneParticipant.connect(`${troll.name} B`, await join(troll, roomB)));

  const lk = new RoomServiceClient(env.config.livekit.url.replace(/^ws/, 'http'), env.config.livekit.apiKey, env.config.livekit.apiSecret);
  const listed = async (roomId: string): Promise<string[]> => (await lk.listParticipants(roomId)).map((p) => p.identity);
  for (const roomId of [roomA, roomB]) {
    await eventually(async () => ((await listed(roomId)).includes(troll.memberId) ? true : undefined), 30_000, `LiveKit to list the listener in ${roomId}`);
  }
  const openPresence = async (roomId: string): Promise<number> =>
    Number((await pool.query('SELECT count(*) AS n FROM room_presence WHERE room_id = $1 AND identity = $2 AND left_at IS NULL', [roomId, troll.memberId])).rows[0].n);
  await eventually(async () => ((await openPresence(roomA)) > 0 && (await openPresence(roomB)) > 0 ? true : undefined), 30_000, 'the webhooks to record presence');

  // Room A's stage loses the listener while their LiveKit session stays (the admission sweeper's drop).
  const dropped = await env.stack.services.stage.dropUnconnected(roomA, new Set([hostA.memberId]), Date.now() + 60_000);
  t.deepEqual(dropped, [troll.memberId]);
  const stageA = await ok(hostA, 'GET', `/v1/rooms/${roomA}/stage`);
  t.false(JSON.stringify(stageA).includes(troll.memberId), 'the stage of room A no longer lists the listener');
  t.true((await listed(roomA)).includes(troll.memberId), 'LiveKit still has them in room A');
  t.is(inA.room.isConnected, true);

  const caseId = await flagCase(pool, { roomId: roomA, memberId: troll.memberId, segmentId: await segment(pool, { roomId: roomA, speaker: troll.memberId, text: 'a threat' }) });
  const goneA = inA.waitFor(RoomEvent.Disconnected, () => true, 60_000);
  const goneB = inB.waitFor(RoomEvent.Disconnected, () => true, 60_000);
  const started = Date.now();
  const decided = await reviewer.client.post(`/v1/moderation/cases/${caseId}/decision`, { decision: 'suspend', reason: 'threat', durationSeconds: 600 });
  t.is(decided.status, 200, JSON.stringify(decided.body));

  // Well inside the 30 s sweep: the decision's kick did it (the sweep's first run happened at start-up).
  for (const roomId of [roomA, roomB]) {
    await eventually(async () => ((await listed(roomId)).includes(troll.memberId) ? undefined : true), 20_000, `LiveKit to drop the suspended member from ${roomId}`);
  }
  t.log(`both rooms without the member on LiveKit ${Date.now() - started} ms after the decision was posted`);
  await t.notThrowsAsync(goneA, 'the client in room A was disconnected');
  await t.notThrowsAsync(goneB, 'the client in room B was disconnected');
  t.true((await listed(roomA)).includes(hostA.memberId), 'host A is still there');
  t.true((await listed(roomB)).includes(hostB.memberId), 'host B is still there');
  await eventually(async () => ((await openPresence(roomA)) === 0 && (await openPresence(roomB)) === 0 ? true : undefined), 20_000, 'presence rows to close');
  const stageB = await ok(hostB, 'GET', `/v1/rooms/${roomB}/stage`);
  t.false(JSON.stringify(stageB).includes(troll.memberId), 'room B stage no longer lists them');

  for (const roomId of [roomA, roomB]) {
    const rejoin = await troll.client.post(`/v1/rooms/${roomId}/join`, { acceptTranscription: true });
    t.is(rejoin.status, 403);
    t.is(rejoin.body.error.code, 'account_restricted');
  }
});
