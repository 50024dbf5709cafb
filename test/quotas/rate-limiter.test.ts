// The one rate limiter, on both backends: a sliding-window log per (bucket, key) in PostgreSQL, with a fixed clock.
import test from 'ava';
import { PgRateLimiter, Quotas } from '../../engine/quotas/index.js';
import { EngineError } from '../../engine/engine-error.js';
import type { Database } from '../../db/database.js';
import { BACKENDS, createTestDatabase } from '../support/database.js';

const T0 = 1_700_000_000_000;
const PER_MINUTE = { limit: 3, windowSeconds: 60 };

// One database per backend for the whole file (tests use buckets of their own), so a loaded machine is not asked
// for a fresh database per test.
const dbs = new Map<string, Database>();
test.before(async () => {
  for (const kind of BACKENDS) dbs.set(kind, await createTestDatabase(kind));
});
test.after.always(async () => {
  for (const db of dbs.values()) await db.close();
});
const dbOf = (kind: string): Database => dbs.get(kind)!;

for (const kind of BACKENDS) {
  test(`${kind}: allows the limit, then refuses with the wait until the oldest hit slides out`, async (t) => {
    const db = dbOf(kind);
    let now = T0;
    const limiter = new PgRateLimiter(db.pool, { now: () => now });
    const b = 'slide-b';
    t.deepEqual(await limiter.consume(b, 'k', PER_MINUTE), { allowed: true, remaining: 2 });
    now += 10_000;
    t.deepEqual(await limiter.consume(b, 'k', PER_MINUTE), { allowed: true, remaining: 1 });
    now += 10_000;
    t.deepEqual(await limiter.consume(b, 'k', PER_MINUTE), { allowed: true, remaining: 0 });
    now += 5_000; // T0 + 25 s: the first hit leaves the window at T0 + 60 s
    t.deepEqual(await limiter.consume(b, 'k', PER_MINUTE), { allowed: false, retryAfterSeconds: 35 });
    // A refused hit is not recorded, and other keys and buckets are counted apart.
    const rows = await db.pool.query("SELECT count(*)::int AS n FROM rate_limit_hits WHERE bucket = $1 AND key = 'k'", [b]);
    t.is(rows.rows[0].n, 3);
    t.true((await limiter.consume(b, 'other', PER_MINUTE)).allowed);
    t.true((await limiter.consume('slide-c', 'k', PER_MINUTE)).allowed);
    // Sliding, not fixed: at T0 + 60 s exactly one slot is free again, not three.
    now = T0 + 60_000;
    t.deepEqual(await limiter.consume(b, 'k', PER_MINUTE), { allowed: true, remaining: 0 });
    t.deepEqual(await limiter.consume(b, 'k', PER_MINUTE), { allowed: false, retryAfterSeconds: 10 });
    await limiter.reset(b, 'k');
    t.true((await limiter.consume(b, 'k', PER_MINUTE)).allowed);
  });

  test(`${kind}: concurrent hits of one key are counted exactly`, async (t) => {
    const db = dbOf(kind);
    const limiter = new PgRateLimiter(db.pool, { now: () => T0 });
    const limit = { limit: 5, windowSeconds: 3600 };
    const decisions = await Promise.all(Array.from({ length: 20 }, () => limiter.consume('burst', 'k', limit)));
    t.is(decisions.filter((d) => d.allowed).length, 5);
    const rows = await db.pool.query("SELECT count(*)::int AS n FROM rate_limit_hits WHERE bucket = 'burst'");
    t.is(rows.rows[0].n, 5);
  });

  // Serial: ava runs serial tests before the concurrent ones, so the sweep never races another test's hits.
  test.serial(`${kind}: sweep deletes only hits whose window has passed`, async (t) => {
    const db = dbOf(kind);
    // Far after the other tests' hits, so they are all expired by then; only this test's buckets are looked at.
    let now = T0 + 365 * 24 * 3600_000;
    const limiter = new PgRateLimiter(db.pool, { now: () => now });
    await limiter.consume('sweep-short', 'ip:1', { limit: 5, windowSeconds: 60 });
    await limiter.consume('sweep-long', 'ip:1', { limit: 5, windowSeconds: 3600 });
    now += 61_000;
    t.true((await limiter.sweep()) >= 1);
    const rows = await db.pool.query("SELECT bucket FROM rate_limit_hits WHERE bucket LIKE 'sweep-%'");
    t.deepEqual(rows.rows.map((r: { bucket: string }) => r.bucket), ['sweep-long']);
  });
}

test('a quota over the limiter refuses with EngineError rate_limited carrying Retry-After seconds', async (t) => {
  const db = dbOf('postgres');
  const limit = { limit: 1, windowSeconds: 3600 };
  const quotas = new Quotas(new PgRateLimiter(db.pool, { now: () => T0 }), { signup: limit, room_create: limit, reaction: limit, report: limit, invitation: limit, media_upload: limit });
  await quotas.consume('report', 'member:quota-a');
  const err = await t.throwsAsync(quotas.consume('report', 'member:quota-a'), { instanceOf: EngineError });
  t.is(err?.kind, 'rate_limited');
  t.is(err?.code, 'rate_limited');
  t.is(err?.retryAfterSeconds, 3600);
  t.regex(err?.message ?? '', /reports.*1 per hour/);
  await t.notThrowsAsync(quotas.consume('report', 'member:quota-b'));
});

test('bad arguments are TypeErrors naming the field', async (t) => {
  const db = dbOf('postgres');
  const limiter = new PgRateLimiter(db.pool);
  await t.throwsAsync(limiter.consume('', 'k', PER_MINUTE), { instanceOf: TypeError, message: /bucket/ });
  await t.throwsAsync(limiter.consume('bad-args', 5 as never, PER_MINUTE), { instanceOf: TypeError, message: /key/ });
  await t.throwsAsync(limiter.consume('bad-args', 'k', { limit: 0, windowSeconds: 60 }), { instanceOf: TypeError, message: /limit.limit/ });
  await t.throwsAsync(limiter.consume('bad-args', 'k', { limit: 1, windowSeconds: -1 }), { instanceOf: TypeError, message: /windowSeconds/ });
  t.throws(() => new PgRateLimiter(null as never), { instanceOf: TypeError, message: /pool/ });
  t.throws(() => new Quotas(limiter, { signup: PER_MINUTE } as never), { instanceOf: TypeError, message: /limits.room_create/ });
  const quotas = new Quotas(limiter, { signup: PER_MINUTE, room_create: PER_MINUTE, reaction: PER_MINUTE, report: PER_MINUTE, invitation: PER_MINUTE, media_upload: PER_MINUTE });
  await t.throwsAsync(quotas.consume('nope' as never, 'k'), { instanceOf: TypeError, message: /name/ });
  const rows = await db.pool.query("SELECT count(*)::int AS n FROM rate_limit_hits WHERE bucket IN ('', 'bad-args', 'nope')");
  t.is(rows.rows[0].n, 0, 'nothing written');
});
