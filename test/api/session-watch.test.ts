// watchSession ties a long-lived response to its authentication: it reports the end of the session (logout,
// revocation), the access token's expiry, and role changes with the member's current roles. Real PostgreSQL, with a
// clock the test moves.
import test from 'ava';
import { msUntilExpiry, watchSession, type SessionEndReason } from '../../api/session-watch.js';
import type { Principal } from '../../engine/identity/account-service.js';
import { quietLog } from '../support/database.js';
import { accountsOn } from '../identity/_accounts.js';

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function recorder() {
  const ended: SessionEndReason[] = [];
  const changed: Principal[] = [];
  return { ended, changed, handlers: { ended: (r: SessionEndReason) => ended.push(r), changed: (p: Principal) => changed.push(p) } };
}

test.serial('logout ends the watch at once; nothing is reported after it ended', async (t) => {
  const env = await accountsOn('postgres');
  t.teardown(() => env.db.close());
  const ada = await env.member('Ada');
  const principal = await env.accounts.authenticateBearer(ada.accessToken);
  const r = recorder();
  const stop = watchSession(env.accounts, principal, r.handlers, { recheckMs: 60_000, log: quietLog, now: () => env.clock.now });
  t.teardown(stop);
  await env.accounts.logOut(principal.sessionId!);
  await eventually(async () => (r.ended.length ? true : undefined), 5000, 'the end');
  t.deepEqual(r.ended, ['session_ended']);
  await env.accounts.setPlatformRoles(ada.memberId, ['trust_safety']);
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.deepEqual(r.changed, [], 'a stopped watch reports nothing');
});

test.serial('a role change is reported with the current roles; stop() ends the reports', async (t) => {
  const env = await accountsOn('postgres');
  t.teardown(() => env.db.close());
  const ada = await env.member('Ada');
  await env.accounts.setPlatformRoles(ada.memberId, ['trust_safety']);
  const principal = await env.accounts.authenticateBearer(ada.accessToken);
  const r = recorder();
  const stop = watchSession(env.accounts, principal, r.handlers, { recheckMs: 60_000, log: quietLog, now: () => env.clock.now });
  await env.accounts.setPlatformRoles(ada.memberId, []);
  const fresh = await eventually(async () => r.changed.at(-1), 5000, 'the change');
  t.deepEqual(fresh.platformRoles, ['member']);
  t.deepEqual(r.ended, []);
  stop();
  await env.accounts.setPlatformRoles(ada.memberId, ['admin']);
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.is(r.changed.length, 1);
});

test.serial('the access token expiring ends the watch with session_expired', async (t) => {
  const env = await accountsOn('postgres');
  t.teardown(() => env.db.close());
  const ada = await env.member('Ada');
  const principal = await env.accounts.authenticateBearer(ada.accessToken);
  env.clock.now = principal.expiresAt! - 100; // 100 ms of real time left on the timer
  const r = recorder();
  const stop = watchSession(env.accounts, principal, r.handlers, { recheckMs: 60_000, log: quietLog, now: () => env.clock.now });
  t.teardown(stop);
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.deepEqual(r.ended, [], 'not yet');
  env.clock.now = principal.expiresAt!;
  await eventually(async () => (r.ended.length ? true : undefined), 5000, 'the expiry');
  t.deepEqual(r.ended, ['session_expired']);
});

test.serial('a session revoked outside this process is noticed at the periodic recheck', async (t) => {
  const env = await accountsOn('postgres');
  t.teardown(() => env.db.close());
  const ada = await env.member('Ada');
  const principal = await env.accounts.authenticateBearer(ada.accessToken);
  const r = recorder();
  const stop = watchSession(env.accounts, principal, r.handlers, { recheckMs: 100, log: quietLog, now: () => env.clock.now });
  t.teardown(stop);
  await env.db.pool.query('UPDATE sessions SET revoked_at = now() WHERE id = $1', [principal.sessionId]);
  await eventually(async () => (r.ended.length ? true : undefined), 5000, 'the recheck');
  t.deepEqual(r.ended, ['session_ended']);
});

test('msUntilExpiry counts down to zero and stays within what a timer can wait', (t) => {
  t.is(msUntilExpiry(10_000, 4_000), 6_000);
  t.is(msUntilExpiry(10_000, 12_000), 0);
  t.is(msUntilExpiry(Number.MAX_SAFE_INTEGER, 0), 2 ** 31 - 1);
});
