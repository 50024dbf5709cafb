// Connections over HTTP: request, accept, decline, cancel, remove, list, and the counts on both profiles.
import test from 'ava';
import type { ApiClient } from '../support/api-client.js';
import { startTestStack, type TestStack } from '../support/stack.js';

let env: TestStack;

test.before(async () => {
  env = await startTestStack({ workers: 0 });
});

test.after.always(async () => {
  await env?.stop();
});

async function count(viewer: ApiClient, memberId: string): Promise<number> {
  const res = await viewer.get(`/v1/members/${memberId}`);
  if (res.status !== 200) throw new Error(`profile ${res.status}`);
  return res.body.connectionCount;
}

test('request -> accept: both profiles count 1 connection and each lists the other', async (t) => {
  const ada = await env.api.signUp('Ada');
  const bob = await env.api.signUp('Bob');
  const sent = await ada.client.post(`/v1/members/${bob.memberId}/connection-requests`);
  t.is(sent.status, 201, JSON.stringify(sent.body));
  t.is(sent.body.status, 'pending');
  t.like(sent.body.request, { requester: { id: ada.memberId }, recipient: { id: bob.memberId } });

  const incoming = await bob.client.get('/v1/me/connection-requests');
  t.is(incoming.status, 200);
  t.deepEqual(incoming.body.items.map((r: { id: string }) => r.id), [sent.body.request.id]);
  t.is(incoming.body.nextCursor, null);
  const outgoing = await ada.client.get('/v1/me/connection-requests?direction=outgoing');
  t.deepEqual(outgoing.body.items.map((r: { id: string }) => r.id), [sent.body.request.id]);

  const accepted = await bob.client.post(`/v1/connection-requests/${sent.body.request.id}/accept`);
  t.is(accepted.status, 201, JSON.stringify(accepted.body));
  t.is(accepted.body.member.id, ada.memberId);

  t.is(await count(bob.client, ada.memberId), 1);
  t.is(await count(ada.client, bob.memberId), 1);
  t.is((await ada.client.get('/v1/me')).body.connectionCount, 1);
  t.is((await bob.client.get('/v1/me')).body.connectionCount, 1);
  t.deepEqual((await ada.client.get('/v1/me/connections')).body.items.map((c: { member: { id: string } }) => c.member.id), [bob.memberId]);
  t.deepEqual((await bob.client.get('/v1/me/connections')).body.items.map((c: { member: { id: string } }) => c.member.id), [ada.memberId]);
  t.is((await bob.client.get('/v1/me/connection-requests')).body.items.length, 0);
});

test('decline removes the request without a connection; only the recipient may decline', async (t) => {
  const ada = await env.api.signUp('Ada');
  const bob = await env.api.signUp('Bob');
  const sent = await ada.client.post(`/v1/members/${bob.memberId}/connection-requests`);
  const id = sent.body.request.id;
  t.is((await ada.client.post(`/v1/connection-requests/${id}/decline`)).status, 403);
  const declined = await bob.client.post(`/v1/connection-requests/${id}/decline`);
  t.is(declined.status, 204);
  t.is((await bob.client.get('/v1/me/connection-requests')).body.items.length, 0);
  t.is(await count(ada.client, bob.memberId), 0);
  t.is((await bob.client.post(`/v1/connection-requests/${id}/accept`)).status, 404, 'a declined request is gone');
});

test('a duplicate request is 409; asking a connection again is 409', async (t) => {
  const ada = await env.api.signUp('Ada');
  const bob = await env.api.signUp('Bob');
  t.is((await ada.client.post(`/v1/members/${bob.memberId}/connection-requests`)).status, 201);
  const again = await ada.client.post(`/v1/members/${bob.memberId}/connection-requests`);
  t.is(again.status, 409);
  t.is(again.body.error.code, 'request_already_sent');

  const crossed = await bob.client.post(`/v1/members/${ada.memberId}/connection-requests`);
  t.is(crossed.status, 200, 'asking someone who asked you connects you');
  t.is(crossed.body.status, 'connected');
  const connected = await ada.client.post(`/v1/members/${bob.memberId}/connection-requests`);
  t.is(connected.status, 409);
  t.is(connected.body.error.code, 'already_connected');
});

