// The room-level rows of the access table through the API: room.view, room.join, room.update, room.start,
// room.cancel, room.invite and transcript.read. Callers: the host, a co-host, a speaker, a listener, an outsider
// (signed in, not invited), trust-and-safety staff and an admin. Every call runs on a fresh invite-only room (the
// cast is invited), so the listing policy is asked after the table. An allowed call shows its effect in the
// database (and LiveKit, for start); a refused one answers with the code saying why and changes nothing.
import test, { type ExecutionContext } from 'ava';
import { RoomServiceClient } from 'livekit-server-sdk';
import { startTestStack, type TestStack } from '../support/stack.js';
import { type Member, bringOnStage, join, makeCohost, ok, signUp, staffMember } from '../stage-api/_fixtures.js';

type Caller = 'host' | 'co_host' | 'speaker' | 'listener' | 'outsider' | 'staff' | 'admin';
const LIVE_CALLERS: Caller[] = ['host', 'co_host', 'speaker', 'listener', 'outsider', 'staff', 'admin'];
// A scheduled room has no stage yet, so nobody but its host holds a room role there.
const SCHEDULED_CALLERS: Caller[] = ['host', 'outsider', 'staff', 'admin'];

type Cast = Record<Caller, Member> & { invitee: Member };

interface DbState {
  room: { status: string; ended_reason: string | null; title: string; description: string; topics: string[] };
  stage: { version: number; snapshot: { participants: { identity: string; role: string }[] } } | null;
  invitations: string[];
  livekitRoom: boolean;
}

interface Case {
  operation: string;
  /** Which table row decides it. */
  action: string;
  state: 'live' | 'scheduled';
  method: 'GET' | 'POST' | 'PATCH';
  path: (roomId: string, c: Cast) => string;
  body?: (c: Cast) => unknown;
  allowed: Caller[];
  /** Status and code per refused caller. */
  refused: Partial<Record<Caller, [number, string]>>;
  effect: (t: ExecutionContext, e: { before: DbState; after: DbState; caller: Member; cast: Cast; body: any; roomId: string }) => void;
}

const HIDDEN: [number, string] = [404, 'room_not_found'];
const unchanged = (t: ExecutionContext, e: { before: DbState; after: DbState }) => t.deepEqual(e.after, e.before, 'a read writes nothing');

