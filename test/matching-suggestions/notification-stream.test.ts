// GET /v1/me/notifications/events: a member's notifications as server-sent events, through the real room event bus.
// The notifications are written as another API process would write them — its own pool and its own (unstarted) bus,
// nothing published in the API's process — so the stream hears them only through PostgreSQL (NOTIFY/LISTEN, or the
// bus's poll). The truth: the notifications table, read back through GET /v1/me/notifications.
import test from 'ava';
import { connectPostgres, type Database } from '../../db/database.js';
import { inTransaction } from '../../db/queryable.js';
import { NotificationService } from '../../engine/matching/notification-service.js';
import { RoomEventBus } from '../../engine/room-events/index.js';
import { quietLog } from '../support/database.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { openSseStream } from '../stage-api/_sse.js';

let env: TestStack;
let other: Database;
/** The notification service of "another API process". */
let elsewhere: NotificationService;

test.before(async () => {
  env = await startTestStack({ workers: 0 });
  other = await connectPostgres(env.stack.database.url, quietLog, 30_000);
  elsewhere = new NotificationService(other.pool, { events: new RoomEventBus(other.pool, { log: quietLog }) });
});
test.after.always(async () => {
  await other?.close();
  await env?.stop();
});

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function member(name: string): Promise<{ memberId: string; token: string }> {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${Math.random().toString(36).slice(2, 8)}@example.test`;
  const res = await env.api.post('/v1/auth/signup', { email, password: 'correct horse battery staple', displayName: name });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status}`);
  return { memberId: res.body.memberId, token: res.body.accessToken };
}

/** Opens the stream as a client would and parses events as they arrive. */
async function openStream(token: string | undefined, headers: Record<string, string> = {}) {
  const stream = await openSseStream(`${env.api.baseUrl}/v1/me/notifications/events`, {
    accept: 'text/event-stream',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...headers,
  });
  const close = async () => {
    stream.abort.abort();
    await stream.reading;
  };
  return { ...stream, close, notifications: () => stream.events.filter((e) => e.event === 'notification') };
}

/** Writes a notification in another process's transaction (nothing published in the API's process). */
async function notifyElsewhere(memberId: string, payload: Record<string, unknown>): Promise<string> {
  const n = await inTransaction(other.pool, (client) => elsewhere.add(client, memberId, 'match_scheduled', payload));
  return n.id;
}

async function feedIds(token: string): Promise<{ ids: string[]; unread: number }> {
  const res = await env.api.withToken(token).get('/v1/me/notifications?limit=100');
  return { ids: res.body.items.map((n: { id: string }) => n.id), unread: res.body.unread };
}

test('the stream starts with the unread count, then sends each new notification of the member, once, in order', async (t) => {
  t.timeout(120_000);
  const ada = await member('Ada Stream');
  const bo = await member('Bo Bystander');
  const before = await notifyElsewhere(ada.memberId, { partnerName: 'Earlier' });
  const stream = await openStream(ada.token);
  t.teardown(stream.close);
  t.is(stream.res.status, 200);
  t.regex(stream.res.headers.get('content-type') ?? '', /^text\/event-stream/);
  const ready = await until(() => stream.events.find((e) => e.event === 'ready'), 'the ready event');
  t.deepEqual(ready.data, { unread: 1 }, 'the unread count as the stream starts');
  t.is(stream.events[0]!.event, 'ready');

  const first = await notifyElsewhere(ada.memberId, { partnerName: 'Vera' });
  await notifyElsewhere(bo.memberId, { partnerName: 'Not for Ada' });
  // A notification whose transaction rolls back never reaches the stream.
  await t.throwsAsync(
    inTransaction(other.pool, async (client) => {
      await elsewhere.add(client, ada.memberId, 'match_scheduled', { partnerName: 'Rolled back' });
      throw new Error('rollback');
    }),
    { message: 'rollback' },
  );
  const second = await notifyElsewhere(ada.memberId, { partnerName: 'Ivo' });
  await until(() => (stream.notifications().length >= 2 ? true : undefined), 'two notifications on the stream');

  const got = stream.notifications();
  t.deepEqual(got.map((e) => e.data.id), [first, second], "Ada's new notifications, in commit order; not Bo's, not the rolled-back one, not the earlier one");
  t.deepEqual(got.map((e) => e.data.payload.partnerName), ['Vera', 'Ivo']);
  t.is(got[0]!.data.kind, 'match_scheduled');
  t.is(got[0]!.data.readAt, null);
  t.false('memberId' in got[0]!.data);
  const ids = got.map((e) => Number(e.id));
  t.true(Number(ready.id) < ids[0]! && ids[0]! < ids[1]!, 'event ids grow');
  // The truth: what the feed holds.
  const feed = await feedIds(ada.token);
  t.deepEqual(feed.ids, [second, first, before], 'the rolled-back one is not in the feed either');
  t.is(feed.unread, 3);
});

