// A webhook whose handling fails is not lost: the API answers 5xx without recording the delivery, LiveKit
// redelivers the same signed event, and the redelivery is applied (then a third delivery is a duplicate).
// The failure is a real one in PostgreSQL: a trigger that refuses the first presence write.
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';
import { createRoom, postSignedWebhook } from './_helpers.js';

let env: TestStack;
test.before(async () => {
  env = await startTestStack({ workers: 0 });
});
test.after.always(() => env?.stop());

async function failNextPresenceWrite(): Promise<void> {
  // A sequence is not rolled back with the failing transaction, so the trigger refuses exactly one write.
  await env.stack.database.pool.query(`
    CREATE SEQUENCE presence_fault_once;
    CREATE FUNCTION presence_fault_once() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF nextval('presence_fault_once') = 1 THEN RAISE EXCEPTION 'injected presence failure'; END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER presence_fault_once BEFORE INSERT ON room_presence FOR EACH ROW EXECUTE FUNCTION presence_fault_once();`);
}

test.serial('a participant_joined whose processing failed is applied when LiveKit redelivers it', async (t) => {
  const host = await env.api.signUp('Ria Redelivery');
  const room = await createRoom(host.client);
  await failNextPresenceWrite();
  const event = {
    event: 'participant_joined',
    id: 'EV_redelivered_join',
    createdAt: '1795300000',
    room: { name: room.id },
    participant: { sid: 'PA_redelivered', identity: host.memberId, kind: 0 },
  };
  const recorded = async () =>
    (await env.stack.database.pool.query('SELECT count(*)::int AS n FROM livekit_webhook_events WHERE id = $1', [event.id])).rows[0].n as number;
  const presence = async () =>
    (await env.stack.database.pool.query('SELECT identity, left_at FROM room_presence WHERE room_id = $1', [room.id])).rows;

  const failed = await postSignedWebhook(env, event);
  t.true(failed.status >= 500, `the failed delivery is answered ${failed.status}, so LiveKit retries it`);
  t.is(await recorded(), 0, 'a failed delivery is not recorded as handled');
  t.deepEqual(await presence(), []);

  const again = await postSignedWebhook(env, event);
  t.is(again.status, 200);
  t.like(again.body, { handled: true }, 'the redelivery is applied, not answered as a duplicate');
  t.deepEqual(await presence(), [{ identity: host.memberId, left_at: null }]);
  t.is(await recorded(), 1);

  const third = await postSignedWebhook(env, event);
  t.like(third.body, { handled: false }, 'once applied, a further delivery is a duplicate');
  t.is((await presence()).length, 1);
});

test.serial('a participant_joined redelivered after its participant_left does not reopen the session', async (t) => {
  const host = await env.api.signUp('Lea Late');
  const room = await createRoom(host.client);
  const participant = { sid: 'PA_late', identity: host.memberId, kind: 0 };
  await postSignedWebhook(env, { event: 'participant_left', id: 'EV_late_left', createdAt: '1795300010', room: { name: room.id }, participant });
  const joined = await postSignedWebhook(env, { event: 'participant_joined', id: 'EV_late_join', createdAt: '1795300000', room: { name: room.id }, participant });
  t.is(joined.status, 200);
  t.deepEqual((await host.client.get(`/v1/rooms/${room.id}/presence`)).body.connected, []);
});
