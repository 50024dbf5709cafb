// Fault test, all real: a two-node LiveKit cluster whose Redis (persistent, as deployed) restarts under a live room.
// Without operator action the cluster must come back: both nodes listed again, the room still mapped to its node,
// its participants still connected, stage commands reaching LiveKit for it, and new rooms placed.
import test from 'ava';
import { dispose } from '@livekit/rtc-node';
import { RoomServiceClient } from 'livekit-server-sdk';
import { toHttpUrl } from '../../engine/gateway/livekit-gateway.js';
import { SpeakingParticipant } from '../support/speaking-participant.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { startRedis, type TestRedis, eventually } from './livekit-redis-fixture.js';

let redis: TestRedis;
let env: TestStack;

test.before(async () => {
  redis = await startRedis({ persistent: true });
  // No agent workers: this is about LiveKit's shared state, not transcription.
  env = await startTestStack({ workers: 0, env: { LIVEKIT_NODES: '2', LIVEKIT_REDIS_URL: redis.url } });
});

test.after.always(async () => {
  await env?.stop();
  await redis?.stop();
  await dispose();
});

test('Redis restarts under a live room: the cluster recovers by itself', async (t) => {
  t.timeout(300_000);
  const lk = new RoomServiceClient(toHttpUrl(env.config.livekit.url), env.config.livekit.apiKey, env.config.livekit.apiSecret);
  const nodeIds = env.stack.liveKit!.nodes.map((n) => n.nodeId!);
  const host = await env.api.signUp('Ada Host');
  const created = await host.client.post('/v1/rooms', { title: 'Through a Redis restart' });
  t.is(created.status, 201, JSON.stringify(created.body));
  const roomId: string = created.body.id;
  const { rows } = await env.stack.database.pool.query<{ livekit_name: string }>('SELECT livekit_name FROM rooms WHERE id = $1', [roomId]);
  const lkRoom = rows[0]!.livekit_name;
  const node = await redis.cli('HGET', 'room_node_map', lkRoom);
  t.true(nodeIds.includes(node));

  const hostTicket = await host.client.post(`/v1/rooms/${roomId}/join`, { acceptTranscription: true });
  const hostRtc = await SpeakingParticipant.connect(hostTicket.body.url, hostTicket.body.token);
  t.teardown(() => hostRtc.disconnect());
  const sam = await env.api.signUp('Sam Speaker');
  const samTicket = await sam.client.post(`/v1/rooms/${roomId}/join`, { acceptTranscription: true });
  const samRtc = await SpeakingParticipant.connect(samTicket.body.url, samTicket.body.token);
  t.teardown(() => samRtc.disconnect());

  const restartedAt = Date.now();
  await redis.kill('SIGTERM');
  await redis.restart();

  const back = await eventually('both nodes listed in Redis again', 60_000, async () => {
    const listed = (await redis.cli('HKEYS', 'nodes')).split('\n');
    return nodeIds.every((id) => listed.includes(id)) ? listed : undefined;
  });
  t.log(`both nodes listed again ${Date.now() - restartedAt} ms after the restart began (${back.length} entries)`);
  t.is(await redis.cli('HGET', 'room_node_map', lkRoom), node, 'the room is still mapped to its node');
  const present = (await lk.listParticipants(lkRoom)).map((p) => p.identity);
  t.true(present.includes(host.memberId) && present.includes(sam.memberId), `still connected: ${JSON.stringify(present)}`);

  // A stage command for the room, routed through Redis to its node, still takes effect on LiveKit.
  for (const [who, path] of [
    [sam, `/v1/rooms/${roomId}/stage/hand`],
    [host, `/v1/rooms/${roomId}/stage/hands/${sam.memberId}/approve`],
  ] as const) {
    const res = await who.client.post(path);
    t.true(res.status === 200 || res.status === 202, `${path}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  await eventually('publish permission on LiveKit after the restart', 60_000, async () => ((await lk.getParticipant(lkRoom, sam.memberId)).permission?.canPublish ? true : undefined));

  // New rooms are placed on the cluster again.
  const next = await host.client.post('/v1/rooms', { title: 'After the restart' });
  t.is(next.status, 201, JSON.stringify(next.body));
  const { rows: nextRows } = await env.stack.database.pool.query<{ livekit_name: string }>('SELECT livekit_name FROM rooms WHERE id = $1', [next.body.id]);
  t.true(nodeIds.includes(await redis.cli('HGET', 'room_node_map', nextRows[0]!.livekit_name)), 'the new room is on a node of the cluster');
  t.log(`recovered ${Date.now() - restartedAt} ms after the restart began`);
});
