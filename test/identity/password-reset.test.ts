// Operator-issued password resets on the real stack: an imported member (unusable random password) cannot log in;
// `roundtable password-reset <email>` prints a single-use, expiring link; POST /v1/auth/password-reset with its token
// sets the password (the sign-up policy), consumes the token and ends the member's other sessions; then the member
// logs in with it. Refusals: unknown, used, expired and superseded tokens, a weak password (which leaves the token
// usable). The truth: password_resets and sessions rows, and what login answers.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { importMembersCommand } from '../../cli/matching.js';
import { passwordResetCommand } from '../../cli/password-reset.js';
import { AccountService } from '../../engine/identity/account-service.js';
import { startTestStack, type TestStack } from '../support/stack.js';

let env: TestStack;
test.before(async () => {
  env = await startTestStack({ workers: 0 });
});
test.after.always(() => env?.stop());

const NEW_PASSWORD = 'a brand new passphrase 42';
const db = () => env.stack.database.pool;

async function importMember(name: string): Promise<string> {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${crypto.randomBytes(3).toString('hex')}@example.test`;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rt-reset-'));
  const file = path.join(dir, 'members.jsonl');
  await fs.writeFile(
    file,
    `${JSON.stringify({
      email,
      displayName: name,
      headline: 'Partner at a seed fund',
      experience: [{ role: 'Partner', company: 'Fund', years: 6, description: 'Led a team of twelve engineers building the platform behind billing and reporting.' }],
      skills: ['fundraising'],
      offers: ['Fundraising advice for seed-stage founders'],
      seeks: ['Founders building climate software'],
      languages: ['en'],
      timeZone: 'Europe/Rome',
      availability: { parts: ['weekday_mornings'] },
    })}\n`,
  );
  let err = '';
  try {
    const code = await importMembersCommand([file, '--no-embed'], env.config, env.stack.services.log, { out: () => undefined, err: (s) => (err += s) });
    if (code !== 0) throw new Error(`import failed: ${err}`);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
  return email;
}

async function resetLink(email: string): Promise<{ code: number; out: string; err: string; token?: string }> {
  let out = '';
  let err = '';
  const code = await passwordResetCommand([email], env.config, env.stack.services.log, { out: (s) => (out += s), err: (s) => (err += s) });
  const match = /\/reset-password\?token=([A-Za-z0-9_-]+)/.exec(out);
  return { code, out, err, token: match?.[1] };
}

const redeem = (token: string, password = NEW_PASSWORD) => env.api.post('/v1/auth/password-reset', { token, password });
const logIn = (email: string, password: string) => env.api.post('/v1/auth/login', { email, password });

test('an imported member sets a password through an operator-issued link, then logs in', async (t) => {
  t.timeout(120_000);
  const email = await importMember('Imma Imported');
  t.is((await logIn(email, NEW_PASSWORD)).status, 401, 'before: no usable password');

  const issued = await resetLink(email);
  t.is(issued.code, 0, issued.err);
  t.truthy(issued.token, issued.out);
  t.true(issued.out.startsWith(`Password reset for ${email}`));
  t.true(issued.out.includes(`${env.stack.apiUrl.replace(/\/$/, '')}/reset-password?token=`), issued.out);
  // Stored hashed: the row holds the token's sha256, never the token.
  const { rows } = await db().query<{ token_hash: string; used_at: Date | null; expires_at: Date; created_at: Date }>(
    'SELECT r.token_hash, r.used_at, r.expires_at, r.created_at FROM password_resets r JOIN members m ON m.id = r.member_id WHERE lower(m.email) = lower($1)',
    [email],
  );
  t.is(rows.length, 1);
  t.is(rows[0]!.token_hash, crypto.createHash('sha256').update(issued.token!).digest('hex'));
  t.is(rows[0]!.used_at, null);
  t.is(rows[0]!.expires_at.getTime() - rows[0]!.created_at.getTime(), env.config.auth.passwordResetTtlSeconds * 1000);

  // A weak password is refused like at sign-up, and leaves the token usable.
  const weak = await redeem(issued.token!, 'password123');
  t.is(weak.status, 400);
  t.is(weak.body.error.code, 'weak_password');
  t.is(weak.body.error.details[0]?.field, 'password');
  const short = await redeem(issued.token!, 'short');
  t.is(short.status, 400);
  t.is(short.body.error.details[0]?.field, 'body.password');

  const done = await redeem(issued.token!);
  t.is(done.status, 200, JSON.stringify(done.body));
  t.truthy(done.body.accessToken, 'a new session');
  t.is((await env.api.withToken(done.body.accessToken).get('/v1/me/notifications')).status, 200);
  t.is((await logIn(email, NEW_PASSWORD)).status, 200, 'after: the new password logs in');
  const used = await db().query<{ used_at: Date | null }>('SELECT used_at FROM password_resets WHERE token_hash = $1', [rows[0]!.token_hash]);
  t.not(used.rows[0]!.used_at, null, 'consumed');

  const again = await redeem(issued.token!, 'another fine passphrase 7');
  t.is(again.status, 409);
  t.is(again.body.error.code, 'reset_token_used');
  t.is(again.body.error.details[0]?.field, 'token');
  t.is((await logIn(email, 'another fine passphrase 7')).status, 401, 'a used token changed nothing');
});

test('a reset ends the other sessions; a newer link supersedes the older; unknown and expired tokens are refused', async (t) => {
  t.timeout(120_000);
  const member = await env.api.signUp('Forgetful Fran');
  t.is((await member.client.get('/v1/me/notifications')).status, 200);
  const older = await resetLink(member.email);
  const newer = await resetLink(member.email);
  t.is(newer.code, 0);

  const superseded = await redeem(older.token!);
  t.is(superseded.status, 400);
  t.is(superseded.body.error.code, 'reset_token_unknown');
  const unknown = await redeem(crypto.randomBytes(32).toString('base64url'));
  t.is(unknown.status, 400);
  t.is(unknown.body.error.code, 'reset_token_unknown');
  t.regex(unknown.body.error.message, /not valid/);

  // Two redemptions at once: one wins, the other finds the token used.
  const both = await Promise.all([redeem(newer.token!), redeem(newer.token!, 'a different passphrase 99')]);
  t.deepEqual(both.map((r) => r.status).sort(), [200, 409]);
  t.is((await member.client.get('/v1/me/notifications')).status, 401, 'the session from before the reset is over');
  const { rows } = await db().query<{ n: number }>('SELECT count(*)::int AS n FROM sessions WHERE member_id = $1 AND revoked_at IS NULL', [member.memberId]);
  t.is(rows[0]!.n, 1, 'only the session the reset opened');

  // Expired: a link issued two days ago with a one-day lifetime (the issuing service's clock set back).
  const past = new AccountService(db(), env.config.auth, () => Date.now() - 2 * 86_400_000);
  const stale = await past.issuePasswordReset(member.email, 86_400);
  const expired = await redeem(stale.token);
  t.is(expired.status, 400);
  t.is(expired.body.error.code, 'reset_token_expired');
  t.is(expired.body.error.details[0]?.field, 'token');
});

test('the CLI refuses an unknown email and bad usage; the route is in the OpenAPI document', async (t) => {
  const missing = await resetLink('nobody.here@example.test');
  t.is(missing.code, 1);
  t.regex(missing.err, /no member with email nobody\.here@example\.test/);
  let err = '';
  t.is(await passwordResetCommand([], env.config, env.stack.services.log, { out: () => undefined, err: (s) => (err += s) }), 2);
  t.regex(err, /usage: roundtable password-reset/);
  const doc = await env.api.get('/v1/openapi.json');
  t.is(doc.body.paths['/v1/auth/password-reset']?.post?.operationId, 'resetPassword');
  const bad = await env.api.post('/v1/auth/password-reset', { password: NEW_PASSWORD });
  t.is(bad.status, 400);
  t.is(bad.body.error.details[0]?.field, 'body.token');
});
