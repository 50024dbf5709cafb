// Speech throughput bench: today's path (the registry's ORT-format files, as before issue 10 part 3) against each
// faster variant, measured in the same run on the labelled clips of shared/eval/speech (bench/lib/speech-eval-set.ts).
// Per variant: WER, RTF (wall and CPU), RTF per core (x threads), throughput with 1, 2 and 4 concurrent streams on one
// recognizer (the shared inference process's shape: every room's utterances queue on one model), load time, RSS.
// Each (variant, repetition) runs in its own child process, repetitions interleaved, so that load on the 2-core box
// from other work hits every variant alike; compare the ratios to the baseline, not absolute seconds alone.
//
//   node --import tsx bench/stt-throughput.ts [--reps N] [--variants a,b] [--streams 1,2,4] [--out FILE]
//
// JSON goes to stdout and to --out (default bench/results/stt-throughput-<date>.json); progress to stderr.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type ort from 'onnxruntime-node';
import { loadConfig } from '../core/config.js';
import { readAudioFile16kMono } from '../models/audio/read-audio-file.js';
import { resolveModelFiles } from '../models/fetch.js';
import { MoonshineRecognizer } from '../models/stt/moonshine/moonshine-recognizer.js';
import { ensureOnnxFromOrt } from '../models/stt/moonshine/ort-to-onnx.js';
import { corpusWordErrorRate } from '../models/stt/wer.js';
import type { TranscriptionResult } from '../models/stt/speech-recognizer.js';
import { STT_BATCH, SttBatcher } from '../agents/inference/stt-batcher.js';
import { defaultSpeechEvalDir, loadSpeechEvalSet } from './lib/speech-eval-set.js';

const MODEL = 'moonshine-base-en';

interface Variant {
  name: string;
  description: string;
  encoder: 'ort' | 'onnx';
  decoder: 'ort' | 'onnx';
  threads: number;
  sessionOptions?: Partial<ort.InferenceSession.SessionOptions>;
  /** Route every segment through agents/inference/stt-batcher.ts with these settings. */
  batch?: { maxBatch: number; maxWaitMs: number; maxLengthRatio: number };
}

const VARIANTS: readonly Variant[] = [
  { name: 'baseline-ort', description: "today's path: registry ORT-format files, 1 thread", encoder: 'ort', decoder: 'ort', threads: 1 },
  { name: 'onnx', description: 'both models re-serialised as ONNX (weight dequantisation constant-folded at load), 1 thread', encoder: 'onnx', decoder: 'onnx', threads: 1 },
  { name: 'onnx-batched', description: 'ONNX, 1 thread, segments batched by agents/inference/stt-batcher.ts (STT_BATCH; not the runner default)', encoder: 'onnx', decoder: 'onnx', threads: 1, batch: STT_BATCH },
  { name: 'onnx-decoder-only', description: 'ORT-format encoder, ONNX decoder, 1 thread', encoder: 'ort', decoder: 'onnx', threads: 1 },
  { name: 'onnx-mem-pattern', description: 'ONNX, enableMemPattern on, 1 thread', encoder: 'onnx', decoder: 'onnx', threads: 1, sessionOptions: { enableMemPattern: true } },
  { name: 'onnx-2-threads', description: 'ONNX, 2 intra-op threads (RTF per core = RTF x 2)', encoder: 'onnx', decoder: 'onnx', threads: 2 },
];

interface ThroughputResult {
  streams: number;
  /** The whole eval set once, shared out among the streams. */
  audioSeconds: number;
  wallMs: number;
  /** Audio seconds transcribed per wall second, all streams together. */
  audioSecondsPerSecond: number;
}

interface RunResult {
  variant: string;
  rep: number;
  threads: number;
  loadMs: number;
  warmupMs: number;
  audioSeconds: number;
  wallMs: number;
  cpuMs: number;
  rtf: number;
  rtfPerCore: number;
  cpuRtf: number;
  wer: number;
  hypotheses: string[];
  throughput: ThroughputResult[];
  /** onnx-batched only: size of every batch the batcher ran. */
  batchSizes?: number[];
  rssAfterLoadMb: number;
  peakRssMb: number;
  loadAverage: number[];
}

