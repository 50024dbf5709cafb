import test from 'ava';
import { migrate, readMigrations } from '../../db/migrate.js';
import { BACKENDS, createTestDatabase } from '../support/database.js';

for (const kind of BACKENDS) {
  test(`${kind}: migrations apply once and record their versions`, async (t) => {
    const db = await createTestDatabase(kind, { migrate: false });
    t.teardown(() => db.close());
    const all = await readMigrations();
    t.deepEqual(await migrate(db.pool), all.map((m) => m.version));
    t.deepEqual(await migrate(db.pool), [], 'a second run applies nothing');
    const { rows } = await db.pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    t.deepEqual(rows.map((r) => r.version), all.map((m) => m.version));
  });

  test(`${kind}: pgvector is available for similarity search`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    await db.pool.query('CREATE TABLE probe (id int PRIMARY KEY, e vector(3))');
    await db.pool.query("INSERT INTO probe VALUES (1, '[1,0,0]'), (2, '[0,1,0]')");
    await db.pool.query('CREATE INDEX ON probe USING hnsw (e vector_cosine_ops)');
    const { rows } = await db.pool.query("SELECT id FROM probe ORDER BY e <=> '[0.9,0.1,0]' LIMIT 1");
    t.is(rows[0].id, 1);
  });

  test(`${kind}: a failing migration is rolled back and named`, async (t) => {
    const db = await createTestDatabase(kind, { migrate: false });
    t.teardown(() => db.close());
    const bad = [{ version: 1, name: 'broken', sql: 'CREATE TABLE ok_table (id int); SELECT no_such_column FROM ok_table;' }];
    await t.throwsAsync(() => migrate(db.pool, bad), { message: /0001_broken failed/ });
    const { rows } = await db.pool.query("SELECT to_regclass('ok_table') AS t");
    t.is(rows[0].t, null, 'the partial migration left nothing behind');
  });
}
