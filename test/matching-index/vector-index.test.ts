// The hnswlib index of matching embeddings against the real table on both backends: incremental changes,
// persistence and a restart with identical answers, a stale file (the table changed while the process was down)
// and corrupt files rebuilt without a crash, the pgvector HNSW and exact SQL paths agreeing with it.
import test from 'ava';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Database } from '../../db/database.js';
import { EMBEDDING_FACETS, MATCHING_EMBEDDING_MODEL, type EmbeddingFacet } from '../../engine/matching/embedder.js';
import { bruteForceTopK, exactNearestSql, MatchingVectorIndex, pgvectorNearest, tableState, toVectorLiteral } from '../../engine/matching/vector-index.js';
import { BACKENDS, createTestDatabase } from '../support/database.js';
import { insertMembers, prng, randomUnitVector, sha } from './support.js';

async function tmpDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rt-matching-index-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes a row the way the embedding service does, then tells the index. */
async function put(db: Database, index: MatchingVectorIndex | null, facet: EmbeddingFacet, id: string, v: Float32Array, s: string): Promise<void> {
  await db.pool.query(
    `INSERT INTO member_embeddings (member_id, facet, model, embedding, text_sha256) VALUES ($1, $2, $3, $4::vector, $5)
     ON CONFLICT (member_id, facet) DO UPDATE SET embedding = EXCLUDED.embedding, text_sha256 = EXCLUDED.text_sha256, updated_at = now()`,
    [id, facet, MATCHING_EMBEDDING_MODEL, toVectorLiteral(v), s],
  );
  index?.upsert(facet, id, v, s);
}

async function seed(db: Database, index: MatchingVectorIndex | null, n: number, rand: () => number): Promise<string[]> {
  const ids = await insertMembers(db.pool, n);
  for (const facet of EMBEDDING_FACETS) {
    const rows = ids.map((id) => ({ id, v: randomUnitVector(rand), s: sha(`${id}${facet}${rand()}`) }));
    await db.pool.query(
      `INSERT INTO member_embeddings (member_id, facet, model, embedding, text_sha256)
       SELECT id, $2, $3, v, s FROM unnest($1::uuid[], $4::vector[], $5::text[]) AS r(id, v, s)`,
      [ids, facet, MATCHING_EMBEDDING_MODEL, rows.map((r) => toVectorLiteral(r.v)), rows.map((r) => r.s)],
    );
    for (const r of rows) index?.upsert(facet, r.id, r.v, r.s);
  }
  return ids;
}

function answers(index: MatchingVectorIndex, queries: Float32Array[], k = 10) {
  return EMBEDDING_FACETS.map((facet) => queries.map((q) => index.nearest(facet, q, k)));
}

