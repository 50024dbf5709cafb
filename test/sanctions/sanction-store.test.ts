import crypto from 'node:crypto';
import test from 'ava';
import { inTransaction } from '../../db/queryable.js';
import { SanctionStore } from '../../engine/sanctions/sanction-store.js';
import { BACKENDS, createTestDatabase } from '../support/database.js';
import { ManualClock, insertMember } from './_fixtures.js';

for (const kind of BACKENDS) {
  test(`${kind}: a warning restricts nothing, a suspension until it ends, a ban until it is lifted`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const clock = new ManualClock('2026-11-01T10:00:00Z');
    const store = new SanctionStore(db.pool, { now: clock.now });
    const member = await insertMember(db.pool);
    const staff = await insertMember(db.pool, 'Tess Staff');
    const caseId = crypto.randomUUID();

    const warn = await store.impose(db.pool, { memberId: member, kind: 'warn', reason: 'insults in a room' });
    t.is(warn.kind, 'warn');
    t.is(warn.expiresAt, null);
    t.is(await store.activeRestriction(member), null);

    clock.set('2026-11-01T10:05:00Z');
    const suspend = await store.impose(db.pool, { memberId: member, kind: 'suspend', reason: 'threats', caseId, decisionId: 'decision-1', durationSeconds: 3600 });
    t.like(suspend, { memberId: member, kind: 'suspend', reason: 'threats', caseId, decisionId: 'decision-1', liftedAt: null, liftedBy: null, liftReason: null });
    t.is(suspend.startsAt.toISOString(), '2026-11-01T10:05:00.000Z');
    t.is(suspend.expiresAt?.toISOString(), '2026-11-01T11:05:00.000Z');
    t.deepEqual(await store.activeRestriction(member), { sanctionId: suspend.id, kind: 'suspend', expiresAt: new Date('2026-11-01T11:05:00Z'), reason: 'threats' });

    clock.set('2026-11-01T10:10:00Z');
    const ban = await store.impose(db.pool, { memberId: member, kind: 'ban', reason: 'doxxing' });
    // A ban outranks a suspension.
    t.deepEqual(await store.activeRestriction(member), { sanctionId: ban.id, kind: 'ban', expiresAt: null, reason: 'doxxing' });
    t.deepEqual((await store.listFor(member)).map((s) => s.kind), ['ban', 'suspend', 'warn']);
    t.deepEqual(await store.listFor(staff), []);

    clock.set('2026-11-01T10:20:00Z');
    const lifted = await store.lift(ban.id, staff, 'appeal upheld');
    t.like(lifted, { id: ban.id, liftedBy: staff, liftReason: 'appeal upheld' });
    t.is(lifted?.liftedAt?.toISOString(), '2026-11-01T10:20:00.000Z');
    t.is(await store.lift(ban.id, staff, 'again'), null, 'lifting twice changes nothing');
    t.is((await store.get(ban.id))?.liftReason, 'appeal upheld');
    t.is(await store.lift(crypto.randomUUID(), 'system', 'unknown'), null);
    t.is((await store.activeRestriction(member))?.kind, 'suspend');

    // The suspension stops restricting at expires_at itself, before any lifter records it.
    clock.set('2026-11-01T11:04:59Z');
    t.is((await store.activeRestriction(member))?.sanctionId, suspend.id);
    clock.set('2026-11-01T11:05:00Z');
    t.is(await store.activeRestriction(member), null);
    t.is((await store.get(suspend.id))?.liftedAt, null);
  });

  test(`${kind}: impose writes on the caller's transaction and a decision imposes once`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const store = new SanctionStore(db.pool, { now: () => new Date('2026-11-01T10:00:00Z') });
    const member = await insertMember(db.pool);

    await t.throwsAsync(
      inTransaction(db.pool, async (q) => {
        await store.impose(q, { memberId: member, kind: 'ban', reason: 'rolled back', decisionId: 'd-rollback' });
        throw new Error('the decision failed');
      }),
      { message: 'the decision failed' },
    );
    t.deepEqual(await store.listFor(member), []);

    const first = await inTransaction(db.pool, (q) => store.impose(q, { memberId: member, kind: 'suspend', reason: 'spam', decisionId: 'd-1', durationSeconds: 86_400 }));
    const again = await store.impose(db.pool, { memberId: member, kind: 'suspend', reason: 'spam (retry)', decisionId: 'd-1', durationSeconds: 86_400 });
    t.is(again.id, first.id);
    t.is(again.reason, 'spam');
    await t.throwsAsync(store.impose(db.pool, { memberId: member, kind: 'ban', reason: 'spam', decisionId: 'd-1' }), { message: /already imposed a suspend/ });
    t.is((await store.listFor(member)).length, 1);

    // The same decision may sanction another member (a pile-on).
    const other = await insertMember(db.pool, 'Other Speaker');
    t.not((await store.impose(db.pool, { memberId: other, kind: 'warn', reason: 'pile-on', decisionId: 'd-1' })).id, first.id);

    // A member deleted takes their sanctions along.
    await db.pool.query('DELETE FROM members WHERE id = $1', [member]);
    t.deepEqual(await store.listFor(member), []);
  });

  test(`${kind}: liftExpired lifts each ended suspension once, never a ban, a warning or a lifted one`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const clock = new ManualClock('2026-11-01T10:00:00Z');
    const store = new SanctionStore(db.pool, { now: clock.now });
    const member = await insertMember(db.pool);
    const short = await store.impose(db.pool, { memberId: member, kind: 'suspend', reason: 'short', durationSeconds: 1800 });
    const long = await store.impose(db.pool, { memberId: member, kind: 'suspend', reason: 'long', durationSeconds: 3600 });
    const staffLifted = await store.impose(db.pool, { memberId: member, kind: 'suspend', reason: 'reversed', durationSeconds: 600 });
    await store.lift(staffLifted.id, 'system', 'false positive');
    const ban = await store.impose(db.pool, { memberId: member, kind: 'ban', reason: 'ban' });
    await store.impose(db.pool, { memberId: member, kind: 'warn', reason: 'warn' });

    t.deepEqual(await store.liftExpired(), []);
    clock.set('2026-11-01T10:45:00Z');
    const firstRun = await store.liftExpired();
    t.deepEqual(firstRun.map((s) => s.id), [short.id]);
    t.like(firstRun[0], { liftedBy: 'system', liftReason: 'expired' });
    t.is(firstRun[0]!.liftedAt?.toISOString(), '2026-11-01T10:45:00.000Z');
    t.deepEqual(await store.liftExpired(), []);

    clock.set('2026-11-01T11:00:00Z');
    t.deepEqual((await store.liftExpired()).map((s) => s.id), [long.id]);
    clock.set('2027-11-01T00:00:00Z');
    t.deepEqual(await store.liftExpired(), []);
    t.is((await store.get(staffLifted.id))?.liftReason, 'false positive');
    t.is((await store.get(ban.id))?.liftedAt, null);
    t.is((await store.activeRestriction(member))?.kind, 'ban');
  });

  test(`${kind}: two lifters at once lift every ended suspension exactly once between them`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const clock = new ManualClock('2026-11-01T10:00:00Z');
    const a = new SanctionStore(db.pool, { now: clock.now, liftBatchSize: 7 });
    const b = new SanctionStore(db.pool, { now: clock.now, liftBatchSize: 5 });
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const member = await insertMember(db.pool, `Member ${i}`);
      ids.push((await a.impose(db.pool, { memberId: member, kind: 'suspend', reason: 'spam', durationSeconds: 60 + i })).id);
    }
    clock.set('2026-11-01T12:00:00Z');
    const [byA, byB] = await Promise.all([a.liftExpired(), b.liftExpired()]);
    const all = [...byA, ...byB].map((s) => s.id);
    t.is(all.length, 40);
    t.deepEqual([...all].sort(), [...ids].sort());
    t.deepEqual(await Promise.all([a.liftExpired(), b.liftExpired()]), [[], []]);
  });
}

