// Drain hand-over, all real: LiveKit, PostgreSQL, two agent worker processes, a speaker talking without stop. The
// worker holding the room gets SIGTERM (what a deploy sends); it must put a replacement agent on the other worker
// before its own leaves. Independent truths: LiveKit's participant list, sampled throughout (the room always has an
// agent), the sentences actually played against the segments PostgreSQL holds (each stored exactly once), and the
// gaps between consecutive stored segments (none longer than the hand-over itself, or the speaker's own pauses).
import test from 'ava';
import { dispose } from '@livekit/rtc-node';
import { AgentDispatchClient, RoomServiceClient } from 'livekit-server-sdk';
import { toHttpUrl } from '../../engine/gateway/livekit-gateway.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { synthesizeSpeech } from '../support/tts.js';
import { eventually } from './livekit-redis-fixture.js';
import { hostTalkingRoom } from './talking-room.js';
import { storedSegments, type StoredSegment as Segment } from './stored-segments.js';

// Distinct content words per sentence, so each stored segment maps to the one sentence it transcribes.
const SENTENCES = [
  'Welcome everyone, tonight we compare hiring pipelines for senior backend engineers.',
  'Our recruiters screen candidates by phone before any technical interview happens.',
  'Remote teams need written documentation more than offices with whiteboards.',
  'Salary bands should be published openly so negotiations stay fair.',
  'Equity grants vest over four years with a one year cliff.',
  'Pair programming exercises reveal collaboration habits quickly.',
  'Reference checks rarely change a decision but sometimes catch problems.',
  'Onboarding plans give new hires a mentor during their first month.',
  'Managers should protect focus time by limiting recurring meetings.',
  'Promotion criteria must be visible to every engineer on the ladder.',
  'Conference budgets help people learn and also attract applicants.',
  'Exit interviews teach leadership why talented people decide to leave.',
  'Hackathons create prototypes that sometimes become real products.',
  'Security reviews belong early in design, never after launch.',
  'Customer support rotations show developers where software hurts users.',
  'Thank you all for joining, next week we discuss compensation benchmarks.',
  'Quarterly planning works better when priorities are ranked explicitly.',
  'Incident retrospectives should be blameless and focused on systems.',
];
/** Silence between sentences: longer than the VAD's 600 ms, so each sentence is one utterance. */
const PAUSE_S = 1.4;
/** Sentences spoken after the drained worker is gone, transcribed by the replacement alone. */
const AFTER_EXIT = 1;
/** The workers' drain deadline: long enough for a hand-over on a loaded machine, short enough to wait out. */
const DRAIN_DEADLINE_S = 40;

let env: TestStack;

test.before(async () => {
  env = await startTestStack({ workers: 2, env: { AGENT_SUPERVISION_INTERVAL_MS: '1000', AGENT_DRAIN_TIMEOUT_SECONDS: String(DRAIN_DEADLINE_S) } });
  await env.stack.workersRegistered;
});

test.after.always(async () => {
  await env?.stop();
  await dispose();
});

const segments = (roomId: string): Promise<Segment[]> => storedSegments(env.stack.database.pool, roomId);

const words = (s: string) => new Set(s.toLowerCase().replace(/[^a-z ]/g, ' ').split(/\s+/).filter((w) => w.length >= 4));

/** The sentence a segment transcribes (most of its content words found), or undefined. */
function sentenceOf(text: string): { index: number; score: number } | undefined {
  const heard = words(text);
  let best: { index: number; score: number } | undefined;
  SENTENCES.forEach((s, index) => {
    const w = [...words(s)];
    const score = w.filter((x) => heard.has(x)).length / w.length;
    if (!best || score > best.score) best = { index, score };
  });
  return best && best.score >= 0.2 ? best : undefined;
}

