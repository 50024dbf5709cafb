// The room event bus on the real databases: two buses with their own pools stand for two API processes on one
// database. What is checked against the table (the truth): every appended event reaches the other process's
// subscriber once, in order, ids gap-free; a resume replays exactly what came after; a rolled-back append is never
// seen; the LISTEN connection comes back after the database drops it and catches up; retention leaves a gap the
// subscriber is told about. PGlite runs the same checks through polling (its single session cannot deliver
// notifications across connections).
import crypto from 'node:crypto';
import test from 'ava';
import { connectPostgres, type Database, type DatabaseKind } from '../../db/database.js';
import { inTransaction } from '../../db/queryable.js';
import { RoomEventBus, type RoomEvent } from '../../engine/room-events/index.js';
import { createTestDatabase, quietLog } from '../support/database.js';

interface TwoProcesses {
  db: Database;
  other: Database;
  /** "Process A": appends. */
  a: RoomEventBus;
  /** "Process B": subscribes. */
  b: RoomEventBus;
  close(): Promise<void>;
}

/** Two buses on one database, each with its own pool. B polls only every 60 s with LISTEN: a quick delivery is NOTIFY's. */
async function twoProcesses(kind: DatabaseKind): Promise<TwoProcesses> {
  const db = await createTestDatabase(kind);
  const other = await connectPostgres(db.url, quietLog, 30_000);
  const listen = kind === 'postgres';
  const a = new RoomEventBus(db.pool, { log: quietLog, listen });
  const b = new RoomEventBus(other.pool, { log: quietLog, listen, pollMs: listen ? 60_000 : 100 });
  await a.start();
  await b.start();
  return {
    db,
    other,
    a,
    b,
    close: async () => {
      await a.stop();
      await b.stop();
      await other.close();
      await db.close();
    },
  };
}

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function tableIds(db: Database, roomId: string): Promise<number[]> {
  const { rows } = await db.pool.query<{ seq: string }>('SELECT seq FROM room_events WHERE room_id = $1 ORDER BY seq', [roomId]);
  return rows.map((r) => Number(r.seq));
}

const caption = (roomId: string, n: number) => ({ type: 'caption', roomId, segmentId: crypto.randomUUID(), speaker: 's', text: `line ${n}`, withheld: false, startedAt: '', endedAt: '' });

for (const kind of ['postgres', 'embedded'] as const) {
  test(`${kind}: appends in one process reach the other's subscriber once each, in order, ids gap-free`, async (t) => {
    t.timeout(120_000);
    const p = await twoProcesses(kind);
    t.teardown(() => p.close());
    const roomId = crypto.randomUUID();
    const heard: RoomEvent[] = [];
    p.b.subscribe(roomId, (e) => heard.push(e), { after: 0 });
    // 40 appends from each process at once, half of them inside transactions.
    await Promise.all([
      ...Array.from({ length: 40 }, (_, i) => p.a.append(roomId, 'caption', caption(roomId, i))),
      ...Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0 ? p.b.append(roomId, 'caption', caption(roomId, 100 + i)) : inTransaction(p.other.pool, (tx) => p.b.append(roomId, 'caption', caption(roomId, 100 + i), tx)).then((id) => (p.b.kick(roomId), id)),
      ),
    ]);
    const ids = await tableIds(p.db, roomId);
    t.deepEqual(ids, Array.from({ length: 80 }, (_, i) => i + 1), 'the table holds ids 1..80');
    await until(() => (heard.length >= 80 ? true : undefined), 'all 80 events at the subscriber');
    t.deepEqual(heard.map((e) => e.id), ids, 'each once, in id order');
    t.is(await p.a.head(roomId), 80);
  });

  test(`${kind}: a subscriber starting after an id replays the rest from the table, then goes on live`, async (t) => {
    t.timeout(120_000);
    const p = await twoProcesses(kind);
    t.teardown(() => p.close());
    const roomId = crypto.randomUUID();
    for (let i = 0; i < 10; i++) await p.a.append(roomId, 'caption', caption(roomId, i));
    const heard: RoomEvent[] = [];
    p.b.subscribe(roomId, (e) => heard.push(e), { after: 6 });
    await until(() => (heard.length >= 4 ? true : undefined), 'the replay');
    for (let i = 10; i < 13; i++) await p.a.append(roomId, 'caption', caption(roomId, i));
    await until(() => (heard.length >= 7 ? true : undefined), 'the live events');
    t.deepEqual(heard.map((e) => e.id), [7, 8, 9, 10, 11, 12, 13]);
    t.deepEqual((heard[0]!.payload as { text: string }).text, 'line 6');
    // A subscriber without `after` starts at the head it reads: it hears only what comes after, from there on each once.
    const fresh: number[] = [];
    p.b.subscribe(roomId, (e) => fresh.push(e.id));
    let n = 13;
    await until(async () => {
      await p.a.append(roomId, 'caption', caption(roomId, n++));
      return fresh.length >= 2 ? true : undefined;
    }, 'events after the head');
    t.true(fresh[0]! > 13, 'nothing from before the subscription');
    t.deepEqual(fresh, Array.from({ length: fresh.length }, (_, i) => fresh[0]! + i), 'then every event, in order');
  });

  test(`${kind}: an append rolled back with its transaction is never delivered and its id is reused`, async (t) => {
    t.timeout(120_000);
    const p = await twoProcesses(kind);
    t.teardown(() => p.close());
    const roomId = crypto.randomUUID();
    const heard: RoomEvent[] = [];
    p.b.subscribe(roomId, (e) => heard.push(e), { after: 0 });
    await p.a.append(roomId, 'caption', caption(roomId, 1));
    await t.throwsAsync(
      inTransaction(p.db.pool, async (tx) => {
        await p.a.append(roomId, 'caption', caption(roomId, 2), tx);
        throw new Error('the change failed');
      }),
      { message: 'the change failed' },
    );
    await p.a.append(roomId, 'caption', caption(roomId, 3));
    await until(() => (heard.length >= 2 ? true : undefined), 'two events');
    t.deepEqual(heard.map((e) => [e.id, (e.payload as { text: string }).text]), [[1, 'line 1'], [2, 'line 3']]);
    t.deepEqual(await tableIds(p.db, roomId), [1, 2]);
  });

  test(`${kind}: events past retention are swept; a subscriber from before them is told of the gap, then gets the rest`, async (t) => {
    t.timeout(120_000);
    const p = await twoProcesses(kind);
    t.teardown(() => p.close());
    const roomId = crypto.randomUUID();
    const keep = crypto.randomUUID();
    for (let i = 0; i < 8; i++) await p.a.append(roomId, 'caption', caption(roomId, i));
    await p.a.append(keep, 'caption', caption(keep, 0));
    const swept = await p.a.sweep({ maxAgeMs: 3_600_000, maxPerRoom: 3 });
    t.is(swept, 5);
    t.deepEqual(await tableIds(p.db, roomId), [6, 7, 8]);
    t.deepEqual(await tableIds(p.db, keep), [1], 'a room within the window keeps its events');
    const gaps: number[] = [];
    const heard: number[] = [];
    p.b.subscribe(roomId, (e) => heard.push(e.id), { after: 2, onGap: (firstKept) => gaps.push(firstKept) });
    await until(() => (heard.length >= 3 ? true : undefined), 'the kept events');
    t.deepEqual(gaps, [6]);
    t.deepEqual(heard, [6, 7, 8]);
    // Heads stay: ids never repeat after a sweep.
    t.is(await p.a.append(roomId, 'caption', caption(roomId, 9)), 9);
  });
}

