// The idempotency store claims a key before the handler runs: a concurrent duplicate finds the claim (409
// idempotency_in_progress), a completed key replays its stored response, a released claim lets a retry run, and a
// claim abandoned by a crashed process is taken over after the claim timeout. Against the real databases.
import test from 'ava';
import { ApiError } from '../../api/errors.js';
import { IdempotencyStore } from '../../api/idempotency-store.js';
import { BACKENDS, createTestDatabase } from '../support/database.js';

async function memberIn(pool: import('pg').Pool): Promise<string> {
  const id = crypto.randomUUID();
  await pool.query("INSERT INTO members (id, email, password_hash, display_name) VALUES ($1, $2, 'x', 'Ada')", [id, `${id}@example.test`]);
  return id;
}

const rows = async (pool: import('pg').Pool, memberId: string) =>
  (await pool.query('SELECT status, body, claim FROM idempotency_keys WHERE member_id = $1', [memberId])).rows;

for (const kind of BACKENDS) {
  test.serial(`${kind}: claim, duplicate in progress, complete, replay, other body`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const store = new IdempotencyStore(db.pool);
    const ada = await memberIn(db.pool);
    const first = await store.claim(ada, 'createRoom', 'k1', 'hash-a');
    t.is(first.kind, 'claimed');
    t.like((await rows(db.pool, ada))[0], { status: null, body: null }, 'the claim is in the database before the handler runs');

    const duplicate = await t.throwsAsync(() => store.claim(ada, 'createRoom', 'k1', 'hash-a'), { instanceOf: ApiError });
    t.is(duplicate?.status, 409);
    t.is(duplicate?.code, 'idempotency_in_progress');
    t.is(duplicate?.headers['Retry-After'], '1');

    if (first.kind !== 'claimed') return;
    await first.complete({ status: 201, body: { id: 'r1' } });
    t.deepEqual(await store.claim(ada, 'createRoom', 'k1', 'hash-a'), { kind: 'replay', status: 201, body: { id: 'r1' } });
    const reused = await t.throwsAsync(() => store.claim(ada, 'createRoom', 'k1', 'hash-b'), { instanceOf: ApiError });
    t.is(reused?.status, 422);
    t.is(reused?.code, 'idempotency_key_reused');

    const other = await memberIn(db.pool);
    t.is((await store.claim(other, 'createRoom', 'k1', 'hash-b')).kind, 'claimed', 'keys are per member');
  });

  test.serial(`${kind}: a released claim lets the retry run; a late complete of a lost claim writes nothing`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    let now = Date.UTC(2026, 0, 5);
    const store = new IdempotencyStore(db.pool, { claimTimeoutMs: 60_000, now: () => now });
    const ada = await memberIn(db.pool);
    const failed = await store.claim(ada, 'react', 'k', 'h');
    if (failed.kind !== 'claimed') return t.fail();
    await failed.release();
    t.deepEqual(await rows(db.pool, ada), [], 'nothing kept of a failed request');
    const retry = await store.claim(ada, 'react', 'k', 'h');
    t.is(retry.kind, 'claimed');

    // The process holding `retry` dies; after the timeout another request takes the key over.
    now += 59_999;
    await t.throwsAsync(() => store.claim(ada, 'react', 'k', 'h'), { code: 'idempotency_in_progress' } as never);
    now += 2;
    const takeover = await store.claim(ada, 'react', 'k', 'h');
    if (takeover.kind !== 'claimed' || retry.kind !== 'claimed') return t.fail();
    await retry.complete({ status: 200, body: { stale: true } });
    await retry.release();
    t.like((await rows(db.pool, ada))[0], { status: null }, 'the stale holder can neither complete nor release the new claim');
    await takeover.complete({ status: 200, body: { ok: true } });
    t.like(await store.claim(ada, 'react', 'k', 'h'), { kind: 'replay', body: { ok: true } });
  });

  test.serial(`${kind}: of many concurrent claims of one key exactly one wins`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const store = new IdempotencyStore(db.pool);
    const ada = await memberIn(db.pool);
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => store.claim(ada, 'createRoom', 'same', 'h')));
    t.is(results.filter((r) => r.status === 'fulfilled' && r.value.kind === 'claimed').length, 1);
    t.true(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason.code === 'idempotency_in_progress'));
  });
}

test('bad options are TypeErrors', (t) => {
  t.throws(() => new IdempotencyStore({} as never, { claimTimeoutMs: 0 }), { instanceOf: TypeError, message: /claimTimeoutMs/ });
  t.throws(() => new IdempotencyStore({} as never, { now: 5 as never }), { instanceOf: TypeError, message: /now/ });
});
