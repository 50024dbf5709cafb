// An API key is shown once. Created with an Idempotency-Key, the response kept for replays has no secret (no table
// holds the key in clear), and a replay answers with the key's id and name, key null and keyRedacted true.
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';

let env: TestStack;

test.before(async () => {
  env = await startTestStack({ workers: 0 });
});

test.after.always(async () => {
  await env?.stop();
});

/** Every table and column of the database whose text contains `needle`. */
async function whereStored(needle: string): Promise<string[]> {
  const pool = env.stack.database.pool;
  const { rows: tables } = await pool.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
  );
  const found: string[] = [];
  for (const { table_name } of tables) {
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "${table_name}" t WHERE t::text LIKE $1`, [`%${needle}%`]);
    if (rows[0].n > 0) found.push(table_name);
  }
  return found;
}

test('creating a key with an Idempotency-Key stores no secret, and the replay does not reveal it', async (t) => {
  const ada = await env.api.signUp('Ada');
  const headers = { 'idempotency-key': 'key-create-1' };
  const created = await ada.client.post('/v1/api-keys', { name: 'ci bot' }, headers);
  t.is(created.status, 201, JSON.stringify(created.body));
  t.regex(created.body.key, /^rt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
  t.false(created.body.keyRedacted);
  const secret = created.body.key.slice(`rt_${created.body.id}_`.length);

  t.deepEqual(await whereStored(secret), [], 'no table holds the secret');
  const { rows } = await env.stack.database.pool.query("SELECT status, body FROM idempotency_keys WHERE member_id = $1 AND operation = 'createApiKey'", [ada.memberId]);
  t.is(rows.length, 1);
  t.deepEqual(rows[0].body, { id: created.body.id, name: 'ci bot', key: null, keyRedacted: true });

  const replay = await ada.client.post('/v1/api-keys', { name: 'ci bot' }, headers);
  t.is(replay.status, 201);
  t.is(replay.headers.get('idempotent-replayed'), 'true');
  t.deepEqual(replay.body, { id: created.body.id, name: 'ci bot', key: null, keyRedacted: true });
  t.false(JSON.stringify(replay.body).includes(secret));

  const keys = await env.stack.database.pool.query('SELECT id FROM api_keys WHERE member_id = $1', [ada.memberId]);
  t.deepEqual(keys.rows.map((r) => r.id), [created.body.id], 'one key, created once');
  const me = await env.api.request('GET', '/v1/me', undefined, { 'x-api-key': created.body.key });
  t.is(me.status, 200, 'the key shown once works');
});

test('the same key created without an Idempotency-Key is shown and not stored either', async (t) => {
  const bob = await env.api.signUp('Bob');
  const created = await bob.client.post('/v1/api-keys', { name: 'plain' });
  t.is(created.status, 201);
  t.is(typeof created.body.key, 'string');
  t.deepEqual(await whereStored(created.body.key.slice(20)), []);
});