test.serial('SIGTERM drains a worker: the room is handed to another worker with an agent always present and every sentence stored once', async (t) => {
  t.timeout(240_000);
  const lkHttp = toHttpUrl(env.config.livekit.url);
  const lkRooms = new RoomServiceClient(lkHttp, env.config.livekit.apiKey, env.config.livekit.apiSecret);
  const lkDispatch = new AgentDispatchClient(lkHttp, env.config.livekit.apiKey, env.config.livekit.apiSecret);
  const speech = await Promise.all(SENTENCES.map((s) => synthesizeSpeech(s)));

  const { roomId, lkRoom, speaker } = await hostTalkingRoom(t, env, 'Dana Host', { title: 'Hiring, drained', description: 'a deploy mid-talk' });

  // The speaker talks on, sentence after sentence, until told to stop after the drained worker is gone.
  let lastSentence = SENTENCES.length;
  let played = 0;
  const talking = (async () => {
    await speaker.silence(0.5);
    for (let i = 0; i < lastSentence; i++) {
      await speaker.speak(speech[i]!);
      played = i + 1;
      await speaker.silence(PAUSE_S);
    }
  })();
  t.teardown(() => {
    lastSentence = 0;
  });

  await eventually('a first segment from the first agent', 90_000, async () => ((await segments(roomId)).length > 0 ? true : undefined));

  // Which worker holds the room: LiveKit's record of the running job.
  const running = (await lkDispatch.listDispatch(lkRoom)).flatMap((d) => d.state?.jobs ?? []).filter((j) => j.state?.status === 1);
  t.is(running.length, 1, 'one running agent job before the drain');
  const oldAgent = running[0]!.state!.participantIdentity;
  const holder = [...env.stack.workerIds].find(([, ids]) => ids.includes(running[0]!.state!.workerId))?.[0];
  t.truthy(holder, 'the job runs on one of the stack\'s workers');

  // LiveKit's participant list, sampled: which agents are in the room at each moment.
  const samples: { at: number; agents: string[] }[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const list = await lkRooms.listParticipants(lkRoom).catch(() => undefined);
      if (list) samples.push({ at: Date.now(), agents: list.filter((p) => p.attributes['lk.agent.name'] === env.config.agent.name).map((p) => p.identity) });
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  t.teardown(() => {
    sampling = false;
  });

  const exited = new Promise<number | null>((resolve) => holder!.once('exit', (code) => resolve(code)));
  const drainedAt = Date.now();
  holder!.kill('SIGTERM');
  const exitCode = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), (DRAIN_DEADLINE_S + 60) * 1000))]);
  const exitedAt = Date.now();
  t.is(exitCode, 0, 'the drained worker exits by itself, cleanly');
  const oldGoneAt = samples.find((s) => s.at >= drainedAt && !s.agents.includes(oldAgent))?.at ?? exitedAt;
  const handOverMs = oldGoneAt - drainedAt;
  t.log(`hand-over: old agent gone ${handOverMs} ms after SIGTERM; worker exited after ${exitedAt - drainedAt} ms`);

  // Two more sentences for the replacement alone, then stop and let the last segments land.
  lastSentence = Math.min(SENTENCES.length, played + 1 + AFTER_EXIT);
  await talking;
  const expected = SENTENCES.slice(0, played);
  await eventually('the last sentence stored', 90_000, async () => ((await segments(roomId)).some((s) => sentenceOf(s.text)?.index === played - 1) ? true : undefined));
  await new Promise((r) => setTimeout(r, 2000));
  sampling = false;
  await sampler;

  // The room always had an agent; at the end exactly one, not the drained one, on the other worker.
  const during = samples.filter((s) => s.at >= drainedAt);
  t.true(during.length > 10, `enough samples (${during.length})`);
  const empty = during.filter((s) => s.agents.length === 0);
  t.is(empty.length, 0, `no agent in the room at ${empty.map((s) => s.at - drainedAt).join(', ')} ms after SIGTERM`);
  t.true(during.some((s) => s.agents.includes(oldAgent) && s.agents.length >= 2), 'the replacement was in the room before the old agent left');
  const final = samples.at(-1)!.agents;
  t.is(final.length, 1, `one agent at the end: ${final.join(', ')}`);
  t.not(final[0], oldAgent);
  const newJob = (await lkDispatch.listDispatch(lkRoom)).flatMap((d) => d.state?.jobs ?? []).find((j) => j.state?.participantIdentity === final[0]);
  t.truthy(newJob, 'the replacement is a dispatched agent job');
  t.false(env.stack.workerIds.get(holder!)?.includes(newJob!.state!.workerId), 'the replacement runs on the other worker');

  // Every sentence played is stored exactly once (and nothing else is stored).
  const stored = await segments(roomId);
  t.log(stored.map((s) => `${s.started_at.toISOString().slice(11, 23)}–${s.ended_at.toISOString().slice(11, 23)} ${s.text}`).join('\n'));
  const bySentence = new Map<number, Segment[]>();
  for (const s of stored) {
    const match = sentenceOf(s.text);
    t.truthy(match, `segment "${s.text}" matches a sentence played`);
    if (match) bySentence.set(match.index, [...(bySentence.get(match.index) ?? []), s]);
  }
  expected.forEach((sentence, i) => t.is(bySentence.get(i)?.length ?? 0, 1, `stored once: "${sentence}" → ${JSON.stringify(bySentence.get(i)?.map((s) => s.text))}`));
  // No two segments cover the same audio (a duplicate across the hand-over would overlap its twin).
  for (let i = 1; i < stored.length; i++) {
    t.true(stored[i]!.started_at.getTime() >= stored[i - 1]!.ended_at.getTime() - 100, `segments ${i - 1} and ${i} overlap`);
  }
  // The last segment of the old agent and the first of the new one are consecutive here: no gap is longer than the
  // hand-over, or than the speaker's own pauses when the hand-over is quicker than those (an idle machine hands over
  // in ~1 s, inside a 1.4 s pause). The pauses are measured in this run, on the segments stored before the drain;
  // 150 ms covers the VAD's jitter at an utterance's edges.
  const gap = (s: Segment, i: number, all: Segment[]) => s.started_at.getTime() - all[i]!.ended_at.getTime();
  const gaps = stored.slice(1).map((s, i) => gap(s, i, stored));
  const beforeDrain = stored.filter((s) => s.ended_at.getTime() < drainedAt);
  const pauses = beforeDrain.slice(1).map((s, i) => gap(s, i, beforeDrain));
  const ownPause = pauses.length > 0 ? Math.max(...pauses) : PAUSE_S * 1000;
  const maxGap = Math.max(...gaps);
  const bound = Math.max(handOverMs, ownPause) + 150;
  t.log(`largest gap between consecutive segments: ${maxGap} ms; hand-over ${handOverMs} ms; speaker's pauses up to ${ownPause} ms`);
  t.true(maxGap <= bound, `a gap of ${maxGap} ms is longer than the hand-over (${handOverMs} ms) and the speaker's own pauses (${ownPause} ms)`);
});