test('postgres: the LISTEN connection comes back after the database drops it, and catches up from the table', async (t) => {
  t.timeout(120_000);
  const p = await twoProcesses('postgres');
  t.teardown(() => p.close());
  const roomId = crypto.randomUUID();
  const heard: number[] = [];
  p.b.subscribe(roomId, (e) => heard.push(e.id), { after: 0 });
  await p.a.append(roomId, 'caption', caption(roomId, 1));
  await until(() => (heard.length >= 1 ? true : undefined), 'the first event (NOTIFY)');
  t.true(p.b.listening);
  // The database ends B's listening session (as a restart or failover does).
  const { rows } = await p.db.pool.query<{ n: number }>(
    "SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()",
  );
  t.true(rows[0]!.n >= 1, 'a listening session was terminated');
  // Appended while B may be reconnecting: B's poll is 60 s, so only the reconnect's catch-up (or NOTIFY) delivers them in time.
  for (let i = 2; i <= 5; i++) await p.a.append(roomId, 'caption', caption(roomId, i));
  await until(() => (heard.length >= 5 ? true : undefined), 'the events appended around the drop', 30_000);
  t.deepEqual(heard, [1, 2, 3, 4, 5]);
  await until(() => (p.b.listening ? true : undefined), 'B listening again');
  await p.a.append(roomId, 'caption', caption(roomId, 6));
  await until(() => (heard.length >= 6 ? true : undefined), 'a live event after the reconnect');
  t.deepEqual(heard, [1, 2, 3, 4, 5, 6]);
});

test('bad input is refused with a clear error', async (t) => {
  const db = await createTestDatabase('postgres');
  t.teardown(() => db.close());
  const bus = new RoomEventBus(db.pool, { log: quietLog });
  await t.throwsAsync(bus.append('not-a-uuid', 'caption', {}), { instanceOf: TypeError, message: /roomId/ });
  await t.throwsAsync(bus.append(crypto.randomUUID(), 'nope' as never, {}), { instanceOf: TypeError, message: /kind/ });
  t.throws(() => bus.subscribe(crypto.randomUUID(), () => undefined, { after: -1 }), { instanceOf: TypeError, message: /after/ });
  t.throws(() => new RoomEventBus(db.pool, { log: quietLog, pollMs: 1 }), { instanceOf: TypeError, message: /pollMs/ });
});
