// A talking room for N minutes on the real stack (LiveKit, PostgreSQL, one agent worker, the API in this process,
// the models): one speaker (the host) talks continuously, a few listeners subscribe. Checked:
//  - memory of every process (livekit-server, the API, the agent worker tree, the participant processes) sampled
//    every --sample-seconds; flat = the slope of a least-squares fit, over the run's length, is below --max-growth
//    (default 5 %) of the mean (the first sample after the start is the warm baseline);
//  - no segment lost: every utterance spoken (its wall-clock interval, reported by the speaker's process) has a stored
//    segment, matched in order (sequential alignment on the audio's clock, which follows the speaker's with a small
//    offset), and the matched segment's words are the sentence's (word overlap, so a swap or a loss cannot pass).
//   bash scripts/netns.sh run -- node --import tsx bench/soak.ts [--minutes 30] [--listeners 3] [--sample-seconds 30]
// JSON on stdout and in bench/results/soak-<date>.json.
import { parseArgs } from 'node:util';
import { startTestStack } from '../test/support/stack.js';
import { liveRoom, signUp, TALK_SENTENCES, type BenchMember } from './lib/members.js';
import { linearFit, machine, percentiles, round, treeRssMb } from './lib/proc.js';
import { progress, saveResult } from './lib/results.js';
import { Swarm, waitUntil, type Utterance } from './lib/swarm.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    listeners: { type: 'string', default: '3' },
    'sample-seconds': { type: 'string', default: '30' },
    'max-growth': { type: 'string', default: '0.05' },
    tag: { type: 'string' },
  },
});
const MINUTES = Number(values.minutes);
const LISTENERS = Number(values.listeners);
const SAMPLE_SECONDS = Number(values['sample-seconds']);
const MAX_GROWTH = Number(values['max-growth']);
if (!(MINUTES > 0 && MINUTES <= 24 * 60)) throw new Error(`--minutes must be in (0, 1440], got ${values.minutes}`);
if (!Number.isInteger(LISTENERS) || LISTENERS < 0) throw new Error(`--listeners must be a non-negative integer, got ${values.listeners}`);
if (!(SAMPLE_SECONDS >= 1)) throw new Error(`--sample-seconds must be at least 1, got ${values['sample-seconds']}`);
const log = progress('soak');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const words = (text: string) => new Set(text.toLowerCase().replace(/[^a-z0-9' ]+/g, ' ').split(/\s+/).filter((w) => w.length > 2));
/** Share of the sentence's words (longer than two letters) found in the transcript. */
const overlap = (sentence: string, text: string) => {
  const want = words(sentence);
  const got = words(text);
  return want.size ? [...want].filter((w) => got.has(w)).length / want.size : 0;
};

interface Segment {
  id: string;
  started_at: Date;
  ended_at: Date;
  text: string;
}

/**
 * Sequential alignment of utterances (speaker's wall clock) with segments (audio clock, started_at order): the clock
 * offset is learnt from the matches so far (it drifts slowly under load); a segment belongs to the utterance whose
 * interval, shifted by the offset, holds the segment's midpoint within `slackMs`. A VAD may split an utterance in
 * two: every segment of it counts towards it.
 */
function align(utterances: Utterance[], segments: Segment[], slackMs = 900) {
  let offset = 0;
  let s = 0;
  const matched: { utterance: Utterance; segments: Segment[] }[] = [];
  const unmatchedSegments: Segment[] = [];
  for (const u of utterances) {
    const mine: Segment[] = [];
    while (s < segments.length) {
      const seg = segments[s]!;
      const mid = (seg.started_at.getTime() + seg.ended_at.getTime()) / 2 - offset;
      if (mid < u.startedAt - slackMs) {
        unmatchedSegments.push(seg); // before this utterance: belongs to none
        s++;
      } else if (mid <= u.endedAt + slackMs) {
        mine.push(seg);
        s++;
      } else break;
    }
    if (mine.length) {
      // The offset that lines this utterance's start up with its first segment's start, smoothed.
      offset = 0.7 * offset + 0.3 * (mine[0]!.started_at.getTime() - u.startedAt);
    }
    matched.push({ utterance: u, segments: mine });
  }
  unmatchedSegments.push(...segments.slice(s));
  return { matched, unmatchedSegments, finalOffsetMs: Math.round(offset) };
}

const env = await startTestStack({ workers: 1, env: { AUTH_ACCESS_TTL_SECONDS: String(Math.max(900, Math.ceil(MINUTES * 60 + 3600))), LOG_LEVEL: 'error' } });
const swarms: Swarm[] = [];
try {
  await env.stack.workersRegistered;
  const apiUrl = env.stack.apiUrl;
  const host = await signUp(apiUrl, 'Soak Host');
  const listeners: BenchMember[] = [];
  for (let i = 0; i < LISTENERS; i++) listeners.push(await signUp(apiUrl, `Soak Listener ${i}`));
  const roomId = await liveRoom(apiUrl, host, 'Soak');
  const speaker = new Swarm('speaker');
  swarms.push(speaker);
  speaker.send({ type: 'speak', apiUrl, roomId, members: [{ ...host, publish: true }], sentences: TALK_SENTENCES, gapSeconds: 1.5, agentTimeoutMs: 600_000 });
  await speaker.waitReady([host.memberId], 660_000);
  const listenerSwarm = LISTENERS > 0 ? new Swarm('listeners') : undefined;
  if (listenerSwarm) {
    swarms.push(listenerSwarm);
    listenerSwarm.send({ type: 'listen', apiUrl, roomId, members: listeners, expectSpeakers: 1, captionRecorders: 1, concurrency: 2 });
    await listenerSwarm.waitReady(listeners.map((l) => l.memberId), 600_000);
  }
  log(`talking for ${MINUTES} min, ${LISTENERS} listener(s), sampling every ${SAMPLE_SECONDS} s`);

  const processes: Record<string, () => number> = {
    liveKit: () => treeRssMb(env.stack.liveKit!.nodes[0]!.pid!),
    api: () => Math.round(process.memoryUsage().rss / 2 ** 20),
    agentWorkerTree: () => treeRssMb(env.stack.workers[0]!.pid!),
    speakerProcess: () => treeRssMb(speaker.pid),
    ...(listenerSwarm ? { listenerProcess: () => treeRssMb(listenerSwarm.pid) } : {}),
  };
  const samples: { atSeconds: number; mb: Record<string, number> }[] = [];
  const started = Date.now();
  const sample = () => samples.push({ atSeconds: round((Date.now() - started) / 1000, 0), mb: Object.fromEntries(Object.entries(processes).map(([k, f]) => [k, f()])) });
  while (Date.now() - started < MINUTES * 60_000) {
    sample();
    log(`${samples.at(-1)!.atSeconds} s: ${JSON.stringify(samples.at(-1)!.mb)}`);
    if (swarms.some((s) => s.errors.length || !s.alive)) throw new Error(`a participant process failed: ${swarms.flatMap((s) => s.errors)[0] ?? 'exited'}`);
    await sleep(Math.min(SAMPLE_SECONDS * 1000, Math.max(0, MINUTES * 60_000 - (Date.now() - started))));
  }
  sample();

  // The speaker finishes the utterance in progress and falls quiet; then every utterance should get its segment.
  speaker.send({ type: 'hush' });
  let count = -1;
  await waitUntil(() => {
    const stable = speaker.utterances.length === count;
    count = speaker.utterances.length;
    return stable;
  }, 60_000, 12_000);
  const utterances = [...speaker.utterances].sort((a, b) => a.index - b.index);
  const lastEnd = utterances.at(-1)?.endedAt ?? Date.now();
  const fetchSegments = async () =>
    (
      await env.stack.database.pool.query<Segment>(
        'SELECT id::text AS id, started_at, ended_at, text FROM transcript_segments WHERE room_id = $1 AND speaker_identity = $2 ORDER BY started_at',
        [roomId, host.memberId],
      )
    ).rows;
  // Generous: a backlog on a loaded box drains slowly; done when the last utterance has its segment.
  let segments: Segment[] = [];
  const drainUntil = Date.now() + 300_000;
  while (Date.now() < drainUntil) {
    segments = await fetchSegments();
    const { matched } = align(utterances, segments);
    if (matched.at(-1)?.segments.length) break;
    await sleep(2000);
  }
  const drainSeconds = round((Date.now() - lastEnd) / 1000, 1);
  const { matched, unmatchedSegments, finalOffsetMs } = align(utterances, segments);
  const lost = matched.filter((m) => m.segments.length === 0).map((m) => m.utterance.index);
  // In order: each utterance's segments read as the sentence spoken then, better than as any other sentence (the
  // speaker cycles through different sentences, so a shifted or swapped match cannot pass).
  const scored = matched
    .filter((m) => m.segments.length)
    .map((m) => {
      const text = m.segments.map((seg) => seg.text).join(' ');
      const scores = TALK_SENTENCES.map((sentence) => overlap(sentence, text));
      return { index: m.utterance.index, overlap: scores[m.utterance.sentence]!, bestIsSpoken: scores[m.utterance.sentence]! >= Math.max(...scores) };
    });
  const wordOverlap = scored.map((x) => x.overlap);
  const misheard = scored.filter((x) => x.overlap < 0.5).map((x) => x.index);
  const outOfOrder = scored.filter((x) => !x.bestIsSpoken).map((x) => x.index);
  const idsInOrder = segments.every((s, i) => i === 0 || BigInt(s.id) > BigInt(segments[i - 1]!.id));

  const minutesAt = samples.map((s) => s.atSeconds / 60);
  const memory = Object.fromEntries(
    Object.keys(processes).map((k) => {
      const ys = samples.map((s) => s.mb[k]!);
      const fit = linearFit(minutesAt, ys);
      const meanMb = ys.reduce((a, b) => a + b, 0) / ys.length;
      const growthOverRun = (fit.slope * (minutesAt.at(-1)! - minutesAt[0]!)) / meanMb;
      return [k, { firstMb: ys[0], lastMb: ys.at(-1), meanMb: round(meanMb, 0), slopeMbPerMinute: round(fit.slope, 2), growthOverRunOfMean: round(growthOverRun, 3), flat: growthOverRun < MAX_GROWTH }];
    }),
  );
  const captions = listenerSwarm?.captions ?? [];
  saveResult(
    'soak',
    {
      bench: 'soak',
      date: new Date().toISOString(),
      machine: machine(),
      note: 'shared 2-core box, other engineers running tests',
      minutes: MINUTES,
      listeners: LISTENERS,
      sampleSeconds: SAMPLE_SECONDS,
      memory,
      memoryFlat: Object.values(memory).every((m) => m.flat),
      segments: {
        utterancesSpoken: utterances.length,
        segmentsStored: segments.length,
        lostUtterances: lost,
        extraSegments: unmatchedSegments.length,
        splitUtterances: matched.filter((m) => m.segments.length > 1).length,
        misheardUtterances: misheard,
        outOfOrderUtterances: outOfOrder,
        wordOverlap: percentiles(wordOverlap.map((w) => w * 100)),
        idsInStartOrder: idsInOrder,
        audioClockOffsetMs: finalOffsetMs,
        drainSecondsAfterLastUtterance: drainSeconds,
        noneLostInOrder: lost.length === 0 && outOfOrder.length === 0,
      },
      captions: { received: captions.length, latencyMs: percentiles(captions.map((c) => c.at - Date.parse(c.endedAt))) },
      samples,
      swarmErrors: swarms.flatMap((s) => s.errors).slice(0, 5),
    },
    values.tag,
  );
} finally {
  await Promise.all(swarms.map((s) => s.stop()));
  await env.stop();
}
process.exit(0);
