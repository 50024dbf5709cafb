import crypto from 'node:crypto';
import test from 'ava';
import { AuditLog } from '../../engine/audit/audit-log.js';
import { BACKENDS, createTestDatabase } from '../support/database.js';

for (const kind of BACKENDS) {
  test(`${kind}: entries are appended, listed newest first with filters, and never updated or deleted`, async (t) => {
    const db = await createTestDatabase(kind);
    t.teardown(() => db.close());
    const member = crypto.randomUUID();
    await db.pool.query("INSERT INTO members (id, email, password_hash, display_name) VALUES ($1, $2, 'x', 'Tess Staff')", [member, `${member}@example.test`]);
    const log = new AuditLog(db.pool);
    const first = await log.record({ actor: { kind: 'system' }, action: 'moderation.auto_mute', subject: { kind: 'member', id: member }, detail: { segmentIds: ['7'], scores: { threat: 0.93 } }, at: new Date('2026-11-01T10:00:00Z') });
    const second = await log.record({ actor: { kind: 'member', memberId: member }, action: 'evidence.read', subject: { kind: 'evidence_clip', id: '3' }, at: new Date('2026-11-01T10:05:00Z') });

    const all = await log.list({ limit: 10 });
    t.deepEqual(all.map((e) => e.id), [second, first]);
    t.deepEqual(all[1]!.detail, { segmentIds: ['7'], scores: { threat: 0.93 } });
    t.is(all[1]!.at, '2026-11-01T10:00:00.000Z');
    t.deepEqual((await log.list({ actionPrefix: 'moderation.', limit: 10 })).map((e) => e.id), [first]);
    t.deepEqual((await log.list({ actorId: member, limit: 10 })).map((e) => e.action), ['evidence.read']);
    t.deepEqual((await log.list({ subject: { kind: 'member', id: member }, limit: 10 })).map((e) => e.id), [first]);
    t.deepEqual((await log.list({ since: new Date('2026-11-01T10:01:00Z'), limit: 10 })).map((e) => e.id), [second]);
    t.deepEqual((await log.list({ beforeId: second, limit: 10 })).map((e) => e.id), [first]);

    // The database itself refuses to rewrite history, whoever asks.
    await t.throwsAsync(db.pool.query("UPDATE audit_log SET action = 'moderation.nothing' WHERE id = $1", [first]), { message: /append-only/ });
    await t.throwsAsync(db.pool.query('DELETE FROM audit_log WHERE id = $1', [first]), { message: /append-only/ });
    t.is((await log.list({ limit: 10 })).length, 2);
  });
}

test('bad entries are TypeErrors and write nothing', async (t) => {
  const db = await createTestDatabase('embedded');
  t.teardown(() => db.close());
  const log = new AuditLog(db.pool);
  await t.throwsAsync(log.record({ actor: { kind: 'system' }, action: 'Muted!' }), { instanceOf: TypeError, message: /action/ });
  await t.throwsAsync(log.record({ actor: { kind: 'robot' } as never, action: 'moderation.auto_mute' }), { instanceOf: TypeError, message: /actor/ });
  await t.throwsAsync(log.record({ actor: { kind: 'member', memberId: '' }, action: 'evidence.read' }), { instanceOf: TypeError, message: /memberId/ });
  await t.throwsAsync(log.record({ actor: { kind: 'system' }, action: 'evidence.read', at: new Date('nope') }), { instanceOf: TypeError, message: /at/ });
  t.is((await db.pool.query('SELECT count(*)::int AS n FROM audit_log')).rows[0].n, 0);
});
