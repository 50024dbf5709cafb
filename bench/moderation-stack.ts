// Moderation in the real stack (LiveKit, one agent worker, the embedded or local PostgreSQL, real models), two parts:
//  - memory: the resident memory of the agent worker's whole process tree (worker, job processes, inference
//    process) with 0..N live rooms, each with one speaker talking continuously; with the models loaded once per
//    worker (AGENT_INFERENCE=shared, shipped) against once per room (per_job, the old layout) in the same run;
//  - latency: end of a flagged utterance (its segment's ended_at on the VAD's clock) -> the host's app receiving the
//    moderation notice, p50/p95 by utterance length, each utterance by a fresh speaker (no escalation); also from
//    the speaker's last word (the speaker's clock: when the paced audio source played its last sample), which adds
//    the VAD's closing silence. One stack per mode in the same run: `chunked` (STT_CHUNKING=on, shipped) and
//    `whole` (off, the baseline), in the order given by --modes.
// Run inside the test network namespace (WebRTC stays on loopback):
//   bash scripts/netns.sh run -- node --import tsx bench/moderation-stack.ts [--rooms 3] [--samples 3]
//     [--skip-memory] [--modes whole,chunked] [--min-silence-ms 600]
// JSON on stdout.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { RoomEvent, dispose } from '@livekit/rtc-node';
import { MODERATION_TOPIC } from '../agents/protocol.js';
import { SpeakingParticipant } from '../test/support/speaking-participant.js';
import { startTestStack, type TestStack } from '../test/support/stack.js';
import { synthesizeSpeech } from '../test/support/tts.js';

const { values } = parseArgs({
  options: {
    rooms: { type: 'string', default: '3' },
    samples: { type: 'string', default: '3' },
    'skip-memory': { type: 'boolean', default: false },
    modes: { type: 'string', default: 'whole,chunked' },
    'min-silence-ms': { type: 'string', default: '600' },
  },
});
const ROOMS = Number(values.rooms);
const SAMPLES = Number(values.samples);
const MODES = values.modes.split(',').filter(Boolean);
for (const m of MODES) if (m !== 'whole' && m !== 'chunked') throw new TypeError(`--modes: unknown mode "${m}" (whole, chunked)`);
const MIN_SILENCE_MS = values['min-silence-ms'];

const TALK = 'We are discussing hiring plans, interview loops and how to onboard senior engineers into remote teams.';
const INSULTS: Record<'short' | 'medium' | 'long', string> = {
  short: 'You are a stupid idiot.',
  medium: 'You are a stupid idiot and nobody in this room wants to hear your pathetic opinions.',
  long: 'Honestly you are the most stupid idiot I have ever met, nobody in this room wants to hear your pathetic worthless opinions, so just shut up.',
};

/**
 * Resident memory of `rootPid` and all its descendants, in MB. The bench runs in the test's PID namespace while /proc
 * may be the host's: `NSpid` (last field: the pid in the innermost namespace) finds the root's /proc entry.
 */
function treeRssMb(rootPid: number): number {
  const parent = new Map<number, number>();
  const rss = new Map<number, number>();
  let root: number | undefined;
  // Our own namespace depth: a host process whose pid merely equals rootPid has a shorter NSpid line.
  const depth = (/^NSpid:\s+(.*)$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '').trim().split(/\s+/).length;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = fs.readFileSync(`/proc/${entry}/status`, 'utf8');
      const pid = Number(entry);
      parent.set(pid, Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? 0));
      rss.set(pid, Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0));
      const nspids = (/^NSpid:\s+(.*)$/m.exec(status)?.[1] ?? entry).trim().split(/\s+/).map(Number);
      if (nspids.length === depth && nspids.at(-1) === rootPid) root = pid;
    } catch {
      // the process ended while we looked
    }
  }
  if (root === undefined) throw new Error(`process ${rootPid} not found in /proc`);
  const inTree = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 10; p = parent.get(p) ?? 0, hops++) if (p === root) return true;
    return false;
  };
  let kb = 0;
  for (const [pid, r] of rss) if (inTree(pid)) kb += r;
  return Math.round(kb / 1024);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function speakerInRoom(env: TestStack, title: string): Promise<{ speaker: SpeakingParticipant; roomId: string; agentMs: number }> {
  const host = await env.api.signUp(`Host ${title}`);
  const room = await host.client.post('/v1/rooms', { title });
  const ticket = await host.client.post(`/v1/rooms/${room.body.id}/join`, { acceptTranscription: true });
  const speaker = await SpeakingParticipant.connect(ticket.body.url, ticket.body.token);
  // A job process that loads its own models (per_job) on a busy 2-core box can take minutes to start.
  const started = Date.now();
  const notice = speaker.waitForData(MODERATION_TOPIC, 600_000);
  await speaker.publishMicrophone();
  await notice;
  const agentMs = Date.now() - started;
  console.error(`[bench] ${title}: agent listening after ${agentMs} ms`);
  return { speaker, roomId: room.body.id, agentMs };
}

