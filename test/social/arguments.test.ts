// Programming errors (wrong types, malformed ids, bad page sizes) throw TypeError naming the argument.
import test from 'ava';
import pg from 'pg';
import { GroupService, SocialService } from '../../engine/social/index.js';

// No query runs: every call below fails its argument check first. The pool is never connected.
const pool = new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none' });
const social = new SocialService(pool);
const groups = new GroupService(pool);
const ID = '6f1c2a4e-8b3d-4c5e-9f7a-1b2c3d4e5f60';

test.after.always(() => pool.end());

test('ids must be UUID strings', async (t) => {
  await t.throwsAsync(social.areConnected('bob', ID), { instanceOf: TypeError, message: /^a must be a UUID/ });
  await t.throwsAsync(social.isBlockedEitherWay(ID, 7 as unknown as string), { instanceOf: TypeError, message: /^b must be a UUID/ });
  await t.throwsAsync(social.isGroupMember('', ID), { instanceOf: TypeError, message: /^groupId must be a UUID/ });
  await t.throwsAsync(social.connectionCount(undefined as unknown as string), { instanceOf: TypeError, message: /^memberId must be a UUID/ });
  await t.throwsAsync(social.requestConnection(ID, `${ID}x`), { instanceOf: TypeError, message: /^memberId must be a UUID/ });
  await t.throwsAsync(groups.invite(ID, ID, 'someone'), { instanceOf: TypeError, message: /^memberId must be a UUID/ });
});

test('pages need an integer limit from 1 to 200', async (t) => {
  for (const page of [{ limit: 0 }, { limit: 201 }, { limit: 1.5 }, {}, null]) {
    await t.throwsAsync(social.listConnections(ID, page as never), { instanceOf: TypeError, message: /^page/ }, JSON.stringify(page));
  }
});

test('enumerations are checked: request direction, group role, group visibility', async (t) => {
  await t.throwsAsync(social.listConnectionRequests(ID, 'sideways' as never, { limit: 1 }), { instanceOf: TypeError, message: /^direction must be one of incoming, outgoing/ });
  await t.throwsAsync(groups.setRole(ID, ID, '7f1c2a4e-8b3d-4c5e-9f7a-1b2c3d4e5f60', 'king' as never), { instanceOf: TypeError, message: /^role must be one of owner, admin, member/ });
  await t.throwsAsync(groups.create(ID, { name: 'G', visibility: 'secret' as never }), { instanceOf: TypeError, message: /^visibility must be one of open, private/ });
  await t.throwsAsync(groups.create(ID, { name: 7 as never }), { instanceOf: TypeError, message: /^name must be a string/ });
});
