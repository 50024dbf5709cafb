// GET /v1/rooms/:roomId/stage/events: a text/event-stream that starts with the current stage as the caller may see
// it, sends every change, ends after the room ends, and lets go of its subscription when the client disconnects.
import test from 'ava';
import { StageService } from '../../engine/stage-service/index.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { openStageStream } from './_sse.js';
import { type Member, eventually, join, liveRoom, ok, signUp } from './_fixtures.js';

let env: TestStack;
// The API's StageService, noticed when it subscribes (observation only: the call goes through unchanged), so the
// test can see the subscription released after the client disconnects.
const services = new Set<StageService>();
const subscribe = StageService.prototype.subscribe;
StageService.prototype.subscribe = function (this: StageService, ...args: Parameters<StageService['subscribe']>) {
  services.add(this);
  return subscribe.apply(this, args);
};

test.before(async () => {
  env = await startTestStack({ workers: 0 });
});

test.after.always(async () => {
  StageService.prototype.subscribe = subscribe;
  await env?.stop();
});

/** Opens the stream and parses events as they arrive. */
const openStream = (member: Member, roomId: string) => openStageStream(env, member.accessToken, roomId);

const subscribers = (roomId: string): number => [...services].reduce((n, s) => n + s.subscriberCount(roomId), 0);

test('the stream sends the current stage, then each change, and ends after the room ends', async (t) => {
  t.timeout(60_000);
  const host = await signUp(env, 'Hana Host');
  const lee = await signUp(env, 'Lee Listener');
  const roomId = await liveRoom(host);
  await join(host, roomId);
  await join(lee, roomId);

  const hostStream = await openStream(host, roomId);
  const leeStream = await openStream(lee, roomId);
  t.is(hostStream.res.status, 200);
  t.regex(hostStream.res.headers.get('content-type') ?? '', /^text\/event-stream/);
  await eventually(async () => (hostStream.events.length >= 1 && leeStream.events.length >= 1 ? true : undefined), 5000, 'first events');
  t.like(hostStream.events[0], { event: 'stage_state', data: { roomId, you: { role: 'host' } } });

  await ok(lee, 'POST', `/v1/rooms/${roomId}/stage/hand`);
  const hostSaw = await eventually(async () => hostStream.events.find((e) => e.data.raisedHandCount === 1), 5000, 'hand on the host stream');
  t.deepEqual(hostSaw.data.moderation.hands.map((h: { identity: string }) => h.identity), [lee.memberId], 'the host stream carries the queue');
  const leeSaw = await eventually(async () => leeStream.events.find((e) => e.data.raisedHandCount === 1), 5000, 'hand on the listener stream');
  t.is(leeSaw.data.moderation, undefined, "the listener's stream does not");
  t.true(leeSaw.data.you.handRaised);
  // `id:` is the room's event id (room event bus), growing with every event; the first state carries one too.
  t.regex(leeSaw.id ?? '', /^\d+$/);
  t.true(Number(leeSaw.id) > Number(leeStream.events[0]!.id), 'event ids grow');

  await ok(host, 'POST', `/v1/rooms/${roomId}/end`);
  await eventually(async () => (hostStream.isEnded() && leeStream.isEnded() ? true : undefined), 5000, 'both streams to end');
  t.true(hostStream.events.at(-1)!.data.ended);
  t.is(subscribers(roomId), 0);
});

test('disconnecting the client releases the subscription', async (t) => {
  t.timeout(60_000);
  const host = await signUp(env, 'Hana Host');
  const roomId = await liveRoom(host);
  await join(host, roomId);
  const stream = await openStream(host, roomId);
  await eventually(async () => (stream.events.length >= 1 ? true : undefined), 5000, 'first event');
  t.is(subscribers(roomId), 1);
  stream.abort.abort();
  await stream.reading;
  await eventually(async () => (subscribers(roomId) === 0 ? true : undefined), 5000, 'the server to unsubscribe');
  t.pass();
});

test('someone who is not in the room gets 403 and no stream', async (t) => {
  const host = await signUp(env, 'Hana Host');
  const olga = await signUp(env, 'Olga Outsider');
  const roomId = await liveRoom(host);
  await join(host, roomId);
  const res = await olga.client.get(`/v1/rooms/${roomId}/stage/events`);
  t.is(res.status, 403);
  t.is(res.body.error.code, 'not_in_room');
  t.is(subscribers(roomId), 0);
});

test('a participant removed from the room gets stage_closed and the stream ends', async (t) => {
  t.timeout(60_000);
  const host = await signUp(env, 'Hana Host');
  const lee = await signUp(env, 'Lee Listener');
  const roomId = await liveRoom(host);
  await join(host, roomId);
  await join(lee, roomId);
  const stream = await openStream(lee, roomId);
  await eventually(async () => (stream.events.length >= 1 ? true : undefined), 5000, 'first event');
  await ok(host, 'POST', `/v1/rooms/${roomId}/stage/participants/${lee.memberId}/remove`, { ban: true });
  await eventually(async () => (stream.isEnded() ? true : undefined), 5000, 'the stream to end');
  t.like(stream.events.at(-1), { event: 'stage_closed', data: { reason: 'not_in_room' } });
});
