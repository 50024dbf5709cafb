// An access token is honoured only for the member its session belongs to: a validly signed token naming one
// member's session and another member's id is refused.
import test from 'ava';
import { signAccessToken } from '../../engine/identity/index.js';
import { BACKENDS } from '../support/database.js';
import { TEST_AUTH, accountsOn } from './_accounts.js';

for (const kind of BACKENDS) {
  test.serial(`${kind}: a token whose session belongs to someone else is refused`, async (t) => {
    const env = await accountsOn(kind);
    t.teardown(() => env.db.close());
    const ada = await env.member('Ada');
    const bob = await env.member('Bob');
    const adaPrincipal = await env.accounts.authenticateBearer(ada.accessToken);
    t.is(adaPrincipal.memberId, ada.memberId);

    const forged = signAccessToken({ sub: bob.memberId, roles: ['member'], sid: adaPrincipal.sessionId! }, TEST_AUTH.jwtSecret, Math.floor(env.clock.now / 1000), 900);
    await t.throwsAsync(() => env.accounts.authenticateBearer(forged), { code: 'session_invalid' } as never);
    t.is((await env.accounts.authenticateBearer(bob.accessToken)).memberId, bob.memberId, "Bob's own token still works");
  });

  test.serial(`${kind}: a token naming a session that does not exist, or an expired session, is refused`, async (t) => {
    const env = await accountsOn(kind);
    t.teardown(() => env.db.close());
    const ada = await env.member('Ada');
    const unknown = signAccessToken({ sub: ada.memberId, roles: ['member'], sid: '00000000-0000-4000-8000-000000000000' }, TEST_AUTH.jwtSecret, Math.floor(env.clock.now / 1000), 900);
    await t.throwsAsync(() => env.accounts.authenticateBearer(unknown), { code: 'session_invalid' } as never);

    const sid = (await env.accounts.authenticateBearer(ada.accessToken)).sessionId;
    await env.db.pool.query('UPDATE sessions SET expires_at = $1 WHERE id = $2', [new Date(env.clock.now - 1000), sid]);
    await t.throwsAsync(() => env.accounts.authenticateBearer(ada.accessToken), { code: 'session_revoked' } as never);
  });
}
