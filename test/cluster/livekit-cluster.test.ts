// Two managed LiveKit nodes sharing one Redis (all real, loopback only): rooms land on either node (LiveKit's own
// room_node_map in Redis says which), and for a room on each node the engine's stage commands reach LiveKit (publish
// permission granted, microphone muted — read back from LiveKit), its webhooks reach the API (presence in the
// database), and the moderation agent, registered with the cluster, joins the room.
import test from 'ava';
import { dispose } from '@livekit/rtc-node';
import { AgentDispatchClient, RoomServiceClient } from 'livekit-server-sdk';
import { toHttpUrl } from '../../engine/gateway/livekit-gateway.js';
import { SpeakingParticipant } from '../support/speaking-participant.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import type { ApiClient } from '../support/api-client.js';
import { startRedis, type TestRedis, eventually, endRoom } from './livekit-redis-fixture.js';

let redis: TestRedis;
let env: TestStack;

test.before(async () => {
  redis = await startRedis();
  env = await startTestStack({ workers: 1, env: { LIVEKIT_NODES: '2', LIVEKIT_REDIS_URL: redis.url } });
  await env.stack.workersRegistered;
});

test.after.always(async () => {
  await env?.stop();
  await redis?.stop();
  await dispose();
});

/** The host ends a room (the stage knows the host once they joined). */

async function accepted(client: ApiClient, method: string, path: string, body?: unknown): Promise<any> {
  const res = await client.request(method, path, body);
  // 202: the command is recorded and its LiveKit effect still pending; LiveKit itself is checked below.
  if (res.status !== 200 && res.status !== 202) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

test('rooms on both nodes: stage commands, webhooks and the agent work whichever node holds the room', async (t) => {
  t.timeout(600_000);
  const nodes = env.stack.liveKit!.nodes;
  t.is(nodes.length, 2);
  const nodeIds = nodes.map((n) => n.nodeId);
  t.true(nodeIds.every((id) => typeof id === 'string'), `node ids from the logs: ${JSON.stringify(nodeIds)}`);
  t.not(nodeIds[0], nodeIds[1]);
  // Both nodes registered in the shared Redis.
  const registered = (await redis.cli('HKEYS', 'nodes')).split('\n');
  for (const id of nodeIds) t.true(registered.includes(id!), `node ${id} in Redis' node list ${JSON.stringify(registered)}`);

  // The API talks to node 0 only; LiveKit places each room on a node of its choice (random).
  const lk = new RoomServiceClient(toHttpUrl(env.config.livekit.url), env.config.livekit.apiKey, env.config.livekit.apiSecret);
  const lkDispatch = new AgentDispatchClient(toHttpUrl(env.config.livekit.url), env.config.livekit.apiKey, env.config.livekit.apiSecret);
  const host = await env.api.signUp('Ada Host');
  const byNode = new Map<string, { roomId: string; lkRoom: string }>();
  for (let attempt = 0; attempt < 20 && byNode.size < 2; attempt++) {
    const created = await host.client.post('/v1/rooms', { title: `Cluster room ${attempt}` });
    t.is(created.status, 201, JSON.stringify(created.body));
    const roomId: string = created.body.id;
    const { rows } = await env.stack.database.pool.query<{ livekit_name: string }>('SELECT livekit_name FROM rooms WHERE id = $1', [roomId]);
    const lkRoom = rows[0]!.livekit_name;
    const node = await redis.cli('HGET', 'room_node_map', lkRoom);
    t.true(nodeIds.includes(node), `room ${lkRoom} is on ${JSON.stringify(node)}`);
    if (!byNode.has(node)) byNode.set(node, { roomId, lkRoom });
    else await endRoom(host.client, roomId); // one room per node is enough
  }
  t.is(byNode.size, 2, 'rooms were placed on both nodes');

  for (const [node, { roomId, lkRoom }] of byNode) {
    t.log(`room ${lkRoom} on node ${node} (node ${nodeIds.indexOf(node)})`);
    // Everyone connects through node 0's URL (what the join answer gives); LiveKit routes them to the room's node.
    const hostTicket = await host.client.post(`/v1/rooms/${roomId}/join`, { acceptTranscription: true });
    t.is(hostTicket.status, 200, JSON.stringify(hostTicket.body));
    const hostRtc = await SpeakingParticipant.connect(hostTicket.body.url, hostTicket.body.token);
    t.teardown(() => hostRtc.disconnect());
    const sam = await env.api.signUp(`Sam Speaker ${nodeIds.indexOf(node)}`);
    const samTicket = await sam.client.post(`/v1/rooms/${roomId}/join`, { acceptTranscription: true });
    t.is(samTicket.status, 200, JSON.stringify(samTicket.body));
    t.false(samTicket.body.canPublish, 'a new member joins as a listener');
    const samRtc = await SpeakingParticipant.connect(samTicket.body.url, samTicket.body.token);
    t.teardown(() => samRtc.disconnect());

    // Webhooks from the room's node reached the API: the engine recorded both connections.
    await eventually(`presence of host and speaker in room on ${node}`, 60_000, async () => {
      const presence = await env.stack.services.rooms.store.presence(roomId);
      const ids = presence.connected.map((c) => c.identity);
      return ids.includes(host.memberId) && ids.includes(sam.memberId) ? ids : undefined;
    });

    // Permissions: Sam raises a hand, the host approves; LiveKit (asked through node 0) reports the grant.
    await accepted(sam.client, 'POST', `/v1/rooms/${roomId}/stage/hand`);
    await accepted(host.client, 'POST', `/v1/rooms/${roomId}/stage/hands/${sam.memberId}/approve`);
    await eventually('publish permission on LiveKit', 60_000, async () => ((await lk.getParticipant(lkRoom, sam.memberId)).permission?.canPublish ? true : undefined));

    // Mute: Sam publishes a microphone, the host mutes it; LiveKit reports the track muted.
    await samRtc.publishMicrophone();
    const trackSid = await eventually('Sam\'s microphone on LiveKit', 60_000, async () => (await lk.getParticipant(lkRoom, sam.memberId)).tracks[0]?.sid);
    await accepted(host.client, 'POST', `/v1/rooms/${roomId}/stage/participants/${sam.memberId}/mute`);
    await eventually('the microphone muted on LiveKit', 60_000, async () =>
      (await lk.getParticipant(lkRoom, sam.memberId)).tracks.find((tr) => tr.sid === trackSid)?.muted ? true : undefined,
    );
    // The webhook for the published track reached the engine too.
    await eventually('track_published recorded', 60_000, async () => {
      const presence = await env.stack.services.rooms.store.presence(roomId);
      return presence.tracks.some((tr) => tr.trackSid === trackSid) ? true : undefined;
    });

    // The agent worker (registered with node 0) was dispatched into this room wherever it lives, and joined.
    const agent = await eventually('the moderation agent in the room', 180_000, async () => {
      const jobs = (await lkDispatch.listDispatch(lkRoom)).flatMap((d) => d.state?.jobs ?? []);
      const present = new Set((await lk.listParticipants(lkRoom)).map((p) => p.identity));
      return jobs.find((j) => j.state?.status === 1 && present.has(j.state.participantIdentity))?.state?.participantIdentity;
    });
    t.log(`agent ${agent} joined the room on ${node}`);
    t.is(await redis.cli('HGET', 'room_node_map', lkRoom), node, 'the room stayed on its node');
    await hostRtc.disconnect();
    await samRtc.disconnect();
    await endRoom(host.client, roomId);
  }
});
