// The embedded database's wire server: many connections, one PGlite session, no crossed statements.
import test from 'ava';
import pg from 'pg';
import { openEmbedded } from '../../db/database.js';
import { quietLog } from '../support/database.js';

test('concurrent parameterised queries on separate connections never run each other\'s statements', async (t) => {
  const db = await openEmbedded(undefined, 0, quietLog);
  t.teardown(() => db.close());
  const clients = await Promise.all(
    [0, 1, 2, 3].map(async () => {
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      return c;
    }),
  );
  t.teardown(() => Promise.all(clients.map((c) => c.end())));
  // Different statements with different parameter counts, all at once, many times: the pglite-socket bug
  // answered these with "bind message supplies 1 parameters, but prepared statement requires 2".
  const jobs: Promise<void>[] = [];
  for (let i = 0; i < 50; i++) {
    for (const [k, c] of clients.entries()) {
      jobs.push(
        (k % 2 === 0
          ? c.query('SELECT $1::int + $2::int AS v', [i, k]).then((r) => t.is(r.rows[0].v, i + k))
          : c.query('SELECT $1::text AS v', [`c${k}-${i}`]).then((r) => t.is(r.rows[0].v, `c${k}-${i}`))) as Promise<void>,
      );
    }
  }
  await Promise.all(jobs);
});

test('an open transaction on one connection is invisible to others and holds them until it commits', async (t) => {
  const db = await openEmbedded(undefined, 0, quietLog);
  t.teardown(() => db.close());
  await db.pool.query('CREATE TABLE items (id int PRIMARY KEY)');
  const a = new pg.Client({ connectionString: db.url });
  const b = new pg.Client({ connectionString: db.url });
  await a.connect();
  await b.connect();
  t.teardown(async () => {
    await a.end();
    await b.end();
  });
  await a.query('BEGIN');
  await a.query('INSERT INTO items VALUES ($1)', [1]);
  let bSaw: number | undefined;
  const bRead = b.query('SELECT count(*)::int AS n FROM items').then((r) => (bSaw = r.rows[0].n));
  await new Promise((r) => setTimeout(r, 200));
  t.is(bSaw, undefined, 'the other connection waits rather than reading uncommitted rows');
  await a.query('INSERT INTO items VALUES ($1)', [2]);
  await a.query('COMMIT');
  await bRead;
  t.is(bSaw, 2);
});

test('a connection that drops inside a transaction is rolled back and frees the database', async (t) => {
  const db = await openEmbedded(undefined, 0, quietLog);
  t.teardown(() => db.close());
  await db.pool.query('CREATE TABLE notes (id int PRIMARY KEY)');
  const a = new pg.Client({ connectionString: db.url });
  await a.connect();
  a.on('error', () => undefined);
  await a.query('BEGIN');
  await a.query('INSERT INTO notes VALUES (1)');
  (a as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
  const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM notes');
  t.is(rows[0].n, 0);
});
