import test from 'ava';
import { TranscriptSearch } from '../../engine/transcripts/transcript-search.js';
import { BACKENDS, createTestDatabase } from '../support/database.js';
import { addMember, addRoom, addSegment } from '../evidence/_fixtures.js';

const T0 = Date.parse('2026-11-01T10:00:00Z');
const min = (m: number) => new Date(T0 + m * 60_000);

for (const kind of BACKENDS) {
  test(`${kind}: stemmed full-text search with filters, flags, headlines and keyset paging, on the GIN index`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const alice = await addMember(db.pool, 'Alice');
    const bob = await addMember(db.pool, 'Bob');
    const roomA = await addRoom(db.pool, alice, 'A');
    const roomB = await addRoom(db.pool, bob, 'B');
    const s1 = await addSegment(db.pool, { roomId: roomA, speaker: alice, text: 'I will threaten nobody, I promise', startedAt: min(0) });
    const s2 = await addSegment(db.pool, { roomId: roomA, speaker: bob, text: 'He threatened me twice after the panel ended', startedAt: min(1), categories: ['threat'] });
    const s3 = await addSegment(db.pool, { roomId: roomB, speaker: bob, text: 'Threatening people is not welcome in this room', startedAt: min(2), categories: [] });
    await addSegment(db.pool, { roomId: roomB, speaker: alice, text: 'Let us talk about hiring', startedAt: min(3) });
    const s5 = await addSegment(db.pool, { roomId: roomB, speaker: alice, text: 'Stop threatening the speakers', startedAt: min(4), categories: ['threat', 'harassment'] });
    const search = new TranscriptSearch(db.pool);

    // Inflections: "threatened" finds threaten / threatened / threatening (English stemming: all are "threaten").
    const all = await search.search({ q: 'threatened', limit: 10 });
    t.deepEqual(all.map((h) => h.id), [s5, s3, s2, s1], 'newest first');
    const hit2 = all.find((h) => h.id === s2)!;
    t.like(hit2, { roomId: roomA, speakerIdentity: bob, trackSid: 'TR_1', startedAt: min(1).toISOString(), text: 'He threatened me twice after the panel ended', flagged: true });
    t.deepEqual(hit2.categories, ['threat']);
    t.regex(hit2.headline, /«threatened»/);
    t.log(hit2.headline);
    t.false(hit2.headline.includes('<'), 'headlines are plain text, not HTML');
    t.like(all.find((h) => h.id === s3), { flagged: false, categories: [] });
    t.like(all.find((h) => h.id === s1), { flagged: false, categories: [] });

    // Filters.
    t.deepEqual((await search.search({ q: 'threaten', speakerIdentity: bob, limit: 10 })).map((h) => h.id), [s3, s2]);
    t.deepEqual((await search.search({ q: 'threaten', roomId: roomA, limit: 10 })).map((h) => h.id), [s2, s1]);
    t.deepEqual((await search.search({ q: 'threaten', since: min(1), until: min(4), limit: 10 })).map((h) => h.id), [s3, s2]);
    t.deepEqual((await search.search({ q: 'threaten', flaggedOnly: true, limit: 10 })).map((h) => h.id), [s5, s2]);
    t.deepEqual((await search.search({ q: '"panel ended"', limit: 10 })).map((h) => h.id), [s2], 'phrases');
    t.deepEqual((await search.search({ q: 'ended panel', limit: 10 })).map((h) => h.id), [s2]);
    t.deepEqual(await search.search({ q: '"ended panel"', limit: 10 }), [], 'a phrase keeps its word order');
    t.deepEqual((await search.search({ q: 'threatens -room', limit: 10 })).map((h) => h.id), [s5, s2, s1], 'exclusions');
    t.is((await search.search({ q: 'hire or panel', limit: 10 })).length, 2, '"hire" finds "hiring"; or');
    t.deepEqual(await search.search({ q: 'the', limit: 10 }), [], 'only stop words finds nothing');
    t.deepEqual(await search.search({ q: 'blockchain', limit: 10 }), []);

    // A long segment's headline is cut around the match.
    const long = await addSegment(db.pool, { roomId: roomB, speaker: alice, text: `${'we discussed the quarterly roadmap at length '.repeat(20)}and then someone mentioned sabotage`, startedAt: min(5) });
    const [longHit] = await search.search({ q: 'sabotage', limit: 1 });
    t.is(longHit!.id, long);
    t.true(longHit!.headline.length < longHit!.text.length / 4);
    t.regex(longHit!.headline, /«sabotage»$/);

    // Keyset paging.
    const page1 = await search.search({ q: 'threatening', limit: 3 });
    t.deepEqual(page1.map((h) => h.id), [s5, s3, s2]);
    const page2 = await search.search({ q: 'threatening', limit: 3, beforeId: page1.at(-1)!.id });
    t.deepEqual(page2.map((h) => h.id), [s1]);
    t.deepEqual(await search.search({ q: 'threatening', limit: 3, beforeId: s1 }), []);

    // The migration's index is there and the planner can use it.
    const { rows } = await db.pool.query("SELECT indexdef FROM pg_indexes WHERE indexname = 'transcript_segments_text_search'");
    t.regex(rows[0].indexdef, /USING gin \(text_search\)/);
    const client = await db.pool.connect();
    try {
      await client.query('SET enable_seqscan = off');
      const plan = (await client.query("EXPLAIN SELECT id FROM transcript_segments WHERE text_search @@ websearch_to_tsquery('english', 'threat')")).rows.map((r) => Object.values(r)[0]).join('\n');
      t.regex(plan, /transcript_segments_text_search/);
      await client.query('RESET enable_seqscan');
    } finally {
      client.release();
    }
  });
}

test('bad queries are TypeErrors', async (t) => {
  const db = await createTestDatabase('embedded');
  t.teardown(() => db.close());
  const search = new TranscriptSearch(db.pool);
  for (const bad of [
    { q: '', limit: 10 },
    { q: '   \n', limit: 10 },
    { q: 42, limit: 10 },
    { q: 'x'.repeat(501), limit: 10 },
    { q: 'threat', limit: 0 },
    { q: 'threat', limit: 201 },
    { q: 'threat', limit: 2.5 },
    { q: 'threat', limit: 10, roomId: 'room-1' },
    { q: 'threat', limit: 10, speakerIdentity: '' },
    { q: 'threat', limit: 10, since: new Date('nope') },
    { q: 'threat', limit: 10, since: new Date(T0 + 1), until: new Date(T0) },
    { q: 'threat', limit: 10, beforeId: '-1' },
    { q: 'threat', limit: 10, beforeId: "1'; DROP TABLE x" },
    { q: 'threat', limit: 10, flaggedOnly: 'yes' },
  ]) {
    await t.throwsAsync(search.search(bad as never), { instanceOf: TypeError }, JSON.stringify(bad));
  }
  await t.throwsAsync(search.search(undefined as never), { instanceOf: TypeError });
  t.throws(() => new TranscriptSearch(db.pool, { highlight: { start: '<b>', stop: '</b>,' } }), { instanceOf: TypeError });
  t.deepEqual(await search.search({ q: "'); SELECT 1; --", limit: 5 }), [], 'query syntax never errors: websearch_to_tsquery accepts anything');
});
