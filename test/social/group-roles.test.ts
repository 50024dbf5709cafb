// Group roles: owner > admin > member. The owner sets roles and transfers ownership; admins remove plain members.
import test from 'ava';
import { BACKENDS } from '../support/database.js';
import { closeDatabases, rejectsWith, socialFixture } from './_fixtures.js';

test.after.always(closeDatabases);

for (const kind of BACKENDS) {
  test.serial(`${kind}: the owner makes an admin, who can then invite and remove plain members but not the owner`, async (t) => {
    const { groups, member } = await socialFixture(kind);
    const owner = await member('Owner');
    const admin = await member('Admin');
    const plain = await member('Plain');
    const guest = await member('Guest');
    const group = await groups.create(owner, { name: 'Guild' });
    await groups.join(admin, group.id);
    await groups.join(plain, group.id);
    await rejectsWith(t, groups.setRole(admin, group.id, plain, 'admin'), 'forbidden', 'owner_only', 'groupId');

    t.like(await groups.setRole(owner, group.id, admin, 'admin'), { role: 'admin' });
    t.is((await groups.invite(admin, group.id, guest)).inviter.id, admin);
    await rejectsWith(t, groups.removeMember(admin, group.id, owner), 'forbidden', 'target_outranks', 'memberId');
    await rejectsWith(t, groups.removeMember(plain, group.id, admin), 'forbidden', 'not_group_admin');
    await groups.removeMember(admin, group.id, plain);
    t.false((await groups.listMembers({ memberId: owner, platformRoles: ['member'] }, group.id, { limit: 10 })).items.some((m) => m.member.id === plain));
    await rejectsWith(t, groups.removeMember(admin, group.id, plain), 'not_found', 'membership_not_found', 'memberId');
  });

  test.serial(`${kind}: making someone owner transfers ownership; there is one owner and the old one may then leave`, async (t) => {
    const { groups, member, query } = await socialFixture(kind);
    const owner = await member('Owner');
    const heir = await member('Heir');
    const group = await groups.create(owner, { name: 'Guild' });
    await groups.join(heir, group.id);
    await rejectsWith(t, groups.setRole(owner, group.id, owner, 'member'), 'invalid', 'own_role', 'memberId');

    t.like(await groups.setRole(owner, group.id, heir, 'owner'), { role: 'owner' });
    t.like(await groups.get(owner, group.id), { myRole: 'admin' });
    const owners = await query("SELECT member_id FROM group_members WHERE group_id = $1 AND role = 'owner'", [group.id]);
    t.deepEqual(owners.map((r) => r.member_id), [heir]);
    await rejectsWith(t, groups.setRole(owner, group.id, heir, 'member'), 'forbidden', 'owner_only');
    await groups.leave(owner, group.id);
    t.like(await groups.get(heir, group.id), { memberCount: 1, myRole: 'owner' });
  });

  test.serial(`${kind}: removing yourself is leaving`, async (t) => {
    const { groups, member } = await socialFixture(kind);
    const owner = await member('Owner');
    const plain = await member('Plain');
    const group = await groups.create(owner, { name: 'Guild' });
    await groups.join(plain, group.id);
    await groups.removeMember(plain, group.id, plain);
    t.like(await groups.get(plain, group.id), { myRole: null });
    await rejectsWith(t, groups.removeMember(owner, group.id, owner), 'conflict', 'owner_cannot_leave');
  });
}
