// Every stage endpoint validates its path and body: a bad value answers 400 validation_failed naming the field.
import { randomUUID } from 'node:crypto';
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';
import { type Member, join, liveRoom, signUp } from './_fixtures.js';

let env: TestStack;
let member: Member;

test.before(async () => {
  env = await startTestStack({ workers: 0 });
  member = await signUp(env, 'Val Validator');
});

test.after.always(async () => {
  await env?.stop();
});

const M = randomUUID();
/** Every stage route, with a valid body where one is needed. */
const ROUTES: { method: string; path: (roomId: string, memberId: string) => string; body?: unknown }[] = [
  { method: 'GET', path: (r) => `/v1/rooms/${r}/stage` },
  { method: 'GET', path: (r) => `/v1/rooms/${r}/stage/events` },
  { method: 'POST', path: (r) => `/v1/rooms/${r}/stage/hand` },
  { method: 'DELETE', path: (r) => `/v1/rooms/${r}/stage/hand` },
  { method: 'POST', path: (r, m) => `/v1/rooms/${r}/stage/hands/${m}/approve` },
  { method: 'POST', path: (r, m) => `/v1/rooms/${r}/stage/hands/${m}/dismiss` },
  { method: 'PUT', path: (r) => `/v1/rooms/${r}/stage/hand-raising`, body: { enabled: true } },
  { method: 'POST', path: (r) => `/v1/rooms/${r}/stage/invites`, body: { memberId: M } },
  { method: 'POST', path: (r) => `/v1/rooms/${r}/stage/invite/accept` },
  { method: 'POST', path: (r) => `/v1/rooms/${r}/stage/invite/decline` },
  { method: 'POST', path: (r, m) => `/v1/rooms/${r}/stage/participants/${m}/move-to-audience` },
  { method: 'POST', path: (r) => `/v1/rooms/${r}/stage/leave` },
  { method: 'POST', path: (r, m) => `/v1/rooms/${r}/stage/participants/${m}/mute` },
  { method: 'POST', path: (r, m) => `/v1/rooms/${r}/stage/participants/${m}/remove`, body: { ban: true } },
  { method: 'POST', path: (r, m) => `/v1/rooms/${r}/stage/participants/${m}/cohost` },
  { method: 'DELETE', path: (r, m) => `/v1/rooms/${r}/stage/participants/${m}/cohost` },
  { method: 'POST', path: (r) => `/v1/rooms/${r}/stage/reactions`, body: { emoji: '👏' } },
  { method: 'POST', path: (r) => `/v1/rooms/${r}/end` },
];

async function expect400(t: import('ava').ExecutionContext, method: string, path: string, body: unknown, field: string): Promise<void> {
  const res = await member.client.request(method, path, body);
  t.is(res.status, 400, `${method} ${path} ${JSON.stringify(body)} -> ${res.status} ${JSON.stringify(res.body)}`);
  const fields: string[] = (res.body?.error?.details ?? []).map((d: { field?: string }) => d.field);
  t.true(fields.includes(field), `${method} ${path}: expected ${field} in ${JSON.stringify(fields)}`);
}

test('a room id that is not a UUID is named on every stage endpoint', async (t) => {
  for (const r of ROUTES) await expect400(t, r.method, r.path('not-a-uuid', M), r.body, 'params.roomId');
});

test('a member id that is not a UUID is named on every endpoint that targets a participant', async (t) => {
  const targeted = ROUTES.filter((r) => r.path('R', 'MEMBER').includes('MEMBER'));
  t.is(targeted.length, 7);
  for (const r of targeted) await expect400(t, r.method, r.path(randomUUID(), 'nobody'), r.body, 'params.memberId');
});

test('bodies: missing, mistyped and out-of-palette values are named', async (t) => {
  const room = randomUUID();
  const cases: [string, string, unknown, string][] = [
    ['PUT', `/v1/rooms/${room}/stage/hand-raising`, undefined, 'body'],
    ['PUT', `/v1/rooms/${room}/stage/hand-raising`, {}, 'body.enabled'],
    ['PUT', `/v1/rooms/${room}/stage/hand-raising`, { enabled: 'yes' }, 'body.enabled'],
    ['POST', `/v1/rooms/${room}/stage/invites`, {}, 'body.memberId'],
    ['POST', `/v1/rooms/${room}/stage/invites`, { memberId: 'bob' }, 'body.memberId'],
    ['POST', `/v1/rooms/${room}/stage/participants/${M}/remove`, undefined, 'body'],
    ['POST', `/v1/rooms/${room}/stage/participants/${M}/remove`, { ban: 'no' }, 'body.ban'],
    ['POST', `/v1/rooms/${room}/stage/reactions`, {}, 'body.emoji'],
    ['POST', `/v1/rooms/${room}/stage/reactions`, { emoji: 42 }, 'body.emoji'],
    ['POST', `/v1/rooms/${room}/stage/reactions`, { emoji: '🖕' }, 'body.emoji'],
    ['POST', `/v1/rooms/${room}/stage/reactions`, { emoji: '👏'.repeat(20) }, 'body.emoji'],
    ['POST', `/v1/rooms/${room}/stage/reactions`, '{"emoji": ', 'body'],
  ];
  for (const [method, path, body, field] of cases) await expect400(t, method, path, body, field);
});

test('a well-formed id of a room that does not exist is 404', async (t) => {
  const res = await member.client.post(`/v1/rooms/${randomUUID()}/stage/hand`);
  t.is(res.status, 404);
  t.is(res.body.error.code, 'room_not_found');
});

test('approving someone who is not in the room is 404 naming the target', async (t) => {
  const roomId = await liveRoom(member, 'target missing');
  await join(member, roomId);
  const res = await member.client.post(`/v1/rooms/${roomId}/stage/hands/${randomUUID()}/approve`);
  t.is(res.status, 404);
  t.is(res.body.error.code, 'target_not_in_room');
  t.deepEqual(res.body.error.details.map((d: { field: string }) => d.field), ['params.memberId']);
});
