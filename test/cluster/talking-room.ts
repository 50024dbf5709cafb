// A live room whose host is on stage with a microphone and the moderation agent transcribing them: the start of the
// agent fault tests (not a test file).
import type { ExecutionContext } from 'ava';
import { MODERATION_TOPIC } from '../../agents/protocol.js';
import { SpeakingParticipant } from '../support/speaking-participant.js';
import type { TestStack } from '../support/stack.js';

export interface TalkingRoom {
  host: Awaited<ReturnType<TestStack['api']['signUp']>>;
  roomId: string;
  /** The room's name on LiveKit. */
  lkRoom: string;
  speaker: SpeakingParticipant;
}

/** Creates the room, joins its host, publishes the microphone and waits for the agent's transcription notice. */
export async function hostTalkingRoom(t: ExecutionContext, env: TestStack, host: string, room: { title: string; description: string }): Promise<TalkingRoom> {
  const member = await env.api.signUp(host);
  const created = await member.client.post('/v1/rooms', room);
  t.is(created.status, 201, JSON.stringify(created.body));
  const roomId: string = created.body.id;
  const { rows } = await env.stack.database.pool.query<{ livekit_name: string }>('SELECT livekit_name FROM rooms WHERE id = $1', [roomId]);
  const ticket = await member.client.post(`/v1/rooms/${roomId}/join`, { acceptTranscription: true });
  t.is(ticket.status, 200, JSON.stringify(ticket.body));
  const speaker = await SpeakingParticipant.connect(ticket.body.url, ticket.body.token);
  t.teardown(() => speaker.disconnect());
  const notice = speaker.waitForData(MODERATION_TOPIC, 120_000);
  await speaker.publishMicrophone();
  t.like(await notice, { type: 'transcription_started', speaker: member.memberId });
  return { host: member, roomId, lkRoom: rows[0]!.livekit_name, speaker };
}
