// HS256 access tokens with a fixed clock: round trip, expiry boundary, tampering, alg confusion, malformed input.
import { createHmac } from 'node:crypto';
import test from 'ava';
import { signAccessToken, verifyAccessToken } from '../../engine/identity/index.js';

const SECRET = 'test-secret-0123456789-0123456789-abcdef';
const NOW = 1_700_000_000;
const TTL = 900;
const claims = { sub: 'member-1', roles: ['member', 'trust_safety'] as const, sid: 'session-1' };

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const sign = (body: string, secret = SECRET) => createHmac('sha256', secret).update(body).digest('base64url');

test('a signed token verifies to its claims with iat and exp', (t) => {
  const token = signAccessToken(claims, SECRET, NOW, TTL);
  t.deepEqual(verifyAccessToken(token, SECRET, NOW + 10), {
    ok: true,
    claims: { sub: 'member-1', roles: ['member', 'trust_safety'], sid: 'session-1', iat: NOW, exp: NOW + TTL },
  });
});

test('the token is a standard HS256 JWT', (t) => {
  const [header, payload, signature] = signAccessToken(claims, SECRET, NOW, TTL).split('.');
  t.deepEqual(JSON.parse(Buffer.from(header ?? '', 'base64url').toString()), { alg: 'HS256', typ: 'JWT' });
  t.is(signature, sign(`${header}.${payload}`));
});

test('valid up to the last second before exp, expired from exp on', (t) => {
  const token = signAccessToken(claims, SECRET, NOW, TTL);
  t.true(verifyAccessToken(token, SECRET, NOW + TTL - 1).ok);
  t.like(verifyAccessToken(token, SECRET, NOW + TTL), { ok: false, error: { code: 'expired' } });
  t.true(verifyAccessToken(token, SECRET, NOW + TTL, { leewaySeconds: 5 }).ok);
});

test('a token issued in the future is not yet valid', (t) => {
  const token = signAccessToken(claims, SECRET, NOW + 600, TTL);
  t.like(verifyAccessToken(token, SECRET, NOW), { ok: false, error: { code: 'not_yet_valid' } });
});

test('a wrong secret or a changed payload fails the signature', (t) => {
  const token = signAccessToken(claims, SECRET, NOW, TTL);
  t.like(verifyAccessToken(token, `${SECRET}-other`, NOW), { ok: false, error: { code: 'bad_signature' } });
  const [header, , signature] = token.split('.');
  const forged = `${header}.${b64({ ...claims, roles: ['admin'], iat: NOW, exp: NOW + TTL })}.${signature}`;
  t.like(verifyAccessToken(forged, SECRET, NOW), { ok: false, error: { code: 'bad_signature' } });
});

test('alg none and other algorithms are refused even with a matching signature', (t) => {
  const payload = b64({ ...claims, iat: NOW, exp: NOW + TTL });
  const none = `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`;
  t.like(verifyAccessToken(none, SECRET, NOW), { ok: false, error: { code: 'malformed' } });
  const noneSigned = `${b64({ alg: 'none' })}.${payload}.${sign(`${b64({ alg: 'none' })}.${payload}`)}`;
  t.like(verifyAccessToken(noneSigned, SECRET, NOW), { ok: false, error: { code: 'unsupported_alg' } });
  const hs512 = `${b64({ alg: 'HS512' })}.${payload}`;
  t.like(verifyAccessToken(`${hs512}.${sign(hs512)}`, SECRET, NOW), { ok: false, error: { code: 'unsupported_alg' } });
});

test('malformed tokens say so', (t) => {
  for (const bad of ['', 'abc', 'a.b', 'a.b.c.d', 'a.b!.c', 42 as unknown as string]) {
    t.like(verifyAccessToken(bad, SECRET, NOW), { ok: false, error: { code: 'malformed' } }, String(bad));
  }
  const header = b64({ alg: 'HS256', typ: 'JWT' });
  const notJson = Buffer.from('not json').toString('base64url');
  t.like(verifyAccessToken(`${header}.${notJson}.${sign(`${header}.${notJson}`)}`, SECRET, NOW), { ok: false, error: { code: 'malformed' } });
  const noSid = b64({ sub: 'm', roles: ['member'], iat: NOW, exp: NOW + 1 });
  t.like(verifyAccessToken(`${header}.${noSid}.${sign(`${header}.${noSid}`)}`, SECRET, NOW), { ok: false, error: { code: 'malformed' } });
  const badRole = b64({ sub: 'm', sid: 's', roles: ['root'], iat: NOW, exp: NOW + 1 });
  t.like(verifyAccessToken(`${header}.${badRole}.${sign(`${header}.${badRole}`)}`, SECRET, NOW), { ok: false, error: { code: 'malformed' } });
});

test('bad arguments to sign and verify are TypeErrors naming the field', (t) => {
  t.throws(() => signAccessToken(claims, 'short', NOW, TTL), { instanceOf: TypeError, message: /secret/ });
  t.throws(() => signAccessToken({ ...claims, sub: '' }, SECRET, NOW, TTL), { instanceOf: TypeError, message: /claims.sub/ });
  t.throws(() => signAccessToken({ ...claims, roles: ['root' as never] }, SECRET, NOW, TTL), { instanceOf: TypeError, message: /claims.roles/ });
  t.throws(() => signAccessToken(claims, SECRET, Date.now() / 1000, TTL), { instanceOf: TypeError, message: /nowSeconds/ });
  t.throws(() => signAccessToken(claims, SECRET, NOW, 0), { instanceOf: TypeError, message: /ttlSeconds/ });
  t.throws(() => verifyAccessToken('a.b.c', SECRET, -1), { instanceOf: TypeError, message: /nowSeconds/ });
});