function parseArgs(argv: string[]) {
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const reps = Number(get('--reps') ?? '3');
  if (!Number.isInteger(reps) || reps < 1) throw new TypeError('--reps must be a positive integer');
  const names = (get('--variants') ?? VARIANTS.map((v) => v.name).join(',')).split(',').filter(Boolean);
  for (const n of names) if (!VARIANTS.some((v) => v.name === n)) throw new TypeError(`--variants: unknown "${n}"; known: ${VARIANTS.map((v) => v.name).join(', ')}`);
  if (!names.includes('baseline-ort')) names.unshift('baseline-ort');
  const streams = (get('--streams') ?? '1,2,4').split(',').map(Number);
  if (streams.some((s) => !Number.isInteger(s) || s < 1)) throw new TypeError('--streams must be positive integers, e.g. 1,2,4');
  const date = new Date().toISOString().slice(0, 10);
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  return {
    reps,
    variants: names,
    streams,
    evalDir: get('--eval-dir') ?? defaultSpeechEvalDir(),
    out: get('--out') ?? path.join(repoRoot, 'bench', 'results', `stt-throughput-${date}.json`),
    child: get('--child'),
    rep: Number(get('--rep') ?? '0'),
  };
}

async function runVariant(variant: Variant, rep: number, evalDir: string, streams: number[]): Promise<RunResult> {
  const config = loadConfig();
  const files = await resolveModelFiles(MODEL, config.dirs.models);
  const pick = async (name: string, format: 'ort' | 'onnx') => (format === 'ort' ? files[name]! : ensureOnnxFromOrt(files[name]!, MODEL));
  const encoderPath = await pick('encoder_model.ort', variant.encoder);
  const decoderPath = await pick('decoder_model_merged.ort', variant.decoder);
  const items = await loadSpeechEvalSet(evalDir);
  const audio = await Promise.all(items.map((i) => readAudioFile16kMono(i.audioPath)));
  const loadStarted = performance.now();
  const recognizer = await MoonshineRecognizer.load(
    { encoderPath, decoderPath, tokenizerPath: files['tokenizer.bin']! },
    { id: MODEL, threads: variant.threads, ...(variant.sessionOptions ? { sessionOptions: variant.sessionOptions } : {}) },
  );
  const loadMs = performance.now() - loadStarted;
  const rssAfterLoadMb = process.memoryUsage().rss / 1e6;
  const batcher = variant.batch
    ? new SttBatcher<Float32Array, TranscriptionResult>({ ...variant.batch, maxWaiting: 256, sizeOf: (p) => p.length, runBatch: (ps) => recognizer.transcribeBatch(ps) })
    : undefined;
  const transcribe = (pcm: Float32Array) => (batcher ? batcher.submit(pcm) : recognizer.transcribe(pcm));
  try {
    const warm = await transcribe(audio[0]!);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const hypotheses: string[] = [];
    for (const pcm of audio) hypotheses.push((await transcribe(pcm)).text);
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const audioSeconds = audio.reduce((n, a) => n + a.length / 16_000, 0);
    const wer = corpusWordErrorRate(items.map((item, i) => ({ reference: item.reference, hypothesis: hypotheses[i]! }))).wer;
    process.stderr.write(`${variant.name} rep ${rep}: WER ${(wer * 100).toFixed(2)}% RTF ${(wallMs / 1000 / audioSeconds).toFixed(3)} CPU-RTF ${(cpuMs / 1000 / audioSeconds).toFixed(3)}\n`);

    // The sequential pass above is the 1-stream figure. For n > 1, n rooms talk at once: the clips are dealt round-robin
    // to n streams, each sending its clips one after another and waiting for each answer, all on this one recognizer.
    const throughput: ThroughputResult[] = [];
    for (const n of streams) {
      let ms = wallMs;
      if (n > 1) {
        const t0 = performance.now();
        await Promise.all(
          Array.from({ length: n }, async (_, s) => {
            for (let k = s; k < audio.length; k += n) await transcribe(audio[k]!);
          }),
        );
        ms = performance.now() - t0;
      }
      throughput.push({ streams: n, audioSeconds: round(audioSeconds), wallMs: Math.round(ms), audioSecondsPerSecond: round(audioSeconds / (ms / 1000)) });
      process.stderr.write(`${variant.name} rep ${rep}: ${n} streams ${(audioSeconds / (ms / 1000)).toFixed(2)} audio s/s\n`);
    }
    const rtf = wallMs / 1000 / audioSeconds;
    return {
      variant: variant.name,
      rep,
      threads: variant.threads,
      loadMs: Math.round(loadMs),
      warmupMs: Math.round(warm.processingMs),
      audioSeconds: round(audioSeconds),
      wallMs: Math.round(wallMs),
      cpuMs: Math.round(cpuMs),
      rtf: round(rtf),
      rtfPerCore: round(rtf * variant.threads),
      cpuRtf: round(cpuMs / 1000 / audioSeconds),
      wer: round(wer),
      hypotheses,
      throughput,
      ...(batcher ? { batchSizes: batcher.batchSizes } : {}),
      rssAfterLoadMb: Math.round(rssAfterLoadMb),
      // maxRSS (kB) covers the whole child: audio, both sessions, ORT arenas.
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1e3),
      loadAverage: os.loadavg().map(round),
    };
  } finally {
    await recognizer.close();
  }
}

