// Two `roundtable api` processes on one PostgreSQL and one LiveKit (real processes, loopback). A host watches the
// stage through process B, a listener through process A. A stage command through A reaches B's client (the room
// event bus). Then B is killed with SIGKILL: A's client keeps its stream; commands through A go on; the host's
// client reconnects to A with Last-Event-ID and gets every event it missed, none twice. The truth it is checked
// against: the ids in room_events (the table every process reads) and the stage as GET /stage answers it.
import test from 'ava';
import { ApiClient } from '../support/api-client.js';
import { type Cluster, openEventStream, startCluster, until } from './api-process.js';

let cluster: Cluster;

test.before(async () => {
  cluster = await startCluster();
});

test.after.always(async () => {
  await cluster?.stop();
});

async function signUp(api: ApiClient, name: string): Promise<{ client: ApiClient; memberId: string; token: string }> {
  const m = await api.signUp(name);
  const token = (m.client as unknown as { token: string }).token;
  return { ...m, token };
}

test('kill -9 of one API process: the other keeps its streams, and a client that moves over misses nothing and gets nothing twice', async (t) => {
  t.timeout(300_000);
  const a = await cluster.spawnApi();
  const b = await cluster.spawnApi();
  const apiA = new ApiClient(a.url);
  const host = await signUp(apiA, 'Hana Host');
  const lee = await signUp(apiA, 'Lee Listener');
  const others = await Promise.all(['Ola One', 'Tim Two', 'Tia Three'].map((n) => signUp(apiA, n)));
  const created = await host.client.post('/v1/rooms', { title: 'Two API processes' });
  t.is(created.status, 201, JSON.stringify(created.body));
  const roomId: string = created.body.id;
  for (const m of [host, lee, ...others]) {
    const joined = await m.client.post(`/v1/rooms/${roomId}/join`, { acceptTranscription: true });
    t.is(joined.status, 200, JSON.stringify(joined.body));
  }

  // The host's client is on B, the listener's on A.
  const hostOnB = await openEventStream(b.url, host.token, roomId);
  const leeOnA = await openEventStream(a.url, lee.token, roomId);
  t.is(hostOnB.status, 200);
  t.is(leeOnA.status, 200);
  await until(() => (hostOnB.blocks.length >= 1 && leeOnA.blocks.length >= 1 ? true : undefined), 'the first stage on both streams');
  t.like(hostOnB.blocks[0], { event: 'stage_state', data: { roomId, you: { role: 'host' } } });

  // A command through A is seen by B's client.
  const hand = await lee.client.request('POST', `/v1/rooms/${roomId}/stage/hand`);
  t.true([200, 202].includes(hand.status), JSON.stringify(hand.body));
  const seenOnB = await until(() => hostOnB.blocks.find((e) => e.event === 'stage_state' && e.data.raisedHandCount === 1), 'the raised hand on B');
  t.deepEqual(seenOnB.data.moderation.hands.map((h: { identity: string }) => h.identity), [lee.memberId]);

  // B dies without any cleanup.
  await b.kill9();
  await until(() => (hostOnB.ended() ? true : undefined), "the host's connection to B to break");
  const lastSeen = hostOnB.lastId()!;
  t.true(Number.isInteger(lastSeen));

  // While the host's client is away: three more hands, and the host approves Lee (an effect on LiveKit too), all through A.
  for (const o of others) {
    const r = await o.client.request('POST', `/v1/rooms/${roomId}/stage/hand`);
    t.true([200, 202].includes(r.status), JSON.stringify(r.body));
  }
  const approved = await host.client.post(`/v1/rooms/${roomId}/stage/hands/${lee.memberId}/approve`);
  t.true([200, 202].includes(approved.status), JSON.stringify(approved.body));

  // A's client kept its stream and hears it all.
  const leeOnStage = await until(() => leeOnA.blocks.find((e) => e.event === 'stage_state' && e.data.you?.role === 'speaker'), "Lee's promotion on A");
  t.false(leeOnA.ended(), "A's stream is still open");
  t.true(leeOnStage.data.raisedHandCount >= 3);

  // The host's client reconnects to A with the last id it got.
  const { rows: headRows } = await cluster.db.pool.query<{ seq: string }>('SELECT seq FROM room_event_heads WHERE room_id = $1', [roomId]);
  const head = Number(headRows[0]!.seq);
  t.true(head > lastSeen, 'events happened while the client was away');
  const resumed = await openEventStream(a.url, host.token, roomId, lastSeen);
  t.is(resumed.status, 200);
  await until(() => ((resumed.lastId() ?? 0) >= head ? true : undefined), 'the replay up to the head');

  // Nothing missed, nothing twice: the ids of both connections are every id from the first one's start to the head.
  // (Events may still arrive after the head was read — an effect settling on LiveKit — so the run ends where the
  // stream is, at or past that head.)
  const all = [...hostOnB.ids(), ...resumed.ids()];
  const first = hostOnB.ids()[0]!;
  const last = all.at(-1)!;
  t.true(last >= head);
  t.deepEqual(all, Array.from({ length: last - first + 1 }, (_, i) => first + i), 'every id once, in order');
  t.is(resumed.blocks[0]!.id, lastSeen + 1, 'the resumed stream starts right after the last id, without a first snapshot');
  const { rows: tableRows } = await cluster.db.pool.query<{ seq: string; kind: string }>('SELECT seq, kind FROM room_events WHERE room_id = $1 AND seq > $2 ORDER BY seq', [roomId, lastSeen]);
  t.deepEqual(resumed.ids().slice(0, tableRows.length), tableRows.map((r) => Number(r.seq)), 'the replay is what the table holds');
  // Each stage change is delivered as an event (the host sees them all); none is an id-only skip for the host.
  const resumedStates = resumed.blocks.filter((e) => e.event === 'stage_state');
  t.true(resumedStates.length >= 4, `the host got the four changes made while away (${resumedStates.length})`);
  const effects = resumed.blocks.filter((e) => e.event === 'stage_effect');
  t.true(effects.length >= 1, 'and the effect of the approval');

  // The last state the host holds is the stage as it is.
  const stage = await host.client.get(`/v1/rooms/${roomId}/stage`);
  const lastState = [...hostOnB.blocks, ...resumed.blocks].filter((e) => e.event === 'stage_state').at(-1)!;
  t.is(lastState.data.version, stage.body.version);
  t.deepEqual(lastState.data.moderation.hands.map((h: { identity: string }) => h.identity).sort(), stage.body.moderation.hands.map((h: { identity: string }) => h.identity).sort());
  t.true(lastState.data.onStage.some((p: { identity: string }) => p.identity === lee.memberId));

  // A Last-Event-ID that is not an id is refused, naming the header.
  const bad = await fetch(`${a.url}/v1/rooms/${roomId}/stage/events`, { headers: { authorization: `Bearer ${host.token}`, 'last-event-id': 'yesterday' } });
  t.is(bad.status, 400);
  t.like(await bad.json(), { error: { code: 'validation_failed', details: [{ field: 'header.Last-Event-ID' }] } });

  // Live again: one more change reaches both of A's clients once.
  const before = resumed.ids().length;
  await others[0]!.client.request('DELETE', `/v1/rooms/${roomId}/stage/hand`);
  await until(() => (resumed.ids().length > before ? true : undefined), 'a live event on the resumed stream');
  t.false(leeOnA.ended());
  leeOnA.close();
  resumed.close();
  await a.stop();
});
