// A join ticket that is never used lapses: the member stops counting against the room's capacity, so a full room
// opens up again; connected members and the host keep their places.
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';
import { createRoom, JOIN, postSignedWebhook } from './_helpers.js';

let env: TestStack;
test.before(async () => {
  env = await startTestStack({ workers: 0, env: { ROOM_ADMISSION_GRACE_SECONDS: '1', ROOM_ADMISSION_SWEEP_SECONDS: '1' } });
});
test.after.always(() => env?.stop());

test('a listener who never connects lapses and frees the place; a connected one stays', async (t) => {
  const host = await env.api.signUp('Gus Grace');
  const ghost = await env.api.signUp('Gia Ghost');
  const present = await env.api.signUp('Pia Present');
  const late = await env.api.signUp('Lou Late');
  const room = await createRoom(host.client, { maxListeners: 2 });
  t.is((await host.client.post(`/v1/rooms/${room.id}/join`, JOIN)).status, 200);
  t.is((await ghost.client.post(`/v1/rooms/${room.id}/join`, JOIN)).status, 200);
  t.is((await present.client.post(`/v1/rooms/${room.id}/join`, JOIN)).status, 200);
  // LiveKit reports Pia connected (a signed webhook, as the server sends it); Gia never connects.
  await postSignedWebhook(env, {
    event: 'participant_joined',
    id: `EV_${present.memberId}`,
    room: { name: room.id },
    participant: { sid: 'PA_present', identity: present.memberId, kind: 0 },
  });
  const full = await late.client.post(`/v1/rooms/${room.id}/join`, JOIN);
  t.is(full.status, 409);
  t.is(full.body.error.code, 'room_full');

  // Within a few sweeps Gia's unused admission lapses and Lou gets in; Pia and the host are still there.
  let status = 0;
  for (let i = 0; i < 30 && status !== 200; i++) {
    await new Promise((r) => setTimeout(r, 500));
    status = (await late.client.post(`/v1/rooms/${room.id}/join`, JOIN)).status;
  }
  t.is(status, 200);
  const stage = await host.client.get(`/v1/rooms/${room.id}/stage`);
  t.false(stage.body.moderation.audience.includes(ghost.memberId));
  t.true(stage.body.moderation.audience.includes(present.memberId));
  t.true(stage.body.onStage.some((p: { identity: string }) => p.identity === host.memberId));
});
