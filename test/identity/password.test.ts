// scrypt hashing: encoded parameters, random salts, constant-time verification, rehash detection.
import test from 'ava';
import { DEFAULT_SCRYPT_PARAMS, dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from '../../engine/identity/index.js';

const PLAIN = 'correct horse battery staple';

test('the hash encodes scrypt$N$r$p$salt$hash and never contains the password', async (t) => {
  const encoded = await hashPassword(PLAIN);
  const parts = encoded.split('$');
  t.is(parts.length, 6);
  t.deepEqual(parts.slice(0, 4), ['scrypt', String(DEFAULT_SCRYPT_PARAMS.N), String(DEFAULT_SCRYPT_PARAMS.r), String(DEFAULT_SCRYPT_PARAMS.p)]);
  t.is(Buffer.from(parts[4] ?? '', 'base64url').length, 16);
  t.is(Buffer.from(parts[5] ?? '', 'base64url').length, 32);
  t.false(encoded.includes(PLAIN));
});

test('the right password verifies, a wrong one does not', async (t) => {
  const encoded = await hashPassword(PLAIN);
  t.true(await verifyPassword(PLAIN, encoded));
  t.false(await verifyPassword('correct horse battery stapler', encoded));
  t.false(await verifyPassword('', encoded));
});

test('two hashes of the same password differ (random salt) and both verify', async (t) => {
  const [a, b] = await Promise.all([hashPassword(PLAIN), hashPassword(PLAIN)]);
  t.not(a, b);
  t.true(await verifyPassword(PLAIN, a));
  t.true(await verifyPassword(PLAIN, b));
});

test('passwords are NFKC-normalised: composed and decomposed forms verify alike', async (t) => {
  const composed = 'caf\u00e9-au-lait-2024';
  const decomposed = 'cafe\u0301-au-lait-2024';
  t.true(await verifyPassword(decomposed, await hashPassword(composed)));
});

test('the stored parameters are used, and needsRehash flags old ones', async (t) => {
  const cheap = await hashPassword(PLAIN, { N: 2 ** 14, r: 8, p: 1 });
  t.true(cheap.startsWith('scrypt$16384$8$1$'));
  t.true(await verifyPassword(PLAIN, cheap));
  t.true(needsRehash(cheap));
  t.false(needsRehash(await hashPassword(PLAIN)));
});

test('a corrupt or hostile stored hash is a TypeError, not a silent false', async (t) => {
  const good = await hashPassword(PLAIN);
  await t.throwsAsync(verifyPassword(PLAIN, 'bcrypt$2b$10$abc'), { instanceOf: TypeError, message: /encoded/ });
  await t.throwsAsync(verifyPassword(PLAIN, good.replace('scrypt$32768', 'scrypt$2097152')), { instanceOf: TypeError, message: /encoded.N/ });
  await t.throwsAsync(verifyPassword(PLAIN, good.replace('scrypt$32768', 'scrypt$30000')), { instanceOf: TypeError, message: /power of two/ });
  await t.throwsAsync(verifyPassword(PLAIN, `${good}$extra`), { instanceOf: TypeError });
});

test('bad arguments are TypeErrors naming the field', async (t) => {
  await t.throwsAsync(hashPassword(42 as unknown as string), { instanceOf: TypeError, message: /password/ });
  await t.throwsAsync(hashPassword(PLAIN, { N: 1024, r: 8, p: 1 }), { instanceOf: TypeError, message: /params.N/ });
  await t.throwsAsync(verifyPassword(undefined as unknown as string, 'x'), { instanceOf: TypeError, message: /password/ });
});

test('the dummy hash is a valid hash that no guess matches, made once', async (t) => {
  const dummy = await dummyPasswordHash();
  t.is(await dummyPasswordHash(), dummy);
  t.false(await verifyPassword(PLAIN, dummy));
});
