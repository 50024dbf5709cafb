// Quotas through the API, on one stack with small limits: sign-ups per IP, rooms created per member per hour, live
// rooms at once (per host and on the platform), reactions per member per room, invitations of every kind. Each
// refusal is 429 rate_limited with Retry-After, and writes nothing. The tests run in order on shared counters.
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';
import { type Member, join, signUp } from '../stage-api/_fixtures.js';
import { encodeWav16 } from '../../models/audio/wav.js';

const SIGNUPS = 8;
let env: TestStack;
let ann: Member;
let bob: Member;
let cat: Member;
let dan: Member;
let eve: Member;

test.before(async () => {
  env = await startTestStack({
    workers: 0,
    env: {
      QUOTA_SIGNUPS_PER_IP_PER_HOUR: String(SIGNUPS),
      QUOTA_ROOMS_PER_MEMBER_PER_HOUR: '3',
      QUOTA_LIVE_ROOMS_PER_MEMBER: '2',
      QUOTA_LIVE_ROOMS_TOTAL: '3',
      QUOTA_REACTIONS_PER_MEMBER_PER_ROOM_PER_MINUTE: '3',
      QUOTA_INVITATIONS_PER_MEMBER_PER_HOUR: '3',
      QUOTA_MEDIA_UPLOADS_PER_MEMBER_PER_HOUR: '2',
      AUTH_LOGIN_RATE_PER_MINUTE: '3',
    },
  });
  [ann, bob, cat, dan, eve] = [await signUp(env, 'Ann'), await signUp(env, 'Bob'), await signUp(env, 'Cat'), await signUp(env, 'Dan'), await signUp(env, 'Eve')];
});

test.after.always(async () => {
  await env?.stop();
});

const db = () => env.stack.database.pool;

async function count(sql: string, params: unknown[] = []): Promise<number> {
  return (await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params)).rows[0]!.n;
}

/** A 429 in the one error shape, with a Retry-After of whole seconds within `maxSeconds`. */
function assertRateLimited(t: import('ava').ExecutionContext, res: { status: number; body: any; headers: Headers }, maxSeconds: number, message: RegExp): void {
  t.is(res.status, 429, JSON.stringify(res.body));
  t.is(res.body.error.code, 'rate_limited');
  t.regex(res.body.error.message, message);
  const retry = Number(res.headers.get('retry-after'));
  t.true(Number.isInteger(retry) && retry >= 1 && retry <= maxSeconds, `Retry-After ${res.headers.get('retry-after')}`);
}

test.serial('rooms created per member per hour: the fourth in the hour is refused and not stored', async (t) => {
  const soon = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();
  for (let i = 1; i <= 3; i++) t.is((await bob.client.post('/v1/rooms', { title: `plan ${i}`, scheduledFor: soon(i) })).status, 201);
  const res = await bob.client.post('/v1/rooms', { title: 'one too many', scheduledFor: soon(4) });
  assertRateLimited(t, res, 3600, /rooms created.*3 per hour/);
  t.is(await count('rooms WHERE host_member_id = $1', [bob.memberId]), 3);
  // Another member's allowance is their own.
  t.is((await cat.client.post('/v1/rooms', { title: 'cat plans', scheduledFor: soon(1) })).status, 201);
});

