// The suspension lifter (every MODERATION_SUSPENSION_LIFT_SECONDS) records a suspension that ran out as lifted, and
// the member may join again.
import test from 'ava';
import { eventually, liveRoom, member, useStack } from './_fixtures.js';

const s = useStack({ MODERATION_SUSPENSION_LIFT_SECONDS: '1' });

test('an expired suspension is lifted and the join works again', async (t) => {
  const host = await member(s.env, 'Hana Host');
  const speaker = await member(s.env, 'Sue Suspended');
  const roomId = await liveRoom(host);
  // Running out in three seconds.
  const { rows } = await s.pool.query<{ id: string }>(
    `INSERT INTO member_sanctions (id, member_id, kind, reason, starts_at, expires_at, created_at)
     VALUES (gen_random_uuid(), $1, 'suspend', 'test', now() - interval '1 hour', now() + interval '3 seconds', now() - interval '1 hour') RETURNING id`,
    [speaker.memberId],
  );
  const refused = await speaker.client.post(`/v1/rooms/${roomId}/join`, { acceptTranscription: true });
  t.is(refused.status, 403, JSON.stringify(refused.body));
  t.is(refused.body.error.code, 'account_restricted');

  const lifted = await eventually(async () => {
    const r = await s.pool.query('SELECT lifted_at, lifted_by, lift_reason FROM member_sanctions WHERE id = $1', [rows[0]!.id]);
    return r.rows[0].lifted_at ? r.rows[0] : undefined;
  }, 15_000, 'the lifter to lift the suspension');
  t.is(lifted.lifted_by, 'system');
  t.is(lifted.lift_reason, 'expired');
  const audit = await s.pool.query("SELECT detail FROM audit_log WHERE action = 'sanction.expired' AND subject_id = $1", [speaker.memberId]);
  t.is(audit.rows.length, 1);
  t.is(audit.rows[0].detail.sanctionId, rows[0]!.id);

  const join = await speaker.client.post(`/v1/rooms/${roomId}/join`, { acceptTranscription: true });
  t.is(join.status, 200, JSON.stringify(join.body));
});
