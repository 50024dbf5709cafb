// Removing a connection ends it for both members.
import test from 'ava';
import { BACKENDS } from '../support/database.js';
import { closeDatabases, rejectsWith, socialFixture } from './_fixtures.js';

test.after.always(closeDatabases);

for (const kind of BACKENDS) {
  test.serial(`${kind}: either member removes the connection; counts drop to 0 and removing again is not found`, async (t) => {
    const { social, member } = await socialFixture(kind);
    const ada = await member('Ada');
    const bob = await member('Bob');
    await social.requestConnection(ada, bob);
    await social.requestConnection(bob, ada);
    t.is(await social.connectionCount(ada), 1);

    await social.removeConnection(bob, ada);
    t.false(await social.areConnected(ada, bob));
    t.is(await social.connectionCount(ada), 0);
    t.is(await social.connectionCount(bob), 0);
    t.deepEqual((await social.listConnections(ada, { limit: 10 })).items, []);
    await rejectsWith(t, social.removeConnection(ada, bob), 'not_found', 'connection_not_found', 'memberId');
    t.is((await social.requestConnection(ada, bob)).status, 'pending', 'they may connect again');
  });
}
