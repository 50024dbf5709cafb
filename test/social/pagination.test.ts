// Lists come in keyset pages: every item once, newest first, nextCursor null on the last page.
import test from 'ava';
import { BACKENDS } from '../support/database.js';
import { closeDatabases, rejectsWith, socialFixture } from './_fixtures.js';

test.after.always(closeDatabases);

for (const kind of BACKENDS) {
  test.serial(`${kind}: connections page by cursor without gaps or repeats, newest first`, async (t) => {
    const { social, member } = await socialFixture(kind);
    const hub = await member('Hub');
    const others: string[] = [];
    for (let i = 0; i < 5; i++) {
      const other = await member(`Peer ${i}`);
      await social.requestConnection(other, hub);
      await social.requestConnection(hub, other);
      others.push(other);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    const sizes: number[] = [];
    do {
      const page = await social.listConnections(hub, { limit: 2, cursor });
      sizes.push(page.items.length);
      seen.push(...page.items.map((c) => c.member.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    t.deepEqual(sizes, [2, 2, 1]);
    t.deepEqual(seen, [...others].reverse());
  });

  test.serial(`${kind}: an exactly full last page says there is no next page`, async (t) => {
    const { social, member } = await socialFixture(kind);
    const ada = await member('Ada');
    for (let i = 0; i < 2; i++) await social.block(ada, await member(`Blocked ${i}`));
    const page = await social.listBlocks(ada, { limit: 2 });
    t.is(page.items.length, 2);
    t.is(page.nextCursor, null);
  });

  test.serial(`${kind}: a cursor that is not one of ours is refused naming the cursor`, async (t) => {
    const { social, member } = await socialFixture(kind);
    const ada = await member('Ada');
    await rejectsWith(t, social.listConnections(ada, { limit: 2, cursor: 'abc' }), 'invalid', 'invalid_cursor', 'cursor');
  });
}
