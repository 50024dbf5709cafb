// One room under load on the real stack (LiveKit, PostgreSQL, one agent worker, the API in this process): L listeners
// (real @livekit/rtc-node subscribers, ~10 per child process, niced as remote devices would not compete for CPU, each joined through the API's join ticket) and
// S speakers on stage talking continuously. Measured over a window:
//  - livekit-server CPU (from /proc/<pid>/stat) and memory, the API process's memory (this process: the rtc-node
//    clients live in child processes), the agent worker tree's memory and CPU;
//  - caption latency: a segment's ended_at (the VAD's end of utterance) -> the caption reaching a listener's app on
//    the LiveKit captions topic;
//  - stage command latency: the host mutes each speaker in turn: the API's answer time, and the time until LiveKit
//    tells every listener that the speaker's track is muted.
// The same is measured with the baseline listener count (default 10) in the same run, on the same stack, first.
//   bash scripts/netns.sh run -- node --import tsx bench/room-load.ts [--listeners 100] [--baseline 10]
//     [--speakers 3] [--seconds 60] [--per-process 10] [--connect-minutes 15]
// Listeners that cannot connect within --connect-minutes are reported (listenersConnected); the rest are measured.
// JSON on stdout and in bench/results/room-load-<date>.json.
import { parseArgs } from 'node:util';
import { LiveKitGateway } from '../engine/gateway/livekit-gateway.js';
import { startTestStack, type TestStack } from '../test/support/stack.js';
import { bringOnStage, call, liveRoom, signUp, TALK_SENTENCES, type BenchMember } from './lib/members.js';
import { cpuWindow, machine, percentiles, round, treeRssMb } from './lib/proc.js';
import { progress, saveResult } from './lib/results.js';
import { Swarm, waitUntil } from './lib/swarm.js';

const { values } = parseArgs({
  options: {
    listeners: { type: 'string', default: '100' },
    baseline: { type: 'string', default: '10' },
    'per-process': { type: 'string', default: '10' },
    'connect-minutes': { type: 'string', default: '15' },
    'listener-nice': { type: 'string', default: '10' },
    speakers: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '15' },
    tag: { type: 'string' },
  },
});
const LISTENERS = Number(values.listeners);
const BASELINE = Number(values.baseline);
const PER_PROCESS = Number(values['per-process']);
const CONNECT_MINUTES = Number(values['connect-minutes']);
// Simulated listeners stand for remote devices: niced, so decoding 3 Opus streams each on this box does not starve
// LiveKit, the agent and the speakers (a first run at nice 0 left the agent 0.16 of a core and captions 130 s late).
const LISTENER_NICENESS = Number(values['listener-nice']);
const SPEAKERS = Number(values.speakers);
const SECONDS = Number(values.seconds);
const WARMUP = Number(values.warmup);
for (const [name, v] of Object.entries({ listeners: LISTENERS, baseline: BASELINE, 'per-process': PER_PROCESS, 'connect-minutes': CONNECT_MINUTES, speakers: SPEAKERS, seconds: SECONDS, warmup: WARMUP })) {
  if (!Number.isInteger(v) || v < (name === 'warmup' ? 0 : 1)) throw new Error(`--${name} must be a positive integer, got ${String(values[name as keyof typeof values])}`);
}
const log = progress('room-load');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mean = (xs: number[]) => (xs.length ? round(xs.reduce((a, b) => a + b, 0) / xs.length, 1) : NaN);