test('a request to yourself is 400 naming memberId; to an unknown member 404', async (t) => {
  const ada = await env.api.signUp('Ada');
  const self = await ada.client.post(`/v1/members/${ada.memberId}/connection-requests`);
  t.is(self.status, 400);
  t.is(self.body.error.code, 'self_connection');
  t.deepEqual(self.body.error.details.map((d: { field: string }) => d.field), ['memberId']);
  t.is((await ada.client.post('/v1/members/00000000-0000-4000-8000-000000000000/connection-requests')).status, 404);
});

test('the requester cancels a pending request; removing a connection drops both counts', async (t) => {
  const ada = await env.api.signUp('Ada');
  const bob = await env.api.signUp('Bob');
  const sent = await ada.client.post(`/v1/members/${bob.memberId}/connection-requests`);
  t.is((await bob.client.request('DELETE', `/v1/connection-requests/${sent.body.request.id}`)).status, 403, 'the recipient declines instead');
  t.is((await ada.client.request('DELETE', `/v1/connection-requests/${sent.body.request.id}`)).status, 204);

  await ada.client.post(`/v1/members/${bob.memberId}/connection-requests`);
  await bob.client.post(`/v1/members/${ada.memberId}/connection-requests`);
  t.is(await count(ada.client, bob.memberId), 1);
  t.is((await bob.client.request('DELETE', `/v1/me/connections/${ada.memberId}`)).status, 204);
  t.is(await count(ada.client, bob.memberId), 0);
  t.is(await count(bob.client, ada.memberId), 0);
  t.is((await bob.client.request('DELETE', `/v1/me/connections/${ada.memberId}`)).status, 404);
});

test('my connections page with ?limit&cursor and refuse a bad cursor or limit naming the field', async (t) => {
  const hub = await env.api.signUp('Hub');
  const peers = [];
  for (let i = 0; i < 3; i++) {
    const peer = await env.api.signUp(`Peer ${i}`);
    await peer.client.post(`/v1/members/${hub.memberId}/connection-requests`);
    await hub.client.post(`/v1/members/${peer.memberId}/connection-requests`);
    peers.push(peer.memberId);
  }
  const first = await hub.client.get('/v1/me/connections?limit=2');
  t.is(first.body.items.length, 2);
  t.truthy(first.body.nextCursor);
  const second = await hub.client.get(`/v1/me/connections?limit=2&cursor=${first.body.nextCursor}`);
  t.is(second.body.items.length, 1);
  t.is(second.body.nextCursor, null);
  const ids = [...first.body.items, ...second.body.items].map((c: { member: { id: string } }) => c.member.id);
  t.deepEqual(ids, [...peers].reverse());

  const badCursor = await hub.client.get('/v1/me/connections?cursor=zzz');
  t.is(badCursor.status, 400);
  t.deepEqual(badCursor.body.error.details.map((d: { field: string }) => d.field), ['query.cursor']);
  const badLimit = await hub.client.get('/v1/me/connections?limit=0');
  t.is(badLimit.status, 400);
  t.deepEqual(badLimit.body.error.details.map((d: { field: string }) => d.field), ['query.limit']);
});

test('someone else cannot accept, decline or cancel a request between two other members', async (t) => {
  const ada = await env.api.signUp('Ada');
  const bob = await env.api.signUp('Bob');
  const eve = await env.api.signUp('Eve');
  const sent = await ada.client.post(`/v1/members/${bob.memberId}/connection-requests`);
  const id = sent.body.request.id;
  t.is((await eve.client.post(`/v1/connection-requests/${id}/accept`)).status, 404);
  t.is((await eve.client.post(`/v1/connection-requests/${id}/decline`)).status, 404);
  t.is((await eve.client.request('DELETE', `/v1/connection-requests/${id}`)).status, 404);
  t.is((await bob.client.get('/v1/me/connection-requests')).body.items.length, 1);
});
