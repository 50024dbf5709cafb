// The review queue: highest priority first, then oldest; filtered by status, kind, category, room, member and age;
// keyset-paged by cursor.
import test from 'ava';
import { CaseStore } from '../../engine/cases/case-store.js';
import { flagCase, liveRoom, member, segment, staff, useStack } from './_fixtures.js';

const s = useStack();

test('queue order, filters and paging', async (t) => {
  const host = await member(s.env, 'Hana Host');
  const a = await member(s.env, 'Ann Speaker');
  const b = await member(s.env, 'Bob Speaker');
  const c = await member(s.env, 'Cid Speaker');
  const reviewer = await staff(s.env);
  const room1 = await liveRoom(host, 'Room one');
  const room2 = await liveRoom(host, 'Room two');
  const low = await flagCase(s.pool, { roomId: room1, memberId: a.memberId, segmentId: await segment(s.pool, { roomId: room1, speaker: a.memberId, text: 'spam spam' }), category: 'spam', score: 0.6 });
  const high = await flagCase(s.pool, { roomId: room1, memberId: b.memberId, segmentId: await segment(s.pool, { roomId: room1, speaker: b.memberId, text: 'a threat' }), category: 'threat', score: 0.95 });
  const other = await flagCase(s.pool, { roomId: room2, memberId: c.memberId, segmentId: await segment(s.pool, { roomId: room2, speaker: c.memberId, text: 'an insult' }), category: 'insult', score: 0.8 });
  const report = (await new CaseStore(s.pool).openOrMerge({ kind: 'report', subjectMemberId: c.memberId, roomId: room2, categories: [], actor: { kind: 'member', memberId: host.memberId } })).caseId;

  const all = await reviewer.client.get('/v1/moderation/cases');
  t.is(all.status, 200, JSON.stringify(all.body));
  const ids = all.body.items.map((x: { id: string }) => x.id);
  t.is(ids.length, 4);
  t.is(ids[0], high, 'the threat comes first');
  t.true(ids.indexOf(high) < ids.indexOf(low));
  const priorities = all.body.items.map((x: { priority: number }) => x.priority);
  t.deepEqual([...priorities].sort((x, y) => y - x), priorities, 'by priority, highest first');

  const q = async (query: string) => ((await reviewer.client.get(`/v1/moderation/cases?${query}`)).body.items as { id: string }[]).map((x) => x.id).sort();
  t.deepEqual(await q(`roomId=${room2}`), [other, report].sort());
  t.deepEqual(await q('kind=report'), [report]);
  t.deepEqual(await q('category=threat'), [high]);
  t.deepEqual(await q(`memberId=${c.memberId}`), [other, report].sort());
  t.deepEqual(await q(`memberId=${c.memberId}&kind=flag`), [other]);
  t.deepEqual(await q('olderThan=2000-01-01T00:00:00Z'), []);
  t.is((await q('newerThan=2000-01-01T00:00:00Z')).length, 4);
  t.deepEqual(await q('status=resolved'), []);

  // Paging: two pages of two, no overlap, same order as the whole queue.
  const p1 = await reviewer.client.get('/v1/moderation/cases?limit=2');
  t.is(p1.body.items.length, 2);
  t.truthy(p1.body.nextCursor);
  const p2 = await reviewer.client.get(`/v1/moderation/cases?limit=2&cursor=${encodeURIComponent(p1.body.nextCursor)}`);
  t.deepEqual([...p1.body.items, ...p2.body.items].map((x: { id: string }) => x.id), ids);
  t.is(p2.body.nextCursor, null);

  // Decided cases leave the open queue and show under status=resolved.
  t.is((await reviewer.client.post(`/v1/moderation/cases/${low}/decision`, { decision: 'dismiss', reason: 'not spam' })).status, 200);
  t.false((await q('')).includes(low));
  t.deepEqual(await q('status=resolved'), [low]);
  t.is((await q('status=any')).length, 4);

  const bad = await reviewer.client.get('/v1/moderation/cases?cursor=not-a-cursor');
  t.is(bad.status, 400);
  t.is(bad.body.error.details[0].field, 'query.cursor');
});