// Runs after the test above, with the one worker left: nobody to hand the room to.
test.serial('SIGTERM with no other worker: the agent keeps serving its room until the drain deadline, then the worker exits', async (t) => {
  t.timeout(180_000);
  const alive = env.stack.workers.filter((w) => w.exitCode === null && w.signalCode === null);
  t.is(alive.length, 1, 'one worker left');
  const lkRooms = new RoomServiceClient(toHttpUrl(env.config.livekit.url), env.config.livekit.apiKey, env.config.livekit.apiSecret);
  const lines = ['Budget reviews happen every quarter with finance.', 'Volunteers organise the community meetup in Lisbon.'];
  const speech = await Promise.all(lines.map((s) => synthesizeSpeech(s)));

  const { roomId, lkRoom, speaker } = await hostTalkingRoom(t, env, 'Lee Host', { title: 'Last worker standing', description: 'no one to hand over to' });
  const agentsNow = async () => (await lkRooms.listParticipants(lkRoom)).filter((p) => p.attributes['lk.agent.name'] === env.config.agent.name).map((p) => p.identity);
  const [agent] = await agentsNow();
  t.truthy(agent);

  const worker = alive[0]!;
  const exited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
  let exitedYet = false;
  void exited.then(() => (exitedYet = true));
  const drainedAt = Date.now();
  worker.kill('SIGTERM');
  // While it drains, the agent stays and transcribes: sampled until the worker exits.
  const samples: { at: number; agents: string[] }[] = [];
  const sampler = (async () => {
    while (!exitedYet) {
      const a = await agentsNow().catch(() => undefined);
      if (a && !exitedYet) samples.push({ at: Date.now(), agents: a });
      await new Promise((r) => setTimeout(r, 300));
    }
  })();
  await speaker.silence(0.5);
  for (const pcm of speech) {
    await speaker.speak(pcm);
    await speaker.silence(PAUSE_S);
  }
  const heard = await eventually('both sentences stored during the drain', 60_000, async () => {
    const s = await segments(roomId);
    return s.some((x) => /budget|quarter|finance/i.test(x.text)) && s.some((x) => /volunteer|community|lisbon|meetup/i.test(x.text)) ? s : undefined;
  });
  t.false(exitedYet, 'the worker still serves the room while it drains');
  const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), (DRAIN_DEADLINE_S + 60) * 1000))]);
  await sampler;
  t.is(code, 0, 'the worker exits by itself at the deadline');
  t.log(`worker exited ${Date.now() - drainedAt} ms after SIGTERM (deadline ${DRAIN_DEADLINE_S} s); ${heard.length} segments stored meanwhile`);
  // The agent stays until the deadline (counted by the worker from its SIGTERM, so not before drainedAt + it),
  // then leaves as a stopped worker's does.
  const firstGone = samples.findIndex((s) => !s.agents.includes(agent!));
  const stayedUntil = firstGone === -1 ? samples.length : firstGone;
  t.true(stayedUntil > 10, `the agent was in the room in ${stayedUntil} samples`);
  if (firstGone !== -1) t.true(samples[firstGone]!.at - drainedAt >= DRAIN_DEADLINE_S * 1000, `the agent left ${samples[firstGone]!.at - drainedAt} ms after SIGTERM, before the deadline`);
});