const CASES: Case[] = [
  {
    operation: 'getRoom',
    action: 'room.view',
    state: 'live',
    method: 'GET',
    path: (r) => `/v1/rooms/${r}`,
    allowed: ['host', 'co_host', 'speaker', 'listener', 'staff', 'admin'],
    refused: { outsider: HIDDEN },
    effect: (t, e) => {
      t.is(e.body.id, e.roomId);
      unchanged(t, e);
    },
  },
  {
    operation: 'joinRoom',
    action: 'room.join',
    state: 'live',
    method: 'POST',
    path: (r) => `/v1/rooms/${r}/join`,
    body: () => ({ acceptTranscription: true }),
    allowed: ['host', 'co_host', 'speaker', 'listener', 'staff', 'admin'],
    refused: { outsider: [403, 'not_invited'] },
    effect: (t, e) => {
      const expected = e.caller === e.cast.host ? 'host' : e.caller === e.cast.co_host ? 'co_host' : e.caller === e.cast.speaker ? 'speaker' : 'listener';
      t.is(e.body.role, expected);
      t.is(e.after.stage?.snapshot.participants.find((p) => p.identity === e.caller.memberId)?.role, expected, 'in the stage with that role');
    },
  },
  {
    operation: 'updateRoom',
    action: 'room.update',
    state: 'live',
    method: 'PATCH',
    path: (r) => `/v1/rooms/${r}`,
    body: () => ({ title: 'Renamed', topics: ['Hiring'] }),
    allowed: ['host', 'admin'],
    refused: { co_host: [403, 'role_forbidden'], speaker: [403, 'role_forbidden'], listener: [403, 'role_forbidden'], outsider: HIDDEN, staff: [403, 'not_in_room'] },
    effect: (t, e) => {
      t.like(e.after.room, { title: 'Renamed', topics: ['hiring'], description: e.before.room.description });
      t.is(e.body.title, 'Renamed');
    },
  },
  {
    operation: 'startRoom',
    action: 'room.start',
    state: 'scheduled',
    method: 'POST',
    path: (r) => `/v1/rooms/${r}/start`,
    allowed: ['host'],
    refused: { outsider: HIDDEN, staff: [403, 'not_in_room'], admin: [403, 'not_in_room'] },
    effect: (t, e) => {
      t.like(e.after.room, { status: 'live' });
      t.false(e.before.livekitRoom);
      t.true(e.after.livekitRoom, 'LiveKit has the room');
      t.not(e.after.stage, null, 'its stage is open');
    },
  },
  {
    operation: 'cancelRoom',
    action: 'room.cancel',
    state: 'scheduled',
    method: 'POST',
    path: (r) => `/v1/rooms/${r}/cancel`,
    allowed: ['host', 'staff', 'admin'],
    refused: { outsider: HIDDEN },
    effect: (t, e) => t.like(e.after.room, { status: 'ended', ended_reason: 'cancelled' }),
  },
  {
    operation: 'inviteToRoom',
    action: 'room.invite',
    state: 'live',
    method: 'POST',
    path: (r) => `/v1/rooms/${r}/invitations`,
    body: (c) => ({ memberId: c.invitee.memberId }),
    allowed: ['host', 'co_host'],
    refused: { speaker: [403, 'role_forbidden'], listener: [403, 'role_forbidden'], outsider: HIDDEN, staff: [403, 'not_in_room'], admin: [403, 'not_in_room'] },
    effect: (t, e) => t.deepEqual(e.after.invitations.filter((m) => !e.before.invitations.includes(m)), [e.cast.invitee.memberId]),
  },
  {
    operation: 'getRoomTranscript',
    action: 'transcript.read',
    state: 'live',
    method: 'GET',
    path: (r) => `/v1/rooms/${r}/transcript`,
    allowed: ['staff', 'admin'],
    refused: { host: [403, 'role_forbidden'], co_host: [403, 'role_forbidden'], speaker: [403, 'role_forbidden'], listener: [403, 'role_forbidden'], outsider: HIDDEN },
    effect: (t, e) => {
      t.deepEqual(e.body.items.map((s: { text: string }) => s.text), ['evidence on record']);
      unchanged(t, e);
    },
  },
];

let env: TestStack;
let livekit: RoomServiceClient;
let people: Omit<Cast, 'invitee'>;
const invitees: Member[] = [];

async function adminMember(name: string): Promise<Member> {
  const m = await env.api.signUp(name);
  await env.stack.database.pool.query("UPDATE members SET platform_roles = ARRAY['member','admin'] WHERE id = $1", [m.memberId]);
  const res = await env.api.post('/v1/auth/login', { email: m.email, password: 'correct horse battery staple' });
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
  return { client: env.api.withToken(res.body.accessToken), memberId: m.memberId, name, accessToken: res.body.accessToken };
}

test.before(async () => {
  env = await startTestStack({ workers: 0 });
  livekit = new RoomServiceClient(env.config.livekit.url.replace(/^ws/, 'http'), env.config.livekit.apiKey, env.config.livekit.apiSecret);
  people = {
    host: await signUp(env, 'Hana Host'),
    co_host: await signUp(env, 'Cole Cohost'),
    speaker: await signUp(env, 'Sid Speaker'),
    listener: await signUp(env, 'Lee Listener'),
    outsider: await signUp(env, 'Olga Outsider'),
    staff: await staffMember(env, 'Sam Safety'),
    admin: await adminMember('Ada Admin'),
  };
  for (const c of CASES) invitees.push(await signUp(env, `Ina Invitee ${c.operation}`));
});

test.after.always(async () => {
  await env?.stop();
});

async function dbState(roomId: string): Promise<DbState> {
  const pool = env.stack.database.pool;
  const room = (await pool.query('SELECT status, ended_reason, title, description, topics FROM rooms WHERE id = $1', [roomId])).rows[0];
  const stage = (await pool.query('SELECT version, snapshot FROM room_stages WHERE room_id = $1', [roomId])).rows[0] ?? null;
  const invitations = (await pool.query('SELECT member_id FROM room_invitations WHERE room_id = $1 ORDER BY member_id', [roomId])).rows;
  const live = await livekit.listRooms([roomId]);
  return { room, stage, invitations: invitations.map((r: { member_id: string }) => r.member_id), livekitRoom: live.some((r) => r.name === roomId) };
}