for (const kind of BACKENDS) {
  test(`${kind}: migration 0016 — member_embeddings with one HNSW index per facet, used by the pgvector query`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const { rows: idx } = await db.pool.query<{ indexname: string; indexdef: string }>(
      "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'member_embeddings' ORDER BY indexname",
    );
    for (const facet of EMBEDDING_FACETS) {
      const def = idx.find((i) => i.indexname === `member_embeddings_${facet}_hnsw`)?.indexdef ?? '';
      t.regex(def, /USING hnsw \(embedding vector_cosine_ops\)/);
    }
    const rand = prng(7);
    const ids = await seed(db, null, 40, rand);
    const q = randomUnitVector(rand);
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_seqscan = off');
      const plan = await client.query(
        `EXPLAIN SELECT member_id FROM member_embeddings WHERE facet = 'offers' AND model = $2 ORDER BY embedding <=> $1::vector LIMIT 5`,
        [toVectorLiteral(q), MATCHING_EMBEDDING_MODEL],
      );
      t.regex(plan.rows.map((r) => r['QUERY PLAN']).join('\n'), /member_embeddings_offers_hnsw/);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    const exact = await exactNearestSql(db.pool, 'offers', q, 5);
    const viaHnsw = await pgvectorNearest(db.pool, 'offers', q, 5, { efSearch: 100 });
    t.deepEqual(viaHnsw.map((n) => n.memberId), exact.map((n) => n.memberId), 'tiny table: pgvector HNSW is exact');
    const excluded = await pgvectorNearest(db.pool, 'offers', q, 5, { exclude: new Set([exact[0]!.memberId]) });
    t.false(excluded.some((n) => n.memberId === exact[0]!.memberId));
    t.is(excluded.length, 5);
    // ON DELETE CASCADE
    await db.pool.query('DELETE FROM members WHERE id = $1', [ids[0]]);
    t.is((await tableState(db.pool, 'offers', MATCHING_EMBEDDING_MODEL)).count, 39);
  });

  test(`${kind}: build, update, delete, restart from the same directory — identical answers, matching the exact search`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const dir = await tmpDir(t);
    const rand = prng(11);
    const first = await MatchingVectorIndex.open({ db: db.pool, dir });
    t.deepEqual(EMBEDDING_FACETS.map((f) => first.startup[f]!.source), ['rebuilt', 'rebuilt', 'rebuilt']);
    const ids = await seed(db, first, 300, rand);
    // Updates, deletions (members gone: rows cascade, the service tells the index) and newcomers.
    for (const id of ids.slice(0, 20)) await put(db, first, 'offers', id, randomUnitVector(rand), sha(`new${id}`));
    await db.pool.query('DELETE FROM members WHERE id = ANY($1::uuid[])', [ids.slice(20, 30)]);
    for (const id of ids.slice(20, 30)) first.remove(id);
    const newcomers = await seed(db, first, 15, rand);
    t.true(await first.isConsistent());
    for (const f of EMBEDDING_FACETS) t.is(first.size(f), 305);

    const queries = Array.from({ length: 20 }, () => randomUnitVector(rand));
    const before = answers(first, queries);
    // The updated vector is its own nearest neighbour; removed members are never returned.
    const moved = first.vectorOf('offers', ids[0]!)!;
    t.is(first.nearest('offers', moved, 1)[0]!.memberId, ids[0]!);
    const gone = new Set(ids.slice(20, 30));
    t.false(before.flat(2).some((n) => gone.has(n.memberId)));
    t.true(before.flat(2).some((n) => newcomers.includes(n.memberId)));
    // hnswlib at this size (ef 128 ≥ the graph) matches the exact brute force over the table.
    for (const [i, q] of queries.slice(0, 5).entries()) {
      const exact = await exactNearestSql(db.pool, 'experience', q, 10);
      t.deepEqual(before[2]![i]!.map((n) => n.memberId), exact.map((n) => n.memberId));
      t.true(Math.abs(before[2]![i]![0]!.similarity - exact[0]!.similarity) < 1e-5);
    }
    await first.close();
    const files = (await fs.readdir(dir)).sort();
    t.deepEqual(files, ['experience.hnsw', 'experience.json', 'offers.hnsw', 'offers.json', 'seeks.hnsw', 'seeks.json']);

    const second = await MatchingVectorIndex.open({ db: db.pool, dir });
    t.deepEqual(EMBEDDING_FACETS.map((f) => second.startup[f]!.source), ['loaded', 'loaded', 'loaded'], JSON.stringify(second.startup));
    t.deepEqual(answers(second, queries), before, 'same answers after the restart');
    // It keeps working incrementally after a load: a deleted slot is reused, exclusion holds.
    const extra = await seed(db, second, 1, rand);
    t.is(second.size('seeks'), 306);
    const top = second.nearest('seeks', queries[0]!, 3);
    const without = second.nearest('seeks', queries[0]!, 3, { exclude: new Set([top[0]!.memberId]) });
    t.is(without.length, 3);
    t.false(without.some((n) => n.memberId === top[0]!.memberId));
    t.deepEqual(without.slice(0, 2).map((n) => n.memberId), top.slice(1).map((n) => n.memberId));
    t.truthy(second.vectorOf('seeks', extra[0]!));
    t.true(await second.isConsistent());
    await second.close();
    const third = await MatchingVectorIndex.open({ db: db.pool, dir });
    t.deepEqual(EMBEDDING_FACETS.map((f) => third.startup[f]!.source), ['loaded', 'loaded', 'loaded']);
    t.deepEqual(third.nearest('seeks', queries[0]!, 3), top);
  });

  test(`${kind}: a file older than the table (changed while the process was down) is rebuilt from the table`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const dir = await tmpDir(t);
    const rand = prng(23);
    const first = await MatchingVectorIndex.open({ db: db.pool, dir });
    const ids = await seed(db, first, 120, rand);
    await first.close();

    // While "down": one member deleted (cascade), one vector changed, and — same row count — one text hash rewritten.
    await db.pool.query('DELETE FROM members WHERE id = $1', [ids[0]]);
    const changed = randomUnitVector(rand);
    await put(db, null, 'offers', ids[1]!, changed, sha('changed offers'));
    await db.pool.query("UPDATE member_embeddings SET text_sha256 = $2 WHERE member_id = $1 AND facet = 'seeks'", [ids[2], sha('other text')]);

    const second = await MatchingVectorIndex.open({ db: db.pool, dir, batchSize: 7 });
    t.deepEqual(EMBEDDING_FACETS.map((f) => second.startup[f]!.source), ['rebuilt', 'rebuilt', 'rebuilt'], JSON.stringify(second.startup));
    t.regex(second.startup.offers!.reason, /^stale/);
    t.is(second.size('offers'), 119);
    t.false(second.has('experience', ids[0]!));
    t.is(second.nearest('offers', changed, 1)[0]!.memberId, ids[1]!);
    t.true(second.nearest('offers', changed, 1)[0]!.similarity > 0.9999);
    t.true(await second.isConsistent());
    await second.close();
    // The rebuild was persisted: the next start loads it.
    const third = await MatchingVectorIndex.open({ db: db.pool, dir });
    t.deepEqual(EMBEDDING_FACETS.map((f) => third.startup[f]!.source), ['loaded', 'loaded', 'loaded']);
  });

  test(`${kind}: corrupt or missing files are rebuilt, never a crash`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const dir = await tmpDir(t);
    const rand = prng(31);
    const first = await MatchingVectorIndex.open({ db: db.pool, dir });
    await seed(db, first, 80, rand);
    const q = randomUnitVector(rand);
    const expected = answers(first, [q]);
    await first.close();

    // offers: garbage graph; seeks: truncated graph with its sha256 "fixed" in the manifest (hnswlib's own check);
    // experience: garbage manifest.
    await fs.writeFile(path.join(dir, 'offers.hnsw'), crypto.randomBytes(4096));
    const seeksGraph = path.join(dir, 'seeks.hnsw');
    const truncated = (await fs.readFile(seeksGraph)).subarray(0, 5000);
    await fs.writeFile(seeksGraph, truncated);
    const seeksMeta = JSON.parse(await fs.readFile(path.join(dir, 'seeks.json'), 'utf8')) as Record<string, unknown>;
    seeksMeta.hnswSha256 = crypto.createHash('sha256').update(truncated).digest('hex');
    await fs.writeFile(path.join(dir, 'seeks.json'), JSON.stringify(seeksMeta));
    await fs.writeFile(path.join(dir, 'experience.json'), '{"format": 1, "facet": "exper');

    const second = await MatchingVectorIndex.open({ db: db.pool, dir });
    t.deepEqual(EMBEDDING_FACETS.map((f) => second.startup[f]!.source), ['rebuilt', 'rebuilt', 'rebuilt'], JSON.stringify(second.startup));
    t.regex(second.startup.offers!.reason, /corrupt graph/);
    t.regex(second.startup.seeks!.reason, /unreadable|corrupt/);
    t.regex(second.startup.experience!.reason, /corrupt manifest/);
    t.deepEqual(answers(second, [q]), expected);
    await second.close();

    await fs.rm(path.join(dir, 'offers.hnsw'));
    const third = await MatchingVectorIndex.open({ db: db.pool, dir });
    t.is(third.startup.offers!.source, 'rebuilt');
    t.is(third.startup.seeks!.source, 'loaded');
    t.deepEqual(answers(third, [q]), expected);
  });
}

