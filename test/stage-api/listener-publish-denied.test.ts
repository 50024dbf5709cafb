// A listener's token carries no publish grant: publishing the microphone directly (bypassing the stage) fails, and
// nobody in the room receives a track from them.
import test from 'ava';
import { dispose, RoomEvent } from '@livekit/rtc-node';
import { startTestStack, type TestStack } from '../support/stack.js';
import { type Member, ToneParticipant, join, liveRoom, signUp } from './_fixtures.js';

let env: TestStack;
const connected: ToneParticipant[] = [];

test.before(async () => {
  env = await startTestStack({ workers: 0 });
});

test.after.always(async () => {
  for (const p of connected) await p.disconnect();
  await env?.stop();
  await dispose();
});

async function enter(member: Member, roomId: string): Promise<ToneParticipant> {
  const p = await ToneParticipant.connect(member.name, await join(member, roomId));
  connected.push(p);
  return p;
}

test('a listener publishing directly is refused and no track reaches the room', async (t) => {
  t.timeout(90_000);
  const host = await signUp(env, 'Hana Host');
  const lee = await signUp(env, 'Lee Listener');
  const roomId = await liveRoom(host);
  const hostRtc = await enter(host, roomId);
  const ticket = await join(lee, roomId);
  t.is(ticket.role, 'listener');
  t.false(ticket.canPublish);
  const leeRtc = await ToneParticipant.connect(lee.name, ticket);
  connected.push(leeRtc);

  let published = false;
  hostRtc.room.on(RoomEvent.TrackPublished, (_pub, participant) => {
    if (participant.identity === lee.memberId) published = true;
  });
  const attempt = await leeRtc.tryPublish();
  t.log(`publish attempt: ${JSON.stringify(attempt)}`);
  t.false(attempt.published);
  // LiveKit drops an AddTrack without the publish grant and sends nothing back, so the SDK gives up waiting.
  t.regex(attempt.error ?? '', /timed out|no response|no answer|permission/i);
  // Give a stray track time to show up before concluding none did.
  await new Promise((r) => setTimeout(r, 1000));
  t.false(published, 'the host saw no track from the listener');
  const remote = hostRtc.room.remoteParticipants.get(lee.memberId);
  t.is(remote?.trackPublications.size ?? 0, 0);
});
