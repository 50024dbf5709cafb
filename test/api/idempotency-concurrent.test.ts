// Concurrent requests with one Idempotency-Key run the handler once: the database holds one created row, the
// others are answered 409 idempotency_in_progress (or replay the finished response). A handler that fails releases
// the key, so the retry runs.
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';

let env: TestStack;

test.before(async () => {
  env = await startTestStack({ workers: 0 });
});

test.after.always(async () => {
  await env?.stop();
});

test.serial('eight concurrent room creations with one key create one room', async (t) => {
  t.timeout(90_000);
  const hana = await env.api.signUp('Hana Host');
  const body = { title: 'Once only' };
  const responses = await Promise.all(Array.from({ length: 8 }, () => hana.client.post('/v1/rooms', body, { 'idempotency-key': 'create-once' })));
  const { rows } = await env.stack.database.pool.query('SELECT id FROM rooms WHERE host_member_id = $1', [hana.memberId]);
  t.is(rows.length, 1, `statuses: ${responses.map((r) => r.status).join(',')}`);
  const created = responses.filter((r) => r.status === 201);
  t.true(created.length >= 1);
  t.true(created.every((r) => r.body.id === rows[0].id), 'every 201 names the one room');
  const others = responses.filter((r) => r.status !== 201);
  t.true(others.every((r) => r.status === 409 && r.body.error.code === 'idempotency_in_progress' && r.headers.get('retry-after') === '1'), JSON.stringify(others.map((r) => r.body)));
  const replay = await hana.client.post('/v1/rooms', body, { 'idempotency-key': 'create-once' });
  t.is(replay.status, 201);
  t.is(replay.body.id, rows[0].id);
});

test.serial('eight concurrent API key creations with one key create one key and show it once', async (t) => {
  const ada = await env.api.signUp('Ada');
  const responses = await Promise.all(Array.from({ length: 8 }, () => ada.client.post('/v1/api-keys', { name: 'bot' }, { 'idempotency-key': 'k' })));
  const { rows } = await env.stack.database.pool.query('SELECT id FROM api_keys WHERE member_id = $1', [ada.memberId]);
  t.is(rows.length, 1, `statuses: ${responses.map((r) => r.status).join(',')}`);
  t.is(responses.filter((r) => r.status === 201 && typeof r.body.key === 'string').length, 1, 'the secret is shown in exactly one response');
});

test.serial('a request whose handler fails releases the key: the retry runs', async (t) => {
  t.timeout(90_000);
  const host = await env.api.signUp('Hana Host');
  const lee = await env.api.signUp('Lee Listener');
  const room = await host.client.post('/v1/rooms', { title: 'Reactions' });
  t.is(room.status, 201);
  const react = () => lee.client.post(`/v1/rooms/${room.body.id}/stage/reactions`, { emoji: '👏' }, { 'idempotency-key': 'clap-1' });
  const refused = await react();
  t.is(refused.status, 403, 'not in the room yet');
  const { rows } = await env.stack.database.pool.query('SELECT count(*)::int AS n FROM idempotency_keys WHERE member_id = $1', [lee.memberId]);
  t.is(rows[0].n, 0, 'the failed request left no claim');
  t.is((await lee.client.post(`/v1/rooms/${room.body.id}/join`, { acceptTranscription: true })).status, 200);
  const retried = await react();
  t.is(retried.status, 200, JSON.stringify(retried.body));
  t.is(retried.headers.get('idempotent-replayed'), null, 'the handler ran');
  t.is(retried.body.reactions['👏'], 1);
  const replayed = await react();
  t.is(replayed.headers.get('idempotent-replayed'), 'true');
  t.is(replayed.body.reactions['👏'], 1);
});