test('embedded: growth past the initial capacity, slot reuse after deletes, a live rebuild that keeps changes made meanwhile', async (t) => {
  const db = await createTestDatabase('embedded');
  t.teardown(() => db.close());
  const rand = prng(43);
  const index = await MatchingVectorIndex.open({ db: db.pool, dir: null, hnsw: { m: 8, efConstruction: 64, efSearch: 64 } });
  const ids = await insertMembers(db.pool, 1300);
  const vecs = new Map<string, Float32Array>();
  for (const id of ids) {
    const v = randomUnitVector(rand);
    vecs.set(id, v);
    await put(db, index, 'experience', id, v, sha(id));
  }
  t.is(index.size('experience'), 1300);
  for (const id of ids.slice(0, 100)) {
    await db.pool.query("DELETE FROM member_embeddings WHERE member_id = $1 AND facet = 'experience'", [id]);
    index.remove(id, 'experience');
  }
  for (const id of ids.slice(0, 50)) await put(db, index, 'experience', id, vecs.get(id)!, sha(`again${id}`));
  t.is(index.size('experience'), 1250);
  t.true(await index.isConsistent());
  // Every vector finds itself.
  let self = 0;
  for (const id of ids.slice(0, 200)) if (index.has('experience', id) && index.nearest('experience', vecs.get(id)!, 1)[0]?.memberId === id) self++;
  t.is(self, 150);
  // k beyond the size, exclusion of many (the filter path).
  t.is(index.nearest('offers', randomUnitVector(rand), 10).length, 0);
  const many = new Set(ids.slice(100, 400));
  const res = index.nearest('experience', randomUnitVector(rand), 20, { exclude: many });
  t.is(res.length, 20);
  t.false(res.some((n) => many.has(n.memberId)));

  // Rebuild while changes keep coming.
  const rebuilding = index.rebuild('experience');
  const late = randomUnitVector(rand);
  await put(db, index, 'experience', ids[500]!, late, sha('late'));
  await db.pool.query("DELETE FROM member_embeddings WHERE member_id = $1 AND facet = 'experience'", [ids[501]]);
  index.remove(ids[501]!, 'experience');
  await rebuilding;
  t.true(await index.isConsistent());
  t.is(index.nearest('experience', late, 1)[0]!.memberId, ids[500]!);
  t.false(index.has('experience', ids[501]!));
});