async function phase(env: TestStack, listenerCount: number, members: { host: BenchMember; speakers: BenchMember[]; listeners: BenchMember[] }) {
  const apiUrl = env.stack.apiUrl;
  const lkPid = env.stack.liveKit!.nodes[0]!.pid!;
  const workerPid = env.stack.workers[0]!.pid!;
  const { host, speakers } = members;
  const listeners = members.listeners.slice(0, listenerCount);
  const roomId = await liveRoom(apiUrl, host, `Load ${listenerCount}`);
  for (const s of speakers) await bringOnStage(apiUrl, roomId, host, s);

  const swarms: Swarm[] = [];
  try {
    // Speakers (and the quiet host) in one process; each speaker counts once the agent says it transcribes them.
    const speakerSwarm = new Swarm('speakers');
    swarms.push(speakerSwarm);
    speakerSwarm.send({
      type: 'speak',
      apiUrl,
      roomId,
      members: [{ ...host, publish: false }, ...speakers.map((s) => ({ ...s, publish: true }))],
      sentences: TALK_SENTENCES,
      gapSeconds: 1,
      agentTimeoutMs: 600_000,
    });
    await speakerSwarm.waitReady([host.memberId, ...speakers.map((s) => s.memberId)], 660_000);
    log(`${listenerCount}: ${speakers.length} speakers talking, agent transcribing`);

    // rtc-node fails connects (FFI "handle not found") when one process holds a few dozen rooms: ~10 per process.
    const procs = Math.ceil(listenerCount / PER_PROCESS);
    const listenerSwarms: Swarm[] = [];
    for (let p = 0; p < procs; p++) {
      const share = listeners.filter((_, i) => i % procs === p);
      const swarm = new Swarm(`listeners-${p}`, { niceness: LISTENER_NICENESS });
      swarms.push(swarm);
      listenerSwarms.push(swarm);
      swarm.send({ type: 'listen', apiUrl, roomId, members: share, expectSpeakers: speakers.length, captionRecorders: 1, concurrency: 2 });
    }
    const connectStarted = Date.now();
    const progressTimer = setInterval(() => log(`${listenerCount}: ${listenerSwarms.reduce((n, sw) => n + sw.ready.size, 0)} listeners subscribed`), 30_000);
    const readyCounts = await Promise.all(
      listenerSwarms.map((sw, p) => sw.waitMostReady(listeners.filter((_, i) => i % procs === p).map((l) => l.memberId), CONNECT_MINUTES * 60_000)),
    ).finally(() => clearInterval(progressTimer));
    const connected = readyCounts.reduce((a, b) => a + b, 0);
    const connectSeconds = round((Date.now() - connectStarted) / 1000, 1);
    log(`${listenerCount}: ${connected}/${listenerCount} listeners subscribed to ${speakers.length} speakers after ${connectSeconds} s`);
    if (connected === 0) throw new Error('no listener could connect');
    const connectedIds = new Set(listenerSwarms.flatMap((sw) => [...sw.ready]));
    // LiveKit's own view: every listener, speaker, the host and the agent are in the room.
    const lkParticipants = (await liveKitIdentities(env, roomId))?.length;

    await sleep(WARMUP * 1000);
    const windowStart = Date.now();
    const lkCpu = cpuWindow(lkPid);
    const workerCpu = cpuWindow(workerPid);
    const apiCpu0 = process.cpuUsage();
    const samples = { liveKitMb: [] as number[], apiMb: [] as number[], workerTreeMb: [] as number[], listenerProcsMb: [] as number[] };
    while (Date.now() - windowStart < SECONDS * 1000) {
      samples.liveKitMb.push(treeRssMb(lkPid));
      samples.apiMb.push(Math.round(process.memoryUsage().rss / 2 ** 20));
      samples.workerTreeMb.push(treeRssMb(workerPid));
      samples.listenerProcsMb.push(listenerSwarms.reduce((sum, s) => sum + treeRssMb(s.pid), 0));
      await sleep(5000);
    }
    const windowEnd = Date.now();
    const lk = lkCpu.stop();
    const worker = workerCpu.stop();
    const apiCpu = process.cpuUsage(apiCpu0);
    const apiCores = round((apiCpu.user + apiCpu.system) / 1e6 / ((windowEnd - windowStart) / 1000), 3);

    // Caption latency over the window, from the recording listener of each process.
    const captions = listenerSwarms.flatMap((s) => s.captions).filter((c) => c.at >= windowStart && c.at <= windowEnd);
    const captionLatencyMs = percentiles(captions.map((c) => c.at - Date.parse(c.endedAt)));
    const spoken = speakerSwarm.utterances.filter((u) => u.endedAt >= windowStart && u.endedAt <= windowEnd).length;

    // Stage commands at full load: the host mutes each speaker; LiveKit must tell every listener.
    const commands: { speaker: string; status: number; answerMs: number; allListenersMs: number | null; listenerMs: ReturnType<typeof percentiles>; reached: number; connectedAtCommand: number }[] = [];
    for (const s of speakers) {
      const sent = Date.now();
      const res = await call(apiUrl, host.accessToken, 'POST', `/v1/rooms/${roomId}/stage/participants/${s.memberId}/mute`);
      const heard = () => listenerSwarms.flatMap((sw) => sw.trackGone).filter((g) => g.speaker === s.memberId && g.at >= sent);
      // Listeners still connected (none dropped or reconnecting since they subscribed) must all be told.
      const leftIds = () => new Set(listenerSwarms.flatMap((sw) => sw.left.map((l) => l.memberId)));
      const stillConnected = () => [...connectedIds].filter((id) => !leftIds().has(id)).length;
      await waitUntil(() => new Set(heard().map((g) => g.listener)).size >= stillConnected(), 60_000);
      const first = new Map<string, number>();
      for (const g of heard()) if (connectedIds.has(g.listener) && !first.has(g.listener)) first.set(g.listener, g.at - sent);
      const delays = [...first.values()];
      commands.push({
        speaker: s.memberId,
        status: res.status,
        answerMs: round(res.ms, 1),
        allListenersMs: first.size >= stillConnected() ? Math.max(...delays) : null,
        listenerMs: percentiles(delays),
        reached: first.size,
        connectedAtCommand: stillConnected(),
      });
      log(`${listenerCount}: mute ${res.status} answered in ${round(res.ms, 0)} ms, ${first.size}/${connected} listeners told, last after ${delays.length ? Math.max(...delays) : NaN} ms`);
    }

    return {
      listeners: listenerCount,
      listenersConnected: connected,
      speakers: speakers.length,
      listenerProcesses: procs,
      listenerNiceness: LISTENER_NICENESS,
      // LiveKit's count against the expected one: listeners + speakers + the host + the hidden agent.
      liveKitParticipants: { reported: lkParticipants ?? null, expected: connected + speakers.length + 2 },
      connectAllSeconds: connectSeconds,
      window: { seconds: round((windowEnd - windowStart) / 1000, 1), utterancesSpoken: spoken, loadAverageAtEnd: machine().loadAverage },
      liveKit: { cpuCores: lk.cores, cpuSeconds: lk.cpuSeconds, rssMbMean: mean(samples.liveKitMb), rssMbMax: Math.max(...samples.liveKitMb) },
      api: { cpuCores: apiCores, rssMbMean: mean(samples.apiMb), rssMbMax: Math.max(...samples.apiMb) },
      agentWorkerTree: { cpuCores: worker.cores, rssMbMean: mean(samples.workerTreeMb), rssMbMax: Math.max(...samples.workerTreeMb) },
      listenerClients: { rssMbMean: mean(samples.listenerProcsMb), perListenerMb: round(mean(samples.listenerProcsMb) / connected, 1) },
      captionLatencyMs,
      captionsPerRecorder: round(captions.length / Math.max(1, procs), 1),
      stageCommand: {
        command: 'mute',
        answerMs: percentiles(commands.map((c) => c.answerMs)),
        allListenersToldMs: percentiles(commands.flatMap((c) => (c.allListenersMs === null ? [] : [c.allListenersMs]))),
        perListenerMs: percentiles(commands.flatMap((c) => [c.listenerMs.p50])),
        samples: commands,
      },
      swarmErrors: swarms.flatMap((s) => s.errors).slice(0, 5),
      listenersLeft: listenerSwarms.flatMap((sw) => sw.left).map((l) => ({ ...l, afterWindowStartSeconds: round((l.at - windowStart) / 1000, 1) })),
      swarmSurvived: { count: swarms.reduce((n, s) => n + s.survived.length, 0), first: swarms.flatMap((s) => s.survived).slice(0, 5) },
    };
  } finally {
    await Promise.all(swarms.map((s) => s.stop()));
    await call(apiUrl, host.accessToken, 'POST', `/v1/rooms/${roomId}/end`).catch(() => undefined);
  }
}

