// The suggestion sweeper under a worker lease: two suggestion services on one database, each with its own pool and
// lease holder as in two API processes. Only the holder sweeps (the other stands by), never both at once; when the
// holder stops, the other takes over. The truth: the worker_leases row and the suggestion rows the sweeps expired.
import crypto from 'node:crypto';
import test from 'ava';
import { connectPostgres, type Database, type DatabaseKind } from '../../db/database.js';
import { WorkerLease } from '../../engine/leases/index.js';
import { NotificationService } from '../../engine/matching/notification-service.js';
import { SuggestionService, type EmbeddingsPort, type ProfilesPort } from '../../engine/matching/suggestion-service.js';
import { createTestDatabase, quietLog } from '../support/database.js';

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// The sweep reads no profiles or embeddings.
const unused = (): never => {
  throw new Error('not used by the sweep');
};
const profiles: ProfilesPort = { matchProfile: unused, status: unused };
const embeddings: EmbeddingsPort = { candidates: unused, pairScores: unused };

/** A suggestion service that records each sweep it runs (who, when), as a process would log it. */
function recordingService(db: Database, who: string, runs: { who: string; start: number; end: number }[], inside: { n: number; overlapped: boolean }) {
  return new (class extends SuggestionService {
    override async sweep() {
      inside.n++;
      if (inside.n > 1) inside.overlapped = true;
      const start = Date.now();
      try {
        return await super.sweep();
      } finally {
        inside.n--;
        runs.push({ who, start, end: Date.now() });
      }
    }
  })({ pool: db.pool, profiles, embeddings, notifications: new NotificationService(db.pool), log: quietLog });
}

async function member(db: Database, name: string): Promise<string> {
  const id = crypto.randomUUID();
  await db.pool.query("INSERT INTO members (id, email, password_hash, display_name) VALUES ($1, $2, 'x', $3)", [id, `${id}@example.test`, name]);
  return id;
}

/** A pending suggestion already past its week. */
async function overdueSuggestion(db: Database, memberId: string, candidateId: string): Promise<string> {
  const id = crypto.randomUUID();
  await db.pool.query(
    `INSERT INTO match_suggestions (id, member_id, candidate_id, score, status, created_at, expires_at)
     VALUES ($1, $2, $3, 0.5, 'pending', now() - interval '8 days', now() - interval '1 day')`,
    [id, memberId, candidateId],
  );
  return id;
}

async function statusOf(db: Database, id: string): Promise<string> {
  const { rows } = await db.pool.query<{ status: string }>('SELECT status FROM match_suggestions WHERE id = $1', [id]);
  return rows[0]!.status;
}

for (const kind of ['postgres', 'embedded'] as DatabaseKind[]) test(`${kind}: two API processes: only the lease holder sweeps suggestions; the other takes over when it stops`, async (t) => {
  t.timeout(150_000);
  const db = await createTestDatabase(kind);
  const other = await connectPostgres(db.url, quietLog, 30_000);
  t.teardown(async () => {
    await other.close();
    await db.close();
  });
  const runs: { who: string; start: number; end: number }[] = [];
  const inside = { n: 0, overlapped: false };
  const a = recordingService(db, 'a', runs, inside);
  const b = recordingService(other, 'b', runs, inside);
  t.teardown(async () => {
    await a.stopSweeper();
    await b.stopSweeper();
  });
  const ada = await member(db, 'Ada');
  const ivo = await member(db, 'Ivo');
  const first = await overdueSuggestion(db, ada, ivo);

  a.startSweeper(50, { lease: new WorkerLease(db.pool, { name: 'suggestion-sweeper', ttlMs: 10_000, holder: 'a' }) });
  await until(() => (runs.some((r) => r.who === 'a') ? true : undefined), 'A to sweep first');
  b.startSweeper(50, { lease: new WorkerLease(other.pool, { name: 'suggestion-sweeper', ttlMs: 10_000, holder: 'b' }) });
  t.is(await statusOf(db, first), 'expired', "A's sweep expired the overdue suggestion");
  await until(() => (runs.filter((r) => r.who === 'a').length >= 10 ? true : undefined), 'A to sweep ten times');
  t.false(runs.some((r) => r.who === 'b'), 'B stands by while A holds the lease');
  const { rows } = await db.pool.query("SELECT holder FROM worker_leases WHERE name = 'suggestion-sweeper'");
  t.deepEqual(rows, [{ holder: 'a' }]);

  await a.stopSweeper();
  const aRuns = runs.filter((r) => r.who === 'a').length;
  t.deepEqual((await db.pool.query("SELECT holder FROM worker_leases WHERE name = 'suggestion-sweeper'")).rows, [], 'A gave the lease up on stop');
  const second = await overdueSuggestion(db, ivo, ada);
  await until(async () => ((await statusOf(db, second)) === 'expired' ? true : undefined), "B to take over and expire the next overdue suggestion");
  await until(() => (runs.filter((r) => r.who === 'b').length >= 3 ? true : undefined), 'B to sweep on');
  await b.stopSweeper();
  t.is(runs.filter((r) => r.who === 'a').length, aRuns, 'A swept no more after it stopped');
  t.false(inside.overlapped, 'never two sweeps at once');
  const firstB = runs.find((r) => r.who === 'b')!;
  t.true(runs.filter((r) => r.who === 'a').every((r) => r.end <= firstB.start), "B's sweeps all come after A's");
});

test('startSweeper refuses a bad interval', (t) => {
  const svc = new SuggestionService({ pool: {} as never, profiles, embeddings, notifications: {} as never });
  t.throws(() => svc.startSweeper(0), { instanceOf: TypeError, message: /intervalMs/ });
});
