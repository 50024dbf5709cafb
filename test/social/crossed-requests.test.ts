// Two members asking each other at the same moment end up with one connection, never two crossed requests.
import test from 'ava';
import { BACKENDS } from '../support/database.js';
import { closeDatabases, socialFixture } from './_fixtures.js';

test.after.always(closeDatabases);

for (const kind of BACKENDS) {
  test.serial(`${kind}: simultaneous requests both ways leave exactly one connection and no pending request`, async (t) => {
    const { social, member, query } = await socialFixture(kind);
    for (let round = 0; round < 5; round++) {
      const ada = await member(`Ada ${round}`);
      const bob = await member(`Bob ${round}`);
      const outcomes = await Promise.all([social.requestConnection(ada, bob), social.requestConnection(bob, ada)]);
      t.deepEqual(outcomes.map((o) => o.status).sort(), ['connected', 'pending']);
      t.true(await social.areConnected(ada, bob));
      const pending = await query('SELECT 1 FROM connection_requests WHERE requester_id IN ($1, $2)', [ada, bob]);
      t.is(pending.length, 0);
    }
  });
}
