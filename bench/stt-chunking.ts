// Chunked vs whole-utterance transcription, through the agent's own path (real Silero VAD -> SpeakerTranscriber ->
// real Moonshine), on the real speech eval set (../shared/eval/speech) and on the flite sentences the latency bench
// speaks. Per variant: word error rate (models/stt/wer.ts, as bench/stt.ts), how the VAD cut the clips (segments),
// and how much audio is left to decode when an utterance ends (the tail; whole mode: the whole utterance) — what
// sets the end-of-utterance latency. Variants: chunking off, the shipped default, and forced cuts (no quiet window for
// N s) without and with overlap (the next piece starts before the cut; texts merged by agents/transcript-merge.ts).
//
//   node --import tsx bench/stt-chunking.ts [--eval-dir DIR] > bench/results/stt-chunking-2026-12-07-overlap.json
//
// Audio is fed faster than real time (no clock), so this measures words and work, not latency: the latency is
// bench/moderation-stack.ts's, in the real stack.
import os from 'node:os';
import { Writable } from 'node:stream';
import { AudioFrame } from '@livekit/rtc-node';
import { initializeLogger } from '@livekit/agents';
import { pino } from 'pino';
import { loadConfig } from '../core/config.js';
import { loadSileroVad } from '../agents/silero-vad.js';
import { SpeakerTranscriber } from '../agents/speaker-transcriber.js';
import { DEFAULT_CHUNKING, type ChunkingOptions } from '../agents/utterance-chunker.js';
import { BoundedQueue } from '../agents/inference/bounded-queue.js';
import { readAudioFile16kMono } from '../models/audio/read-audio-file.js';
import { createRecognizer } from '../models/stt/create-recognizer.js';
import type { SpeechRecognizer } from '../models/stt/speech-recognizer.js';
import { corpusWordErrorRate } from '../models/stt/wer.js';
import { synthesizeSpeech } from '../test/support/tts.js';
import { defaultSpeechEvalDir, loadSpeechEvalSet } from './lib/speech-eval-set.js';

const RATE = 16_000;
const FRAME = RATE / 50;
const argv = process.argv.slice(2);
const evalDir = argv.includes('--eval-dir') ? argv[argv.indexOf('--eval-dir') + 1]! : defaultSpeechEvalDir();

const FLITE = [
  'You are a stupid idiot.',
  'You are a stupid idiot and nobody in this room wants to hear your pathetic opinions.',
  'Honestly you are the most stupid idiot I have ever met, nobody in this room wants to hear your pathetic worthless opinions, so just shut up.',
  'We are discussing hiring plans, interview loops and how to onboard senior engineers into remote teams.',
];

interface Clip {
  id: string;
  subset: string;
  reference: string;
  audio: Float32Array;
}

function toFrames(audio: Float32Array): AudioFrame[] {
  const all = new Float32Array(audio.length + RATE * 1.5); // closing silence so the VAD ends the last utterance
  all.set(audio);
  const frames: AudioFrame[] = [];
  for (let off = 0; off < all.length; off += FRAME) {
    const f = AudioFrame.create(RATE, 1, FRAME);
    for (let i = 0; i < FRAME; i++) f.data[i] = Math.round(Math.max(-1, Math.min(1, all[off + i] ?? 0)) * 32767);
    frames.push(f);
  }
  return frames;
}

async function* stream(frames: AudioFrame[]): AsyncGenerator<AudioFrame> {
  for (const f of frames) {
    yield f;
    await new Promise((r) => setImmediate(r));
  }
}

/** One recognition at a time, as the worker's inference process runs them (agents/inference/stt-runner.ts). */
function serialized(r: SpeechRecognizer): SpeechRecognizer {
  const q = new BoundedQueue({ concurrency: 1, maxWaiting: 1000 });
  return { id: r.id, capabilities: r.capabilities, transcribe: (pcm, o) => q.run(() => r.transcribe(pcm, o)), close: () => r.close() };
}

interface Variant {
  name: string;
  chunking: ChunkingOptions | false;
  minSilenceMs: number;
}

const VARIANTS: Variant[] = [
  { name: 'whole, silence 600 ms (before)', chunking: false, minSilenceMs: 600 },
  { name: 'chunked, forced cut 5 s, overlap 1000 ms', chunking: { ...DEFAULT_CHUNKING, maxChunkMs: 5000, overlapMs: 1000 }, minSilenceMs: 600 },
  { name: 'chunked (default: forced cut 10 s, no overlap)', chunking: DEFAULT_CHUNKING, minSilenceMs: 600 },
  { name: 'chunked, forced cut 6 s, no overlap', chunking: { ...DEFAULT_CHUNKING, maxChunkMs: 6000, overlapMs: 0 }, minSilenceMs: 600 },
  { name: 'chunked, forced cut 5 s, overlap 750 ms', chunking: { ...DEFAULT_CHUNKING, maxChunkMs: 5000, overlapMs: 750 }, minSilenceMs: 600 },
  { name: 'chunked, forced cut 6 s, overlap 1000 ms', chunking: { ...DEFAULT_CHUNKING, maxChunkMs: 6000, overlapMs: 1000 }, minSilenceMs: 600 },
  { name: 'chunked, forced cut 4 s, overlap 1000 ms', chunking: { ...DEFAULT_CHUNKING, maxChunkMs: 4000, overlapMs: 1000 }, minSilenceMs: 600 },
];