test('reconnecting with Last-Event-ID replays what was missed, then goes on live: nothing missed, nothing twice', async (t) => {
  t.timeout(120_000);
  const ada = await member('Ada Resume');
  const s1 = await openStream(ada.token);
  await until(() => s1.events.find((e) => e.event === 'ready'), 'ready');
  const a = await notifyElsewhere(ada.memberId, { n: 1 });
  const seen = await until(() => s1.notifications()[0], 'the first notification');
  t.is(seen.data.id, a);
  await s1.close();

  // Written while no stream is open.
  const b = await notifyElsewhere(ada.memberId, { n: 2 });
  const c = await notifyElsewhere(ada.memberId, { n: 3 });
  const s2 = await openStream(ada.token, { 'last-event-id': seen.id! });
  t.teardown(s2.close);
  t.is(s2.res.status, 200);
  await until(() => (s2.notifications().length >= 2 ? true : undefined), 'the replay');
  const d = await notifyElsewhere(ada.memberId, { n: 4 });
  await until(() => (s2.notifications().length >= 3 ? true : undefined), 'the live one after the replay');
  t.deepEqual(s2.notifications().map((e) => e.data.id), [b, c, d]);
  t.false(s2.events.some((e) => e.event === 'ready'), 'a resumed stream sends no ready event');

  // An id this stream never gave starts afresh.
  const s3 = await openStream(ada.token, { 'last-event-id': '999999' });
  t.teardown(s3.close);
  const ready = await until(() => s3.events.find((e) => e.event === 'ready'), 'ready on a fresh start');
  t.deepEqual(ready.data, { unread: 4 });
});

test('refusals: no credentials 401, a bad Last-Event-ID 400 naming the header, no text/event-stream in Accept 406; logout ends the stream', async (t) => {
  t.timeout(120_000);
  const anon = await openStream(undefined);
  t.is(anon.res.status, 401);
  const ada = await member('Ada Refused');
  const bad = await openStream(ada.token, { 'last-event-id': 'yesterday' });
  t.is(bad.res.status, 400);
  const body = (await bad.res.json()) as { error: { code: string; details: { field: string }[] } };
  t.is(body.error.code, 'validation_failed');
  t.is(body.error.details[0]?.field, 'header.Last-Event-ID');

  // A client that does not ask for a stream is not left hanging on one.
  const json = await env.api.withToken(ada.token).request('GET', '/v1/me/notifications/events', undefined, { accept: 'application/json' });
  t.is(json.status, 406);
  t.is(json.body.error.code, 'not_acceptable');
  t.is(json.body.error.details[0]?.field, 'header.Accept');

  const live = await openStream(ada.token);
  t.teardown(live.close);
  await until(() => live.events.find((e) => e.event === 'ready'), 'ready');
  const out = await env.api.withToken(ada.token).post('/v1/auth/logout');
  t.true(out.status === 200 || out.status === 204, `logout answered ${out.status}`);
  const closed = await until(() => live.events.find((e) => e.event === 'stream_closed'), 'the stream to close');
  t.deepEqual(closed.data, { reason: 'session_ended' });
  await until(() => (live.isEnded() ? true : undefined), 'the response to end');
});

test('the stream is in the OpenAPI document', async (t) => {
  const doc = await env.api.get('/v1/openapi.json');
  const op = doc.body.paths['/v1/me/notifications/events']?.get;
  t.truthy(op, 'GET /v1/me/notifications/events is documented');
  t.is(op.operationId, 'streamMyNotifications');
  t.regex(JSON.stringify(op.responses['200']), /Last-Event-ID/);
});
