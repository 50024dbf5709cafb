// Private groups over HTTP: invitation by an admin, accepted by the invitee; the member list is members-only.
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';

let env: TestStack;

test.before(async () => {
  env = await startTestStack({ workers: 0 });
});

test.after.always(async () => {
  await env?.stop();
});

test('private group: uninvited join is 403, invite -> accept makes a member', async (t) => {
  const owner = await env.api.signUp('Owner');
  const guest = await env.api.signUp('Guest');
  const created = await owner.client.post('/v1/groups', { name: 'Board', visibility: 'private' });
  t.is(created.status, 201);
  const groupId: string = created.body.id;

  const uninvited = await guest.client.post(`/v1/groups/${groupId}/join`);
  t.is(uninvited.status, 403);
  t.is(uninvited.body.error.code, 'invitation_required');

  const invited = await owner.client.post(`/v1/groups/${groupId}/invitations`, { memberId: guest.memberId });
  t.is(invited.status, 201, JSON.stringify(invited.body));
  t.like(invited.body, { group: { id: groupId, visibility: 'private' }, inviter: { id: owner.memberId }, invitee: { id: guest.memberId } });
  t.is((await owner.client.post(`/v1/groups/${groupId}/invitations`, { memberId: guest.memberId })).status, 409);

  const mine = await guest.client.get('/v1/me/group-invitations');
  t.deepEqual(mine.body.items.map((i: { id: string }) => i.id), [invited.body.id]);
  t.is((await owner.client.get(`/v1/groups/${groupId}/invitations`)).body.items.length, 1);

  const accepted = await guest.client.post(`/v1/group-invitations/${invited.body.id}/accept`);
  t.is(accepted.status, 201, JSON.stringify(accepted.body));
  t.like(accepted.body, { groupId, role: 'member' });
  t.like((await guest.client.get(`/v1/groups/${groupId}`)).body, { memberCount: 2, myRole: 'member' });
  t.deepEqual((await guest.client.get('/v1/me/group-invitations')).body.items, []);
});

test("a non-member cannot list a private group's members (403) but sees the group itself", async (t) => {
  const owner = await env.api.signUp('Owner');
  const outsider = await env.api.signUp('Outsider');
  const groupId: string = (await owner.client.post('/v1/groups', { name: 'Board', visibility: 'private' })).body.id;
  const members = await outsider.client.get(`/v1/groups/${groupId}/members`);
  t.is(members.status, 403);
  t.is(members.body.error.code, 'members_only');
  t.like((await outsider.client.get(`/v1/groups/${groupId}`)).body, { name: 'Board', myRole: null });
  t.is((await owner.client.get(`/v1/groups/${groupId}/members`)).status, 200);
});

test('only admins invite; the invitee may decline; an admin may revoke', async (t) => {
  const owner = await env.api.signUp('Owner');
  const plain = await env.api.signUp('Plain');
  const guest = await env.api.signUp('Guest');
  const groupId: string = (await owner.client.post('/v1/groups', { name: 'Board', visibility: 'private' })).body.id;
  const plainInvite = await owner.client.post(`/v1/groups/${groupId}/invitations`, { memberId: plain.memberId });
  await plain.client.post(`/v1/group-invitations/${plainInvite.body.id}/accept`);

  const byPlain = await plain.client.post(`/v1/groups/${groupId}/invitations`, { memberId: guest.memberId });
  t.is(byPlain.status, 403);
  t.is(byPlain.body.error.code, 'not_group_admin');
  const badBody = await owner.client.post(`/v1/groups/${groupId}/invitations`, { memberId: 'guest' });
  t.is(badBody.status, 400);
  t.deepEqual(badBody.body.error.details.map((d: { field: string }) => d.field), ['body.memberId']);

  const declined = await owner.client.post(`/v1/groups/${groupId}/invitations`, { memberId: guest.memberId });
  t.is((await guest.client.post(`/v1/group-invitations/${declined.body.id}/decline`)).status, 204);
  t.is((await guest.client.post(`/v1/groups/${groupId}/join`)).status, 403);

  const revoked = await owner.client.post(`/v1/groups/${groupId}/invitations`, { memberId: guest.memberId });
  t.is((await plain.client.request('DELETE', `/v1/group-invitations/${revoked.body.id}`)).status, 403);
  t.is((await owner.client.request('DELETE', `/v1/group-invitations/${revoked.body.id}`)).status, 204);
  t.is((await guest.client.post(`/v1/group-invitations/${revoked.body.id}/accept`)).status, 404);
});
