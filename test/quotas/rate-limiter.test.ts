// The one rate limiter, on both backends: a sliding-window log per (bucket, key) in PostgreSQL, with a fixed clock.
import test from 'ava';
import { PgRateLimiter, Quotas } from '../../engine/quotas/index.js';
import { EngineError } from '../../engine/engine-error.js';
import { BACKENDS, createTestDatabase } from '../support/database.js';

const T0 = 1_700_000_000_000;
const PER_MINUTE = { limit: 3, windowSeconds: 60 };

for (const kind of BACKENDS) {
  test(`${kind}: allows the limit, then refuses with the wait until the oldest hit slides out`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    let now = T0;
    const limiter = new PgRateLimiter(db.pool, { now: () => now });
    t.deepEqual(await limiter.consume('b', 'k', PER_MINUTE), { allowed: true, remaining: 2 });
    now += 10_000;
    t.deepEqual(await limiter.consume('b', 'k', PER_MINUTE), { allowed: true, remaining: 1 });
    now += 10_000;
    t.deepEqual(await limiter.consume('b', 'k', PER_MINUTE), { allowed: true, remaining: 0 });
    now += 5_000; // T0 + 25 s: the first hit leaves the window at T0 + 60 s
    t.deepEqual(await limiter.consume('b', 'k', PER_MINUTE), { allowed: false, retryAfterSeconds: 35 });
    // A refused hit is not recorded, and other keys and buckets are counted apart.
    const rows = await db.pool.query("SELECT count(*)::int AS n FROM rate_limit_hits WHERE bucket = 'b' AND key = 'k'");
    t.is(rows.rows[0].n, 3);
    t.true((await limiter.consume('b', 'other', PER_MINUTE)).allowed);
    t.true((await limiter.consume('c', 'k', PER_MINUTE)).allowed);
    // Sliding, not fixed: at T0 + 60 s exactly one slot is free again, not three.
    now = T0 + 60_000;
    t.deepEqual(await limiter.consume('b', 'k', PER_MINUTE), { allowed: true, remaining: 0 });
    t.deepEqual(await limiter.consume('b', 'k', PER_MINUTE), { allowed: false, retryAfterSeconds: 10 });
    await limiter.reset('b', 'k');
    t.true((await limiter.consume('b', 'k', PER_MINUTE)).allowed);
  });

  test(`${kind}: concurrent hits of one key are counted exactly`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const limiter = new PgRateLimiter(db.pool, { now: () => T0 });
    const limit = { limit: 5, windowSeconds: 3600 };
    const decisions = await Promise.all(Array.from({ length: 20 }, () => limiter.consume('burst', 'k', limit)));
    t.is(decisions.filter((d) => d.allowed).length, 5);
    const rows = await db.pool.query("SELECT count(*)::int AS n FROM rate_limit_hits WHERE bucket = 'burst'");
    t.is(rows.rows[0].n, 5);
  });

  test(`${kind}: sweep deletes only hits whose window has passed`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    let now = T0;
    const limiter = new PgRateLimiter(db.pool, { now: () => now });
    await limiter.consume('short', 'ip:1', { limit: 5, windowSeconds: 60 });
    await limiter.consume('long', 'ip:1', { limit: 5, windowSeconds: 3600 });
    now += 61_000;
    t.is(await limiter.sweep(), 1);
    const rows = await db.pool.query('SELECT bucket FROM rate_limit_hits');
    t.deepEqual(rows.rows.map((r: { bucket: string }) => r.bucket), ['long']);
  });
}

test('a quota over the limiter refuses with EngineError rate_limited carrying Retry-After seconds', async (t) => {
  const db = await createTestDatabase('postgres');
  t.teardown(() => db.close());
  const limit = { limit: 1, windowSeconds: 3600 };
  const quotas = new Quotas(new PgRateLimiter(db.pool, { now: () => T0 }), { signup: limit, room_create: limit, reaction: limit, report: limit, invitation: limit });
  await quotas.consume('report', 'member:a');
  const err = await t.throwsAsync(quotas.consume('report', 'member:a'), { instanceOf: EngineError });
  t.is(err?.kind, 'rate_limited');
  t.is(err?.code, 'rate_limited');
  t.is(err?.retryAfterSeconds, 3600);
  t.regex(err?.message ?? '', /reports.*1 per hour/);
  await t.notThrowsAsync(quotas.consume('report', 'member:b'));
});

test('bad arguments are TypeErrors naming the field', async (t) => {
  const db = await createTestDatabase('postgres');
  t.teardown(() => db.close());
  const limiter = new PgRateLimiter(db.pool);
  await t.throwsAsync(limiter.consume('', 'k', PER_MINUTE), { instanceOf: TypeError, message: /bucket/ });
  await t.throwsAsync(limiter.consume('b', 5 as never, PER_MINUTE), { instanceOf: TypeError, message: /key/ });
  await t.throwsAsync(limiter.consume('b', 'k', { limit: 0, windowSeconds: 60 }), { instanceOf: TypeError, message: /limit.limit/ });
  await t.throwsAsync(limiter.consume('b', 'k', { limit: 1, windowSeconds: -1 }), { instanceOf: TypeError, message: /windowSeconds/ });
  t.throws(() => new PgRateLimiter(null as never), { instanceOf: TypeError, message: /pool/ });
  t.throws(() => new Quotas(limiter, { signup: PER_MINUTE } as never), { instanceOf: TypeError, message: /limits.room_create/ });
  const quotas = new Quotas(limiter, { signup: PER_MINUTE, room_create: PER_MINUTE, reaction: PER_MINUTE, report: PER_MINUTE, invitation: PER_MINUTE });
  await t.throwsAsync(quotas.consume('nope' as never, 'k'), { instanceOf: TypeError, message: /name/ });
  const rows = await db.pool.query('SELECT count(*)::int AS n FROM rate_limit_hits');
  t.is(rows.rows[0].n, 0, 'nothing written');
});
