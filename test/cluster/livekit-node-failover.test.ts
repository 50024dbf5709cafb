// Fault test, all real: `kill -9` of the LiveKit node holding a live room in a two-node cluster. Its participants
// must reconnect to the cluster (LiveKit re-places the room on the surviving node), the stage must be restored from
// Roundtable's state (the speaker may publish again, the listener may not), and the moderation agent must rejoin.
import test from 'ava';
import { dispose } from '@livekit/rtc-node';
import { AgentDispatchClient, RoomServiceClient } from 'livekit-server-sdk';
import { toHttpUrl } from '../../engine/gateway/livekit-gateway.js';
import { SpeakingParticipant } from '../support/speaking-participant.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { startRedis, type TestRedis, eventually, endRoom } from './livekit-redis-fixture.js';

let redis: TestRedis;
let env: TestStack;

test.before(async () => {
  redis = await startRedis({ persistent: true });
  env = await startTestStack({ workers: 1, env: { LIVEKIT_NODES: '2', LIVEKIT_REDIS_URL: redis.url, AGENT_SUPERVISION_INTERVAL_MS: '1000' } });
  await env.stack.workersRegistered;
});

test.after.always(async () => {
  await env?.stop();
  await redis?.stop();
  await dispose();
});

test('kill -9 of the node holding a room: participants reconnect, the stage is restored, the agent rejoins', async (t) => {
  t.timeout(480_000);
  const lk = new RoomServiceClient(toHttpUrl(env.config.livekit.url), env.config.livekit.apiKey, env.config.livekit.apiSecret);
  const lkDispatch = new AgentDispatchClient(toHttpUrl(env.config.livekit.url), env.config.livekit.apiKey, env.config.livekit.apiSecret);
  const [node0, node1] = env.stack.liveKit!.nodes;
  const host = await env.api.signUp('Ada Host');
  // Services talk to node 0, so the room to lose must be on node 1.
  let room: { roomId: string; lkRoom: string } | undefined;
  for (let attempt = 0; attempt < 20 && !room; attempt++) {
    const created = await host.client.post('/v1/rooms', { title: `Failover ${attempt}` });
    t.is(created.status, 201, JSON.stringify(created.body));
    const { rows } = await env.stack.database.pool.query<{ livekit_name: string }>('SELECT livekit_name FROM rooms WHERE id = $1', [created.body.id]);
    if ((await redis.cli('HGET', 'room_node_map', rows[0]!.livekit_name)) === node1!.nodeId) room = { roomId: created.body.id, lkRoom: rows[0]!.livekit_name };
    else await endRoom(host.client, created.body.id);
  }
  t.truthy(room, 'a room was placed on node 1');
  const { roomId, lkRoom } = room!;

  const hostTicket = await host.client.post(`/v1/rooms/${roomId}/join`, { acceptTranscription: true });
  const hostRtc = await SpeakingParticipant.connect(hostTicket.body.url, hostTicket.body.token);
  t.teardown(() => hostRtc.disconnect());
  const sam = await env.api.signUp('Sam Speaker');
  const samTicket = await sam.client.post(`/v1/rooms/${roomId}/join`, { acceptTranscription: true });
  const samRtc = await SpeakingParticipant.connect(samTicket.body.url, samTicket.body.token);
  t.teardown(() => samRtc.disconnect());
  const lee = await env.api.signUp('Lee Listener');
  const leeTicket = await lee.client.post(`/v1/rooms/${roomId}/join`, { acceptTranscription: true });
  const leeRtc = await SpeakingParticipant.connect(leeTicket.body.url, leeTicket.body.token);
  t.teardown(() => leeRtc.disconnect());
  t.true([200, 202].includes((await sam.client.post(`/v1/rooms/${roomId}/stage/hand`)).status));
  t.true([200, 202].includes((await host.client.post(`/v1/rooms/${roomId}/stage/hands/${sam.memberId}/approve`)).status));
  await eventually('Sam may publish', 60_000, async () => ((await lk.getParticipant(lkRoom, sam.memberId)).permission?.canPublish ? true : undefined));
  const agentBefore = await eventually('the agent in the room', 180_000, async () => {
    const jobs = (await lkDispatch.listDispatch(lkRoom)).flatMap((d) => d.state?.jobs ?? []);
    const present = new Set((await lk.listParticipants(lkRoom)).map((p) => p.identity));
    return jobs.find((j) => j.state?.status === 1 && present.has(j.state.participantIdentity))?.state?.participantIdentity;
  });

  const killedAt = Date.now();
  process.kill(node1!.pid!, 'SIGKILL');

  const moved = await eventually('the room on node 0 with everyone back', 180_000, async () => {
    if ((await redis.cli('HGET', 'room_node_map', lkRoom)) !== node0!.nodeId) return undefined;
    const ids = (await lk.listParticipants(lkRoom)).map((p) => p.identity);
    return [host.memberId, sam.memberId, lee.memberId].every((id) => ids.includes(id)) ? ids : undefined;
  });
  t.log(`participants back on node 0 ${Date.now() - killedAt} ms after the kill: ${moved.length} connected`);
  // The stage as Roundtable has it: Sam may publish, Lee may not.
  await eventually('Sam may publish again', 60_000, async () => ((await lk.getParticipant(lkRoom, sam.memberId)).permission?.canPublish ? true : undefined));
  t.false((await lk.getParticipant(lkRoom, lee.memberId)).permission?.canPublish ?? false, 'the listener may not publish');
  const agentAfter = await eventually('an agent in the room again', 120_000, async () => {
    const jobs = (await lkDispatch.listDispatch(lkRoom)).flatMap((d) => d.state?.jobs ?? []);
    const present = new Set((await lk.listParticipants(lkRoom)).map((p) => p.identity));
    return jobs.find((j) => j.state?.status === 1 && present.has(j.state.participantIdentity))?.state?.participantIdentity;
  });
  t.log(`agent ${agentAfter} (was ${agentBefore}) in the room ${Date.now() - killedAt} ms after the kill`);
});
