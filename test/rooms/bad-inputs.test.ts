// Every rooms endpoint rejects malformed input with 400 and names the field; nothing is written in any table.
// Serial: the check compares every table before and after, so no other test may write meanwhile.
import test from 'ava';
import { assertRefusedAndNothingWritten, type BadInput } from '../support/bad-input.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { createRoom } from './_helpers.js';

let env: TestStack;
test.before(async () => {
  env = await startTestStack({ workers: 0 });
});
test.after.always(() => env?.stop());

const cases: BadInput[] = [
  { name: 'create without title', method: 'POST', path: '/v1/rooms', body: { description: 'x' }, field: 'body.title' },
  { name: 'create with empty title', method: 'POST', path: '/v1/rooms', body: { title: '   ' }, field: 'body.title' },
  { name: 'create with unknown visibility', method: 'POST', path: '/v1/rooms', body: { title: 'x', visibility: 'secret' }, field: 'body.visibility' },
  { name: 'create with zero capacity', method: 'POST', path: '/v1/rooms', body: { title: 'x', maxListeners: 0 }, field: 'body.maxListeners' },
  { name: 'create with a bad topic', method: 'POST', path: '/v1/rooms', body: { title: 'x', topics: ['<script>'] }, field: 'body.topics.0' },
  { name: 'create with a bad time', method: 'POST', path: '/v1/rooms', body: { title: 'x', scheduledFor: 'tomorrow' }, field: 'body.scheduledFor' },
  { name: 'create with a bad group id', method: 'POST', path: '/v1/rooms', body: { title: 'x', groupId: 'g1' }, field: 'body.groupId' },
  // Found by the fuzzer: a time before 1970 reached the lifecycle as a negative number and became a 500.
  {
    name: 'create scheduled before 1970 (in a group you are not in)',
    method: 'POST',
    path: '/v1/rooms',
    body: { title: 'x', scheduledFor: '0161-11-06T07:22:58Z', groupId: '3f0e8a52-4b8e-4d7c-9a57-0c6b1f4e2d11' },
    field: 'scheduledFor',
    code: 'start_not_in_future',
  },
  { name: 'list with a bad status', method: 'GET', path: '/v1/rooms?status=past', field: 'query.status' },
  { name: 'list with a huge limit', method: 'GET', path: '/v1/rooms?limit=5000', field: 'query.limit' },
  { name: 'get with a bad id', method: 'GET', path: '/v1/rooms/not-a-uuid', field: 'params.roomId' },
  { name: 'join without consent field', method: 'POST', path: '/v1/rooms/ROOM/join', body: {}, field: 'body.acceptTranscription' },
  { name: 'join refusing the transcription', method: 'POST', path: '/v1/rooms/ROOM/join', body: { acceptTranscription: false }, field: 'body.acceptTranscription' },
  { name: 'invite without member', method: 'POST', path: '/v1/rooms/ROOM/invitations', body: { memberId: 'x' }, field: 'body.memberId' },
  { name: 'transcript with a bad cursor', method: 'GET', path: '/v1/rooms/ROOM/transcript?after=abc', field: 'query.after' },
];

/** LiveKit reports the new room by webhook, a write of its own; wait for it so it is not taken for the request's. */
async function roomStartedWebhook(roomId: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rowCount } = await env.stack.database.pool.query("SELECT 1 FROM livekit_webhook_events WHERE room_name = $1 AND event = 'room_started'", [roomId]);
    if (rowCount) return;
    if (Date.now() > deadline) throw new Error(`no room_started webhook for ${roomId}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const c of cases) {
  test.serial(`${c.name} -> ${c.status ?? 400} naming ${c.field}`, async (t) => {
    const host = await env.api.signUp('Bad Input');
    const room = await createRoom(host.client);
    await roomStartedWebhook(room.id);
    await assertRefusedAndNothingWritten(t, env.stack.database.pool, host.client, { ...c, path: c.path.replace('ROOM', room.id) });
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
