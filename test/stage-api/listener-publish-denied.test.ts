// A listener's token carries no publish grant: publishing the microphone directly (bypassing the stage) fails, and
// nobody in the room receives a track from them.
import test from 'ava';
import { RoomEvent } from '@livekit/rtc-node';
import { type Member, ToneParticipant, join, liveRoom, signUp, useRtcRig } from './_fixtures.js';

const rig = useRtcRig();
const enter = (member: Member, roomId: string) => rig.enter(member, roomId);

test('a listener publishing directly is refused and no track reaches the room', async (t) => {
  t.timeout(90_000);
  const host = await signUp(rig.env, 'Hana Host');
  const lee = await signUp(rig.env, 'Lee Listener');
  const roomId = await liveRoom(host);
  const hostRtc = await enter(host, roomId);
  const ticket = await join(lee, roomId);
  t.is(ticket.role, 'listener');
  t.false(ticket.canPublish);
  const leeRtc = await ToneParticipant.connect(lee.name, ticket);
  rig.keep(leeRtc);

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
