import test from 'ava';
import { pino } from 'pino';
import { SanctionStore, type Sanction } from '../../engine/sanctions/sanction-store.js';
import { SuspensionLifter } from '../../engine/sanctions/suspension-lifter.js';
import { BACKENDS, createTestDatabase, quietLog } from '../support/database.js';
import { ManualClock, insertMember, sleep, waitFor } from './_fixtures.js';

function capturingLog() {
  const lines: { level: number; msg: string; err?: { message: string } }[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}

function fakeSanction(id: string): Sanction {
  const at = new Date('2026-11-01T10:00:00Z');
  return { id, memberId: '00000000-0000-4000-8000-000000000001', kind: 'suspend', reason: 'r', caseId: null, decisionId: null, startsAt: at, expiresAt: at, liftedAt: at, liftedBy: 'system', liftReason: 'expired', createdAt: at };
}

for (const kind of BACKENDS) {
  test(`${kind}: an ending suspension is lifted exactly once, a ban never`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const clock = new ManualClock('2026-11-01T10:00:00Z');
    const store = new SanctionStore(db.pool, { now: clock.now });
    const member = await insertMember(db.pool);
    const suspension = await store.impose(db.pool, { memberId: member, kind: 'suspend', reason: 'threats', durationSeconds: 600 });
    const ban = await store.impose(db.pool, { memberId: await insertMember(db.pool, 'Banned'), kind: 'ban', reason: 'doxxing' });
    let runs = 0;
    const counted = { liftExpired: () => (runs++, store.liftExpired()) };
    const notified: Sanction[] = [];
    const lifter = new SuspensionLifter(counted, { intervalMs: 10, log: quietLog, onLifted: (s) => void notified.push(s) });
    lifter.start();
    t.teardown(() => lifter.stop());

    await waitFor(() => runs >= 3);
    t.deepEqual(notified, [], 'nothing has ended yet');
    clock.set('2026-11-01T10:10:00Z');
    await waitFor(() => notified.length === 1);
    const after = runs;
    await waitFor(() => runs >= after + 5);
    await lifter.stop();
    t.deepEqual(notified.map((s) => [s.id, s.liftedBy, s.liftReason]), [[suspension.id, 'system', 'expired']]);
    t.is((await store.get(suspension.id))?.liftedAt?.toISOString(), '2026-11-01T10:10:00.000Z');
    t.is((await store.get(ban.id))?.liftedAt, null);
  });
}

test('a lifter stopped mid-run finishes that run and runs no more', async (t) => {
  let calls = 0;
  let release!: (s: Sanction[]) => void;
  const store = { liftExpired: () => (calls++, new Promise<Sanction[]>((resolve) => (release = resolve))) };
  const notified: string[] = [];
  const lifter = new SuspensionLifter(store, { intervalMs: 5, log: quietLog, onLifted: (s) => void notified.push(s.id) });
  lifter.start();
  await waitFor(() => calls === 1);

  let stopped = false;
  const stopping = lifter.stop().then(() => (stopped = true));
  await sleep(30);
  t.false(stopped, 'stop waits for the run in flight');
  t.false(lifter.running);
  release([fakeSanction('a')]);
  await stopping;
  t.deepEqual(notified, ['a'], 'the run in flight finished, its onLifted included');
  await sleep(50);
  t.is(calls, 1, 'no run after stop');
});

test('failures are logged and retried on the next tick, never unhandled', async (t) => {
  const { log, lines } = capturingLog();
  let calls = 0;
  const store = {
    liftExpired: async () => {
      calls++;
      if (calls <= 2) throw new Error(`database down ${calls}`);
      return calls === 3 ? [fakeSanction('x'), fakeSanction('y')] : [];
    },
  };
  const notified: string[] = [];
  const lifter = new SuspensionLifter(store, {
    intervalMs: 5,
    log,
    onLifted: async (s) => {
      if (s.id === 'x') throw new Error('audit write failed');
      notified.push(s.id);
    },
  });
  lifter.start();
  await waitFor(() => calls >= 5);
  await lifter.stop();
  t.deepEqual(notified, ['y'], 'one failing callback does not keep the others from running');
  t.deepEqual(lines.filter((l) => l.level === 40).map((l) => l.err?.message), ['database down 1', 'database down 2']);
  t.deepEqual(lines.filter((l) => l.level === 50).map((l) => l.err?.message), ['audit write failed']);
  t.deepEqual(lines.filter((l) => l.level === 30).map((l) => l.msg), ['expired suspensions lifted']);
});

test('runOnce joins the run in flight; start twice is one loop; restart after stop works', async (t) => {
  let calls = 0;
  let release!: (s: Sanction[]) => void;
  const store = { liftExpired: () => (calls++, new Promise<Sanction[]>((resolve) => (release = resolve))) };
  const lifter = new SuspensionLifter(store, { log: quietLog });
  const one = lifter.runOnce();
  const two = lifter.runOnce();
  t.is(one, two);
  release([fakeSanction('a')]);
  t.deepEqual((await one).map((s) => s.id), ['a']);
  t.is(calls, 1);

  // The default interval is 30 s: after the immediate first run, nothing more within the test.
  lifter.start();
  lifter.start();
  await waitFor(() => calls === 2);
  release([]);
  await sleep(30);
  t.is(calls, 2);
  await lifter.stop();
  lifter.start();
  await waitFor(() => calls === 3);
  release([]);
  await lifter.stop();
});

test('bad options are TypeErrors naming the field', (t) => {
  const store = { liftExpired: async () => [] };
  t.throws(() => new SuspensionLifter({} as never, { log: quietLog }), { instanceOf: TypeError, message: /store/ });
  t.throws(() => new SuspensionLifter(store, { log: quietLog, intervalMs: 0 }), { instanceOf: TypeError, message: /intervalMs/ });
  t.throws(() => new SuspensionLifter(store, { log: undefined as never }), { instanceOf: TypeError, message: /log/ });
  t.throws(() => new SuspensionLifter(store, { log: quietLog, onLifted: 'audit' as never }), { instanceOf: TypeError, message: /onLifted/ });
});
