// Platform roles come from the database, not from the access token: a role granted or revoked takes effect on the
// next request through the same process, and through a cache of at most AUTH_SESSION_CACHE_SECONDS otherwise.
import test from 'ava';
import { AccountService } from '../../engine/identity/account-service.js';
import { BACKENDS } from '../support/database.js';
import { TEST_AUTH, accountsOn } from './_accounts.js';

for (const kind of BACKENDS) {
  test.serial(`${kind}: a revoked role stops working at once for a token issued while it was held`, async (t) => {
    const env = await accountsOn(kind, { sessionCacheSeconds: 5 });
    t.teardown(() => env.db.close());
    const sam = await env.member('Sam');
    await env.accounts.setPlatformRoles(sam.memberId, ['trust_safety']);
    const staffSession = await env.accounts.logIn({ email: sam.email, password: 'correct horse battery staple', ip: '127.0.0.1' });
    t.deepEqual((await env.accounts.authenticateBearer(staffSession.accessToken)).platformRoles.sort(), ['member', 'trust_safety']);

    await env.accounts.setPlatformRoles(sam.memberId, []);
    t.deepEqual((await env.accounts.authenticateBearer(staffSession.accessToken)).platformRoles, ['member'], 'the token still says trust_safety; the database does not');

    await env.accounts.setPlatformRoles(sam.memberId, ['admin']);
    t.deepEqual((await env.accounts.authenticateBearer(sam.accessToken)).platformRoles.sort(), ['admin', 'member'], 'a grant applies to older tokens too');
  });

  test.serial(`${kind}: a change made outside this process is seen once the session cache time has passed`, async (t) => {
    const env = await accountsOn(kind, { sessionCacheSeconds: 2 });
    t.teardown(() => env.db.close());
    const sam = await env.member('Sam');
    await env.accounts.setPlatformRoles(sam.memberId, ['trust_safety']);
    t.true((await env.accounts.authenticateBearer(sam.accessToken)).platformRoles.includes('trust_safety'));

    // Another process (the CLI, a second API) revokes the role straight in the database.
    await env.db.pool.query("UPDATE members SET platform_roles = ARRAY['member'] WHERE id = $1", [sam.memberId]);
    env.clock.now += 1999;
    t.true((await env.accounts.authenticateBearer(sam.accessToken)).platformRoles.includes('trust_safety'), 'still cached within 2 s');
    env.clock.now += 1;
    t.deepEqual((await env.accounts.authenticateBearer(sam.accessToken)).platformRoles, ['member'], 'read again after 2 s');
  });

  test.serial(`${kind}: with no cache, a session revoked in the database stops at once`, async (t) => {
    const env = await accountsOn(kind, { sessionCacheSeconds: 0 });
    t.teardown(() => env.db.close());
    const sam = await env.member('Sam');
    await env.accounts.authenticateBearer(sam.accessToken);
    await env.db.pool.query('UPDATE sessions SET revoked_at = now() WHERE member_id = $1', [sam.memberId]);
    await t.throwsAsync(() => env.accounts.authenticateBearer(sam.accessToken), { code: 'session_revoked' } as never);
  });

  test.serial(`${kind}: API keys carry the member's current roles and stop when revoked`, async (t) => {
    const env = await accountsOn(kind);
    t.teardown(() => env.db.close());
    const sam = await env.member('Sam');
    await env.accounts.setPlatformRoles(sam.memberId, ['trust_safety']);
    const key = await env.accounts.createApiKey(sam.memberId, 'bot');
    const principal = await env.accounts.authenticateApiKey(key.key);
    t.true(principal.platformRoles.includes('trust_safety'));
    await env.accounts.setPlatformRoles(sam.memberId, []);
    t.deepEqual((await env.accounts.recheck(principal)).platformRoles, ['member']);
    await env.accounts.revokeApiKey(sam.memberId, key.id);
    await t.throwsAsync(() => env.accounts.recheck(principal), { code: 'invalid_api_key' } as never);
    await t.throwsAsync(() => env.accounts.authenticateApiKey(key.key), { code: 'invalid_api_key' } as never);
  });
}

test.serial('watchAccess tells the member’s watchers after logout and role changes, and not after an unsubscribe', async (t) => {
  const env = await accountsOn('postgres');
  t.teardown(() => env.db.close());
  const sam = await env.member('Sam');
  const other = await env.member('Olga');
  let told = 0;
  const stop = env.accounts.watchAccess(sam.memberId, () => told++);
  await env.accounts.setPlatformRoles(other.memberId, ['trust_safety']);
  t.is(told, 0, "another member's change is not Sam's");
  await env.accounts.setPlatformRoles(sam.memberId, ['trust_safety']);
  t.is(told, 1);
  const principal = await env.accounts.authenticateBearer(sam.accessToken);
  await env.accounts.logOut(principal.sessionId!);
  t.is(told, 2);
  await t.throwsAsync(() => env.accounts.recheck(principal), { code: 'session_revoked' } as never);
  stop();
  await env.accounts.setPlatformRoles(sam.memberId, []);
  t.is(told, 2);
  t.throws(() => env.accounts.watchAccess('', () => undefined), { instanceOf: TypeError });
  t.throws(() => env.accounts.watchAccess(sam.memberId, 'x' as never), { instanceOf: TypeError });
});

test.serial('recheck refuses an expired access token, and a bad session cache setting is a TypeError', async (t) => {
  const env = await accountsOn('postgres');
  t.teardown(() => env.db.close());
  const sam = await env.member('Sam');
  const principal = await env.accounts.authenticateBearer(sam.accessToken);
  env.clock.now = principal.expiresAt! - 1;
  t.is((await env.accounts.recheck(principal)).memberId, sam.memberId);
  env.clock.now = principal.expiresAt!;
  await t.throwsAsync(() => env.accounts.recheck(principal), { code: 'token_expired' } as never);
  for (const sessionCacheSeconds of [60, -1, Number.NaN, undefined]) {
    t.throws(() => new AccountService(env.db.pool, { ...TEST_AUTH, sessionCacheSeconds } as never), { instanceOf: TypeError, message: /sessionCacheSeconds/ });
  }
});
