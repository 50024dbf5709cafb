// The stage_effects outbox on both backends: effects on one participant are claimed one at a time in decision order,
// a claim leases its rows (a concurrent claim skips them), and a settled effect lets the next one through.
import crypto from 'node:crypto';
import test from 'ava';
import { EffectStore, insertEffects, type NewEffect } from '../../engine/stage-service/effect-store.js';
import { BACKENDS, createTestDatabase } from '../support/database.js';

const T0 = Date.UTC(2026, 0, 1);

for (const kind of BACKENDS) {
  test(`${kind}: claims follow decision order per participant, lease their rows and skip leased ones`, async (t) => {
    const db = await createTestDatabase(kind);
    try {
      const member = crypto.randomUUID();
      const room = crypto.randomUUID();
      await db.pool.query("INSERT INTO members (id, email, password_hash, display_name) VALUES ($1, $2, 'x', 'Hana Host')", [member, `${member}@example.test`]);
      await db.pool.query("INSERT INTO rooms (id, livekit_name, host_member_id, title) VALUES ($1, 'lk-room', $2, 'Outbox')", [room, member]);
      const effect = (kind_: NewEffect['kind'], identity: string): NewEffect => ({ id: crypto.randomUUID(), kind: kind_, identity, livekitRoom: 'lk-room' });
      const grantA = effect('grant_publish', 'a');
      const revokeA = effect('revoke_publish', 'a');
      const muteB = effect('mute_track', 'b');
      const client = await db.pool.connect();
      try {
        await client.query('BEGIN');
        await insertEffects(client, room, 1, [grantA, revokeA, muteB], T0);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
      const store = new EffectStore(db.pool);
      const first = await store.claim(T0, T0 + 30_000, 10);
      t.deepEqual(first.map((e) => e.id), [grantA.id, muteB.id], "a's revoke waits for a's grant");
      t.true(first.every((e) => e.attempts === 1));
      t.deepEqual(await store.claim(T0 + 1000, T0 + 31_000, 10), [], 'leased rows are not claimed again');

      await store.settle(grantA.id, 'applied', 'applied', null, T0 + 10);
      const second = await store.claim(T0 + 1000, T0 + 31_000, 10);
      t.deepEqual(second.map((e) => e.id), [revokeA.id]);

      // The lease of b's mute runs out (its worker died): it is claimed again, second attempt.
      const again = await store.claim(T0 + 30_001, T0 + 60_000, 10);
      t.deepEqual(again.map((e) => [e.id, e.attempts]), [[muteB.id, 2]]);

      await store.settle(revokeA.id, 'failed', 'retries_exhausted', 'connect ECONNREFUSED', T0 + 20);
      t.deepEqual((await store.open(room)).map((e) => [e.id, e.status]), [[revokeA.id, 'failed'], [muteB.id, 'pending']]);
      t.is((await store.get(room, revokeA.id))?.lastError, 'connect ECONNREFUSED');
    } finally {
      await db.close();
    }
  });
}