/** A fresh invite-only room with the cast invited (and, when live, in place with their roles). */
async function arrange(kase: Case, cast: Cast): Promise<string> {
  const body = { title: `matrix ${kase.operation}`, visibility: 'invite_only', ...(kase.state === 'scheduled' ? { scheduledFor: new Date(Date.now() + 3600_000).toISOString() } : {}) };
  const created = await cast.host.client.post('/v1/rooms', body);
  if (created.status !== 201) throw new Error(`create room: ${created.status} ${JSON.stringify(created.body)}`);
  const roomId = created.body.id as string;
  for (const m of [cast.co_host, cast.speaker, cast.listener]) {
    const res = await cast.host.client.post(`/v1/rooms/${roomId}/invitations`, { memberId: m.memberId });
    if (res.status !== 201) throw new Error(`invite: ${res.status} ${JSON.stringify(res.body)}`);
  }
  if (kase.state === 'live') {
    await join(cast.host, roomId);
    for (const m of [cast.co_host, cast.speaker, cast.listener]) await join(m, roomId);
    await makeCohost(cast.host, cast.co_host, roomId);
    await bringOnStage(cast.host, cast.speaker, roomId);
    await env.stack.database.pool.query(
      `INSERT INTO transcript_segments (room_id, segment_key, speaker_identity, started_at, ended_at, text, model)
       VALUES ($1, $2, $3, now(), now(), 'evidence on record', 'test')`,
      [roomId, `${roomId}:1`, cast.speaker.memberId],
    );
  }
  return roomId;
}

for (const [index, kase] of CASES.entries()) {
  test(`${kase.operation} (${kase.action}): ${kase.allowed.join(', ')} allowed, with effect; refusals change nothing`, async (t) => {
    t.timeout(120_000);
    const callers = kase.state === 'live' ? LIVE_CALLERS : SCHEDULED_CALLERS;
    t.deepEqual([...kase.allowed, ...Object.keys(kase.refused)].sort(), [...callers].sort(), 'every caller is either allowed or refused');
    for (const role of callers) {
      const cast: Cast = { ...people, invitee: invitees[index]! };
      const roomId = await arrange(kase, cast);
      const caller = cast[role];
      const before = await dbState(roomId);
      const res = await caller.client.request(kase.method, kase.path(roomId, cast), kase.body?.(cast));
      const after = await dbState(roomId);
      if (kase.allowed.includes(role)) {
        t.true(res.status >= 200 && res.status < 300, `${role} ${kase.operation}: ${res.status} ${JSON.stringify(res.body)}`);
        kase.effect(t, { before, after, caller, cast, body: res.body, roomId });
      } else {
        t.deepEqual([res.status, res.body?.error?.code], kase.refused[role], `${role} ${kase.operation}`);
        t.deepEqual(after, before, `${role} ${kase.operation}: a refused call changes nothing`);
      }
    }
  });
}

test('start and cancel in a live room are refused by the table as not scheduled, and change nothing', async (t) => {
  const roomId = (await people.host.client.post('/v1/rooms', { title: 'already live' })).body.id as string;
  const before = await dbState(roomId);
  for (const op of ['start', 'cancel']) {
    const res = await people.host.client.post(`/v1/rooms/${roomId}/${op}`);
    t.deepEqual([res.status, res.body.error.code], [409, 'not_scheduled'], op);
  }
  t.deepEqual(await dbState(roomId), before);
});

test('an update with nothing to change, or to an ended room, is refused and writes nothing', async (t) => {
  const roomId = (await people.host.client.post('/v1/rooms', { title: 'to be ended' })).body.id as string;
  const empty = await people.host.client.request('PATCH', `/v1/rooms/${roomId}`, {});
  t.is(empty.status, 400);
  t.is(empty.body.error.code, 'validation_failed');
  const unknown = await people.host.client.request('PATCH', `/v1/rooms/${roomId}`, { status: 'ended' });
  t.is(unknown.status, 400);
  await join(people.host, roomId);
  await ok(people.host, 'POST', `/v1/rooms/${roomId}/end`);
  const before = await dbState(roomId);
  const res = await people.host.client.request('PATCH', `/v1/rooms/${roomId}`, { title: 'too late' });
  t.deepEqual([res.status, res.body.error.code], [409, 'room_ended']);
  t.deepEqual(await dbState(roomId), before);
});
