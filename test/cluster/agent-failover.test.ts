// Fault test, all real: two agent workers, a speaker talking in a live room, `kill -9` of the worker whose job holds
// the room. The API's agent supervision must put a new agent in the room (LiveKit itself never re-dispatches), the
// segments stored before the kill must stay, transcription must resume, and nothing may be stored twice.
import os from 'node:os';
import test from 'ava';
import { dispose } from '@livekit/rtc-node';
import { AgentDispatchClient, RoomServiceClient } from 'livekit-server-sdk';
import { MODERATION_TOPIC } from '../../agents/protocol.js';
import { toHttpUrl } from '../../engine/gateway/livekit-gateway.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { synthesizeSpeech } from '../support/tts.js';
import { eventually } from './livekit-redis-fixture.js';
import { hostTalkingRoom } from './talking-room.js';
import { storedSegments, type StoredSegment as Segment } from './stored-segments.js';

const BEFORE = 'Welcome to the roundtable. Today we talk about hiring senior engineers for remote teams.';
/** Said while the worker is killed (the fault: kill -9 while a speaker talks). */
const DURING = 'Good managers write down what a role needs long before the very first call with anyone.';
const AFTER = 'After the break we discuss salaries, equity and how to run a fair interview loop.';
/** Generous for a loaded 2-core machine; the target (and the measured figure, logged) is within 5 s. */
const REPLACEMENT_BOUND_MS = 15_000;

let env: TestStack;

test.before(async () => {
  env = await startTestStack({ workers: 2, env: { AGENT_SUPERVISION_INTERVAL_MS: '1000' } });
  await env.stack.workersRegistered;
});

test.after.always(async () => {
  await env?.stop();
  await dispose();
});

const segments = (roomId: string): Promise<Segment[]> => storedSegments(env.stack.database.pool, roomId);

test('kill -9 of the worker holding a room: a new agent joins, stored segments stay, transcription resumes, no duplicates', async (t) => {
  t.timeout(300_000);
  const lkHttp = toHttpUrl(env.config.livekit.url);
  const lkRooms = new RoomServiceClient(lkHttp, env.config.livekit.apiKey, env.config.livekit.apiSecret);
  const lkDispatch = new AgentDispatchClient(lkHttp, env.config.livekit.apiKey, env.config.livekit.apiSecret);

  const { host, roomId, lkRoom, speaker } = await hostTalkingRoom(t, env, 'Ada Host', { title: 'Hiring in 2027', description: 'senior engineering hiring' });

  await speaker.silence(0.5);
  await speaker.speak(await synthesizeSpeech(BEFORE));
  await speaker.silence(1.5);
  const before = await eventually('a segment before the kill', 90_000, async () => {
    const s = await segments(roomId);
    return s.length > 0 ? s : undefined;
  });
  // Let a trailing segment of the same sentence land, so "before" is complete.
  await new Promise((r) => setTimeout(r, 3000));
  const stored = await segments(roomId);
  t.true(stored.length >= before.length);

  // Which worker holds the room: LiveKit's own record of the dispatch's running job.
  const running = (await lkDispatch.listDispatch(lkRoom)).flatMap((d) => d.state?.jobs ?? []).filter((j) => j.state?.status === 1);
  t.is(running.length, 1, 'exactly one running agent job before the kill');
  const oldJob = running[0]!;
  const oldAgent = oldJob.state!.participantIdentity;
  const holder = [...env.stack.workerIds].find(([, ids]) => ids.includes(oldJob.state!.workerId))?.[0];
  t.truthy(holder, `worker ${oldJob.state!.workerId} is one of the stack's processes`);
  t.true((await lkRooms.listParticipants(lkRoom)).some((p) => p.identity === oldAgent), 'the agent is in the room before the kill');

  const secondNotice = speaker.waitForData(MODERATION_TOPIC, 120_000);
  const speaking = (async () => {
    await speaker.silence(0.5);
    await speaker.speak(await synthesizeSpeech(DURING));
    await speaker.silence(1.5);
  })();
  await new Promise((r) => setTimeout(r, 2500));
  const atKill = await segments(roomId);
  t.true(atKill.length >= stored.length);
  const killedAt = Date.now();
  holder!.kill('SIGKILL');

  const newAgent = await eventually('a new agent in the room', 120_000, async () => {
    const jobs = (await lkDispatch.listDispatch(lkRoom)).flatMap((d) => d.state?.jobs ?? []);
    const present = new Set((await lkRooms.listParticipants(lkRoom)).map((p) => p.identity));
    const fresh = jobs.find((j) => j.id !== oldJob.id && j.state?.status === 1 && present.has(j.state.participantIdentity));
    return fresh?.state?.participantIdentity;
  });
  const replacedMs = Date.now() - killedAt;
  t.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}: new agent ${newAgent} in the room ${replacedMs} ms after the kill`);
  t.true(replacedMs <= REPLACEMENT_BOUND_MS, `new agent after ${replacedMs} ms`);
  t.not(newAgent, oldAgent);
  await speaking;

  // The new agent tells the speaker it listens, then new speech is transcribed again.
  t.like(await secondNotice, { type: 'transcription_started', speaker: host.memberId });
  await speaker.silence(0.5);
  await speaker.speak(await synthesizeSpeech(AFTER));
  await speaker.silence(1.5);
  const lastBefore = Math.max(...stored.map((s) => s.started_at.getTime()));
  await eventually('a segment after the kill', 90_000, async () => {
    const s = await segments(roomId);
    return s.some((x) => x.started_at.getTime() > lastBefore && /salar|equity|interview/i.test(x.text)) ? s : undefined;
  });
  await new Promise((r) => setTimeout(r, 3000));
  const after = await segments(roomId);
  t.log(`before: ${stored.map((s) => s.text).join(' | ')}`);
  t.log(`after:  ${after.filter((s) => !stored.some((b) => b.id === s.id)).map((s) => s.text).join(' | ')}`);

  // Every segment stored before the kill is still there, unchanged.
  for (const s of atKill) t.deepEqual(after.find((a) => a.id === s.id)?.text, s.text, `segment ${s.id} kept`);
  // The utterance in flight at the kill: the old agent (the only one in the room before the kill) finished it with
  // its own models once the dead worker's inference process could not, and stored it.
  t.true(
    after.some((s) => s.started_at.getTime() < killedAt && !atKill.some((b) => b.id === s.id) && /manag|write|down/i.test(s.text)),
    'the utterance in flight at the kill was stored',
  );
  // Nothing stored twice: no repeated text, no two segments starting at the same moment.
  const texts = after.map((s) => s.text.trim().toLowerCase());
  t.is(new Set(texts).size, texts.length, `duplicate text in ${JSON.stringify(texts)}`);
  const starts = after.map((s) => s.started_at.getTime());
  t.is(new Set(starts).size, starts.length, 'two segments start at the same instant');
  // Exactly one agent left in the room: the old one (a ghost of the killed worker) is gone.
  const identities = (await lkRooms.listParticipants(lkRoom)).map((p) => p.identity);
  t.false(identities.includes(oldAgent), 'the killed worker\'s agent is no longer in the room');
  t.true(identities.includes(newAgent), 'the new agent is still in the room');
});
