import crypto from 'node:crypto';
import test from 'ava';
import { inTransaction } from '../../db/queryable.js';
import { PLATFORM_DEFAULT_POLICY, platformDefaultPolicy } from '../../engine/moderation/room-policy.js';
import { RoomPolicyStore } from '../../engine/moderation/room-policy-store.js';
import { BACKENDS, createTestDatabase } from '../support/database.js';

for (const kind of BACKENDS) {
  test(`${kind}: a room's override is validated, stored canonically and merged on read; a later platform floor wins`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const host = crypto.randomUUID();
    const room = crypto.randomUUID();
    await db.pool.query("INSERT INTO members (id, email, password_hash, display_name) VALUES ($1, $2, 'x', 'Hana Host')", [host, `${host}@example.test`]);
    await db.pool.query("INSERT INTO rooms (id, livekit_name, host_member_id, title) VALUES ($1, $2, $3, 'Policy')", [room, `rt-${room}`, host]);
    const store = new RoomPolicyStore(db.pool, PLATFORM_DEFAULT_POLICY, { now: () => new Date('2026-11-01T10:00:00Z') });

    t.deepEqual(await store.effective(room), { policy: PLATFORM_DEFAULT_POLICY, ignored: [] });
    const refused = await store.put(db.pool, room, { categories: { threat: { threshold: 0.97 } } }, host);
    t.deepEqual(refused.ok ? [] : refused.errors.map((e) => e.field), ['categories.threat.threshold']);
    t.is(await store.get(room), null, 'a refused override writes nothing');

    const saved = await inTransaction(db.pool, (q) => store.put(q, room, { categories: { threat: { threshold: 0.4 }, insult: { action: 'mute', threshold: 0.7 } } }, host));
    if (!saved.ok) return t.fail();
    const stored = await store.get(room);
    t.deepEqual(stored, {
      roomId: room,
      override: { categories: { threat: { threshold: 0.4 }, insult: { threshold: 0.7, action: 'mute' } } },
      version: saved.policy.version,
      updatedBy: host,
      updatedAt: new Date('2026-11-01T10:00:00Z'),
    });
    t.regex(stored!.version, /^platform-v2\+room:[0-9a-f]{12}$/);
    const { policy, ignored } = await store.effective(room);
    t.deepEqual(ignored, []);
    t.deepEqual(policy.categories.threat, { threshold: 0.4, action: 'mute' });
    t.deepEqual(policy.categories.insult, { threshold: 0.7, action: 'mute' });

    // The platform tightens threat below what the room saved: the room gets the platform's floor, the rest stays.
    const stricter = platformDefaultPolicy({ insult: 0.95, severe: 0.95, identity_hate: 0.95, threat: 0.3, harassment: 0.95, sexual: 0.95, self_harm: 0.95, spam: 0.95, personal_data: 0.95 });
    const later = await new RoomPolicyStore(db.pool, stricter).effective(room);
    t.deepEqual(later.ignored.map((e) => e.field), ['categories.threat.threshold']);
    t.deepEqual(later.policy.categories.threat, { threshold: 0.3, action: 'mute' });
    t.deepEqual(later.policy.categories.insult, { threshold: 0.7, action: 'mute' });

    t.true(await store.clear(db.pool, room));
    t.false(await store.clear(db.pool, room));
    t.is((await store.effective(room)).policy.version, 'platform-v2');

    await store.put(db.pool, room, { escalation: { windowSeconds: 900 } }, null);
    await db.pool.query('DELETE FROM rooms WHERE id = $1', [room]);
    t.is(await store.get(room), null, 'the policy goes with its room');
  });
}

test('bad arguments are TypeErrors', async (t) => {
  const db = await createTestDatabase('embedded');
  t.teardown(() => db.close());
  const store = new RoomPolicyStore(db.pool, PLATFORM_DEFAULT_POLICY);
  await t.throwsAsync(store.get('room-1'), { instanceOf: TypeError, message: /roomId/ });
  await t.throwsAsync(store.put(db.pool, crypto.randomUUID(), {}, 'host'), { instanceOf: TypeError, message: /updatedBy/ });
  t.throws(() => new RoomPolicyStore(db.pool, { version: 'v' } as never), { instanceOf: TypeError, message: /platform/ });
});
