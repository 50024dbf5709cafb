// A room's moderation policy: the host (and admins) tighten it, never loosen a platform floor (400 naming each
// field); host, co-hosts and staff read it; every change is audited.
import test from 'ava';
import { joinRoom, liveRoom, member, staff, useStack } from './_fixtures.js';

const s = useStack();

test('host tightens, loosening threat is 400 naming categories.threat.threshold, reads and writes are authorized, changes audited', async (t) => {
  const host = await member(s.env, 'Hana Host');
  const listener = await member(s.env, 'Lia Listener');
  const outsider = await member(s.env, 'Otto Outsider');
  const ts = await staff(s.env, 'Tess Safety');
  const admin = await staff(s.env, 'Ada Admin', 'admin');
  const roomId = await liveRoom(host);
  await joinRoom(listener, roomId);

  const initial = await host.client.get(`/v1/rooms/${roomId}/moderation-policy`);
  t.is(initial.status, 200, JSON.stringify(initial.body));
  t.is(initial.body.override, null);
  t.is(initial.body.version, initial.body.policy.version);
  const platformThreat = initial.body.policy.categories.threat.threshold as number;
  const platformInsult = initial.body.policy.categories.insult.threshold as number;

  const loosen = await host.client.request('PUT', `/v1/rooms/${roomId}/moderation-policy`, { categories: { threat: { threshold: Math.min(1, platformThreat + 0.05) } } });
  t.is(loosen.status, 400, JSON.stringify(loosen.body));
  t.is(loosen.body.error.code, 'invalid_policy');
  t.deepEqual(loosen.body.error.details.map((d: { field: string }) => d.field), ['body.categories.threat.threshold']);
  t.regex(loosen.body.error.message, /categories\.threat\.threshold/);
  t.is((await s.pool.query('SELECT count(*)::int AS n FROM room_moderation_policies')).rows[0].n, 0, 'nothing saved');

  const tighter = { categories: { insult: { threshold: Math.max(0.05, platformInsult - 0.1) }, threat: { action: 'remove' } } };
  const put = await host.client.request('PUT', `/v1/rooms/${roomId}/moderation-policy`, tighter);
  t.is(put.status, 200, JSON.stringify(put.body));
  t.deepEqual(put.body.override, tighter);
  t.is(put.body.policy.categories.insult.threshold, tighter.categories.insult.threshold);
  t.is(put.body.policy.categories.threat.action, 'remove');
  t.not(put.body.version, initial.body.version, 'a new effective version');
  t.is(put.body.updatedBy, host.memberId);

  // Readers: host, staff (trust-and-safety and admin); not a listener, not an outsider.
  t.is((await ts.client.get(`/v1/rooms/${roomId}/moderation-policy`)).status, 200);
  t.is((await admin.client.get(`/v1/rooms/${roomId}/moderation-policy`)).body.version, put.body.version);
  const listenerRead = await listener.client.get(`/v1/rooms/${roomId}/moderation-policy`);
  t.is(listenerRead.status, 403);
  t.is(listenerRead.body.error.code, 'role_forbidden');
  t.is((await outsider.client.get(`/v1/rooms/${roomId}/moderation-policy`)).status, 403);
  // Writers: host and admin, not trust-and-safety nor a listener.
  t.is((await ts.client.request('PUT', `/v1/rooms/${roomId}/moderation-policy`, {})).status, 403);
  t.is((await listener.client.request('PUT', `/v1/rooms/${roomId}/moderation-policy`, {})).status, 403);
  const byAdmin = await admin.client.request('PUT', `/v1/rooms/${roomId}/moderation-policy`, { escalation: { windowSeconds: 7200 } });
  t.is(byAdmin.status, 200, JSON.stringify(byAdmin.body));
  t.is(byAdmin.body.policy.escalation.windowSeconds, 7200);

  const audit = await s.pool.query("SELECT actor_id, room_id, detail FROM audit_log WHERE action = 'room.moderation_policy_changed' ORDER BY id");
  t.deepEqual(audit.rows.map((r) => r.actor_id), [host.memberId, admin.memberId]);
  t.is(audit.rows[0].room_id, roomId);
  t.is(audit.rows[0].detail.version, put.body.version);
  t.is(audit.rows[1].detail.previousVersion, put.body.version);
});
