// Open groups: create (you own it), join directly, leave; the owner stays until ownership moves.
import test from 'ava';
import { BACKENDS } from '../support/database.js';
import { closeDatabases, rejectsWith, socialFixture } from './_fixtures.js';

test.after.always(closeDatabases);

for (const kind of BACKENDS) {
  test.serial(`${kind}: the creator owns a new group; others join an open group directly and can leave`, async (t) => {
    const { groups, member } = await socialFixture(kind);
    const ada = await member('Ada');
    const bob = await member('Bob');
    const created = await groups.create(ada, { name: '  Platform engineers ', description: 'Infra people' });
    t.like(created, { name: 'Platform engineers', description: 'Infra people', visibility: 'open', memberCount: 1, myRole: 'owner' });

    const joined = await groups.join(bob, created.id);
    t.like(joined, { groupId: created.id, role: 'member' });
    t.is(joined.member.id, bob);
    t.like(await groups.get(bob, created.id), { memberCount: 2, myRole: 'member' });
    const members = await groups.listMembers({ memberId: bob, platformRoles: ['member'] }, created.id, { limit: 10 });
    t.deepEqual(members.items.map((m) => [m.member.id, m.role]), [[ada, 'owner'], [bob, 'member']]);
    t.deepEqual((await groups.listMyGroups(bob, { limit: 10 })).items.map((g) => g.id), [created.id]);

    await groups.leave(bob, created.id);
    t.like(await groups.get(bob, created.id), { memberCount: 1, myRole: null });
    t.deepEqual((await groups.listMyGroups(bob, { limit: 10 })).items, []);
    await rejectsWith(t, groups.leave(bob, created.id), 'not_found', 'membership_not_found', 'groupId');
  });

  test.serial(`${kind}: joining twice is a conflict; the owner cannot leave; unknown groups are not found`, async (t) => {
    const { groups, member } = await socialFixture(kind);
    const ada = await member('Ada');
    const bob = await member('Bob');
    const group = await groups.create(ada, { name: 'Designers' });
    await groups.join(bob, group.id);
    await rejectsWith(t, groups.join(bob, group.id), 'conflict', 'already_member', 'groupId');
    await rejectsWith(t, groups.join(ada, group.id), 'conflict', 'already_member', 'groupId');
    await rejectsWith(t, groups.leave(ada, group.id), 'conflict', 'owner_cannot_leave', 'groupId');
    const nowhere = '00000000-0000-4000-8000-000000000000';
    await rejectsWith(t, groups.get(ada, nowhere), 'not_found', 'group_not_found', 'groupId');
    await rejectsWith(t, groups.join(ada, nowhere), 'not_found', 'group_not_found', 'groupId');
  });

  test.serial(`${kind}: group names are 1 to 100 characters; discovery can filter by visibility`, async (t) => {
    const { groups, member } = await socialFixture(kind);
    const ada = await member('Ada');
    await rejectsWith(t, groups.create(ada, { name: '   ' }), 'invalid', 'invalid_group_name', 'name');
    await rejectsWith(t, groups.create(ada, { name: 'n'.repeat(101) }), 'invalid', 'invalid_group_name', 'name');
    const open = await groups.create(ada, { name: 'Open one' });
    const closed = await groups.create(ada, { name: 'Private one', visibility: 'private' });
    const privateIds = (await groups.list(ada, { visibility: 'private' }, { limit: 200 })).items.map((g) => g.id);
    t.true(privateIds.includes(closed.id));
    t.false(privateIds.includes(open.id));
  });

  test.serial(`${kind}: admins edit the group; plain members cannot`, async (t) => {
    const { groups, member } = await socialFixture(kind);
    const ada = await member('Ada');
    const bob = await member('Bob');
    const group = await groups.create(ada, { name: 'Before' });
    await groups.join(bob, group.id);
    await rejectsWith(t, groups.update(bob, group.id, { name: 'Hijacked' }), 'forbidden', 'not_group_admin', 'groupId');
    const updated = await groups.update(ada, group.id, { name: 'After', visibility: 'private' });
    t.like(updated, { name: 'After', visibility: 'private', description: '' });
  });
}
