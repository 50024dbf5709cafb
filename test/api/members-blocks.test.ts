// Blocks over HTTP: a block removes the connection and stops requests; listing and unblocking.
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';

let env: TestStack;

test.before(async () => {
  env = await startTestStack({ workers: 0 });
});

test.after.always(async () => {
  await env?.stop();
});

test('blocking a connection removes it and prevents requests both ways', async (t) => {
  const ada = await env.api.signUp('Ada');
  const bob = await env.api.signUp('Bob');
  await ada.client.post(`/v1/members/${bob.memberId}/connection-requests`);
  await bob.client.post(`/v1/members/${ada.memberId}/connection-requests`);
  t.is((await ada.client.get('/v1/me')).body.connectionCount, 1);

  const blocked = await ada.client.post(`/v1/members/${bob.memberId}/block`);
  t.is(blocked.status, 201, JSON.stringify(blocked.body));
  t.is(blocked.body.member.id, bob.memberId);
  t.is((await ada.client.get('/v1/me')).body.connectionCount, 0);
  t.is((await bob.client.get('/v1/me')).body.connectionCount, 0);
  t.deepEqual((await ada.client.get('/v1/me/connections')).body.items, []);

  const fromBlocker = await ada.client.post(`/v1/members/${bob.memberId}/connection-requests`);
  t.is(fromBlocker.status, 403);
  t.is(fromBlocker.body.error.code, 'member_blocked');
  const fromBlocked = await bob.client.post(`/v1/members/${ada.memberId}/connection-requests`);
  t.is(fromBlocked.status, 404, 'the blocker is invisible to the blocked member');
  t.is((await bob.client.get(`/v1/members/${ada.memberId}`)).status, 404);
  t.like((await ada.client.get(`/v1/members/${bob.memberId}`)).body, { relationship: { blockedByYou: true } });
});

test('blocking withdraws a pending request', async (t) => {
  const ada = await env.api.signUp('Ada');
  const bob = await env.api.signUp('Bob');
  await bob.client.post(`/v1/members/${ada.memberId}/connection-requests`);
  t.is((await ada.client.get('/v1/me/connection-requests')).body.items.length, 1);
  await ada.client.post(`/v1/members/${bob.memberId}/block`);
  t.deepEqual((await ada.client.get('/v1/me/connection-requests')).body.items, []);
  t.deepEqual((await bob.client.get('/v1/me/connection-requests?direction=outgoing')).body.items, []);
});

test('GET /v1/me/blocks lists blocks; blocking again is 200; unblocking is 204, then 404', async (t) => {
  const ada = await env.api.signUp('Ada');
  const bob = await env.api.signUp('Bob');
  t.is((await ada.client.post(`/v1/members/${bob.memberId}/block`)).status, 201);
  t.is((await ada.client.post(`/v1/members/${bob.memberId}/block`)).status, 200);
  const list = await ada.client.get('/v1/me/blocks');
  t.is(list.status, 200);
  t.deepEqual(list.body.items.map((b: { member: { id: string } }) => b.member.id), [bob.memberId]);
  t.is(list.body.nextCursor, null);
  t.false(JSON.stringify(list.body).includes(bob.email));

  t.is((await ada.client.request('DELETE', `/v1/members/${bob.memberId}/block`)).status, 204);
  t.deepEqual((await ada.client.get('/v1/me/blocks')).body.items, []);
  const again = await ada.client.request('DELETE', `/v1/members/${bob.memberId}/block`);
  t.is(again.status, 404);
  t.is(again.body.error.code, 'block_not_found');
  t.is((await bob.client.post(`/v1/members/${ada.memberId}/connection-requests`)).status, 201, 'requests work again');
});

test('blocking yourself is 400; blocking an unknown member is 404', async (t) => {
  const ada = await env.api.signUp('Ada');
  const self = await ada.client.post(`/v1/members/${ada.memberId}/block`);
  t.is(self.status, 400);
  t.is(self.body.error.code, 'self_block');
  t.is((await ada.client.post('/v1/members/00000000-0000-4000-8000-000000000000/block')).status, 404);
});
