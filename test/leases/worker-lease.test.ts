// Worker leases on the real databases: one holder at a time, renewal by the holder, takeover after release or
// expiry. Then two real background workers (suspension lifters) on one database, each with its own pool and its
// own lease holder, as in two API processes: their runs never overlap and only the holder runs; when it stops, the
// other takes over. The truth is the worker_leases table and the runs each worker recorded.
import test from 'ava';
import { connectPostgres, type DatabaseKind } from '../../db/database.js';
import { WorkerLease } from '../../engine/leases/index.js';
import { SuspensionLifter } from '../../engine/sanctions/suspension-lifter.js';
import { createTestDatabase, quietLog } from '../support/database.js';

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const kind of ['postgres', 'embedded'] as DatabaseKind[]) {
  test(`${kind}: one holder at a time; renewals keep it; release or expiry hands it over`, async (t) => {
    t.timeout(120_000);
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const a = new WorkerLease(db.pool, { name: 'chore', ttlMs: 60_000, holder: 'process-a' });
    const b = new WorkerLease(db.pool, { name: 'chore', ttlMs: 60_000, holder: 'process-b' });
    const results = await Promise.all([a.tryHold(), b.tryHold()]);
    t.is(results.filter(Boolean).length, 1, 'two processes racing: exactly one wins');
    const [winner, loser] = results[0] ? [a, b] : [b, a];
    t.true(await winner.tryHold(), 'the holder renews');
    t.false(await loser.tryHold());
    t.is(await loser.currentHolder(), winner.holder);
    await loser.release(); // not the holder: changes nothing
    t.is(await winner.currentHolder(), winner.holder);
    await winner.release();
    t.true(await loser.tryHold(), 'after a release the other takes it at once');

    // Expiry: a holder that stopped renewing (killed) loses it after ttlMs, by the database's clock.
    const shortA = new WorkerLease(db.pool, { name: 'short', ttlMs: 500, holder: 'process-a' });
    const shortB = new WorkerLease(db.pool, { name: 'short', ttlMs: 500, holder: 'process-b' });
    t.true(await shortA.tryHold());
    t.false(await shortB.tryHold());
    await until(async () => ((await shortB.tryHold()) ? true : undefined), 'the lease to expire and B to take it');
    t.false(await shortA.tryHold(), 'the old holder does not get it back while B holds it');
  });

  test(`${kind}: two lifters on one database: only the lease holder runs, never both at once; the other takes over when it stops`, async (t) => {
    t.timeout(120_000);
    const db = await createTestDatabase(kind);
    const other = await connectPostgres(db.url, quietLog, 30_000);
    t.teardown(async () => {
      await other.close();
      await db.close();
    });
    const runs: { who: string; start: number; end: number }[] = [];
    let inside = 0;
    let overlapped = false;
    const recordingStore = (who: string) => ({
      async liftExpired() {
        inside++;
        if (inside > 1) overlapped = true;
        const start = Date.now();
        await new Promise((r) => setTimeout(r, 30)); // a run takes a while, so overlaps would show
        inside--;
        runs.push({ who, start, end: Date.now() });
        return [];
      },
    });
    const lifterA = new SuspensionLifter(recordingStore('a'), {
      intervalMs: 50,
      log: quietLog,
      lease: new WorkerLease(db.pool, { name: 'suspension-lifter', ttlMs: 5_000, holder: 'a' }),
    });
    const lifterB = new SuspensionLifter(recordingStore('b'), {
      intervalMs: 50,
      log: quietLog,
      lease: new WorkerLease(other.pool, { name: 'suspension-lifter', ttlMs: 5_000, holder: 'b' }),
    });
    lifterA.start();
    await until(() => (runs.some((r) => r.who === 'a') ? true : undefined), 'A to run first');
    lifterB.start();
    await until(() => (runs.filter((r) => r.who === 'a').length >= 10 ? true : undefined), 'A to run ten times');
    t.false(runs.some((r) => r.who === 'b'), 'B stands by while A holds the lease');
    const { rows } = await db.pool.query("SELECT holder FROM worker_leases WHERE name = 'suspension-lifter'");
    t.deepEqual(rows, [{ holder: 'a' }]);

    await lifterA.stop();
    const aRuns = runs.filter((r) => r.who === 'a').length;
    await until(() => (runs.filter((r) => r.who === 'b').length >= 5 ? true : undefined), 'B to take over');
    await lifterB.stop();
    t.is(runs.filter((r) => r.who === 'a').length, aRuns, 'A ran no more after it stopped');
    t.false(overlapped, 'never two runs at once');
    const firstB = runs.find((r) => r.who === 'b')!;
    t.true(runs.filter((r) => r.who === 'a').every((r) => r.end <= firstB.start), "B's runs all come after A's");
  });
}

test('bad lease options are refused naming the field', (t) => {
  const db = { query: async () => ({ rows: [] }) } as never;
  t.throws(() => new WorkerLease(db, { name: 'Bad Name', ttlMs: 1000 }), { instanceOf: TypeError, message: /name/ });
  t.throws(() => new WorkerLease(db, { name: 'ok', ttlMs: 5 }), { instanceOf: TypeError, message: /ttlMs/ });
  t.throws(() => new WorkerLease(null as never, { name: 'ok', ttlMs: 1000 }), { instanceOf: TypeError, message: /db/ });
});
