// Join tokens are short (ROOM_TOKEN_TTL_SECONDS): they authorise the connect only. Checked against the real
// LiveKit server: a session connected with a token keeps going after the token expires (LiveKit refreshes it),
// while connecting with the expired token is refused — once LiveKit's validation leeway (60 s, protocol/auth
// tokenLeeway) has passed too, so a ticket connects for at most its TTL + 60 s.
import test from 'ava';
import { LiveKitGateway } from '../../engine/gateway/livekit-gateway.js';
import { ToneParticipant, join, liveRoom, signUp, useRtcRig } from './_fixtures.js';

const rig = useRtcRig();

test('a session outlives its join token; the expired token connects no one', async (t) => {
  t.timeout(150_000);
  const { url, apiKey, apiSecret } = rig.env.config.livekit;
  const livekit = new LiveKitGateway({ url, apiKey, apiSecret, agentName: rig.env.config.agent.name });
  const host = await signUp(rig.env, 'Hana Host');
  const roomId = await liveRoom(host);
  const ticket = await join(host, roomId);
  const claims = JSON.parse(Buffer.from(ticket.token.split('.')[1]!, 'base64url').toString('utf8')) as { exp: number; nbf?: number; iat?: number };
  t.is(claims.exp - Math.floor(Date.now() / 1000) <= rig.env.config.rooms.tokenTtlSeconds, true, 'the ticket lives ROOM_TOKEN_TTL_SECONDS at most');
  t.is(rig.env.config.rooms.tokenTtlSeconds, 60, 'the default');

  // A token of 3 seconds, minted like a ticket's, to see expiry without waiting a minute.
  const mintedAt = Date.now();
  const short = await livekit.mintToken({ identity: host.memberId, room: roomId, canPublish: true, ttlSeconds: 3 });
  const p = rig.keep(await ToneParticipant.connect(host.name, { ...ticket, token: short }));
  await p.publishTone();
  await new Promise((r) => setTimeout(r, 6000));
  t.true(p.room.isConnected, 'still connected 6 s after connecting with a 3 s token');
  const live = await livekit.getParticipant(roomId, host.memberId);
  t.truthy(live, 'LiveKit still lists the participant');
  t.is(live?.tracks.length, 1, 'and its track is still published');

  await p.disconnect();
  await new Promise((r) => setTimeout(r, Math.max(0, mintedAt + (3 + 60 + 2) * 1000 - Date.now())));
  await t.throwsAsync(ToneParticipant.connect(host.name, { ...ticket, token: short }), undefined, 'the expired token is refused');
});
