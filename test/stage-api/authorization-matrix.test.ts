// Who may call each stage endpoint, through the API: host, co-host, speaker, listener, an outsider (signed in, not
// in the room) and trust-and-safety staff (not in the room). Every case runs in a fresh room so earlier calls do
// not change later answers. Allowed -> 200; refused -> 403 with the code saying why.
import test from 'ava';
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

interface Case {
  operation: string;
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
  { operation: 'getStage', method: 'GET', path: (r) => `/v1/rooms/${r}/stage`, allowed: [...ALL_IN_ROOM, 'staff'] },
  { operation: 'streamStage', method: 'GET', path: (r) => `/v1/rooms/${r}/stage/events`, allowed: [...ALL_IN_ROOM, 'staff'] },
  { operation: 'raiseHand', method: 'POST', path: (r) => `/v1/rooms/${r}/stage/hand`, allowed: ['listener'] },
  { operation: 'lowerHand', method: 'DELETE', path: (r) => `/v1/rooms/${r}/stage/hand`, allowed: ['listener'] },
  { operation: 'approveHand', method: 'POST', path: (r, c) => `/v1/rooms/${r}/stage/hands/${c.target.memberId}/approve`, target: 'raised_hand', allowed: MODERATORS },
  { operation: 'dismissHand', method: 'POST', path: (r, c) => `/v1/rooms/${r}/stage/hands/${c.target.memberId}/dismiss`, target: 'raised_hand', allowed: MODERATORS },
  { operation: 'setHandRaising', method: 'PUT', path: (r) => `/v1/rooms/${r}/stage/hand-raising`, body: { enabled: false }, allowed: MODERATORS },
  { operation: 'inviteToStage', method: 'POST', path: (r) => `/v1/rooms/${r}/stage/invites`, body: 'target', target: 'listener', allowed: MODERATORS },
  {
    operation: 'acceptStageInvite',
    method: 'POST',
    path: (r) => `/v1/rooms/${r}/stage/invite/accept`,
    prepare: async (r, c, caller) => {
      if (caller === c.listener) await ok(c.host, 'POST', `/v1/rooms/${r}/stage/invites`, { memberId: caller.memberId });
    },
    allowed: ['listener'],
  },
  {
    operation: 'declineStageInvite',
    method: 'POST',
    path: (r) => `/v1/rooms/${r}/stage/invite/decline`,
    prepare: async (r, c, caller) => {
      if (caller === c.listener) await ok(c.host, 'POST', `/v1/rooms/${r}/stage/invites`, { memberId: caller.memberId });
    },
    allowed: ['listener'],
  },
  {
    operation: 'moveToAudience',
    method: 'POST',
    path: (r, c) => `/v1/rooms/${r}/stage/participants/${c.target.memberId}/move-to-audience`,
    target: 'speaker',
    allowed: [...MODERATORS, 'staff'],
  },
  { operation: 'leaveStage', method: 'POST', path: (r) => `/v1/rooms/${r}/stage/leave`, allowed: ['co_host', 'speaker'] },
  { operation: 'muteParticipant', method: 'POST', path: (r, c) => `/v1/rooms/${r}/stage/participants/${c.target.memberId}/mute`, target: 'speaker', allowed: [...MODERATORS, 'staff'] },
  {
    operation: 'removeParticipant',
    method: 'POST',
    path: (r, c) => `/v1/rooms/${r}/stage/participants/${c.target.memberId}/remove`,
    body: {},
    target: 'listener',
    allowed: [...MODERATORS, 'staff'],
  },
  { operation: 'promoteCohost', method: 'POST', path: (r, c) => `/v1/rooms/${r}/stage/participants/${c.target.memberId}/cohost`, target: 'speaker', allowed: ['host'] },
  {
    operation: 'demoteCohost',
    method: 'DELETE',
    path: (r, c) => `/v1/rooms/${r}/stage/participants/${c.target.memberId}/cohost`,
    target: 'co_host',
    allowed: ['host'],
    refusedInRoom: { co_host: 'target_protected' }, // co-hosts never act on each other
  },
  { operation: 'sendReaction', method: 'POST', path: (r) => `/v1/rooms/${r}/stage/reactions`, body: { emoji: '👏' }, allowed: ALL_IN_ROOM },
  { operation: 'endRoom', method: 'POST', path: (r) => `/v1/rooms/${r}/end`, allowed: ['host', 'staff'] },
];

let env: TestStack;
let people: Omit<Cast, 'target'> & { targets: Member[] };

test.before(async () => {
  env = await startTestStack({ workers: 0 });
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
      const result = await call(kase, caller, roomId, cast);
      if (kase.allowed.includes(role)) {
        t.is(result.status, 200, `${role} ${kase.operation}: ${JSON.stringify(result)}`);
      } else {
        const inRoom = ALL_IN_ROOM.includes(role);
        const expected = inRoom ? (kase.refusedInRoom?.[role] ?? 'role_forbidden') : 'not_in_room';
        t.deepEqual(result, { status: 403, code: expected }, `${role} ${kase.operation}`);
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
