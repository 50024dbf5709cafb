// The fault tests on one combined topology (issue 10's "Done when"), all real: Redis, two LiveKit nodes sharing it,
// two `roundtable api` processes on one PostgreSQL, two `roundtable worker` processes — started once, then the
// faults in sequence, each checked against an independent truth (LiveKit's room service and dispatch records,
// Redis' room_node_map, the database's segments and room events, the SSE streams):
//   1. a room on each LiveKit node with a speaker; captions reach the event streams of both API processes;
//   2. kill -9 of the agent worker holding a room while its host talks: a new agent joins within 5 s, stored
//      segments stay, nothing twice;
//   3. kill -9 of an API process: the other's clients keep their streams, a client of the dead one resumes on the
//      other with Last-Event-ID and misses nothing;
//   4. kill -9 of the LiveKit node holding a room: participants back through node 0, stage and permissions
//      restored, the agent back;
//   5. Redis restarted (node 1 started again first: step 4 took it away): the cluster recovers by itself.
// Serial tests sharing the topology: a step that fails leaves the later ones failing too.
import os from 'node:os';
import test from 'ava';
import { dispose } from '@livekit/rtc-node';
import { MODERATION_TOPIC } from '../../agents/protocol.js';
import { ApiClient } from '../support/api-client.js';
import { SpeakingParticipant } from '../support/speaking-participant.js';
import { synthesizeSpeech } from '../support/tts.js';
import { type ApiProcess, type EventStream, openEventStream, until } from './api-process.js';
import { agentInRoom, createRoomOnNode, eventually } from './livekit-redis-fixture.js';
import { startTopology, type Topology } from './topology.js';
import { storedSegments, type StoredSegment as Segment } from './stored-segments.js';

/** The target. These workers are not children of an API process, so no one tells agent supervision the
 * worker died: the killed worker's job process notices its IPC channel close and leaves the room at once
 * (agents/job-shutdown.ts WorkerLink), and supervision (1 s interval here) dispatches to the surviving worker. */
const AGENT_REPLACEMENT_BOUND_MS = 5000;

const SAID_IN_A = {
  before: 'Welcome everyone. Tonight we compare hiring plans for remote engineering teams.',
  /** Said while the worker is killed. */
  during: 'Good managers write down what a role needs long before the very first call with anyone.',
  after: 'Next we look at salaries, equity and a fair interview loop.',
};
const SAID_IN_B = 'Our topic is building a product team from scratch at a small startup.';

interface Member {
  memberId: string;
  token: string;
  /** This member's client of one API process. */
  on(api: ApiProcess): ApiClient;
}

interface LiveRoom {
  roomId: string;
  lkRoom: string;
  host: Member;
  hostRtc: SpeakingParticipant;
}

let topo: Topology;
const rtcs: SpeakingParticipant[] = [];
const streams: EventStream[] = [];
// Filled by the first test, used by the later ones.
let roomA: LiveRoom; // on LiveKit node 0
let roomB: LiveRoom; // on LiveKit node 1
let sam: Member; // room B, raises a hand and becomes a speaker
let lia: Member; // room B, stays a listener
let benOnB: EventStream; // room B's host watching through API process 1 (the one killed)
let samOnA: EventStream; // watching room B through API process 0 (the one kept)

test.before(async (t) => {
  const startedAt = Date.now();
  topo = await startTopology({ apiEnv: { AGENT_SUPERVISION_INTERVAL_MS: '1000' } });
  t.log(`topology up in ${Date.now() - startedAt} ms (two workers registered, two API processes ready)`);
});

test.after.always(async () => {
  for (const s of streams) s.close();
  await Promise.all(rtcs.map((r) => r.disconnect().catch(() => undefined)));
  await topo?.stop();
  await dispose();
});

async function member(name: string): Promise<Member> {
  const { memberId, client } = await new ApiClient(topo.apis[0]!.url).signUp(name);
  const token = (client as unknown as { token: string }).token;
  return { memberId, token, on: (api) => new ApiClient(api.url, token) };
}

