// Who may call each stage endpoint, through the API: host, co-host, speaker, listener, an outsider (signed in, not
// in the room) and trust-and-safety staff (not in the room). Every case runs in a fresh room so earlier calls do
// not change later answers. Allowed -> 200 and the case's effect is in the database (and LiveKit, for the end);
// refused -> 403 with the code saying why, and everything the stage endpoints write is exactly as before the call.
import test, { type ExecutionContext } from 'ava';
import { RoomServiceClient } from 'livekit-server-sdk';
import { startTestStack, type TestStack } from '../support/stack.js';
import { type Member, bringOnStage, join, liveRoom, makeCohost, ok, signUp, staffMember } from './_fixtures.js';

type Caller = 'host' | 'co_host' | 'speaker' | 'listener' | 'outsider' | 'staff';
const CALLERS: Caller[] = ['host', 'co_host', 'speaker', 'listener', 'outsider', 'staff'];

interface Cast {
  host: Member;
  co_host: Member;
  speaker: Member;
  listener: Member;
  outsider: Member;
  staff: Member;
  /** The participant the call is aimed at, placed by the case's `target` setting. */
  target: Member;
}

/** Everything a stage endpoint can write, as the database holds it, and whether LiveKit has the room. */
interface DbState {
  room: { status: string; ended_reason: string | null; title: string };
  stage: { version: number; snapshot: Snapshot };
  events: { type: string; actor: string; target: string | null }[];
  reactions: Record<string, number>;
  invitations: string[];
  livekitRoom: boolean;
}

interface Snapshot {
  handRaisingEnabled: boolean;
  endedAt: number | null;
  participants: { identity: string; role: string }[];
  hands: { identity: string }[];
  invites: { identity: string; invitedBy: string }[];
  bans: string[];
}

interface EffectInput {
  before: DbState;
  after: DbState;
  cast: Cast;
  caller: Member;
}

const roleIn = (s: DbState, m: Member): string | undefined => s.stage.snapshot.participants.find((p) => p.identity === m.memberId)?.role;
const newEvents = (e: EffectInput): string[] => e.after.events.slice(e.before.events.length).map((ev) => ev.type);

interface Case {
  operation: string;
  /** What an allowed call must have changed (reads: that nothing changed). */
  effect: (t: ExecutionContext, e: EffectInput) => void;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: (roomId: string, c: Cast) => string;
  body?: unknown;
  /** Where the target stands before the call. */
  target?: 'listener' | 'raised_hand' | 'speaker' | 'co_host';
  /** Prepare something for the caller (e.g. a pending invitation). */
  prepare?: (roomId: string, c: Cast, caller: Member) => Promise<void>;
  allowed: Caller[];
  /** The refusal code for a caller in the room who may not (default role_forbidden). */
  refusedInRoom?: Partial<Record<Caller, string>>;
}

const ALL_IN_ROOM: Caller[] = ['host', 'co_host', 'speaker', 'listener'];
const MODERATORS: Caller[] = ['host', 'co_host'];

