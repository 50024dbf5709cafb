// Migration 0009 moves the reaction counts that older stage snapshots carried into room_reaction_counts, and a stage
// stored that way still loads (the legacy field is ignored), on both backends.
import test from 'ava';
import { migrate, readMigrations } from '../../db/migrate.js';
import { StageState } from '../../engine/stage/index.js';
import { BACKENDS, createTestDatabase } from '../support/database.js';

const HOST = '11111111-1111-4111-8111-111111111111';
const ROOM = '22222222-2222-4222-8222-222222222222';

for (const kind of BACKENDS) {
  test(`${kind}: counts stored in snapshots become rows; the snapshot still loads`, async (t) => {
    const db = await createTestDatabase(kind, { migrate: false });
    t.teardown(() => db.close());
    const all = await readMigrations();
    await migrate(db.pool, all.filter((m) => m.version < 9));
    await db.pool.query("INSERT INTO members (id, email, password_hash, display_name) VALUES ($1, 'h@example.test', 'x', 'Host')", [HOST]);
    await db.pool.query("INSERT INTO rooms (id, livekit_name, host_member_id, title) VALUES ($1, $3, $2, 'old room')", [ROOM, HOST, ROOM]);
    const legacy = { ...StageState.create({ roomId: ROOM, hostId: HOST }).toJSON(), reactions: { '👏': 4, '🔥': 1 } };
    await db.pool.query('INSERT INTO room_stages (room_id, snapshot, version) VALUES ($1, $2::jsonb, 0)', [ROOM, JSON.stringify(legacy)]);

    await migrate(db.pool, all);
    const { rows } = await db.pool.query('SELECT emoji, count::int AS n FROM room_reaction_counts WHERE room_id = $1 ORDER BY emoji', [ROOM]);
    t.deepEqual(Object.fromEntries(rows.map((r: { emoji: string; n: number }) => [r.emoji, r.n])), { '👏': 4, '🔥': 1 });
    const stored = (await db.pool.query('SELECT snapshot FROM room_stages WHERE room_id = $1', [ROOM])).rows[0].snapshot;
    t.is(StageState.fromJSON(stored).roomId, ROOM);
  });
}