test.serial('live rooms at once: a host with two live rooms cannot open a third; the platform cap stops everyone', async (t) => {
  const first = await ann.client.post('/v1/rooms', { title: 'live 1' });
  const second = await ann.client.post('/v1/rooms', { title: 'live 2' });
  t.is(first.status, 201);
  t.is(second.status, 201);
  assertRateLimited(t, await ann.client.post('/v1/rooms', { title: 'live 3' }), 3600, /already host 2 live room/);
  t.is(await count("rooms WHERE host_member_id = $1 AND status = 'live'", [ann.memberId]), 2);

  // Dan takes the platform's last slot; then neither creating nor starting a room goes live anywhere.
  t.is((await dan.client.post('/v1/rooms', { title: 'dan live' })).status, 201);
  assertRateLimited(t, await eve.client.post('/v1/rooms', { title: 'eve live' }), 3600, /platform is at its limit of 3 live rooms/);
  t.is(await count('rooms WHERE host_member_id = $1', [eve.memberId]), 0);
  const scheduled = (await db().query<{ id: string }>("SELECT id FROM rooms WHERE host_member_id = $1 AND status = 'scheduled' LIMIT 1", [bob.memberId])).rows[0]!;
  assertRateLimited(t, await bob.client.post(`/v1/rooms/${scheduled.id}/start`), 3600, /platform is at its limit/);
  t.is((await db().query('SELECT status FROM rooms WHERE id = $1', [scheduled.id])).rows[0].status, 'scheduled');
  t.is(await count("rooms WHERE status = 'live'"), 3);
  t.is(await count('room_stages WHERE room_id = $1', [scheduled.id]), 0, 'no stage opened');
});

test.serial('reactions per member per room: the fourth in the minute is refused and not counted; another room has its own', async (t) => {
  const [roomA, roomB] = (await db().query<{ id: string }>("SELECT id FROM rooms WHERE status = 'live' AND host_member_id = $1 ORDER BY seq", [ann.memberId])).rows.map((r) => r.id);
  await join(ann, roomA!);
  await join(bob, roomA!);
  await join(ann, roomB!);
  for (let i = 0; i < 3; i++) t.is((await bob.client.post(`/v1/rooms/${roomA}/stage/reactions`, { emoji: '👏' })).status, 200);
  assertRateLimited(t, await bob.client.post(`/v1/rooms/${roomA}/stage/reactions`, { emoji: '👏' }), 60, /reactions in this room.*3 per minute/);
  t.is((await db().query('SELECT count::int AS n FROM room_reaction_counts WHERE room_id = $1', [roomA])).rows[0].n, 3);
  // The host's own allowance in the same room, and the same member in another room, are counted apart.
  t.is((await ann.client.post(`/v1/rooms/${roomA}/stage/reactions`, { emoji: '🔥' })).status, 200);
  t.is((await ann.client.post(`/v1/rooms/${roomB}/stage/reactions`, { emoji: '🔥' })).status, 200);
});

test.serial('invitations: room and group invitations and connection requests share one allowance; the fourth is refused and not stored', async (t) => {
  const room = (await db().query<{ id: string }>("SELECT id FROM rooms WHERE status = 'live' AND host_member_id = $1 LIMIT 1", [ann.memberId])).rows[0]!.id;
  t.is((await ann.client.post(`/v1/rooms/${room}/invitations`, { memberId: cat.memberId })).status, 201);
  const group = await ann.client.post('/v1/groups', { name: 'Quota circle', visibility: 'private' });
  t.is(group.status, 201, JSON.stringify(group.body));
  t.is((await ann.client.post(`/v1/groups/${group.body.id}/invitations`, { memberId: dan.memberId })).status, 201);
  t.is((await ann.client.post(`/v1/members/${eve.memberId}/connection-requests`)).status, 201);
  const before = { rooms: await count('room_invitations'), groups: await count('group_invitations'), requests: await count('connection_requests') };
  assertRateLimited(t, await ann.client.post(`/v1/members/${bob.memberId}/connection-requests`), 3600, /invitations and connection requests/);
  assertRateLimited(t, await ann.client.post(`/v1/rooms/${room}/invitations`, { memberId: eve.memberId }), 3600, /invitations/);
  assertRateLimited(t, await ann.client.post(`/v1/groups/${group.body.id}/invitations`, { memberId: bob.memberId }), 3600, /invitations/);
  t.deepEqual({ rooms: await count('room_invitations'), groups: await count('group_invitations'), requests: await count('connection_requests') }, before);
  // Bob's allowance is untouched by Ann's.
  t.is((await bob.client.post(`/v1/members/${cat.memberId}/connection-requests`)).status, 201);
});

