// The SocialGraph read side the room join policy uses, exercised through the interface type only.
import test from 'ava';
import type { SocialGraph } from '../../engine/social/index.js';
import { BACKENDS } from '../support/database.js';
import { closeDatabases, socialFixture } from './_fixtures.js';

test.after.always(closeDatabases);

for (const kind of BACKENDS) {
  test.serial(`${kind}: SocialGraph answers connection, block, group and count facts`, async (t) => {
    const { social, groups, member } = await socialFixture(kind);
    const graph: SocialGraph = social;
    const host = await member('Host');
    const friend = await member('Friend');
    const stranger = await member('Stranger');
    const troll = await member('Troll');
    const group = await groups.create(host, { name: 'Hiring managers' });
    await groups.join(stranger, group.id);
    await social.requestConnection(host, friend);
    await social.requestConnection(friend, host);
    await social.block(troll, host);

    t.true(await graph.areConnected(host, friend));
    t.true(await graph.areConnected(friend, host));
    t.false(await graph.areConnected(host, stranger));
    t.true(await graph.isBlockedEitherWay(host, troll));
    t.false(await graph.isBlockedEitherWay(host, friend));
    t.true(await graph.isGroupMember(group.id, host));
    t.true(await graph.isGroupMember(group.id, stranger));
    t.false(await graph.isGroupMember(group.id, friend));
    t.is(await graph.connectionCount(host), 1);
    t.is(await graph.connectionCount(stranger), 0);
  });

  test.serial(`${kind}: SocialGraph accepts ids in upper case like PostgreSQL does`, async (t) => {
    const { social, member } = await socialFixture(kind);
    const a = await member('A');
    const b = await member('B');
    await social.requestConnection(a, b);
    await social.requestConnection(b.toUpperCase(), a.toUpperCase());
    t.true(await social.areConnected(a.toUpperCase(), b));
  });
}