/** Joins through `api` and connects to LiveKit with the ticket. */
async function connect(who: Member, api: ApiProcess, roomId: string): Promise<SpeakingParticipant> {
  const ticket = await who.on(api).post(`/v1/rooms/${roomId}/join`, { acceptTranscription: true });
  if (ticket.status !== 200) throw new Error(`join: ${ticket.status} ${JSON.stringify(ticket.body)}`);
  const rtc = await SpeakingParticipant.connect(ticket.body.url, ticket.body.token);
  rtcs.push(rtc);
  return rtc;
}

async function watch(who: Member, api: ApiProcess, roomId: string, lastEventId?: number): Promise<EventStream> {
  const s = await openEventStream(api.url, who.token, roomId, lastEventId);
  streams.push(s);
  if (s.status !== 200) throw new Error(`event stream: ${s.status}`);
  return s;
}

async function say(rtc: SpeakingParticipant, text: string): Promise<void> {
  await rtc.silence(0.5);
  await rtc.speak(await synthesizeSpeech(text));
  await rtc.silence(1.5);
}

/** A stage command: 200, or 202 while its LiveKit effect is pending (LiveKit itself is asked afterwards). */
async function command(client: ApiClient, path: string): Promise<void> {
  const res = await client.post(path);
  if (res.status !== 200 && res.status !== 202) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
}

const segments = (roomId: string): Promise<Segment[]> => storedSegments(topo.db.pool, roomId);

/** The room's segments once no new one landed for 3 s (a sentence's trailing segment included). */
async function settledSegments(roomId: string): Promise<Segment[]> {
  let last = await segments(roomId);
  for (;;) {
    await new Promise((r) => setTimeout(r, 3000));
    const now = await segments(roomId);
    if (now.length === last.length) return now;
    last = now;
  }
}

async function canPublish(lkRoom: string, identity: string): Promise<boolean> {
  return (await topo.lkRooms.getParticipant(lkRoom, identity)).permission?.canPublish ?? false;
}

async function nodesInRedis(): Promise<string[]> {
  return (await topo.redis.cli('HKEYS', 'nodes')).split('\n');
}

test.serial('1. a room on each LiveKit node with a speaker: captions reach the streams of both API processes', async (t) => {
  t.timeout(170_000);
  const [apiA, apiB] = topo.apis as [ApiProcess, ApiProcess];
  const [node0, node1] = topo.liveKit.nodes;
  t.not(node0!.nodeId, node1!.nodeId);
  t.deepEqual((await nodesInRedis()).sort(), [node0!.nodeId!, node1!.nodeId!].sort(), 'both nodes registered in Redis');

  const [ada, ben] = await Promise.all([member('Ada Host'), member('Ben Host')]);
  [sam, lia] = await Promise.all([member('Sam Speaker'), member('Lia Listener')]);
  const placedA = await createRoomOnNode(ada.on(apiA), topo.db.pool, topo.redis, node0!.nodeId!, 'Node zero');
  const placedB = await createRoomOnNode(ben.on(apiB), topo.db.pool, topo.redis, node1!.nodeId!, 'Node one');

  // Each host goes on stage through a different API process; the agent tells the speaker it listens.
  const speakers = await Promise.all(
    [[ada, apiA, placedA.roomId], [ben, apiB, placedB.roomId]].map(async ([host, api, roomId]) => {
      const rtc = await connect(host as Member, api as ApiProcess, roomId as string);
      const notice = rtc.waitForData(MODERATION_TOPIC, 150_000);
      await rtc.publishMicrophone();
      t.like(await notice, { type: 'transcription_started', speaker: (host as Member).memberId });
      return rtc;
    }),
  );
  roomA = { ...placedA, host: ada, hostRtc: speakers[0]! };
  roomB = { ...placedB, host: ben, hostRtc: speakers[1]! };
  await Promise.all([connect(sam, apiA, roomB.roomId), connect(lia, apiA, roomB.roomId)]);

  const adaOnA = await watch(ada, apiA, roomA.roomId);
  benOnB = await watch(ben, apiB, roomB.roomId);
  samOnA = await watch(sam, apiA, roomB.roomId);
  await Promise.all([adaOnA, benOnB, samOnA].map((s) => until(() => (s.blocks.some((b) => b.event === 'stage_state') ? true : undefined), 'the first stage')));

  await Promise.all([say(roomA.hostRtc, SAID_IN_A.before), say(roomB.hostRtc, SAID_IN_B)]);
  // Captions, as each stream shows them, are the segments the database holds.
  for (const [stream, roomId, words] of [
    [adaOnA, roomA.roomId, /hiring|remote|engineer/i],
    [benOnB, roomB.roomId, /product|team|startup/i],
    [samOnA, roomB.roomId, /product|team|startup/i],
  ] as const) {
    const caption = await until(() => stream.blocks.find((b) => b.event === 'caption' && words.test(b.data.text ?? '')), `a caption in ${roomId}`, 90_000);
    const stored = (await segments(roomId)).find((s) => s.id === caption.data.segmentId);
    t.is(stored?.text, caption.data.text, `caption ${caption.data.segmentId} is a stored segment of its room`);
    t.is(caption.data.speaker, roomId === roomA.roomId ? ada.memberId : ben.memberId);
  }
});