/** The room's participants as LiveKit reports them (listeners, speakers, host, the hidden agent). */
async function liveKitIdentities(env: TestStack, roomId: string): Promise<string[] | undefined> {
  const { rows } = await env.stack.database.pool.query('SELECT livekit_name FROM rooms WHERE id = $1', [roomId]);
  const gateway = new LiveKitGateway({ url: env.config.livekit.url, apiKey: env.config.livekit.apiKey, apiSecret: env.config.livekit.apiSecret, agentName: env.config.agent.name });
  return gateway.participantIdentities(rows[0].livekit_name);
}

const env = await startTestStack({
  workers: 1,
  // Tokens outlive the run (the 100-listener phase can take many minutes to connect on a loaded box).
  env: { AUTH_ACCESS_TTL_SECONDS: '7200', LOG_LEVEL: 'error' },
});
try {
  await env.stack.workersRegistered;
  const apiUrl = env.stack.apiUrl;
  const idle = { liveKitMb: treeRssMb(env.stack.liveKit!.nodes[0]!.pid!), apiMb: Math.round(process.memoryUsage().rss / 2 ** 20), agentWorkerTreeMb: treeRssMb(env.stack.workers[0]!.pid!) };
  log(`signing up ${LISTENERS + SPEAKERS + 1} members`);
  const host = await signUp(apiUrl, 'Load Host');
  const speakers: BenchMember[] = [];
  for (let i = 0; i < SPEAKERS; i++) speakers.push(await signUp(apiUrl, `Load Speaker ${i}`));
  const listeners: BenchMember[] = [];
  for (let i = 0; i < Math.max(LISTENERS, BASELINE); i++) listeners.push(await signUp(apiUrl, `Load Listener ${i}`));
  // Fresh speakers per phase would need fresh stage approvals anyway; the same members are reused in a new room.
  log(`baseline: ${BASELINE} listeners`);
  const baseline = await phase(env, BASELINE, { host, speakers, listeners });
  log(`load: ${LISTENERS} listeners`);
  const load = await phase(env, LISTENERS, { host, speakers, listeners });
  const added = load.listenersConnected - baseline.listenersConnected;
  const ratio = (a: number, b: number) => (b > 0 ? round(a / b, 2) : null);
  saveResult(
    'room-load',
    {
      bench: 'room-load',
      date: new Date().toISOString(),
      machine: machine(),
      note: 'shared 2-core box, other engineers running tests: CPU and latency figures are inflated by the load average',
      idle,
      baseline,
      load,
      ratios: {
        liveKitCpu: ratio(load.liveKit.cpuCores, baseline.liveKit.cpuCores),
        liveKitRss: ratio(load.liveKit.rssMbMean, baseline.liveKit.rssMbMean),
        apiRss: ratio(load.api.rssMbMean, baseline.api.rssMbMean),
        captionP50: ratio(load.captionLatencyMs.p50, baseline.captionLatencyMs.p50),
        muteAnswerP50: ratio(load.stageCommand.answerMs.p50, baseline.stageCommand.answerMs.p50),
        muteAllListenersP50: ratio(load.stageCommand.allListenersToldMs.p50, baseline.stageCommand.allListenersToldMs.p50),
      },
      perAddedListener: added > 0
        ? {
            liveKitCpuMilliCores: round(((load.liveKit.cpuCores - baseline.liveKit.cpuCores) / added) * 1000, 2),
            liveKitRssMb: round((load.liveKit.rssMbMean - baseline.liveKit.rssMbMean) / added, 2),
            apiRssMb: round((load.api.rssMbMean - baseline.api.rssMbMean) / added, 2),
          }
        : null,
    },
    values.tag,
  );
} finally {
  await env.stop();
}
process.exit(0);
