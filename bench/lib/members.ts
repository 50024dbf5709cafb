// Members and rooms for the stack benches, through the public API as an app would (fetch, bearer tokens).
export interface BenchMember {
  memberId: string;
  accessToken: string;
}

export interface CallResult {
  status: number;
  body: any;
  /** Time from sending the request to having read the answer. */
  ms: number;
}

export async function call(apiUrl: string, token: string | undefined, method: string, path: string, body?: unknown): Promise<CallResult> {
  const t0 = performance.now();
  const res = await fetch(`${apiUrl}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  const ms = performance.now() - t0;
  return { status: res.status, body: text ? JSON.parse(text) : undefined, ms };
}

/** Like call(), but any answer outside 2xx is an error naming the request. */
export async function ok(apiUrl: string, token: string | undefined, method: string, path: string, body?: unknown): Promise<any> {
  const r = await call(apiUrl, token, method, path, body);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function signUp(apiUrl: string, name: string): Promise<BenchMember> {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${Math.random().toString(36).slice(2, 8)}@example.test`;
  const body = await ok(apiUrl, undefined, 'POST', '/v1/auth/signup', { email, password: 'correct horse battery staple', displayName: name });
  return { memberId: body.memberId, accessToken: body.accessToken };
}

/** A live room hosted by `host`, who has joined it (the host is on stage and may publish). */
export async function liveRoom(apiUrl: string, host: BenchMember, title: string): Promise<string> {
  const room = await ok(apiUrl, host.accessToken, 'POST', '/v1/rooms', { title });
  await ok(apiUrl, host.accessToken, 'POST', `/v1/rooms/${room.id}/join`, { acceptTranscription: true });
  return room.id as string;
}

/** Joins `member` and brings them on stage (hand raised, host approves): their next join ticket may publish. */
export async function bringOnStage(apiUrl: string, roomId: string, host: BenchMember, member: BenchMember): Promise<void> {
  await ok(apiUrl, member.accessToken, 'POST', `/v1/rooms/${roomId}/join`, { acceptTranscription: true });
  await ok(apiUrl, member.accessToken, 'POST', `/v1/rooms/${roomId}/stage/hand`);
  await ok(apiUrl, host.accessToken, 'POST', `/v1/rooms/${roomId}/stage/hands/${member.memberId}/approve`);
}

/** Benign professional talk, so captions carry words (a flagged utterance's are withheld, but it is still captioned). */
export const TALK_SENTENCES = [
  'We are discussing hiring plans, interview loops and how to onboard senior engineers into remote teams.',
  'Our quarterly roadmap puts reliability first, then the new billing system, then the mobile release.',
  'The design review went well, and the team agreed to ship the search feature behind a flag next month.',
  'Customer interviews show that onboarding takes too long, so we will simplify the first three steps.',
  'Next week we will compare two database options and write down the tradeoffs for the architecture group.',
];