test.serial('2. kill -9 of the agent worker holding a room: a new agent joins, stored segments stay, nothing twice', async (t) => {
  t.timeout(170_000);
  const held = await eventually('the agent of room A', 60_000, () => agentInRoom(topo.lkRooms, topo.lkDispatch, roomA.lkRoom));
  const worker = topo.workers.find((w) => w.workerIds.includes(held.workerId));
  t.truthy(worker, `LiveKit's worker ${held.workerId} is one of the topology's worker processes`);
  const before = await settledSegments(roomA.roomId);
  t.true(before.length > 0, 'segments were stored before the kill');

  const notice = roomA.hostRtc.waitForData(MODERATION_TOPIC, 150_000);
  // The kill lands while the host talks (the fault): two seconds into a sentence.
  const speaking = say(roomA.hostRtc, SAID_IN_A.during);
  await new Promise((r) => setTimeout(r, 2500));
  const stored = await segments(roomA.roomId);
  const killedAt = Date.now();
  await worker!.kill9();
  let oldAgentLeftMs: number | undefined;
  const fresh = await eventually('a new agent in room A', 120_000, async () => {
    const present = (await topo.lkRooms.listParticipants(roomA.lkRoom)).map((p) => p.identity);
    if (oldAgentLeftMs === undefined && !present.includes(held.identity)) oldAgentLeftMs = Date.now() - killedAt;
    const a = await agentInRoom(topo.lkRooms, topo.lkDispatch, roomA.lkRoom);
    return a && a.jobId !== held.jobId ? a : undefined;
  });
  const replacedMs = Date.now() - killedAt;
  t.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}: the killed worker's agent left room A ${oldAgentLeftMs} ms and new agent ${fresh.identity} was in it ${replacedMs} ms after the kill (target 5000 ms)`);
  t.true(replacedMs <= AGENT_REPLACEMENT_BOUND_MS, `new agent after ${replacedMs} ms`);
  t.true(oldAgentLeftMs !== undefined && oldAgentLeftMs <= AGENT_REPLACEMENT_BOUND_MS, `the killed worker's agent left after ${oldAgentLeftMs} ms`);
  await speaking;
  // What was stored at the kill stays (checked below with the segments that existed before the sentence).
  t.true(stored.length >= before.length);
  t.not(fresh.identity, held.identity);
  t.not(fresh.workerId, held.workerId);

  // Transcription resumes with the new agent.
  t.like(await notice, { type: 'transcription_started', speaker: roomA.host.memberId });
  await say(roomA.hostRtc, SAID_IN_A.after);
  const lastBefore = Math.max(...before.map((s) => s.started_at.getTime()));
  await eventually('a segment after the kill', 90_000, async () => ((await segments(roomA.roomId)).some((s) => s.started_at.getTime() > lastBefore && /salar|equity|interview/i.test(s.text)) ? true : undefined));
  const after = await settledSegments(roomA.roomId);
  t.log(`segments: ${after.map((s) => s.text).join(' | ')}`);
  for (const s of stored) t.is(after.find((a) => a.id === s.id)?.text, s.text, `segment ${s.id} kept`);
  // The utterance in flight at the kill: the old agent (no other was in the room before the kill) finished it with
  // its own models once the dead worker's inference process could not, and stored it.
  t.true(
    after.some((s) => s.started_at.getTime() < killedAt && !stored.some((b) => b.id === s.id) && /manag|write|down/i.test(s.text)),
    'the utterance in flight at the kill was stored',
  );
  const texts = after.map((s) => s.text.trim().toLowerCase());
  t.is(new Set(texts).size, texts.length, `no text stored twice: ${JSON.stringify(texts)}`);
  t.is(new Set(after.map((s) => s.started_at.getTime())).size, after.length, 'no two segments start at the same instant');
  await eventually("the killed worker's agent gone from the room", 60_000, async () => ((await topo.lkRooms.listParticipants(roomA.lkRoom)).some((p) => p.identity === held.identity) ? undefined : true));
});