const CASES: Case[] = [
  { operation: 'getStage', effect: (t, e) => t.deepEqual(e.after, e.before, 'a read writes nothing'), method: 'GET', path: (r) => `/v1/rooms/${r}/stage`, allowed: [...ALL_IN_ROOM, 'staff'] },
  { operation: 'streamStage', effect: (t, e) => t.deepEqual(e.after, e.before, 'a read writes nothing'), method: 'GET', path: (r) => `/v1/rooms/${r}/stage/events`, allowed: [...ALL_IN_ROOM, 'staff'] },
  { operation: 'raiseHand', effect: (t, e) => t.true(e.after.stage.snapshot.hands.some((h) => h.identity === e.caller.memberId)), method: 'POST', path: (r) => `/v1/rooms/${r}/stage/hand`, allowed: ['listener'] },
  {
    operation: 'lowerHand', effect: (t, e) => {
      t.true(e.before.stage.snapshot.hands.some((h) => h.identity === e.caller.memberId), 'the hand was up');
      t.false(e.after.stage.snapshot.hands.some((h) => h.identity === e.caller.memberId));
    },
    method: 'DELETE',
    path: (r) => `/v1/rooms/${r}/stage/hand`,
    prepare: async (r, c, caller) => {
      if (caller === c.listener) await ok(caller, 'POST', `/v1/rooms/${r}/stage/hand`);
    },
    allowed: ['listener'],
  },
  { operation: 'approveHand', effect: (t, e) => t.is(roleIn(e.after, e.cast.target), 'speaker'), method: 'POST', path: (r, c) => `/v1/rooms/${r}/stage/hands/${c.target.memberId}/approve`, target: 'raised_hand', allowed: MODERATORS },
  { operation: 'dismissHand', effect: (t, e) => {
      t.false(e.after.stage.snapshot.hands.some((h) => h.identity === e.cast.target.memberId));
      t.is(roleIn(e.after, e.cast.target), 'listener');
    }, method: 'POST', path: (r, c) => `/v1/rooms/${r}/stage/hands/${c.target.memberId}/dismiss`, target: 'raised_hand', allowed: MODERATORS },
  { operation: 'setHandRaising', effect: (t, e) => t.like(e.after.stage.snapshot, { handRaisingEnabled: false }), method: 'PUT', path: (r) => `/v1/rooms/${r}/stage/hand-raising`, body: { enabled: false }, allowed: MODERATORS },
  { operation: 'inviteToStage', effect: (t, e) => t.like(e.after.stage.snapshot.invites, [{ identity: e.cast.target.memberId, invitedBy: e.caller.memberId }]), method: 'POST', path: (r) => `/v1/rooms/${r}/stage/invites`, body: 'target', target: 'listener', allowed: MODERATORS },
  {
    operation: 'acceptStageInvite', effect: (t, e) => t.is(roleIn(e.after, e.caller), 'speaker'),
    method: 'POST',
    path: (r) => `/v1/rooms/${r}/stage/invite/accept`,
    prepare: async (r, c, caller) => {
      if (caller === c.listener) await ok(c.host, 'POST', `/v1/rooms/${r}/stage/invites`, { memberId: caller.memberId });
    },
    allowed: ['listener'],
  },
  {
    operation: 'declineStageInvite', effect: (t, e) => {
      t.deepEqual(e.after.stage.snapshot.invites, []);
      t.is(roleIn(e.after, e.caller), 'listener');
      t.deepEqual(newEvents(e), ['invite_declined']);
    },
    method: 'POST',
    path: (r) => `/v1/rooms/${r}/stage/invite/decline`,
    prepare: async (r, c, caller) => {
      if (caller === c.listener) await ok(c.host, 'POST', `/v1/rooms/${r}/stage/invites`, { memberId: caller.memberId });
    },
    allowed: ['listener'],
  },
  {
    operation: 'moveToAudience', effect: (t, e) => t.is(roleIn(e.after, e.cast.target), 'listener'),
    method: 'POST',
    path: (r, c) => `/v1/rooms/${r}/stage/participants/${c.target.memberId}/move-to-audience`,
    target: 'speaker',
    allowed: [...MODERATORS, 'staff'],
  },
  { operation: 'leaveStage', effect: (t, e) => t.is(roleIn(e.after, e.caller), 'listener'), method: 'POST', path: (r) => `/v1/rooms/${r}/stage/leave`, allowed: ['co_host', 'speaker'] },
  { operation: 'muteParticipant', effect: (t, e) => t.deepEqual(e.after.events.slice(e.before.events.length), [{ type: 'participant_muted', actor: e.caller.memberId, target: e.cast.target.memberId }]), method: 'POST', path: (r, c) => `/v1/rooms/${r}/stage/participants/${c.target.memberId}/mute`, target: 'speaker', allowed: [...MODERATORS, 'staff'] },
  {
    operation: 'removeParticipant', effect: (t, e) => {
      t.is(roleIn(e.after, e.cast.target), undefined);
      t.true(e.after.stage.snapshot.bans.includes(e.cast.target.memberId));
    },
    method: 'POST',
    path: (r, c) => `/v1/rooms/${r}/stage/participants/${c.target.memberId}/remove`,
    body: {},
    target: 'listener',
    allowed: [...MODERATORS, 'staff'],
  },
  { operation: 'promoteCohost', effect: (t, e) => t.is(roleIn(e.after, e.cast.target), 'co_host'), method: 'POST', path: (r, c) => `/v1/rooms/${r}/stage/participants/${c.target.memberId}/cohost`, target: 'speaker', allowed: ['host'] },
  {
    operation: 'demoteCohost', effect: (t, e) => t.is(roleIn(e.after, e.cast.target), 'speaker'),
    method: 'DELETE',
    path: (r, c) => `/v1/rooms/${r}/stage/participants/${c.target.memberId}/cohost`,
    target: 'co_host',
    allowed: ['host'],
    refusedInRoom: { co_host: 'target_protected' }, // co-hosts never act on each other
  },
  { operation: 'sendReaction', effect: (t, e) => {
      t.deepEqual(e.after.reactions, { '👏': 1 });
      t.is(e.after.stage.version, e.before.stage.version, 'a reaction does not rewrite the stage');
    }, method: 'POST', path: (r) => `/v1/rooms/${r}/stage/reactions`, body: { emoji: '👏' }, allowed: ALL_IN_ROOM },
  { operation: 'endRoom', effect: (t, e) => {
      t.like(e.after.room, { status: 'ended' });
      t.true(e.before.livekitRoom);
      t.false(e.after.livekitRoom, 'LiveKit closed the room');
    }, method: 'POST', path: (r) => `/v1/rooms/${r}/end`, allowed: ['host', 'staff'] },
];

