// Shared setup for the AccountService tests (not a test file): a fresh migrated database per backend and an
// AccountService on it with a clock the test moves.
// Tests using it run serially: the embedded PGlite runs in the test process, and beside it under load a PostgreSQL
// connection can miss its connect timeout.
import type { Database, DatabaseKind } from '../../db/database.js';
import { AccountService, type AuthSettings } from '../../engine/identity/account-service.js';
import { createTestDatabase } from '../support/database.js';

export const TEST_AUTH: AuthSettings = {
  jwtSecret: 'test-jwt-secret-for-account-service-0123456789',
  accessTtlSeconds: 900,
  refreshTtlSeconds: 3600,
  loginRatePerMinute: 100,
  sessionCacheSeconds: 0,
};

export interface Accounts {
  db: Database;
  accounts: AccountService;
  clock: { now: number };
  /** Signs up a member with a unique email; returns their tokens. */
  member(name: string): Promise<Awaited<ReturnType<AccountService['signUp']>> & { email: string }>;
}

export async function accountsOn(kind: DatabaseKind, auth: Partial<AuthSettings> = {}): Promise<Accounts> {
  const db = await createTestDatabase(kind);
  const clock = { now: Date.UTC(2026, 0, 5, 9, 0, 0) };
  const accounts = new AccountService(db.pool, { ...TEST_AUTH, ...auth }, () => clock.now);
  return {
    db,
    accounts,
    clock,
    member: async (name) => {
      const email = `${name.toLowerCase()}.${Math.random().toString(36).slice(2, 8)}@example.test`;
      return { ...(await accounts.signUp({ email, password: 'correct horse battery staple', displayName: name })), email };
    },
  };
}