initializeLogger({ pretty: false, level: 'fatal' });
const config = loadConfig();
const recognizer = serialized(await createRecognizer(config));
await recognizer.transcribe(new Float32Array(RATE)); // the first call pays for lazy allocations

const clips: Clip[] = [];
for (const item of await loadSpeechEvalSet(evalDir)) {
  clips.push({ id: item.id, subset: item.subset, reference: item.reference, audio: await readAudioFile16kMono(item.audioPath) });
}
for (const [i, sentence] of FLITE.entries()) clips.push({ id: `flite-${i}`, subset: 'flite', reference: sentence, audio: await synthesizeSpeech(sentence) });

const results = [];
for (const variant of VARIANTS) {
  const vad = await loadSileroVad(config, variant.minSilenceMs);
  const perClip: { id: string; subset: string; segments: number; segmentsMs: number[]; hypothesis: string; reference: string }[] = [];
  const tails: { utteranceMs: number; tailMs: number; pieces: number }[] = [];
  for (const clip of clips) {
    const texts: string[] = [];
    const lines: Record<string, unknown>[] = [];
    const log = pino(
      { level: 'debug' },
      new Writable({
        write(chunk: Buffer, _e, done) {
          for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l));
          done();
        },
      }),
    );
    const transcriber = new SpeakerTranscriber({
      roomId: 'bench',
      speakerIdentity: 'speaker',
      trackSid: 'TR_bench',
      vad,
      recognizer,
      sink: { append: async (s) => (texts.push(s.text), true) },
      log,
      chunking: variant.chunking,
    });
    const segmentsMs: number[] = [];
    transcriber.on('segment', (s) => segmentsMs.push(s.endedAt.getTime() - s.startedAt.getTime()));
    await transcriber.run(stream(toFrames(clip.audio)));
    for (const l of lines) {
      if (l.msg === 'utterance transcribed in pieces') tails.push({ utteranceMs: l.ms as number, tailMs: l.tailMs as number, pieces: l.pieces as number });
    }
    if (!variant.chunking) for (const ms of segmentsMs) tails.push({ utteranceMs: ms, tailMs: ms, pieces: 0 });
    perClip.push({ id: clip.id, subset: clip.subset, segments: texts.length, segmentsMs, hypothesis: texts.join(' '), reference: clip.reference });
  }
  const wer = (subset?: string) => corpusWordErrorRate(perClip.filter((c) => (subset ? c.subset === subset : c.subset !== 'flite'))).wer;
  const tailRatio = tails.reduce((s, t) => s + t.tailMs, 0) / Math.max(1, tails.reduce((s, t) => s + t.utteranceMs, 0));
  const summary = {
    variant: variant.name,
    chunking: variant.chunking,
    vadMinSilenceMs: variant.minSilenceMs,
    werEvalSet: wer(),
    werFlite: wer('flite'),
    werBySubset: Object.fromEntries([...new Set(perClip.map((c) => c.subset))].map((s) => [s, wer(s)])),
    segmentsEvalSet: perClip.filter((c) => c.subset !== 'flite').reduce((n, c) => n + c.segments, 0),
    segmentsFlite: perClip.filter((c) => c.subset === 'flite').map((c) => c.segments),
    utterances: tails.length,
    utterancesWithNoTail: tails.filter((t) => t.tailMs === 0).length,
    tailShareOfAudio: Number(tailRatio.toFixed(3)),
    tailMsMax: Math.max(...tails.map((t) => t.tailMs)),
    tails,
    perClip,
  };
  console.error(`[bench] ${variant.name}: WER ${(summary.werEvalSet * 100).toFixed(2)} % (flite ${(summary.werFlite * 100).toFixed(2)} %), segments ${summary.segmentsEvalSet}, tail share ${summary.tailShareOfAudio}, no tail ${summary.utterancesWithNoTail}/${summary.utterances}`);
  results.push(summary);
}
await recognizer.close();
console.log(JSON.stringify({ bench: 'stt-chunking', at: new Date().toISOString(), machine: { cpus: os.cpus().length, load: os.loadavg() }, evalDir, clips: clips.length, results }, null, 2));
process.exit(0);
