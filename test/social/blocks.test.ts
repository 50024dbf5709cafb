// Blocking: it withdraws everything between the pair and stops new requests both ways, until unblocked.
import test from 'ava';
import { BACKENDS } from '../support/database.js';
import { closeDatabases, rejectsWith, socialFixture } from './_fixtures.js';

test.after.always(closeDatabases);

for (const kind of BACKENDS) {
  test.serial(`${kind}: blocking removes the connection and both counts drop`, async (t) => {
    const { social, member } = await socialFixture(kind);
    const ada = await member('Ada');
    const bob = await member('Bob');
    await social.requestConnection(ada, bob);
    await social.requestConnection(bob, ada);
    t.true(await social.areConnected(ada, bob));

    const { block, created } = await social.block(ada, bob);
    t.true(created);
    t.is(block.member.id, bob);
    t.false(await social.areConnected(ada, bob));
    t.is(await social.connectionCount(ada), 0);
    t.is(await social.connectionCount(bob), 0);
  });

  test.serial(`${kind}: blocking deletes pending requests both ways and the pair's group invitations`, async (t) => {
    const { social, groups, member } = await socialFixture(kind);
    const ada = await member('Ada');
    const bob = await member('Bob');
    const cy = await member('Cy');
    await social.requestConnection(bob, ada);
    await social.requestConnection(ada, cy);
    const group = await groups.create(ada, { name: 'Founders', visibility: 'private' });
    await groups.invite(ada, group.id, bob);
    await groups.invite(ada, group.id, cy);

    await social.block(bob, ada);
    t.deepEqual((await social.listConnectionRequests(ada, 'incoming', { limit: 10 })).items, []);
    t.deepEqual((await social.listConnectionRequests(bob, 'outgoing', { limit: 10 })).items, []);
    t.is((await social.listConnectionRequests(ada, 'outgoing', { limit: 10 })).items.length, 1, "requests to others stay");
    t.deepEqual((await groups.listMyInvitations(bob, { limit: 10 })).items, []);
    t.is((await groups.listMyInvitations(cy, { limit: 10 })).items.length, 1, "invitations to others stay");
  });

  test.serial(`${kind}: a blocked pair cannot request: the blocker is told to unblock, the blocked member sees no such member`, async (t) => {
    const { social, member } = await socialFixture(kind);
    const ada = await member('Ada');
    const bob = await member('Bob');
    await social.block(ada, bob);
    await rejectsWith(t, social.requestConnection(ada, bob), 'forbidden', 'member_blocked', 'memberId');
    await rejectsWith(t, social.requestConnection(bob, ada), 'not_found', 'member_not_found', 'memberId');
    await rejectsWith(t, social.getProfile(bob, ada), 'not_found', 'member_not_found');
    const seenByBlocker = await social.getProfile(ada, bob);
    t.true(seenByBlocker.relationship.blockedByYou);
  });

  test.serial(`${kind}: block facts are one-directional in storage and symmetric for isBlockedEitherWay`, async (t) => {
    const { social, member } = await socialFixture(kind);
    const ada = await member('Ada');
    const bob = await member('Bob');
    t.false(await social.isBlockedEitherWay(ada, bob));
    await social.block(ada, bob);
    t.true(await social.hasBlocked(ada, bob));
    t.false(await social.hasBlocked(bob, ada));
    t.true(await social.isBlockedEitherWay(ada, bob));
    t.true(await social.isBlockedEitherWay(bob, ada));
  });

  test.serial(`${kind}: blocking again keeps the first block; unblocking lifts it, a second unblock is not found`, async (t) => {
    const { social, member } = await socialFixture(kind);
    const ada = await member('Ada');
    const bob = await member('Bob');
    const first = await social.block(ada, bob);
    const again = await social.block(ada, bob);
    t.false(again.created);
    t.is(again.block.blockedAt, first.block.blockedAt);
    t.deepEqual((await social.listBlocks(ada, { limit: 10 })).items.map((b) => b.member.id), [bob]);

    await social.unblock(ada, bob);
    t.false(await social.isBlockedEitherWay(ada, bob));
    t.deepEqual((await social.listBlocks(ada, { limit: 10 })).items, []);
    await rejectsWith(t, social.unblock(ada, bob), 'not_found', 'block_not_found', 'memberId');
    t.is((await social.requestConnection(bob, ada)).status, 'pending');
  });

  test.serial(`${kind}: you cannot block yourself or an unknown member`, async (t) => {
    const { social, member } = await socialFixture(kind);
    const ada = await member('Ada');
    await rejectsWith(t, social.block(ada, ada), 'invalid', 'self_block', 'memberId');
    await rejectsWith(t, social.block(ada, '00000000-0000-4000-8000-000000000000'), 'not_found', 'member_not_found', 'memberId');
  });
}
