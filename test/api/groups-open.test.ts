// Open groups over HTTP: create, discover, join, list members, my groups, leave.
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';

let env: TestStack;

test.before(async () => {
  env = await startTestStack({ workers: 0 });
});

test.after.always(async () => {
  await env?.stop();
});

test('create -> join -> members -> my groups -> leave', async (t) => {
  const ada = await env.api.signUp('Ada');
  const bob = await env.api.signUp('Bob');
  const created = await ada.client.post('/v1/groups', { name: 'Platform engineers', description: 'Infra and tooling' });
  t.is(created.status, 201, JSON.stringify(created.body));
  t.like(created.body, { name: 'Platform engineers', visibility: 'open', memberCount: 1, myRole: 'owner' });
  const groupId: string = created.body.id;

  const joined = await bob.client.post(`/v1/groups/${groupId}/join`);
  t.is(joined.status, 201, JSON.stringify(joined.body));
  t.like(joined.body, { groupId, role: 'member', member: { id: bob.memberId } });
  t.is((await bob.client.post(`/v1/groups/${groupId}/join`)).status, 409);

  const members = await bob.client.get(`/v1/groups/${groupId}/members`);
  t.is(members.status, 200);
  t.deepEqual(members.body.items.map((m: { member: { id: string }; role: string }) => [m.member.id, m.role]), [[ada.memberId, 'owner'], [bob.memberId, 'member']]);
  t.like((await bob.client.get(`/v1/groups/${groupId}`)).body, { memberCount: 2, myRole: 'member' });
  t.deepEqual((await bob.client.get('/v1/me/groups')).body.items.map((g: { id: string }) => g.id), [groupId]);
  const discovered = await bob.client.get('/v1/groups?visibility=open&limit=200');
  t.true(discovered.body.items.some((g: { id: string }) => g.id === groupId));

  t.is((await bob.client.post(`/v1/groups/${groupId}/leave`)).status, 204);
  t.deepEqual((await bob.client.get('/v1/me/groups')).body.items, []);
  t.is((await bob.client.post(`/v1/groups/${groupId}/leave`)).status, 404);
  const ownerLeaves = await ada.client.post(`/v1/groups/${groupId}/leave`);
  t.is(ownerLeaves.status, 409);
  t.is(ownerLeaves.body.error.code, 'owner_cannot_leave');
});

test('group input is validated with the field named; unknown groups are 404', async (t) => {
  const ada = await env.api.signUp('Ada');
  const noName = await ada.client.post('/v1/groups', { name: '  ' });
  t.is(noName.status, 400);
  t.deepEqual(noName.body.error.details.map((d: { field: string }) => d.field), ['body.name']);
  const badVisibility = await ada.client.post('/v1/groups', { name: 'G', visibility: 'secret' });
  t.is(badVisibility.status, 400);
  t.deepEqual(badVisibility.body.error.details.map((d: { field: string }) => d.field), ['body.visibility']);
  t.is((await ada.client.get('/v1/groups/00000000-0000-4000-8000-000000000000')).status, 404);
  t.is((await ada.client.post('/v1/groups/00000000-0000-4000-8000-000000000000/join')).status, 404);
});

test('the owner makes an admin; admins remove plain members; members cannot edit the group', async (t) => {
  const owner = await env.api.signUp('Owner');
  const admin = await env.api.signUp('Admin');
  const plain = await env.api.signUp('Plain');
  const groupId: string = (await owner.client.post('/v1/groups', { name: 'Guild' })).body.id;
  await admin.client.post(`/v1/groups/${groupId}/join`);
  await plain.client.post(`/v1/groups/${groupId}/join`);

  t.is((await plain.client.request('PATCH', `/v1/groups/${groupId}`, { name: 'Mine now' })).status, 403);
  const promoted = await owner.client.request('PATCH', `/v1/groups/${groupId}/members/${admin.memberId}`, { role: 'admin' });
  t.is(promoted.status, 200, JSON.stringify(promoted.body));
  t.is(promoted.body.role, 'admin');
  t.is((await admin.client.request('PATCH', `/v1/groups/${groupId}`, { description: 'Renamed by an admin' })).status, 200);
  t.is((await admin.client.request('DELETE', `/v1/groups/${groupId}/members/${owner.memberId}`)).status, 403);
  t.is((await admin.client.request('DELETE', `/v1/groups/${groupId}/members/${plain.memberId}`)).status, 204);
  t.like((await owner.client.get(`/v1/groups/${groupId}`)).body, { memberCount: 2, description: 'Renamed by an admin' });
});