test('bad arguments are TypeErrors naming the field and write nothing', async (t) => {
  const db = await createTestDatabase('embedded');
  t.teardown(() => db.close());
  const store = new SanctionStore(db.pool);
  const member = await insertMember(db.pool);
  const base = { memberId: member, kind: 'warn' as const, reason: 'r' };
  await t.throwsAsync(store.impose(db.pool, { ...base, memberId: 'someone' }), { instanceOf: TypeError, message: /memberId/ });
  await t.throwsAsync(store.impose(db.pool, { ...base, kind: 'mute' as never }), { instanceOf: TypeError, message: /kind/ });
  await t.throwsAsync(store.impose(db.pool, { ...base, reason: '  ' }), { instanceOf: TypeError, message: /reason/ });
  await t.throwsAsync(store.impose(db.pool, { ...base, caseId: 'case-1' }), { instanceOf: TypeError, message: /caseId/ });
  await t.throwsAsync(store.impose(db.pool, { ...base, decisionId: '' }), { instanceOf: TypeError, message: /decisionId/ });
  await t.throwsAsync(store.impose(db.pool, { ...base, kind: 'suspend' }), { instanceOf: TypeError, message: /durationSeconds/ });
  await t.throwsAsync(store.impose(db.pool, { ...base, kind: 'suspend', durationSeconds: 0 }), { instanceOf: TypeError, message: /durationSeconds/ });
  await t.throwsAsync(store.impose(db.pool, { ...base, kind: 'suspend', durationSeconds: 1.5 }), { instanceOf: TypeError, message: /durationSeconds/ });
  await t.throwsAsync(store.impose(db.pool, { ...base, kind: 'ban', durationSeconds: 60 }), { instanceOf: TypeError, message: /durationSeconds/ });
  await t.throwsAsync(store.impose(null as never, base), { instanceOf: TypeError, message: /\bq\b/ });
  await t.throwsAsync(store.activeRestriction('x'), { instanceOf: TypeError, message: /memberId/ });
  await t.throwsAsync(store.lift(crypto.randomUUID(), 'staff', 'r'), { instanceOf: TypeError, message: /by/ });
  await t.throwsAsync(store.lift(crypto.randomUUID(), 'system', ''), { instanceOf: TypeError, message: /reason/ });
  await t.throwsAsync(store.lift('1', 'system', 'r'), { instanceOf: TypeError, message: /id/ });
  await t.throwsAsync(store.listFor(member, { limit: 0 }), { instanceOf: TypeError, message: /limit/ });
  t.throws(() => new SanctionStore(db.pool, { liftBatchSize: 0 }), { instanceOf: TypeError, message: /liftBatchSize/ });
  t.throws(() => new SanctionStore(db.pool, { now: 'now' as never }), { instanceOf: TypeError, message: /now/ });
  t.deepEqual(await store.listFor(member), []);
  // The schema holds the same line: a suspension without an end, or a ban with one, is refused.
  await t.throwsAsync(db.pool.query("INSERT INTO member_sanctions (id, member_id, kind, reason, starts_at) VALUES ($1, $2, 'suspend', 'r', now())", [crypto.randomUUID(), member]));
  await t.throwsAsync(db.pool.query("INSERT INTO member_sanctions (id, member_id, kind, reason, starts_at, expires_at) VALUES ($1, $2, 'ban', 'r', now(), now() + interval '1 day')", [crypto.randomUUID(), member]));
});
