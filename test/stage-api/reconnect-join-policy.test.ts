// The join policy runs on every connection LiveKit reports (participant_joined), not only on the API's join: a
// member who connects again with a LiveKit token that is still valid is removed from the room's media when the
// policy refuses them now — removed by the host since, blocked by the host since, the room full since, or the room
// ended. LiveKit itself is the witness: the participant is disconnected and LiveKit no longer lists them.
import test from 'ava';
import { RoomEvent } from '@livekit/rtc-node';
import { LiveKitGateway } from '../../engine/gateway/livekit-gateway.js';
import { type JoinTicket, type Member, ToneParticipant, eventually, join, liveRoom, ok, signUp, useRtcRig } from './_fixtures.js';

const rig = useRtcRig();

function gateway(): LiveKitGateway {
  const { url, apiKey, apiSecret } = rig.env.config.livekit;
  return new LiveKitGateway({ url, apiKey, apiSecret, agentName: rig.env.config.agent.name });
}

/** Connects with an old ticket and waits until LiveKit has removed the participant again. */
async function refusedOnReconnect(t: { true(v: boolean, m?: string): void }, member: Member, roomId: string, ticket: JoinTicket): Promise<void> {
  const p = await ToneParticipant.connect(member.name, ticket);
  rig.keep(p);
  const disconnected = p.waitFor(RoomEvent.Disconnected, () => true, 20_000);
  await disconnected;
  await eventually(async () => ((await gateway().getParticipant(roomId, member.memberId)) === undefined ? true : undefined), 10_000, 'LiveKit to drop them');
  t.true(true, 'disconnected by the server and no longer in the LiveKit room');
}

/** Leaves the media and waits for the stage to see it (LiveKit's participant_left webhook). */
async function leave(host: Member, p: ToneParticipant, memberId: string, roomId: string): Promise<void> {
  await p.disconnect();
  await eventually(
    async () => {
      const stage = (await host.client.get(`/v1/rooms/${roomId}/stage`)).body;
      return stage.moderation.audience.includes(memberId) ? undefined : true;
    },
    20_000,
    'the stage to see them leave',
  );
}

test('a member removed (without ban) cannot come back with the token they had; a new join lets them in', async (t) => {
  t.timeout(120_000);
  const host = await signUp(rig.env, 'Hana Host');
  const pat = await signUp(rig.env, 'Pat Removed');
  const roomId = await liveRoom(host);
  await join(host, roomId);
  const ticket = await join(pat, roomId);
  const first = rig.keep(await ToneParticipant.connect(pat.name, ticket));
  const kicked = first.waitFor(RoomEvent.Disconnected);
  await ok(host, 'POST', `/v1/rooms/${roomId}/stage/participants/${pat.memberId}/remove`, { ban: false });
  await kicked;

  await refusedOnReconnect(t, pat, roomId, ticket);
  const stage = (await host.client.get(`/v1/rooms/${roomId}/stage`)).body;
  t.false(stage.moderation.audience.includes(pat.memberId), 'the stage did not re-admit them');

  const fresh = rig.keep(await ToneParticipant.connect(pat.name, await join(pat, roomId)));
  await new Promise((r) => setTimeout(r, 1500)); // the webhook of this connection is handled
  t.truthy(await gateway().getParticipant(roomId, pat.memberId), 'after joining again through the API they stay');
  t.true(fresh.room.isConnected);
});

test('a member the host blocked after they joined is removed when they connect', async (t) => {
  t.timeout(120_000);
  const host = await signUp(rig.env, 'Hana Host');
  const bea = await signUp(rig.env, 'Bea Blocked');
  const roomId = await liveRoom(host);
  await join(host, roomId);
  const ticket = await join(bea, roomId);
  const blocked = await host.client.post(`/v1/members/${bea.memberId}/block`, {});
  t.true(blocked.status < 300, JSON.stringify(blocked.body));

  await refusedOnReconnect(t, bea, roomId, ticket);
  const stage = (await host.client.get(`/v1/rooms/${roomId}/stage`)).body;
  t.false(stage.moderation.audience.includes(bea.memberId), 'and they no longer hold a place');
});

test('a listener who left a room that filled up since cannot take a place back with their old token', async (t) => {
  t.timeout(120_000);
  const host = await signUp(rig.env, 'Hana Host');
  const ann = await signUp(rig.env, 'Ann Away');
  const ben = await signUp(rig.env, 'Ben Back');
  const created = await host.client.post('/v1/rooms', { title: 'One place', maxListeners: 1 });
  t.is(created.status, 201);
  const roomId = created.body.id as string;
  await join(host, roomId);
  const annTicket = await join(ann, roomId);
  const annRtc = rig.keep(await ToneParticipant.connect(ann.name, annTicket));
  await leave(host, annRtc, ann.memberId, roomId);
  rig.keep(await ToneParticipant.connect(ben.name, await join(ben, roomId))); // Ben takes the only place

  await refusedOnReconnect(t, ann, roomId, annTicket);
  const stage = (await host.client.get(`/v1/rooms/${roomId}/stage`)).body;
  t.deepEqual(stage.moderation.audience, [ben.memberId], 'the room holds exactly its one listener');
});

test('a token of a room that ended no longer gets anyone into it', async (t) => {
  t.timeout(120_000);
  const host = await signUp(rig.env, 'Hana Host');
  const eve = await signUp(rig.env, 'Eve Ended');
  const roomId = await liveRoom(host);
  await join(host, roomId);
  const ticket = await join(eve, roomId);
  await ok(host, 'POST', `/v1/rooms/${roomId}/end`);
  t.is((await host.client.get(`/v1/rooms/${roomId}`)).body.status, 'ended');

  // LiveKit creates a room on the first connect (auto_create); the engine removes the participant from it.
  await refusedOnReconnect(t, eve, roomId, ticket);
});
