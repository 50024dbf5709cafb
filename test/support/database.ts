// Fresh, isolated databases for tests on both backends: a new PostgreSQL database cloned from the
// bootstrap's `roundtable_test` template (which carries pgvector), or a new in-memory PGlite.
import crypto from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { connectPostgres, openEmbedded, type Database, type DatabaseKind } from '../../db/database.js';
import { migrate } from '../../db/migrate.js';

export const quietLog = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
// The Unix socket, not TCP: tests run inside a private network namespace (scripts/netns.sh) where the host's
// 127.0.0.1:5432 is out of reach but the socket file is not.
export const TEST_PG_ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://roundtable:roundtable@localhost/roundtable_test?host=/var/run/postgresql';

export const TEST_CONNECT_TIMEOUT_MS = 30_000;

export async function createTestDatabase(kind: DatabaseKind, options: { migrate?: boolean } = {}): Promise<Database> {
  const db = kind === 'embedded' ? await openEmbedded(undefined, 0, quietLog) : await createPostgresDatabase();
  if (options.migrate !== false) await migrate(db.pool);
  return db;
}

async function createPostgresDatabase(): Promise<Database> {
  const name = `rt_test_${crypto.randomBytes(6).toString('hex')}`;
  // The template must have no connections while it is copied, so DDL runs from the `postgres` database.
  const admin = new pg.Client({ connectionString: maintenanceUrl(), connectionTimeoutMillis: TEST_CONNECT_TIMEOUT_MS });
  await admin.connect();
  const template = new URL(TEST_PG_ADMIN_URL).pathname.slice(1);
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  // A generous connect timeout: a database just copied from the template can keep a loaded CI machine's
  // PostgreSQL busy (checkpoint) for longer than the production default of 5 s.
  const db = await connectPostgres(url.toString(), quietLog, TEST_CONNECT_TIMEOUT_MS);
  return {
    ...db,
    close: async () => {
      await db.close();
      await dropDatabase(name);
    },
  };
}

/** Best effort: a backend still attached (an agent worker's last connection, autovacuum) can refuse the drop for a moment. */
async function dropDatabase(name: string): Promise<void> {
  for (let attempt = 1; attempt <= 10; attempt++) {
    const admin = new pg.Client({ connectionString: maintenanceUrl() });
    try {
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      return;
    } catch (err) {
      if (attempt === 10) {
        quietLog.warn({ err, database: name }, 'could not drop a test database; it is left behind');
        return;
      }
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      await admin.end().catch(() => undefined);
    }
  }
}

function maintenanceUrl(): string {
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = '/postgres';
  return url.toString();
}

export const BACKENDS: DatabaseKind[] = ['postgres', 'embedded'];
