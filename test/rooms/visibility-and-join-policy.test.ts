// Who may see and join a room: invite-only, connections-only, blocks, and capacity.
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';
import { createRoom, JOIN } from './_helpers.js';

let env: TestStack;
test.before(async () => {
  env = await startTestStack({ workers: 0 });
});
test.after.always(() => env?.stop());

test('invite-only: hidden from and closed to outsiders until the host invites them', async (t) => {
  const host = await env.api.signUp('Ivy Inviter');
  const outsider = await env.api.signUp('Oz Outsider');
  const room = await createRoom(host.client, { visibility: 'invite_only', title: 'Board prep' });

  t.is((await outsider.client.get(`/v1/rooms/${room.id}`)).status, 404, 'its existence does not leak');
  t.false((await outsider.client.get('/v1/rooms')).body.items.some((r: { id: string }) => r.id === room.id));
  const refused = await outsider.client.post(`/v1/rooms/${room.id}/join`, JOIN);
  t.is(refused.status, 403);
  t.is(refused.body.error.code, 'not_invited');

  t.is((await outsider.client.post(`/v1/rooms/${room.id}/invitations`, { memberId: outsider.memberId })).status, 404, 'nor invite into it');
  t.is((await host.client.post(`/v1/rooms/${room.id}/invitations`, { memberId: outsider.memberId })).status, 201);
  t.is((await outsider.client.get(`/v1/rooms/${room.id}`)).status, 200);
  t.is((await outsider.client.post(`/v1/rooms/${room.id}/join`, JOIN)).status, 200);
});

test("connections-only: a stranger is refused, a connection is admitted", async (t) => {
  const host = await env.api.signUp('Cora Connected');
  const stranger = await env.api.signUp('Stu Stranger');
  const friend = await env.api.signUp('Fay Friend');
  const room = await createRoom(host.client, { visibility: 'connections_or_group' });

  const request = await friend.client.post(`/v1/members/${host.memberId}/connection-requests`);
  t.is(request.status, 201, JSON.stringify(request.body));
  const requestId = request.body.request?.id ?? request.body.id;
  t.true((await host.client.post(`/v1/connection-requests/${requestId}/accept`)).status < 300);

  const refused = await stranger.client.post(`/v1/rooms/${room.id}/join`, JOIN);
  t.is(refused.status, 403);
  t.is(refused.body.error.code, 'not_connected');
  t.is((await friend.client.post(`/v1/rooms/${room.id}/join`, JOIN)).status, 200);
});

test('a member the host blocked cannot join rooms the host hosts, nor can one who blocked the host', async (t) => {
  const host = await env.api.signUp('Bo Blocker');
  const blocked = await env.api.signUp('Bea Blocked');
  const blocker = await env.api.signUp('Bix Blocksthehost');
  const room = await createRoom(host.client);
  t.is((await host.client.post(`/v1/members/${blocked.memberId}/block`)).status < 300, true);
  t.is((await blocker.client.post(`/v1/members/${host.memberId}/block`)).status < 300, true);

  const a = await blocked.client.post(`/v1/rooms/${room.id}/join`, JOIN);
  t.is(a.status, 403);
  t.is(a.body.error.code, 'blocked');
  const b = await blocker.client.post(`/v1/rooms/${room.id}/join`, JOIN);
  t.is(b.status, 403);
  t.is(b.body.error.code, 'blocked');
});

test('a full room refuses the next listener; the host still gets in', async (t) => {
  const host = await env.api.signUp('Max Capacity');
  const first = await env.api.signUp('Fin First');
  const second = await env.api.signUp('Sal Second');
  const room = await createRoom(host.client, { maxListeners: 1 });
  t.is((await first.client.post(`/v1/rooms/${room.id}/join`, JOIN)).status, 200);
  const full = await second.client.post(`/v1/rooms/${room.id}/join`, JOIN);
  t.is(full.status, 409);
  t.is(full.body.error.code, 'room_full');
  t.is((await host.client.post(`/v1/rooms/${room.id}/join`, JOIN)).status, 200);
});

test('joining requires accepting that speech on stage is transcribed', async (t) => {
  const host = await env.api.signUp('Nia Notice');
  const guest = await env.api.signUp('Ned Noconsent');
  const room = await createRoom(host.client);
  t.regex(room.transcriptionNotice, /transcribed .* for safety/);
  const res = await guest.client.post(`/v1/rooms/${room.id}/join`, { acceptTranscription: false });
  t.is(res.status, 400);
  // The schema says acceptTranscription must be true, so the refusal is a validation error naming the field.
  t.is(res.body.error.code, 'validation_failed');
  t.is(res.body.error.details[0].field, 'body.acceptTranscription');
  t.regex(res.body.error.details[0].message, /transcribed/);
});

test('a quiet listener is marked quiet in the token; the host cannot join quietly', async (t) => {
  const host = await env.api.signUp('Qin Host');
  const guest = await env.api.signUp('Quinn Quiet');
  const room = await createRoom(host.client);
  const quiet = await guest.client.post(`/v1/rooms/${room.id}/join`, { ...JOIN, quiet: true });
  t.like(quiet.body, { quiet: true, role: 'listener' });
  const claims = JSON.parse(Buffer.from(quiet.body.token.split('.')[1], 'base64url').toString());
  t.deepEqual(JSON.parse(claims.metadata), { quiet: true });
  t.false(claims.video.canPublish);
  const hostTicket = await host.client.post(`/v1/rooms/${room.id}/join`, { ...JOIN, quiet: true });
  t.like(hostTicket.body, { quiet: false, role: 'host', canPublish: true });
});
