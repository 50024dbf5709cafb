// Opaque refresh tokens: 32 random bytes, stored only as a sha256.
import test from 'ava';
import { createRefreshToken, hashToken, tokenMatchesHash } from '../../engine/identity/index.js';

test('refresh tokens are 32 random bytes in base64url', (t) => {
  const token = createRefreshToken();
  t.regex(token, /^[A-Za-z0-9_-]{43}$/);
  t.is(Buffer.from(token, 'base64url').length, 32);
  t.not(createRefreshToken(), token);
});

test('hashToken is the sha256 hex digest', (t) => {
  t.is(hashToken('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('a token matches its stored hash and nothing else does', (t) => {
  const token = createRefreshToken();
  const stored = hashToken(token);
  t.true(tokenMatchesHash(token, stored));
  t.false(tokenMatchesHash(createRefreshToken(), stored));
});

test('bad arguments are TypeErrors', (t) => {
  t.throws(() => hashToken(''), { instanceOf: TypeError, message: /token/ });
  t.throws(() => tokenMatchesHash('x', 'not-a-digest'), { instanceOf: TypeError, message: /storedHash/ });
});