async function memory(mode: 'shared' | 'per_job', talk: Float32Array): Promise<{ mode: string; rssMbByRooms: number[]; perAddedRoomMb: number; agentReadyMs: number[] }> {
  // Load threshold 1: the worker keeps taking rooms however busy the CPU is; what is measured is memory, not dispatch.
  const env = await startTestStack({ workers: 1, env: { AGENT_INFERENCE: mode, AGENT_LOAD_THRESHOLD: '1' } });
  const speakers: SpeakingParticipant[] = [];
  let talking = true;
  try {
    await env.stack.workersRegistered;
    await sleep(15_000); // the idle job process and (shared) the inference process finish loading
    const root = env.stack.workers[0]!.pid!;
    const rssMbByRooms = [treeRssMb(root)];
    const agentReadyMs: number[] = [];
    for (let i = 1; i <= ROOMS; i++) {
      const { speaker, agentMs } = await speakerInRoom(env, `Memory ${mode} ${i}`);
      speakers.push(speaker);
      agentReadyMs.push(agentMs);
      void (async () => {
        while (talking) {
          await speaker.speak(talk);
          await speaker.silence(1);
        }
      })().catch(() => undefined);
      await sleep(20_000);
      rssMbByRooms.push(treeRssMb(root));
      console.error(`[bench] ${mode}: ${i} room(s), worker tree ${rssMbByRooms.at(-1)} MB`);
    }
    const perAddedRoomMb = Math.round((rssMbByRooms.at(-1)! - rssMbByRooms[1]!) / Math.max(1, ROOMS - 1));
    return { mode, rssMbByRooms, perAddedRoomMb, agentReadyMs };
  } finally {
    talking = false;
    await sleep(500);
    for (const s of speakers) await s.disconnect().catch(() => undefined);
    await env.stop();
  }
}

interface LatencyByLength {
  n: number;
  utteranceMs: number[];
  notifyMs: number[];
  p50: number;
  p95: number;
  /** From the speaker's last sample played (includes the VAD's closing silence). */
  fromLastWordMs: number[];
  fromLastWordP50: number;
  fromLastWordP95: number;
}

/** Flagged sentences that produced no latency sample, with what the agent stored for the speaker. */
const misses: unknown[] = [];

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? NaN;
}