test.serial('login attempts per IP and e-mail go through the same shared limiter: the fourth wrong one in a minute is refused', async (t) => {
  const email = (await db().query<{ email: string }>('SELECT email FROM members WHERE id = $1', [cat.memberId])).rows[0]!.email;
  for (let i = 0; i < 3; i++) t.is((await env.api.post('/v1/auth/login', { email, password: 'not the password at all' })).status, 401);
  const res = await env.api.post('/v1/auth/login', { email, password: 'correct horse battery staple' });
  t.is(res.status, 429);
  t.is(res.body.error.code, 'too_many_attempts');
  const retry = Number(res.headers.get('retry-after'));
  t.true(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
  t.is(await count("rate_limit_hits WHERE bucket = 'login'"), 3, 'counted in PostgreSQL, the refused attempt not recorded');
  // Another e-mail from the same address is counted apart, and a successful login forgets its attempts.
  const danEmail = (await db().query<{ email: string }>('SELECT email FROM members WHERE id = $1', [dan.memberId])).rows[0]!.email;
  t.is((await env.api.post('/v1/auth/login', { email: danEmail, password: 'not the password at all' })).status, 401);
  t.is((await env.api.post('/v1/auth/login', { email: danEmail, password: 'correct horse battery staple' })).status, 200);
  t.is(await count("rate_limit_hits WHERE bucket = 'login'"), 3);
});

test.serial('sign-ups per IP: past the limit the next one is refused before any account is made', async (t) => {
  const made = await count('members');
  for (let i = made; i < SIGNUPS; i++) await signUp(env, `Filler ${i}`);
  const email = 'one.too.many@example.test';
  const res = await env.api.post('/v1/auth/signup', { email, password: 'correct horse battery staple', displayName: 'One Too Many' });
  assertRateLimited(t, res, 3600, /sign-ups from this address.*8 per hour/);
  t.is(await count('members'), SIGNUPS);
  t.is(await count('members WHERE email = $1', [email]), 0);
  // Logging in is not a sign-up: existing members still get in.
  t.is((await env.api.post('/v1/auth/login', { email: 'nobody@example.test', password: 'correct horse battery staple' })).status, 401);
});

test('the OpenAPI document states the 429 and its Retry-After on every route that spends a quota', async (t) => {
  const doc = (await env.api.get('/v1/openapi.json')).body;
  const limited = [
    ['/v1/auth/signup', 'post'],
    ['/v1/rooms', 'post'],
    ['/v1/rooms/{roomId}/invitations', 'post'],
    ['/v1/rooms/{roomId}/stage/reactions', 'post'],
    ['/v1/groups/{groupId}/invitations', 'post'],
    ['/v1/members/{memberId}/connection-requests', 'post'],
  ];
  for (const [path, method] of limited) {
    const r = doc.paths[path!][method!].responses['429'];
    t.truthy(r?.headers?.['Retry-After'], `${method} ${path}`);
  }
  t.is(doc.paths['/v1/rooms']['get'].responses['429'], undefined);
});

test('matching uploads: a third intro in the hour is 429 before any decoding; the refused ones were real work (422), not bad input', async (t) => {
  // 25 s of silence: read, measured and refused as too long (422), which spends the quota like any upload that ran.
  const wav = encodeWav16(new Float32Array(16000 * 25), 16000);
  const post = () => fetch(`${env.stack.apiUrl}/v1/me/matching/intro`, { method: 'POST', headers: { authorization: `Bearer ${eve.accessToken}`, 'content-type': 'audio/wav' }, body: wav });
  t.is((await post()).status, 422);
  t.is((await post()).status, 422);
  const third = await post();
  t.is(third.status, 429);
  t.truthy(third.headers.get('retry-after'));
  t.is(((await third.json()) as { error: { code: string } }).error.code, 'rate_limited');
  t.is(await count('member_intros WHERE member_id = $1', [eve.memberId]), 0);
});
