// Discovery: live rooms by topic and group, newest first, paged.
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';
import { createRoom } from './_helpers.js';

let env: TestStack;
test.before(async () => {
  env = await startTestStack({ workers: 0 });
});
test.after.always(() => env?.stop());

test('filter live rooms by topic, newest first, across pages', async (t) => {
  const host = await env.api.signUp('Dee Discover');
  const viewer = await env.api.signUp('Vic Viewer');
  const a = await createRoom(host.client, { title: 'Rust at work', topics: ['rust', 'systems'] });
  await createRoom(host.client, { title: 'Sales', topics: ['sales'] });
  const c = await createRoom(host.client, { title: 'Rust hiring', topics: ['Rust'] });

  const page1 = await viewer.client.get('/v1/rooms?topic=rust&limit=1');
  t.is(page1.status, 200);
  t.deepEqual(page1.body.items.map((r: { id: string }) => r.id), [c.id]);
  t.truthy(page1.body.nextCursor);
  const page2 = await viewer.client.get(`/v1/rooms?topic=rust&limit=1&cursor=${page1.body.nextCursor}`);
  t.deepEqual(page2.body.items.map((r: { id: string }) => r.id), [a.id]);
  const page3 = await viewer.client.get(`/v1/rooms?topic=rust&limit=1&cursor=${page2.body.nextCursor}`);
  t.deepEqual(page3.body.items, []);
  t.is(page3.body.nextCursor, null);
});

test('a group room is listed under its group, and only group members can host there', async (t) => {
  const owner = await env.api.signUp('Gwen Group');
  const outsider = await env.api.signUp('Olly Out');
  const group = await owner.client.post('/v1/groups', { name: 'Platform engineers', visibility: 'open' });
  t.is(group.status, 201, JSON.stringify(group.body));
  const groupId = group.body.id;
  const room = await createRoom(owner.client, { title: 'Oncall retro', groupId });
  const listed = await outsider.client.get(`/v1/rooms?groupId=${groupId}`);
  t.deepEqual(listed.body.items.map((r: { id: string }) => r.id), [room.id]);

  const refused = await outsider.client.post('/v1/rooms', { title: 'Hijack', groupId });
  t.is(refused.status, 403);
  t.is(refused.body.error.code, 'not_group_member');
});

test('upcoming rooms are listed soonest first (not by creation), ties by creation, and paging keeps that order', async (t) => {
  const host = await env.api.signUp('Sid Schedule');
  const viewer = await env.api.signUp('Ula Upcoming');
  const at = (hours: number) => new Date(Math.floor(Date.now() / 1000) * 1000 + hours * 3_600_000).toISOString();
  const topics = ['calendar'];
  const late = await createRoom(host.client, { title: 'In three hours', scheduledFor: at(3), topics });
  const soon = await createRoom(host.client, { title: 'In one hour', scheduledFor: at(1), topics });
  const middle = await createRoom(host.client, { title: 'In two hours', scheduledFor: at(2), topics });
  const soonToo = await createRoom(host.client, { title: 'Also in one hour', scheduledFor: at(1), topics });

  const seen: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 5; page++) {
    const res: { status: number; body: any } = await viewer.client.get(`/v1/rooms?status=scheduled&topic=calendar&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
    t.is(res.status, 200, JSON.stringify(res.body));
    seen.push(...res.body.items.map((r: { id: string }) => r.id));
    cursor = res.body.nextCursor;
    if (!cursor) break;
  }
  t.deepEqual(seen, [soon.id, soonToo.id, middle.id, late.id]);

  const whole = await viewer.client.get('/v1/rooms?status=scheduled&topic=calendar&limit=10');
  t.deepEqual(whole.body.items.map((r: { id: string }) => r.id), [soon.id, soonToo.id, middle.id, late.id]);
});

test('a cursor from the other listing is refused naming the cursor', async (t) => {
  const viewer = await env.api.signUp('Cal Cursor');
  const res = await viewer.client.get('/v1/rooms?status=scheduled&cursor=12');
  t.is(res.status, 400);
  t.is(res.body.error.code, 'invalid_cursor');
  const live = await viewer.client.get('/v1/rooms?status=live&cursor=1767225600000_12');
  t.is(live.status, 400);
});
