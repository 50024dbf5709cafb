// Private groups: only by invitation from an admin or the owner, which the invitee accepts; members-only member list.
import test from 'ava';
import { BACKENDS } from '../support/database.js';
import { closeDatabases, rejectsWith, socialFixture } from './_fixtures.js';

test.after.always(closeDatabases);

const asMember = (memberId: string) => ({ memberId, platformRoles: ['member'] as const });

for (const kind of BACKENDS) {
  test.serial(`${kind}: nobody joins a private group uninvited; an invitation accepted makes a member`, async (t) => {
    const { groups, member } = await socialFixture(kind);
    const owner = await member('Owner');
    const guest = await member('Guest');
    const group = await groups.create(owner, { name: 'Board', visibility: 'private' });
    await rejectsWith(t, groups.join(guest, group.id), 'forbidden', 'invitation_required', 'groupId');

    const invitation = await groups.invite(owner, group.id, guest);
    t.like(invitation.group, { id: group.id, name: 'Board', visibility: 'private' });
    t.is(invitation.inviter.id, owner);
    t.is(invitation.invitee.id, guest);
    t.deepEqual((await groups.listMyInvitations(guest, { limit: 10 })).items.map((i) => i.id), [invitation.id]);
    t.deepEqual((await groups.listGroupInvitations(owner, group.id, { limit: 10 })).items.map((i) => i.id), [invitation.id]);
    await rejectsWith(t, groups.invite(owner, group.id, guest), 'conflict', 'already_invited', 'memberId');

    const joined = await groups.acceptInvitation(guest, invitation.id);
    t.like(joined, { groupId: group.id, role: 'member' });
    t.deepEqual((await groups.listMyInvitations(guest, { limit: 10 })).items, []);
    await rejectsWith(t, groups.acceptInvitation(guest, invitation.id), 'not_found', 'group_invitation_not_found', 'invitationId');
    await rejectsWith(t, groups.invite(owner, group.id, guest), 'conflict', 'already_member', 'memberId');
  });

  test.serial(`${kind}: joining a private group you are invited to uses the invitation`, async (t) => {
    const { groups, member } = await socialFixture(kind);
    const owner = await member('Owner');
    const guest = await member('Guest');
    const group = await groups.create(owner, { name: 'Board', visibility: 'private' });
    await groups.invite(owner, group.id, guest);
    t.like(await groups.join(guest, group.id), { role: 'member' });
    t.deepEqual((await groups.listGroupInvitations(owner, group.id, { limit: 10 })).items, []);
  });

  test.serial(`${kind}: only admins and the owner invite; declined and revoked invitations are gone`, async (t) => {
    const { groups, member } = await socialFixture(kind);
    const owner = await member('Owner');
    const plain = await member('Plain');
    const guest = await member('Guest');
    const other = await member('Other');
    const group = await groups.create(owner, { name: 'Board', visibility: 'private' });
    await groups.join(plain, (await groups.invite(owner, group.id, plain)).group.id);
    await rejectsWith(t, groups.invite(plain, group.id, guest), 'forbidden', 'not_group_admin', 'groupId');
    await rejectsWith(t, groups.invite(other, group.id, guest), 'forbidden', 'not_group_admin', 'groupId');
    await rejectsWith(t, groups.listGroupInvitations(plain, group.id, { limit: 10 }), 'forbidden', 'not_group_admin');

    const declined = await groups.invite(owner, group.id, guest);
    await rejectsWith(t, groups.declineInvitation(other, declined.id), 'not_found', 'group_invitation_not_found');
    await groups.declineInvitation(guest, declined.id);
    await rejectsWith(t, groups.join(guest, group.id), 'forbidden', 'invitation_required');

    const revoked = await groups.invite(owner, group.id, guest);
    await rejectsWith(t, groups.revokeInvitation(plain, revoked.id), 'forbidden', 'not_group_admin');
    await groups.revokeInvitation(owner, revoked.id);
    await rejectsWith(t, groups.acceptInvitation(guest, revoked.id), 'not_found', 'group_invitation_not_found');
  });

  test.serial(`${kind}: a private group's members are listed to its members and staff, not to others`, async (t) => {
    const { groups, member } = await socialFixture(kind);
    const owner = await member('Owner');
    const outsider = await member('Outsider');
    const staff = await member('Staff', { platformRoles: ['member', 'trust_safety'] });
    const group = await groups.create(owner, { name: 'Board', visibility: 'private' });
    await rejectsWith(t, groups.listMembers(asMember(outsider), group.id, { limit: 10 }), 'forbidden', 'members_only', 'groupId');
    t.like(await groups.get(outsider, group.id), { name: 'Board', memberCount: 1, myRole: null }, 'the group itself is public');
    t.is((await groups.listMembers(asMember(owner), group.id, { limit: 10 })).items.length, 1);
    t.is((await groups.listMembers({ memberId: staff, platformRoles: ['member', 'trust_safety'] }, group.id, { limit: 10 })).items.length, 1);
  });

  test.serial(`${kind}: blocks stop invitations both ways`, async (t) => {
    const { social, groups, member } = await socialFixture(kind);
    const owner = await member('Owner');
    const blockedByOwner = await member('Blocked');
    const blocksOwner = await member('Blocker');
    const group = await groups.create(owner, { name: 'Board', visibility: 'private' });
    await social.block(owner, blockedByOwner);
    await social.block(blocksOwner, owner);
    await rejectsWith(t, groups.invite(owner, group.id, blockedByOwner), 'forbidden', 'member_blocked', 'memberId');
    await rejectsWith(t, groups.invite(owner, group.id, blocksOwner), 'not_found', 'member_not_found', 'memberId');
  });
}
