// One member may hold at most STAGE_EVENT_STREAMS_PER_MEMBER stage event streams at once; one more is answered 429
// with Retry-After, and a closed stream frees its slot.
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';
import { eventually, join, liveRoom, signUp } from './_fixtures.js';
import { openStageStream } from './_sse.js';

let env: TestStack;

test.before(async () => {
  env = await startTestStack({ workers: 0, env: { STAGE_EVENT_STREAMS_PER_MEMBER: '2' } });
});

test.after.always(async () => {
  await env?.stop();
});

test('a third stream is refused with 429 until one of the two closes; other members are not affected', async (t) => {
  t.timeout(90_000);
  const host = await signUp(env, 'Hana Host');
  const lee = await signUp(env, 'Lee Listener');
  const roomId = await liveRoom(host);
  await join(host, roomId);
  await join(lee, roomId);

  const first = await openStageStream(env, host.accessToken, roomId);
  const second = await openStageStream(env, host.accessToken, roomId);
  t.is(first.res.status, 200);
  t.is(second.res.status, 200);

  const third = await openStageStream(env, host.accessToken, roomId);
  t.is(third.res.status, 429);
  t.regex(third.res.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
  t.is(((await third.res.json()) as { error: { code: string } }).error.code, 'too_many_streams');

  const lees = await openStageStream(env, lee.accessToken, roomId);
  t.is(lees.res.status, 200, "the cap is per member: Lee's stream opens");

  first.abort.abort();
  await first.reading;
  const replacement = await eventually(async () => {
    const s = await openStageStream(env, host.accessToken, roomId);
    if (s.res.status === 200) return s;
    await s.res.body?.cancel();
    return undefined;
  }, 10_000, 'a slot to free up');
  t.is(replacement.res.status, 200);
  for (const s of [second, lees, replacement]) s.abort.abort();
});

test('streams that could not start (not in the room) do not hold a slot', async (t) => {
  t.timeout(90_000);
  const host = await signUp(env, 'Hana Host');
  const olga = await signUp(env, 'Olga Outsider');
  const roomId = await liveRoom(host);
  await join(host, roomId);
  for (let i = 0; i < 3; i++) t.is((await openStageStream(env, olga.accessToken, roomId)).res.status, 403);
  const mine = await liveRoom(olga, 'Olga’s room');
  await join(olga, mine);
  const a = await openStageStream(env, olga.accessToken, mine);
  const b = await openStageStream(env, olga.accessToken, mine);
  t.deepEqual([a.res.status, b.res.status], [200, 200]);
  for (const s of [a, b]) s.abort.abort();
});
