// The database goes away under an API process during traffic (a TCP proxy between the `roundtable api` process and
// PostgreSQL refuses connections and cuts the open ones, as a restart or failover does). While it is down the API
// answers 503 with Retry-After, never a 500; when it is back, requests succeed again, an event stream opened before
// the outage still carries changes, and every write the API acknowledged is in the database.
import test from 'ava';
import { ApiClient, type ApiResponse } from '../support/api-client.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { type Cluster, openEventStream, startCluster, until } from './api-process.js';

let cluster: Cluster;
let proxy: FaultProxy;

test.before(async () => {
  cluster = await startCluster();
  const socket = `${new URL(cluster.db.url).searchParams.get('host') ?? '/var/run/postgresql'}/.s.PGSQL.5432`;
  proxy = await FaultProxy.start(socket);
});

test.after.always(async () => {
  await proxy?.stop();
  await cluster?.stop();
});

interface Outcome {
  phase: 'before' | 'outage' | 'after';
  status: number;
  retryAfter: string | null;
  code?: string;
}

test('PostgreSQL unreachable during traffic: 503 with Retry-After (no 500), then service again, no acknowledged write lost', async (t) => {
  t.timeout(300_000);
  const viaProxy = new URL(cluster.db.url);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(proxy.port);
  viaProxy.searchParams.delete('host');
  const c = await cluster.spawnApi({ databaseUrl: viaProxy.toString() });
  const api = new ApiClient(c.url);
  const hostSignUp = await api.signUp('Hana Host');
  const host = hostSignUp.client;
  const token = (host as unknown as { token: string }).token;
  const created = await host.post('/v1/rooms', { title: 'Outage' });
  t.is(created.status, 201, JSON.stringify(created.body));
  const roomId: string = created.body.id;
  t.is((await host.post(`/v1/rooms/${roomId}/join`, { acceptTranscription: true })).status, 200);
  const stream = await openEventStream(c.url, token, roomId);
  await until(() => (stream.blocks.length >= 1 ? true : undefined), 'the first stage event');

  const outcomes: Outcome[] = [];
  let phase: Outcome['phase'] = 'before';
  const send = async (): Promise<void> => {
    const at = phase;
    let res: ApiResponse;
    try {
      res = await host.post(`/v1/rooms/${roomId}/stage/reactions`, { emoji: '👏' });
    } catch (err) {
      t.fail(`the API did not answer: ${(err as Error).message}`);
      return;
    }
    outcomes.push({ phase: at, status: res.status, retryAfter: res.headers.get('retry-after'), code: res.body?.error?.code });
  };

  for (let i = 0; i < 10; i++) await send();
  t.true(outcomes.every((o) => o.status === 200), JSON.stringify(outcomes));

  // The database goes away: two clients keep sending, for at least 8 s and until several 503s were seen (bounded).
  phase = 'outage';
  await proxy.set('refuse');
  const outageStart = Date.now();
  const during = () => outcomes.filter((o) => o.phase === 'outage');
  await Promise.all(
    [0, 1].map(async () => {
      while (Date.now() - outageStart < 60_000 && (Date.now() - outageStart < 8000 || during().filter((o) => o.status === 503).length < 4)) {
        await send();
        await new Promise((r) => setTimeout(r, 200));
      }
    }),
  );

  // Back: requests succeed again (bounded wait).
  await proxy.set('forward');
  phase = 'after';
  await until(async () => {
    await send();
    return outcomes.filter((o) => o.phase === 'after' && o.status === 200).length >= 5 ? true : undefined;
  }, 'requests to succeed again', 90_000);

  t.log(`before/outage/after: ${['before', 'outage', 'after'].map((p) => outcomes.filter((o) => o.phase === p).map((o) => o.status).join(',')).join(' | ')}`);
  t.deepEqual(outcomes.filter((o) => o.status >= 500 && o.status !== 503), [], 'no 500s');
  const unavailable = outcomes.filter((o) => o.status === 503);
  t.true(during().some((o) => o.status === 503), 'the outage was answered 503');
  t.true(unavailable.every((o) => o.retryAfter !== null && Number(o.retryAfter) > 0), 'every 503 says when to retry');
  t.true(unavailable.every((o) => o.code === 'database_unavailable' || o.code === 'stage_busy'), JSON.stringify([...new Set(unavailable.map((o) => o.code))]));
  t.true(outcomes.every((o) => [200, 503].includes(o.status)), JSON.stringify([...new Set(outcomes.map((o) => o.status))]));

  // Every acknowledged reaction is counted in the database (one that failed late may be counted too).
  const acknowledged = outcomes.filter((o) => o.status === 200).length;
  const { rows } = await cluster.db.pool.query<{ n: string }>('SELECT COALESCE(sum(count), 0) AS n FROM room_reaction_counts WHERE room_id = $1', [roomId]);
  const counted = Number(rows[0]!.n);
  t.true(counted >= acknowledged, `counted ${counted} >= acknowledged ${acknowledged}`);
  t.true(counted <= outcomes.length, `counted ${counted} <= sent ${outcomes.length}`);

  // The event stream opened before the outage still carries changes made after it.
  const raised = await host.request('PUT', `/v1/rooms/${roomId}/stage/hand-raising`, { enabled: false });
  t.true([200, 202].includes(raised.status), JSON.stringify(raised.body));
  await until(() => stream.blocks.find((e) => e.event === 'stage_state' && e.data.handRaisingEnabled === false), 'the change on the stream opened before the outage');
  t.false(stream.ended());
  stream.close();
  await c.stop();
});