test.serial('3. kill -9 of an API process: the other keeps its streams; a client of the dead one resumes there and misses nothing', async (t) => {
  t.timeout(120_000);
  const [apiA, apiB] = topo.apis as [ApiProcess, ApiProcess];
  await apiB.kill9();
  await until(() => (benOnB.ended() ? true : undefined), "Ben's stream from the killed process to break");
  const lastSeen = benOnB.lastId()!;
  t.true(Number.isInteger(lastSeen));

  // While Ben's client is away, through the surviving process: two hands, and Ben approves Sam (a LiveKit effect).
  await command(sam.on(apiA), `/v1/rooms/${roomB.roomId}/stage/hand`);
  await command(lia.on(apiA), `/v1/rooms/${roomB.roomId}/stage/hand`);
  await command(roomB.host.on(apiA), `/v1/rooms/${roomB.roomId}/stage/hands/${sam.memberId}/approve`);
  await until(() => samOnA.blocks.find((b) => b.event === 'stage_state' && b.data.you?.role === 'speaker'), "Sam's promotion on the kept stream", 60_000);
  t.false(samOnA.ended(), 'the surviving process kept its stream open');

  const { rows } = await topo.db.pool.query<{ seq: string }>('SELECT seq FROM room_event_heads WHERE room_id = $1', [roomB.roomId]);
  const head = Number(rows[0]!.seq);
  t.true(head > lastSeen, 'events happened while Ben was away');
  const resumed = await watch(roomB.host, apiA, roomB.roomId, lastSeen);
  await until(() => ((resumed.lastId() ?? 0) >= head ? true : undefined), 'the replay up to the head', 60_000);
  t.is(resumed.ids()[0], lastSeen + 1, 'the resumed stream starts right after the last id it had');
  const ids = [...benOnB.ids(), ...resumed.ids()];
  t.deepEqual(ids, ids.map((_, i) => ids[0]! + i), 'every event id once, in order, across both connections');
  const { rows: table } = await topo.db.pool.query<{ seq: string }>('SELECT seq FROM room_events WHERE room_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq', [roomB.roomId, lastSeen, head]);
  t.deepEqual(resumed.ids().slice(0, table.length), table.map((r) => Number(r.seq)), 'the replay is what the table holds');
  // The stage Ben's client ends up with is the stage as it is.
  const stage = await eventually("Ben's last stage to match GET /stage", 30_000, async () => {
    const now = (await roomB.host.on(apiA).get(`/v1/rooms/${roomB.roomId}/stage`)).body;
    const last = [...benOnB.blocks, ...resumed.blocks].filter((b) => b.event === 'stage_state').at(-1)!;
    return last.data.version === now.version ? last.data : undefined;
  });
  t.true(stage.onStage.some((p: { identity: string }) => p.identity === sam.memberId), 'Sam on stage');
  t.deepEqual(stage.moderation.hands.map((h: { identity: string }) => h.identity), [lia.memberId], "Lia's hand still up");
});

