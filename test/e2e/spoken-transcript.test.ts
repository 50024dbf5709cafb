// The walking skeleton, end to end with no mocks: API -> LiveKit room with the moderation agent dispatched ->
// a participant speaks (flite TTS through rtc-node) -> Silero VAD -> local speech model -> PostgreSQL -> API.
import test from 'ava';
import { dispose } from '@livekit/rtc-node';
import { MODERATION_TOPIC } from '../../agents/protocol.js';
import { wordErrorRate } from '../../models/stt/wer.js';
import { SpeakingParticipant } from '../support/speaking-participant.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { synthesizeSpeech } from '../support/tts.js';

const SENTENCE = 'Welcome to the roundtable. Today we talk about hiring senior engineers for remote teams.';

let env: TestStack;

test.before(async () => {
  // TEST_STACK_DB=embedded runs this against the embedded PGlite; spoken-transcript-embedded.test.ts does so in CI.
  env = await startTestStack({ workers: 1 });
  await env.stack.workersRegistered;
});

test.after.always(async () => {
  await env?.stop();
  await dispose();
});

test('speech on stage comes back through the API as a transcript segment with the speaker and the words', async (t) => {
  t.timeout(180_000);
  const health = await env.api.get('/healthz');
  t.is(health.status, 200, JSON.stringify(health.body));

  const host = await env.api.signUp('Ada Host');
  const created = await host.client.post('/v1/rooms', { title: 'Hiring in 2027', description: 'senior engineering hiring' });
  t.is(created.status, 201, JSON.stringify(created.body));
  const roomId: string = created.body.id;

  const ticket = await host.client.post(`/v1/rooms/${roomId}/join`, { acceptTranscription: true });
  t.is(ticket.status, 200, JSON.stringify(ticket.body));
  t.true(ticket.body.canPublish);

  const speech = await synthesizeSpeech(SENTENCE);
  const speaker = await SpeakingParticipant.connect(ticket.body.url, ticket.body.token);
  t.teardown(() => speaker.disconnect());
  const notice = speaker.waitForData(MODERATION_TOPIC, 60_000);
  await speaker.publishMicrophone();
  // The hidden agent tells the speaker when it listens; speak only then, as an app would show "transcribed".
  t.like(await notice, { type: 'transcription_started', speaker: host.memberId });
  await speaker.silence(0.5);
  await speaker.speak(speech);
  await speaker.silence(1.5);

  // The transcript is safety evidence: trust-and-safety staff read it, not the host.
  const staff = await env.staff();
  const segments = await pollTranscript(staff.client, roomId, 60_000);
  t.true(segments.length >= 1, 'at least one segment stored');
  const text = segments.map((s: { text: string }) => s.text).join(' ');
  const { wer } = wordErrorRate(SENTENCE, text);
  t.log(`heard: "${text}" (WER ${(wer * 100).toFixed(1)}%)`);
  t.true(wer <= 0.25, `transcript too far from what was said: "${text}"`);
  const first = segments[0];
  t.is(first.speakerIdentity, host.memberId);
  t.is(first.roomId, roomId);
  const durationMs = Date.parse(first.endedAt) - Date.parse(first.startedAt);
  t.true(durationMs > 2000 && durationMs < 15_000, `segment spans ${durationMs} ms`);

  // Nobody but staff reads it: not a listener, not even the host.
  const listener = await env.api.signUp('Lee Listener');
  t.is((await listener.client.get(`/v1/rooms/${roomId}/transcript`)).status, 403);
  t.is((await host.client.get(`/v1/rooms/${roomId}/transcript`)).status, 403);
});

async function pollTranscript(client: TestStack['api'], roomId: string, timeoutMs: number): Promise<any[]> {
  const deadline = Date.now() + timeoutMs;
  let last: any[] = [];
  while (Date.now() < deadline) {
    const res = await client.get(`/v1/rooms/${roomId}/transcript`);
    if (res.status !== 200) throw new Error(`transcript read failed: ${res.status} ${JSON.stringify(res.body)}`);
    last = res.body.items;
    if (last.length > 0) {
      // Let any following segment of the same sentence land too.
      await new Promise((r) => setTimeout(r, 1500));
      return (await client.get(`/v1/rooms/${roomId}/transcript`)).body.items;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return last;
}
