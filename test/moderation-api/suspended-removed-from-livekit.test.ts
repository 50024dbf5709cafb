// A member connected to a live room through LiveKit is suspended: within seconds LiveKit itself no longer lists
// them (checked through LiveKit's RoomServiceClient, not our database), and reconnecting is refused.
import test from 'ava';
import { RoomEvent } from '@livekit/rtc-node';
import { RoomServiceClient } from 'livekit-server-sdk';
import { flagCase, segment } from './_fixtures.js';
import { ToneParticipant, join, liveRoom, signUp, staffMember, useRtcRig, eventually } from '../stage-api/_fixtures.js';

const rig = useRtcRig();

test('a suspension removes the connected member from LiveKit within seconds', async (t) => {
  t.timeout(90_000);
  const env = rig.env;
  const host = await signUp(env, 'Hana Host');
  const troll = await signUp(env, 'Tom Troll');
  const reviewer = await staffMember(env, 'Rita Reviewer');
  const roomId = await liveRoom(host);
  rig.keep(await ToneParticipant.connect(host.name, await join(host, roomId)));
  const trollRtc = rig.keep(await ToneParticipant.connect(troll.name, await join(troll, roomId)));

  const lk = new RoomServiceClient(env.config.livekit.url.replace(/^ws/, 'http'), env.config.livekit.apiKey, env.config.livekit.apiSecret);
  const listed = async () => (await lk.listParticipants(roomId)).map((p) => p.identity);
  await eventually(async () => ((await listed()).includes(troll.memberId) ? true : undefined), 10_000, 'LiveKit to list the troll');

  const pool = env.stack.database.pool;
  const caseId = await flagCase(pool, { roomId, memberId: troll.memberId, segmentId: await segment(pool, { roomId, speaker: troll.memberId, text: 'a threat' }) });
  const disconnected = trollRtc.waitFor(RoomEvent.Disconnected, () => true, 20_000);
  const started = Date.now();
  const decided = await reviewer.client.post(`/v1/moderation/cases/${caseId}/decision`, { decision: 'suspend', reason: 'threat', durationSeconds: 600 });
  t.is(decided.status, 200, JSON.stringify(decided.body));

  await eventually(async () => ((await listed()).includes(troll.memberId) ? undefined : true), 10_000, 'LiveKit to drop the suspended member');
  t.log(`gone from LiveKit after ${Date.now() - started} ms`);
  t.true(Date.now() - started < 10_000);
  await t.notThrowsAsync(disconnected, 'the client was disconnected');
  t.true((await listed()).includes(host.memberId), 'the host is still there');

  const rejoin = await troll.client.post(`/v1/rooms/${roomId}/join`, { acceptTranscription: true });
  t.is(rejoin.status, 403);
  t.is(rejoin.body.error.code, 'account_restricted');
});