let env: TestStack;
let livekit: RoomServiceClient;

async function dbState(roomId: string): Promise<DbState> {
  const pool = env.stack.database.pool;
  const room = (await pool.query('SELECT status, ended_reason, title FROM rooms WHERE id = $1', [roomId])).rows[0];
  const stage = (await pool.query('SELECT version, snapshot FROM room_stages WHERE room_id = $1', [roomId])).rows[0];
  const events = (await pool.query('SELECT type, actor, target FROM room_stage_events WHERE room_id = $1 ORDER BY id', [roomId])).rows;
  const reactions = (await pool.query('SELECT emoji, count::int AS n FROM room_reaction_counts WHERE room_id = $1', [roomId])).rows;
  const invitations = (await pool.query('SELECT member_id FROM room_invitations WHERE room_id = $1 ORDER BY member_id', [roomId])).rows;
  const live = await livekit.listRooms([roomId]);
  return {
    room,
    stage,
    events,
    reactions: Object.fromEntries(reactions.map((r: { emoji: string; n: number }) => [r.emoji, r.n])),
    invitations: invitations.map((r: { member_id: string }) => r.member_id),
    livekitRoom: live.some((r) => r.name === roomId),
  };
}
let people: Omit<Cast, 'target'> & { targets: Member[] };

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
    // One target per case, so concurrent cases never share a member in the same way.
    targets: await Promise.all(CASES.map((c) => signUp(env, `Tia Target ${c.operation}`))),
  };
});

test.after.always(async () => {
  await env?.stop();
});

/** A fresh live room with everyone in place. */
async function arrange(kase: Case, target: Member): Promise<{ roomId: string; cast: Cast }> {
  const cast: Cast = { ...people, target };
  const roomId = await liveRoom(cast.host, `matrix ${kase.operation}`);
  await join(cast.host, roomId);
  for (const m of [cast.co_host, cast.speaker, cast.listener, target]) await join(m, roomId);
  await makeCohost(cast.host, cast.co_host, roomId);
  await bringOnStage(cast.host, cast.speaker, roomId);
  if (kase.target === 'raised_hand') await ok(target, 'POST', `/v1/rooms/${roomId}/stage/hand`);
  if (kase.target === 'speaker') await bringOnStage(cast.host, target, roomId);
  if (kase.target === 'co_host') await makeCohost(cast.host, target, roomId);
  return { roomId, cast };
}

/** Status and error code; a stream is closed as soon as its headers arrive. */
async function call(kase: Case, caller: Member, roomId: string, cast: Cast): Promise<{ status: number; code?: string }> {
  const path = kase.path(roomId, cast);
  if (kase.operation === 'streamStage') {
    const abort = new AbortController();
    const res = await fetch(`${env.api.baseUrl}${path}`, { headers: { authorization: `Bearer ${caller.accessToken}` }, signal: abort.signal });
    const body = res.status === 200 ? undefined : ((await res.json()) as { error: { code: string } });
    abort.abort();
    return { status: res.status, code: body?.error.code };
  }
  const body = kase.body === 'target' ? { memberId: cast.target.memberId } : kase.body;
  const res = await caller.client.request(kase.method, path, body);
  return { status: res.status, code: res.body?.error?.code };
}

for (const [index, kase] of CASES.entries()) {
  test(`${kase.operation}: ${kase.allowed.join(', ')} allowed; everyone else 403`, async (t) => {
    t.timeout(120_000);
    for (const role of CALLERS) {
      const { roomId, cast } = await arrange(kase, people.targets[index]!);
      const caller = cast[role];
      await kase.prepare?.(roomId, cast, caller);
      const before = await dbState(roomId);
      const result = await call(kase, caller, roomId, cast);
      const after = await dbState(roomId);
      if (kase.allowed.includes(role)) {
        t.is(result.status, 200, `${role} ${kase.operation}: ${JSON.stringify(result)}`);
        kase.effect(t, { before, after, cast, caller });
      } else {
        const inRoom = ALL_IN_ROOM.includes(role);
        const expected = inRoom ? (kase.refusedInRoom?.[role] ?? 'role_forbidden') : 'not_in_room';
        t.deepEqual(result, { status: 403, code: expected }, `${role} ${kase.operation}`);
        t.deepEqual(after, before, `${role} ${kase.operation}: a refused call changes nothing`);
      }
    }
  });
}

test('a co-host may step down themself', async (t) => {
  const roomId = await liveRoom(people.host, 'self demote');
  await join(people.host, roomId);
  await join(people.co_host, roomId);
  await makeCohost(people.host, people.co_host, roomId);
  const res = await people.co_host.client.request('DELETE', `/v1/rooms/${roomId}/stage/participants/${people.co_host.memberId}/cohost`);
  t.is(res.status, 200);
  t.like(res.body.you, { role: 'speaker' });
});
