// Refresh tokens rotate; presenting one that was already rotated away revokes the whole session (the family):
// the current refresh token and every access token of the session stop working.
import test from 'ava';
import { BACKENDS } from '../support/database.js';
import { accountsOn } from './_accounts.js';

for (const kind of BACKENDS) {
  test.serial(`${kind}: reusing a rotated refresh token ends the session`, async (t) => {
    const env = await accountsOn(kind);
    t.teardown(() => env.db.close());
    const ada = await env.member('Ada');
    const second = await env.accounts.refresh(ada.refreshToken);
    t.not(second.refreshToken, ada.refreshToken);
    const third = await env.accounts.refresh(second.refreshToken);
    t.is((await env.accounts.authenticateBearer(third.accessToken)).memberId, ada.memberId);

    await t.throwsAsync(() => env.accounts.refresh(ada.refreshToken), { code: 'refresh_token_reused' } as never);
    await t.throwsAsync(() => env.accounts.refresh(third.refreshToken), { code: 'invalid_refresh_token' } as never, 'the current token is revoked too');
    for (const token of [ada.accessToken, second.accessToken, third.accessToken]) {
      await t.throwsAsync(() => env.accounts.authenticateBearer(token), { code: 'session_revoked' } as never);
    }
    const { rows } = await env.db.pool.query('SELECT revoked_at FROM sessions WHERE member_id = $1', [ada.memberId]);
    t.is(rows.length, 1);
    t.truthy(rows[0].revoked_at, 'the database holds the revocation');
  });

  test.serial(`${kind}: reuse ends only that session; another login of the member keeps working`, async (t) => {
    const env = await accountsOn(kind);
    t.teardown(() => env.db.close());
    const ada = await env.member('Ada');
    const phone = await env.accounts.logIn({ email: ada.email, password: 'correct horse battery staple', ip: '127.0.0.1' });
    await env.accounts.refresh(ada.refreshToken);
    await t.throwsAsync(() => env.accounts.refresh(ada.refreshToken), { code: 'refresh_token_reused' } as never);
    t.is((await env.accounts.authenticateBearer(phone.accessToken)).memberId, ada.memberId);
    t.truthy(await env.accounts.refresh(phone.refreshToken));
  });

  test.serial(`${kind}: two concurrent refreshes with one token: one rotates, the reuse ends the session`, async (t) => {
    const env = await accountsOn(kind);
    t.teardown(() => env.db.close());
    const ada = await env.member('Ada');
    const results = await Promise.allSettled([env.accounts.refresh(ada.refreshToken), env.accounts.refresh(ada.refreshToken)]);
    t.is(results.filter((r) => r.status === 'fulfilled').length, 1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    t.is(refused.reason.code, 'refresh_token_reused');
    const { rows } = await env.db.pool.query('SELECT revoked_at FROM sessions WHERE member_id = $1', [ada.memberId]);
    t.truthy(rows[0].revoked_at);
  });

  test.serial(`${kind}: an unknown or expired refresh token is invalid and revokes nothing`, async (t) => {
    const env = await accountsOn(kind);
    t.teardown(() => env.db.close());
    const ada = await env.member('Ada');
    await t.throwsAsync(() => env.accounts.refresh('not-a-real-refresh-token-at-all'), { code: 'invalid_refresh_token' } as never);
    env.clock.now += 3600 * 1000;
    await t.throwsAsync(() => env.accounts.refresh(ada.refreshToken), { code: 'invalid_refresh_token' } as never);
    const { rows } = await env.db.pool.query('SELECT revoked_at FROM sessions WHERE member_id = $1', [ada.memberId]);
    t.is(rows[0].revoked_at, null);
  });
}
