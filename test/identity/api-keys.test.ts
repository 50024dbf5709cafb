// API keys: rt_<id>_<secret>; the id is stored in clear, the key only as a hash.
import test from 'ava';
import { createApiKey, hashToken, parseApiKey, verifyApiKey } from '../../engine/identity/index.js';

test('a new key has the rt_<id>_<secret> form, and its hash is the sha256 of the whole key', (t) => {
  const { id, key, hash } = createApiKey();
  t.regex(id, /^[0-9a-f]{16}$/);
  t.true(key.startsWith(`rt_${id}_`));
  t.is(hash, hashToken(key));
  t.false(hash.includes(key.slice(20)));
});

test('parseApiKey splits id and secret, even when the secret contains underscores', (t) => {
  const secret = `${'a_'.repeat(21)}b`;
  t.deepEqual(parseApiKey(`rt_0123456789abcdef_${secret}`), { id: '0123456789abcdef', secret });
  const { id, key } = createApiKey();
  t.is(parseApiKey(key)?.id, id);
});

test('parseApiKey returns null for anything else', (t) => {
  for (const bad of ['', 'rt_', 'sk_0123456789abcdef_' + 'a'.repeat(43), 'rt_0123456789ABCDEF_' + 'a'.repeat(43), 'rt_0123456789abcdef_short', 7]) {
    t.is(parseApiKey(bad as string), null, String(bad));
  }
});

test('verifyApiKey accepts the key for its stored hash only', (t) => {
  const a = createApiKey();
  const b = createApiKey();
  t.true(verifyApiKey(a.key, a.hash));
  t.false(verifyApiKey(b.key, a.hash));
  t.false(verifyApiKey('not a key', a.hash));
});