test('brute-force top-k over a matrix', (t) => {
  const rand = prng(5);
  const dim = 16;
  const rows = Array.from({ length: 200 }, () => randomUnitVector(rand, dim));
  const m = new Float32Array(200 * dim);
  rows.forEach((r, i) => m.set(r, i * dim));
  const q = rows[17]!;
  const top = bruteForceTopK(m, dim, q, 5);
  t.is(top[0]!.label, 17);
  t.true(Math.abs(top[0]!.similarity - 1) < 1e-5);
  const sims = rows.map((r, i) => ({ i, s: r.reduce((a, x, d) => a + x * q[d]!, 0) })).sort((a, b) => b.s - a.s);
  t.deepEqual(top.map((x) => x.label), sims.slice(0, 5).map((x) => x.i));
});

test('embedded: an index saved while empty opens again and takes its first member', async (t) => {
  const db = await createTestDatabase('embedded');
  t.teardown(() => db.close());
  const dir = await tmpDir(t);
  const first = await MatchingVectorIndex.open({ db: db.pool, dir });
  await first.persist();
  await first.close();
  const again = await MatchingVectorIndex.open({ db: db.pool, dir });
  t.teardown(() => again.close());
  const [id] = await insertMembers(db.pool, 1);
  const v = randomUnitVector(prng(7));
  await put(db, again, 'offers', id!, v, sha('first'));
  t.deepEqual((await again.nearest('offers', v, 1)).map((h) => h.memberId), [id]);
});
