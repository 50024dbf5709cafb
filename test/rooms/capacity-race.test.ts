// Joins racing for the last places of a room never overfill it: the capacity check is decided together with the
// admission (against the stage version the admission commits over), so it holds across API processes. Here one
// half of the joins goes through the running API and the other half through a second RoomService + StageService
// with its own connection pool (a second API process: nothing shared but the database).
import test from 'ava';
import pg from 'pg';
import { LiveKitGateway } from '../../engine/gateway/livekit-gateway.js';
import { RoomService } from '../../engine/rooms/room-service.js';
import { SocialService } from '../../engine/social/index.js';
import { StageService } from '../../engine/stage-service/index.js';
import { EngineError } from '../../engine/engine-error.js';
import { quietLog } from '../support/database.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { createRoom, JOIN } from './_helpers.js';

let env: TestStack;
let pool: pg.Pool;
test.before(async () => {
  env = await startTestStack({ workers: 0 });
  pool = new pg.Pool({ connectionString: env.stack.database.url, max: 10 });
});
test.after.always(async () => {
  await pool?.end();
  await env?.stop();
});

function secondProcess(): RoomService {
  const { url, apiKey, apiSecret } = env.config.livekit;
  const gateway = new LiveKitGateway({ url, apiKey, apiSecret, agentName: env.config.agent.name });
  const stage = new StageService(pool, gateway, quietLog);
  return new RoomService(pool, gateway, stage, new SocialService(pool), { emptyTimeoutSeconds: 60, tokenTtlSeconds: 60, liveRoomCaps: { perMember: 1000, total: 1000 } });
}

test('twelve joins racing for the last three places: exactly three get in, the database holds exactly three', async (t) => {
  t.timeout(90_000);
  const K = 3;
  const N = 12;
  const host = await env.api.signUp('Rae Race');
  const room = await createRoom(host.client, { maxListeners: K + 1 });
  const early = await env.api.signUp('Ed Early');
  t.is((await early.client.post(`/v1/rooms/${room.id}/join`, JOIN)).status, 200, 'one place is taken before the race');
  t.is((await host.client.post(`/v1/rooms/${room.id}/join`, JOIN)).status, 200, 'the host does not count');
  const racers = [];
  for (let i = 0; i < N; i++) racers.push(await env.api.signUp(`Racer ${i}`));
  const other = secondProcess();

  const outcomes = await Promise.all(
    racers.map(async (r, i): Promise<string> => {
      if (i % 2 === 0) {
        const res = await r.client.post(`/v1/rooms/${room.id}/join`, JOIN);
        return res.status === 200 ? 'admitted' : `${res.status} ${res.body.error?.code}`;
      }
      try {
        await other.join({ memberId: r.memberId, platformRoles: ['member'], via: 'session' }, room.id, { acceptTranscription: true });
        return 'admitted';
      } catch (err) {
        return err instanceof EngineError ? `${err.kind} ${err.code}` : `error ${(err as Error).message}`;
      }
    }),
  );
  const admitted = racers.filter((_, i) => outcomes[i] === 'admitted').map((r) => r.memberId);
  t.is(admitted.length, K, `outcomes: ${outcomes.join(', ')}`);
  t.true(
    outcomes.every((o) => o === 'admitted' || o === '409 room_full' || o === 'conflict room_full'),
    `everyone else is refused as room_full: ${outcomes.join(', ')}`,
  );

  // What the database holds: the stage snapshot and the evidence log.
  const { rows: stage } = await pool.query<{ snapshot: { participants: { identity: string; role: string }[] } }>(
    'SELECT snapshot FROM room_stages WHERE room_id = $1',
    [room.id],
  );
  const listeners = stage[0]!.snapshot.participants.filter((p) => p.role === 'listener').map((p) => p.identity);
  t.deepEqual(listeners.sort(), [early.memberId, ...admitted].sort(), 'exactly the early listener and the K admitted hold places');
  const { rows: joined } = await pool.query<{ actor: string }>(
    "SELECT actor FROM room_stage_events WHERE room_id = $1 AND type = 'participant_joined' AND actor = ANY($2)",
    [room.id, racers.map((r) => r.memberId)],
  );
  t.deepEqual(joined.map((j) => j.actor).sort(), [...admitted].sort(), 'one admission event per admitted racer, none for the refused');
});

test('a listener already in a full room joins again (a fresh token) without being refused', async (t) => {
  const host = await env.api.signUp('Flo Full');
  const room = await createRoom(host.client, { maxListeners: 1 });
  const only = await env.api.signUp('Oli Only');
  t.is((await only.client.post(`/v1/rooms/${room.id}/join`, JOIN)).status, 200);
  const again = await only.client.post(`/v1/rooms/${room.id}/join`, JOIN);
  t.is(again.status, 200, 'their own place does not count against them');
  t.is(again.body.role, 'listener');
});