function runChild(variant: string, rep: number, evalDir: string, streams: number[]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const self = fileURLToPath(import.meta.url);
    const args = [...process.execArgv, self, '--child', variant, '--rep', String(rep), '--eval-dir', evalDir, '--streams', streams.join(',')];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`bench child for ${variant} exited with ${code}`));
      try {
        resolve(JSON.parse(out) as RunResult);
      } catch (err) {
        reject(new Error(`bench child for ${variant} printed no JSON: ${(err as Error).message}`));
      }
    });
  });
}

function round(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 10_000) / 10_000 : x;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function summarise(runs: RunResult[], variants: string[], streams: number[]) {
  const baseline = runs.filter((r) => r.variant === 'baseline-ort');
  return variants.map((name) => {
    const mine = runs.filter((r) => r.variant === name);
    // Ratio per repetition against the baseline of the same repetition (same load), then the median of those.
    const ratio = (pick: (r: RunResult) => number) =>
      round(median(mine.map((r) => pick(r) / pick(baseline.find((b) => b.rep === r.rep) ?? baseline[0]!))));
    const variant = VARIANTS.find((v) => v.name === name)!;
    return {
      variant: name,
      description: variant.description,
      threads: variant.threads,
      wer: round(median(mine.map((r) => r.wer))),
      sameTextAsBaseline: mine.every((r) => r.hypotheses.every((h, i) => h === baseline[0]!.hypotheses[i])),
      rtfMedian: round(median(mine.map((r) => r.rtf))),
      rtfPerCoreMedian: round(median(mine.map((r) => r.rtfPerCore))),
      cpuRtfMedian: round(median(mine.map((r) => r.cpuRtf))),
      rtfPerCoreVsBaseline: ratio((r) => r.rtfPerCore),
      cpuRtfVsBaseline: ratio((r) => r.cpuRtf),
      throughputMedian: streams.map((n) => ({
        streams: n,
        audioSecondsPerSecond: round(median(mine.map((r) => r.throughput.find((t) => t.streams === n)!.audioSecondsPerSecond))),
        vsBaseline: ratio((r) => r.throughput.find((t) => t.streams === n)!.audioSecondsPerSecond),
      })),
      loadMsMedian: Math.round(median(mine.map((r) => r.loadMs))),
      rssAfterLoadMbMedian: Math.round(median(mine.map((r) => r.rssAfterLoadMb))),
      peakRssMbMedian: Math.round(median(mine.map((r) => r.peakRssMb))),
    };
  });
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) {
    const variant = VARIANTS.find((v) => v.name === args.child)!;
    process.stdout.write(JSON.stringify(await runVariant(variant, args.rep, args.evalDir, args.streams)));
    return;
  }
  const loadAverageBefore = os.loadavg().map(round);
  const runs: RunResult[] = [];
  for (let rep = 1; rep <= args.reps; rep++) {
    for (const name of args.variants) runs.push(await runChild(name, rep, args.evalDir, args.streams));
  }
  const report = {
    bench: 'stt-throughput',
    model: MODEL,
    date: new Date().toISOString(),
    evalDir: args.evalDir,
    reps: args.reps,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', loadAverageBefore, loadAverageAfter: os.loadavg().map(round) },
    summary: summarise(runs, args.variants, args.streams),
    runs,
  };
  const json = JSON.stringify(report, null, 2) + '\n';
  await fs.mkdir(path.dirname(args.out), { recursive: true });
  await fs.writeFile(args.out, json);
  process.stdout.write(json);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