async function latency(mode: string): Promise<Record<string, LatencyByLength>> {
  const env = await startTestStack({ workers: 1, env: { AGENT_LOAD_THRESHOLD: '1', STT_CHUNKING: mode === 'chunked' ? 'on' : 'off', VAD_MIN_SILENCE_MS: MIN_SILENCE_MS } });
  const out: Record<string, LatencyByLength> = {};
  const connected: SpeakingParticipant[] = [];
  try {
    await env.stack.workersRegistered;
    const host = await env.api.signUp('Latency Host');
    const room = await host.client.post('/v1/rooms', { title: 'Latency' });
    const roomId: string = room.body.id;
    const hostTicket = await host.client.post(`/v1/rooms/${roomId}/join`, { acceptTranscription: true });
    const hostRtc = await SpeakingParticipant.connect(hostTicket.body.url, hostTicket.body.token);
    connected.push(hostRtc);
    const arrivals = new Map<string, number>();
    hostRtc.room.on(RoomEvent.DataReceived, (payload: Uint8Array, _p?: unknown, _k?: unknown, topic?: string) => {
      if (topic !== MODERATION_TOPIC) return;
      const msg = JSON.parse(new TextDecoder().decode(payload));
      if (msg.type === 'moderation_flag') arrivals.set(msg.segmentId, Date.now());
    });
    for (const [length, sentence] of Object.entries(INSULTS)) {
      const speech = await synthesizeSpeech(sentence);
      const notifyMs: number[] = [];
      const utteranceMs: number[] = [];
      const fromLastWordMs: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        // A fresh speaker each time: escalation is per speaker, and this measures the first flag.
        const member = await env.api.signUp(`Speaker ${length} ${i}`);
        await member.client.post(`/v1/rooms/${roomId}/join`, { acceptTranscription: true });
        await member.client.post(`/v1/rooms/${roomId}/stage/hand`);
        await host.client.post(`/v1/rooms/${roomId}/stage/hands/${member.memberId}/approve`);
        // A ticket minted now carries the speaker's publish grant (the first one was a listener's).
        const ticket = await member.client.post(`/v1/rooms/${roomId}/join`, { acceptTranscription: true });
        const rtc = await SpeakingParticipant.connect(ticket.body.url, ticket.body.token);
        connected.push(rtc);
        const notice = rtc.waitForData(MODERATION_TOPIC, 120_000);
        await rtc.publishMicrophone();
        await notice;
        // The source plays in real time from the first frame on (its queue is empty here): the last sample of the
        // speech plays 0.5 s + its length after this.
        const lastWordAt = Date.now() + 500 + (speech.length / 16_000) * 1000;
        await rtc.silence(0.5);
        await rtc.speak(speech);
        await rtc.silence(2);
        const deadline = Date.now() + 60_000;
        let row: { id: string; started_at: Date; ended_at: Date } | undefined;
        while (Date.now() < deadline) {
          const { rows } = await env.stack.database.pool.query(
            `SELECT ts.id::text AS id, ts.started_at, ts.ended_at FROM transcript_segments ts JOIN segment_classifications sc ON sc.segment_id = ts.id
              WHERE ts.room_id = $1 AND ts.speaker_identity = $2 AND sc.action IS NOT NULL`,
            [roomId, member.memberId],
          );
          row = rows[0];
          if (row && arrivals.has(row.id)) break;
          await sleep(200);
        }
        if (!row || !arrivals.has(row.id)) {
          // Not a latency sample: say what the agent stored for this speaker, so a miss can be told apart (misheard,
          // not flagged, or flagged without a notice).
          const { rows: heard } = await env.stack.database.pool.query(
            `SELECT ts.id::text AS id, ts.text, sc.categories, sc.action FROM transcript_segments ts
               LEFT JOIN segment_classifications sc ON sc.segment_id = ts.id WHERE ts.room_id = $1 AND ts.speaker_identity = $2 ORDER BY ts.id`,
            [roomId, member.memberId],
          );
          const miss = { length, sample: i, row: row?.id ?? null, heard };
          misses.push(miss);
          process.stderr.write(`[bench moderation-stack] no notice: ${JSON.stringify(miss)}\n`);
          continue;
        }
        notifyMs.push(arrivals.get(row.id)! - row.ended_at.getTime());
        fromLastWordMs.push(arrivals.get(row.id)! - lastWordAt);
        utteranceMs.push(row.ended_at.getTime() - row.started_at.getTime());
        await rtc.disconnect();
      }
      out[length] = {
        n: notifyMs.length,
        utteranceMs,
        notifyMs,
        p50: percentile(notifyMs, 0.5),
        p95: percentile(notifyMs, 0.95),
        fromLastWordMs,
        fromLastWordP50: percentile(fromLastWordMs, 0.5),
        fromLastWordP95: percentile(fromLastWordMs, 0.95),
      };
      console.error(`[bench] ${mode} ${length}: notify after segment end ${JSON.stringify(notifyMs)} ms, after last word ${JSON.stringify(fromLastWordMs)} ms`);
    }
    return out;
  } finally {
    for (const c of connected) await c.disconnect().catch(() => undefined);
    await env.stop();
  }
}

const talk = await synthesizeSpeech(TALK);
const perJob = values['skip-memory'] ? undefined : await memory('per_job', talk);
const shared = values['skip-memory'] ? undefined : await memory('shared', talk);
const lat: Record<string, Record<string, LatencyByLength>> = {};
for (const mode of MODES) lat[mode] = await latency(mode);
await dispose();
console.log(
  JSON.stringify(
    {
      bench: 'moderation-stack',
      at: new Date().toISOString(),
      machine: { cpus: (await import('node:os')).cpus().length, load: (await import('node:os')).loadavg() },
      memory: perJob && shared ? { perJob, shared, perAddedRoomRatio: shared.perAddedRoomMb / Math.max(1, perJob.perAddedRoomMb) } : null,
      vadMinSilenceMs: Number(MIN_SILENCE_MS),
      latency: lat,
      misses,
    },
    null,
    2,
  ),
);
process.exit(0);
