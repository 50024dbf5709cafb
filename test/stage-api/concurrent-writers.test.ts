// Two StageService instances on one database (two API processes) writing the same room at once: the version check
// makes the loser reload and re-apply, so no change is lost and every change is logged exactly once. The clock is
// injected, and the stored events carry its time.
import test from 'ava';
import { LiveKitGateway } from '../../engine/gateway/livekit-gateway.js';
import { StageService } from '../../engine/stage-service/index.js';
import { quietLog } from '../support/database.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { type Member, join, liveRoom, signUp } from './_fixtures.js';

const T0 = Date.UTC(2030, 0, 1, 9, 0, 0);

let env: TestStack;

test.before(async () => {
  env = await startTestStack({ workers: 0 });
});

test.after.always(async () => {
  await env?.stop();
});

function service(clock: () => number): StageService {
  const { url, apiKey, apiSecret } = env.config.livekit;
  const gateway = new LiveKitGateway({ url, apiKey, apiSecret, agentName: env.config.agent.name });
  return new StageService(env.stack.database.pool, gateway, quietLog, { now: clock, maxAttempts: 50 });
}

test('twenty hands raised at once through two services are all kept, each logged once', async (t) => {
  t.timeout(60_000);
  const host = await signUp(env, 'Hana Host');
  const roomId = await liveRoom(host);
  await join(host, roomId);
  const listeners: Member[] = await Promise.all(Array.from({ length: 20 }, (_, i) => signUp(env, `Lis ${i}`)));
  for (const l of listeners) await join(l, roomId);

  let tick = 0;
  const clock = () => T0 + tick++;
  const a = service(clock);
  const b = service(clock);
  await Promise.all(listeners.map((l, i) => (i % 2 === 0 ? a : b).raiseHand(roomId, { memberId: l.memberId, platformRoles: ['member'] })));

  const seen = await a.snapshot(roomId, { memberId: host.memberId, platformRoles: ['member'] });
  t.is(seen.raisedHandCount, 20);
  t.deepEqual(seen.moderation!.hands.map((h) => h.identity).sort(), listeners.map((l) => l.memberId).sort());

  const { rows } = await env.stack.database.pool.query<{ version: number; at: Date }>(
    `SELECT version, at FROM room_stage_events WHERE room_id = $1 AND type = 'hand_raised' ORDER BY id`,
    [roomId],
  );
  t.is(rows.length, 20, 'one event per hand, none duplicated by a retry');
  t.is(new Set(rows.map((r) => r.version)).size, 20, 'each write produced its own version');
  for (const r of rows) t.true(r.at.getTime() >= T0 && r.at.getTime() < T0 + 1000, 'event time comes from the injected clock');
  const { rows: stage } = await env.stack.database.pool.query<{ version: number }>('SELECT version FROM room_stages WHERE room_id = $1', [roomId]);
  t.is(stage[0]!.version, seen.version);
});

test('bad arguments are TypeErrors naming the argument', async (t) => {
  const s = service(() => T0);
  const member = { memberId: 'm-1', platformRoles: ['member' as const] };
  const allow = () => ({ allowed: true as const, role: 'listener' as const });
  const room = '00000000-0000-4000-8000-000000000000';
  await t.throwsAsync(s.admit('room-1', member, T0, allow), { instanceOf: TypeError, message: /roomId/ });
  await t.throwsAsync(s.admit(room, { memberId: '', platformRoles: [] }, T0, allow), { instanceOf: TypeError, message: /member\.memberId/ });
  await t.throwsAsync(s.admit(room, member, Number.NaN, allow), { instanceOf: TypeError, message: /transcriptionConsentAt/ });
  await t.throwsAsync(s.admit(room, member, T0, 'yes' as never), { instanceOf: TypeError, message: /check/ });
  await t.throwsAsync(s.participantConnected(room, 'm-1', {} as never), { instanceOf: TypeError, message: /connection\.check/ });
  await t.throwsAsync(
    s.open({ id: '00000000-0000-4000-8000-000000000000', livekitName: 'x', hostId: 'h', handRaisingEnabled: 'yes' as unknown as boolean }),
    { instanceOf: TypeError, message: /handRaisingEnabled/ },
  );
  await t.throwsAsync(s.participantLeft('00000000-0000-4000-8000-000000000000', ''), { instanceOf: TypeError, message: /identity/ });
  await t.throwsAsync(s.raiseHand('00000000-0000-4000-8000-000000000000', { memberId: 'm', platformRoles: 'member' as never }), {
    instanceOf: TypeError,
    message: /by\.platformRoles/,
  });
  t.throws(() => s.subscribe('00000000-0000-4000-8000-000000000000', 'listener' as never), { instanceOf: TypeError, message: /listener/ });
  t.throws(() => new StageService(null as never, {} as never, quietLog), { instanceOf: TypeError, message: /pool/ });
});
