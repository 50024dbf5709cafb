// Every rooms endpoint rejects malformed input with 400 and names the field; nothing is created.
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';
import { createRoom } from './_helpers.js';

let env: TestStack;
test.before(async () => {
  env = await startTestStack({ workers: 0 });
});
test.after.always(() => env?.stop());

const cases: [string, string, string, unknown, string][] = [
  ['create without title', 'POST', '/v1/rooms', { description: 'x' }, 'body.title'],
  ['create with empty title', 'POST', '/v1/rooms', { title: '   ' }, 'body.title'],
  ['create with unknown visibility', 'POST', '/v1/rooms', { title: 'x', visibility: 'secret' }, 'body.visibility'],
  ['create with zero capacity', 'POST', '/v1/rooms', { title: 'x', maxListeners: 0 }, 'body.maxListeners'],
  ['create with a bad topic', 'POST', '/v1/rooms', { title: 'x', topics: ['<script>'] }, 'body.topics.0'],
  ['create with a bad time', 'POST', '/v1/rooms', { title: 'x', scheduledFor: 'tomorrow' }, 'body.scheduledFor'],
  ['create with a bad group id', 'POST', '/v1/rooms', { title: 'x', groupId: 'g1' }, 'body.groupId'],
  ['list with a bad status', 'GET', '/v1/rooms?status=past', undefined, 'query.status'],
  ['list with a huge limit', 'GET', '/v1/rooms?limit=5000', undefined, 'query.limit'],
  ['get with a bad id', 'GET', '/v1/rooms/not-a-uuid', undefined, 'params.roomId'],
  ['join without consent field', 'POST', '/v1/rooms/ROOM/join', {}, 'body.acceptTranscription'],
  ['invite without member', 'POST', '/v1/rooms/ROOM/invitations', { memberId: 'x' }, 'body.memberId'],
  ['transcript with a bad cursor', 'GET', '/v1/rooms/ROOM/transcript?after=abc', undefined, 'query.after'],
];

for (const [name, method, path, body, field] of cases) {
  test(`${name} -> 400 naming ${field}`, async (t) => {
    const host = await env.api.signUp('Bad Input');
    const room = await createRoom(host.client);
    const count = async () => (await env.stack.database.pool.query('SELECT count(*)::int AS n FROM rooms WHERE host_member_id = $1', [host.memberId])).rows[0].n;
    const before = await count();
    const res = await host.client.request(method, path.replace('ROOM', room.id), body);
    t.is(res.status, 400, JSON.stringify(res.body));
    t.is(res.body.error.code, 'validation_failed');
    t.true(res.body.error.details.some((d: { field: string }) => d.field === field), JSON.stringify(res.body.error.details));
    t.regex(res.body.error.message, new RegExp(field.replace(/\./g, '\\.')));
    t.is(await count(), before, 'nothing was created');
  });
}

test('a body that is not JSON is a 400 naming the body', async (t) => {
  const host = await env.api.signUp('Json Less');
  const res = await host.client.request('POST', '/v1/rooms', '{"title": ', { 'content-type': 'application/json' });
  t.is(res.status, 400);
  t.is(res.body.error.code, 'invalid_json');
  t.is(res.body.error.details[0].field, 'body');
});

test('an unauthenticated call is a 401 in the same error shape', async (t) => {
  const res = await env.api.post('/v1/rooms', { title: 'x' });
  t.is(res.status, 401);
  t.deepEqual(Object.keys(res.body.error).sort(), ['code', 'details', 'message']);
});

test('an Idempotency-Key replays the first create instead of making a second room', async (t) => {
  const host = await env.api.signUp('Ida Idem');
  const first = await host.client.post('/v1/rooms', { title: 'Once' }, { 'idempotency-key': 'create-once-1' });
  const again = await host.client.post('/v1/rooms', { title: 'Once' }, { 'idempotency-key': 'create-once-1' });
  t.is(first.status, 201);
  t.is(again.status, 201);
  t.is(again.body.id, first.body.id);
  t.is(again.headers.get('idempotent-replayed'), 'true');
  const reused = await host.client.post('/v1/rooms', { title: 'Different' }, { 'idempotency-key': 'create-once-1' });
  t.is(reused.status, 422);
});
