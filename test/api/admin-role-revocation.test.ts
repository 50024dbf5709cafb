// A platform role an admin revokes through PUT /v1/admin/members/:memberId/roles stops working on the member's next
// request, with the access token they already hold; a granted role works at once too.
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

async function admin(name: string): Promise<{ client: ApiClient; memberId: string }> {
  const m = await env.api.signUp(name);
  await env.stack.database.pool.query("UPDATE members SET platform_roles = ARRAY['member','admin'] WHERE id = $1", [m.memberId]);
  return { client: await env.api.logIn(m.email), memberId: m.memberId };
}

const setRoles = (by: ApiClient, memberId: string, roles: string[]) => by.request('PUT', `/v1/admin/members/${memberId}/roles`, { roles });

test.serial('an admin revokes another admin: their next staff-only call is 403', async (t) => {
  const ada = await admin('Ada Admin');
  const bea = await admin('Bea Admin');
  const target = await env.api.signUp('Tom Target');
  t.is((await setRoles(bea.client, target.memberId, ['trust_safety'])).status, 200, 'Bea is an admin');

  const revoked = await setRoles(ada.client, bea.memberId, []);
  t.is(revoked.status, 200, JSON.stringify(revoked.body));
  t.deepEqual(revoked.body.roles, ['member']);

  const refused = await setRoles(bea.client, target.memberId, []);
  t.is(refused.status, 403, 'the same access token, issued while Bea was an admin, no longer carries the role');
  t.is(refused.body.error.code, 'staff_only');
  const { rows } = await env.stack.database.pool.query('SELECT platform_roles FROM members WHERE id = $1', [target.memberId]);
  t.deepEqual(rows[0].platform_roles, ['member', 'trust_safety'], 'the refused call changed nothing');
});

test.serial('trust-and-safety staff lose the staff view of a room at once when the role is revoked', async (t) => {
  const ada = await admin('Ada Admin');
  const sam = await env.staff('Sam Safety');
  const host = await env.api.signUp('Hana Host');
  const room = await host.client.post('/v1/rooms', { title: 'Revocation' });
  t.is(room.status, 201, JSON.stringify(room.body));
  t.is((await sam.client.get(`/v1/rooms/${room.body.id}/stage`)).status, 200, 'staff may look at any stage');

  t.is((await setRoles(ada.client, sam.memberId, [])).status, 200);
  const after = await sam.client.get(`/v1/rooms/${room.body.id}/stage`);
  t.is(after.status, 403);
  t.is(after.body.error.code, 'not_in_room');
});

test.serial('a role granted by an admin works with the token the member already has', async (t) => {
  const ada = await admin('Ada Admin');
  const newcomer = await env.api.signUp('Nia New');
  const target = await env.api.signUp('Tom Target');
  t.is((await setRoles(newcomer.client, target.memberId, ['admin'])).status, 403);
  t.is((await setRoles(ada.client, newcomer.memberId, ['admin'])).status, 200);
  t.is((await setRoles(newcomer.client, target.memberId, ['trust_safety'])).status, 200);
});