test.serial('4. kill -9 of the LiveKit node holding a room: participants back, stage and permissions restored, the agent back', async (t) => {
  t.timeout(170_000);
  const [node0, node1] = topo.liveKit.nodes;
  t.is(await topo.redis.cli('HGET', 'room_node_map', roomB.lkRoom), node1!.nodeId!, 'room B is on node 1');
  await eventually('Sam may publish', 60_000, async () => ((await canPublish(roomB.lkRoom, sam.memberId)) ? true : undefined));
  const agentBefore = await eventually('the agent in room B', 120_000, () => agentInRoom(topo.lkRooms, topo.lkDispatch, roomB.lkRoom));

  const killedAt = Date.now();
  process.kill(node1!.pid!, 'SIGKILL');
  const everyone = [roomB.host.memberId, sam.memberId, lia.memberId];
  await eventually('room B on node 0 with everyone back', 150_000, async () => {
    if ((await topo.redis.cli('HGET', 'room_node_map', roomB.lkRoom)) !== node0!.nodeId) return undefined;
    const ids = (await topo.lkRooms.listParticipants(roomB.lkRoom)).map((p) => p.identity);
    return everyone.every((id) => ids.includes(id)) ? true : undefined;
  });
  t.log(`room B's participants back on node 0 ${Date.now() - killedAt} ms after the kill`);
  // Roundtable's stage, put back on LiveKit: host and Sam may publish, Lia may not.
  await eventually('Sam and Ben may publish again', 60_000, async () => ((await canPublish(roomB.lkRoom, sam.memberId)) && (await canPublish(roomB.lkRoom, roomB.host.memberId)) ? true : undefined));
  t.false(await canPublish(roomB.lkRoom, lia.memberId), 'the listener may not publish');
  const agentAfter = await eventually('an agent in room B again', 120_000, () => agentInRoom(topo.lkRooms, topo.lkDispatch, roomB.lkRoom));
  t.log(`agent ${agentAfter.identity} (was ${agentBefore.identity}) in room B ${Date.now() - killedAt} ms after the kill`);
  // Room A, on the surviving node, was not disturbed.
  t.is(await topo.redis.cli('HGET', 'room_node_map', roomA.lkRoom), node0!.nodeId!);
  t.true((await topo.lkRooms.listParticipants(roomA.lkRoom)).some((p) => p.identity === roomA.host.memberId));
});

test.serial('5. Redis restarted: the cluster recovers by itself', async (t) => {
  t.timeout(120_000);
  const [apiA] = topo.apis as [ApiProcess];
  const nodes = topo.liveKit.nodes;
  // Step 4 took node 1 away; it comes back (a new node id) so there is a two-node cluster to recover.
  if (!nodes[1]!.running) await nodes[1]!.start();
  const nodeIds = nodes.map((n) => n.nodeId!);
  await eventually('both nodes in Redis', 60_000, async () => ((await nodesInRedis()).filter((id) => nodeIds.includes(id)).length === 2 ? true : undefined));

  const restartedAt = Date.now();
  await topo.redis.kill('SIGTERM');
  await topo.redis.restart();
  await eventually('both nodes listed in Redis again', 60_000, async () => ((await nodesInRedis()).filter((id) => nodeIds.includes(id)).length === 2 ? true : undefined));
  t.log(`both nodes listed again ${Date.now() - restartedAt} ms after the restart began`);
  for (const room of [roomA, roomB]) t.is(await topo.redis.cli('HGET', 'room_node_map', room.lkRoom), nodeIds[0]!, `${room.lkRoom} still mapped to node 0`);
  const inB = (await topo.lkRooms.listParticipants(roomB.lkRoom)).map((p) => p.identity);
  t.true([roomB.host.memberId, sam.memberId, lia.memberId].every((id) => inB.includes(id)), `still connected: ${JSON.stringify(inB)}`);

  // A stage command, routed through Redis, still takes effect on LiveKit; new rooms are placed on the cluster.
  await command(roomB.host.on(apiA), `/v1/rooms/${roomB.roomId}/stage/hands/${lia.memberId}/approve`);
  await eventually("Lia's publish permission on LiveKit", 60_000, async () => ((await canPublish(roomB.lkRoom, lia.memberId)) ? true : undefined));
  const next = await roomA.host.on(apiA).post('/v1/rooms', { title: 'After the Redis restart' });
  t.is(next.status, 201, JSON.stringify(next.body));
  const { rows } = await topo.db.pool.query<{ livekit_name: string }>('SELECT livekit_name FROM rooms WHERE id = $1', [next.body.id]);
  t.true(nodeIds.includes(await topo.redis.cli('HGET', 'room_node_map', rows[0]!.livekit_name)), 'the new room is on a node of the cluster');
  t.log(`recovered ${Date.now() - restartedAt} ms after the restart began`);
});
