// One database per backend per test file (opened on first use), with the social services over it. Tests stay
// independent because each inserts its own fresh members. Members are inserted as identity would store them.
// Files using it run their tests serially, a leftover from pglite-socket's server, which interleaved concurrent
// connections' extended-protocol messages (electric-sql/pglite#1046); db/pglite-wire-server.ts now prevents that.
import { randomUUID } from 'node:crypto';
import type { ExecutionContext } from 'ava';
import type { Database, DatabaseKind } from '../../db/database.js';
import { EngineError, type EngineErrorKind } from '../../engine/engine-error.js';
import { GroupService, SocialService } from '../../engine/social/index.js';
import { createTestDatabase } from '../support/database.js';

export interface SocialFixture {
  social: SocialService;
  groups: GroupService;
  /** Inserts a member and returns their id. */
  member(name: string, options?: { platformRoles?: string[] }): Promise<string>;
  query<T = any>(sql: string, values?: unknown[]): Promise<T[]>;
}

const databases = new Map<DatabaseKind, Promise<Database>>();

/** Call from `test.after.always` in every file that uses socialFixture. */
export async function closeDatabases(): Promise<void> {
  const open = [...databases.values()];
  databases.clear();
  for (const db of open) await (await db).close();
}

export async function socialFixture(kind: DatabaseKind): Promise<SocialFixture> {
  let opening = databases.get(kind);
  if (!opening) {
    opening = createTestDatabase(kind);
    databases.set(kind, opening);
  }
  const db = await opening;
  return {
    social: new SocialService(db.pool),
    groups: new GroupService(db.pool),
    member: async (name, options = {}) => {
      const id = randomUUID();
      await db.pool.query('INSERT INTO members (id, email, password_hash, display_name, platform_roles) VALUES ($1, $2, $3, $4, $5)', [
        id,
        `${id}@example.test`,
        'not-a-real-hash',
        name,
        options.platformRoles ?? ['member'],
      ]);
      return id;
    },
    query: async (sql, values) => (await db.pool.query(sql, values)).rows,
  };
}

/** Asserts that `promise` rejects with an EngineError of this kind and code (and field, when given). */
export async function rejectsWith(t: ExecutionContext, promise: Promise<unknown>, kind: EngineErrorKind, code: string, field?: string): Promise<void> {
  const err = await t.throwsAsync(promise, { instanceOf: EngineError, code });
  t.is(err?.kind, kind, `kind of ${code}`);
  if (field !== undefined) t.is(err?.field, field, `field of ${code}`);
}
