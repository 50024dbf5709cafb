// The real stack for end-to-end tests: a fresh database (PostgreSQL clone or embedded PGlite), a managed
// LiveKit on free ports, the API and agent workers, all on loopback.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../core/config.js';
import { startStack, type RunningStack } from '../../cli/stack.js';
import type { DatabaseKind } from '../../db/database.js';
import { freeTcpPort, liveKitTestEnv } from '../livekit/fixtures/ports.js';
import { ApiClient } from './api-client.js';
import { createTestDatabase, quietLog } from './database.js';

export interface TestStack {
  config: Config;
  stack: RunningStack;
  api: ApiClient;
  /** Signs up a member, makes them trust-and-safety staff (setup, straight in the database) and logs them in. */
  staff(name?: string): Promise<{ client: ApiClient; memberId: string }>;
  stop(): Promise<void>;
}

export const GENEROUS_QUOTAS: Record<string, string> = {
  QUOTA_SIGNUPS_PER_IP_PER_HOUR: '100000',
  QUOTA_ROOMS_PER_MEMBER_PER_HOUR: '100000',
  QUOTA_LIVE_ROOMS_PER_MEMBER: '100000',
  QUOTA_LIVE_ROOMS_TOTAL: '100000',
  QUOTA_REACTIONS_PER_MEMBER_PER_ROOM_PER_MINUTE: '100000',
  QUOTA_REPORTS_PER_MEMBER_PER_HOUR: '100000',
  QUOTA_INVITATIONS_PER_MEMBER_PER_HOUR: '100000',
  QUOTA_MEDIA_UPLOADS_PER_MEMBER_PER_HOUR: '100000',
};

export async function startTestStack(
  options: { db?: DatabaseKind; workers?: number; env?: Record<string, string>; liveKitApiUrl?: string; workerDatabaseUrl?: (url: string) => string } = {},
): Promise<TestStack> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'rt-stack-'));
  // TEST_STACK_DB=embedded runs any end-to-end file against the embedded PGlite instead.
  const kind = options.db ?? (process.env.TEST_STACK_DB === 'embedded' ? 'embedded' : 'postgres');
  // Postgres: a fresh database cloned from the test template. Embedded: the stack starts PGlite itself.
  const testDb = kind === 'postgres' ? await createTestDatabase('postgres', { migrate: false }) : undefined;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ...(await liveKitTestEnv(42000)),
    API_PORT: String(await freeTcpPort()),
    ROUNDTABLE_DATA_DIR: dataDir,
    ROUNDTABLE_EMBEDDED_PG_PORT: String(await freeTcpPort()),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    // Tests run on a loaded machine: a command waits long enough for a healthy LiveKit to carry out its effects.
    STAGE_EFFECT_WAIT_MS: '10000',
    // A busy test machine must not make the one worker refuse rooms (dispatch under load is not what tests check).
    AGENT_LOAD_THRESHOLD: '1',
    // Test files sign up dozens of members from one address and open many rooms per host; the quota tests pass
    // their own small limits through options.env.
    ...GENEROUS_QUOTAS,
    ...(testDb ? { DATABASE_URL: testDb.url } : { ROUNDTABLE_DB: 'embedded', DATABASE_URL: '' }),
    ...options.env,
  };
  delete env.LIVEKIT_URL;
  const config = loadConfig(env);
  const stack = await startStack(config, quietLog, { workers: options.workers ?? 1, workerEnv: env, liveKitApiUrl: options.liveKitApiUrl, workerDatabaseUrl: options.workerDatabaseUrl });
  const api = new ApiClient(stack.apiUrl);
  return {
    config,
    stack,
    api,
    staff: async (name = 'Sam Safety') => {
      const m = await api.signUp(name);
      await stack.database.pool.query("UPDATE members SET platform_roles = ARRAY['member','trust_safety'] WHERE id = $1", [m.memberId]);
      return { client: await api.logIn(m.email), memberId: m.memberId };
    },
    stop: async () => {
      await stack.stop();
      await testDb?.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
