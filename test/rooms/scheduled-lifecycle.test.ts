// A scheduled room: listed as upcoming, RSVPs counted, nobody joins before the host starts it, then it is live.
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';
import { createRoom, JOIN } from './_helpers.js';

let env: TestStack;
test.before(async () => {
  env = await startTestStack({ workers: 0 });
});
test.after.always(() => env?.stop());

const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();

test('schedule -> upcoming listing -> RSVP -> join refused -> host starts -> join works', async (t) => {
  const host = await env.api.signUp('Sol Scheduler');
  const guest = await env.api.signUp('Gil Guest');
  const room = await createRoom(host.client, { title: 'Quarterly hiring review', scheduledFor: inAnHour(), topics: ['Hiring'] });
  t.is(room.status, 'scheduled');
  t.deepEqual(room.topics, ['hiring']);

  const upcoming = await guest.client.get('/v1/rooms?status=scheduled');
  t.true(upcoming.body.items.some((r: { id: string }) => r.id === room.id));
  const live = await guest.client.get('/v1/rooms?status=live');
  t.false(live.body.items.some((r: { id: string }) => r.id === room.id));

  const rsvp = await guest.client.request('PUT', `/v1/rooms/${room.id}/rsvp`);
  t.is(rsvp.status, 200);
  t.like(rsvp.body, { rsvpCount: 1, rsvpd: true });
  t.like((await host.client.get(`/v1/rooms/${room.id}`)).body, { rsvpCount: 1, rsvpd: false });

  const early = await guest.client.post(`/v1/rooms/${room.id}/join`, JOIN);
  t.is(early.status, 409);
  t.is(early.body.error.code, 'room_not_live');

  t.is((await guest.client.post(`/v1/rooms/${room.id}/start`)).status, 403, 'only the host starts it');
  const started = await host.client.post(`/v1/rooms/${room.id}/start`);
  t.is(started.status, 200);
  t.is(started.body.status, 'live');
  t.is((await host.client.post(`/v1/rooms/${room.id}/start`)).status, 409, 'starting twice is a conflict');

  const ticket = await guest.client.post(`/v1/rooms/${room.id}/join`, JOIN);
  t.is(ticket.status, 200);
  t.like(ticket.body, { role: 'listener', canPublish: false });
});

test('the host cancels a scheduled room; a live room cannot be cancelled', async (t) => {
  const host = await env.api.signUp('Cam Canceller');
  const room = await createRoom(host.client, { scheduledFor: inAnHour() });
  const cancelled = await host.client.post(`/v1/rooms/${room.id}/cancel`);
  t.is(cancelled.status, 200);
  t.like(cancelled.body, { status: 'ended', endedReason: 'cancelled' });

  const live = await createRoom(host.client);
  const res = await host.client.post(`/v1/rooms/${live.id}/cancel`);
  t.is(res.status, 409);
  t.is(res.body.error.code, 'not_scheduled');
});

test('a start time in the past is refused and names the field', async (t) => {
  const host = await env.api.signUp('Pat Past');
  const res = await host.client.post('/v1/rooms', { title: 'Yesterday', scheduledFor: new Date(Date.now() - 60_000).toISOString() });
  t.is(res.status, 400);
  t.is(res.body.error.code, 'start_not_in_future');
  t.is(res.body.error.details[0].field, 'scheduledFor');
});
