// Speech-to-text bench: every local STT candidate on every labelled clip of shared/eval/speech. Reports word error
// rate (normalised, see models/stt/wer.ts), real-time factor on the configured ORT threads (1 by default), model load
// time and peak RSS. Each candidate runs in its own child process so load time and peak RSS are its own.
//
//   node --import tsx bench/stt.ts [--eval-dir DIR] [--models a,b] [--threads N] [--markdown] [--fetch]
//
// JSON goes to stdout (markdown with --markdown); progress to stderr. The machine's load average is recorded
// because other work on a 2-core box moves RTF by 2x.
import { spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../core/config.js';
import { readAudioFile16kMono } from '../models/audio/read-audio-file.js';
import { ensureModel } from '../models/fetch.js';
import { createStderrProgress } from '../models/fetch-progress.js';
import { createRecognizer, LOCAL_STT_MODELS } from '../models/stt/create-recognizer.js';
import { corpusWordErrorRate, wordErrorRate } from '../models/stt/wer.js';
import { defaultSpeechEvalDir, loadSpeechEvalSet } from './lib/speech-eval-set.js';

interface UtteranceResult {
  id: string;
  audioSeconds: number;
  processingMs: number;
  wer: number;
  reference: string;
  hypothesis: string;
  truncated: boolean;
}

interface CandidateResult {
  model: string;
  threads: number;
  loadMs: number;
  /** The first transcription pays for ORT's lazy allocations; kept out of the RTF. */
  warmupMs: number;
  utterances: UtteranceResult[];
  audioSeconds: number;
  processingMs: number;
  rtf: number;
  wer: number;
  werBySubset: Record<string, { wer: number; referenceWords: number }>;
  rssBeforeLoadMb: number;
  peakRssMb: number;
}

function parseArgs(argv: string[]) {
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const threads = Number(get('--threads') ?? '1');
  if (!Number.isInteger(threads) || threads < 1) throw new TypeError(`--threads must be a positive integer`);
  return {
    evalDir: get('--eval-dir') ?? defaultSpeechEvalDir(),
    models: (get('--models') ?? LOCAL_STT_MODELS.join(',')).split(',').filter(Boolean),
    threads,
    markdown: argv.includes('--markdown'),
    fetch: argv.includes('--fetch'),
    child: get('--child'),
  };
}

async function runCandidate(model: string, evalDir: string, threads: number): Promise<CandidateResult> {
  const base = loadConfig();
  const config = { ...base, stt: { ...base.stt, backend: 'local' as const, model, ortThreads: threads } };
  const items = await loadSpeechEvalSet(evalDir);
  const audio = await Promise.all(items.map((i) => readAudioFile16kMono(i.audioPath)));
  const rssBeforeLoadMb = process.memoryUsage().rss / 1e6;
  const loadStarted = performance.now();
  const recognizer = await createRecognizer(config);
  const loadMs = performance.now() - loadStarted;
  try {
    const warm = await recognizer.transcribe(audio[0]!);
    const utterances: UtteranceResult[] = [];
    for (const [i, item] of items.entries()) {
      const r = await recognizer.transcribe(audio[i]!);
      const w = wordErrorRate(item.reference, r.text);
      utterances.push({
        id: item.id,
        audioSeconds: r.audioSeconds,
        processingMs: Math.round(r.processingMs),
        wer: round(w.wer),
        reference: item.reference,
        hypothesis: r.text,
        truncated: r.truncated,
      });
      process.stderr.write(`${model} ${item.id}: WER ${(w.wer * 100).toFixed(1)}% RTF ${(r.processingMs / 1000 / r.audioSeconds).toFixed(3)}\n`);
    }
    const audioSeconds = utterances.reduce((n, u) => n + u.audioSeconds, 0);
    const processingMs = utterances.reduce((n, u) => n + u.processingMs, 0);
    const pairs = items.map((item, i) => ({ subset: item.subset, reference: item.reference, hypothesis: utterances[i]!.hypothesis }));
    const werBySubset: CandidateResult['werBySubset'] = {};
    for (const subset of new Set(pairs.map((p) => p.subset))) {
      const c = corpusWordErrorRate(pairs.filter((p) => p.subset === subset));
      werBySubset[subset] = { wer: round(c.wer), referenceWords: c.referenceWords };
    }
    return {
      model,
      threads,
      loadMs: Math.round(loadMs),
      warmupMs: Math.round(warm.processingMs),
      utterances,
      audioSeconds: round(audioSeconds),
      processingMs,
      rtf: round(processingMs / 1000 / audioSeconds),
      wer: round(corpusWordErrorRate(pairs).wer),
      werBySubset,
      rssBeforeLoadMb: Math.round(rssBeforeLoadMb),
      // maxRSS is in kilobytes and covers the whole process: audio, ORT arenas and both sessions.
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1e3),
    };
  } finally {
    await recognizer.close();
  }
}

function runChild(model: string, evalDir: string, threads: number): Promise<CandidateResult> {
  return new Promise((resolve, reject) => {
    const self = fileURLToPath(import.meta.url);
    const child = spawn(process.execPath, [...process.execArgv, self, '--child', model, '--eval-dir', evalDir, '--threads', String(threads)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`bench child for ${model} exited with ${code}`));
      try {
        resolve(JSON.parse(out) as CandidateResult);
      } catch (err) {
        reject(new Error(`bench child for ${model} printed no JSON: ${(err as Error).message}`));
      }
    });
  });
}

function round(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 10_000) / 10_000 : x;
}

function markdown(results: CandidateResult[]): string {
  const lines = [
    '| model | WER | RTF (1 thread) | load ms | warm-up ms | peak RSS MB | audio s |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...results.map((r) => `| ${r.model} | ${(r.wer * 100).toFixed(1)}% | ${r.rtf.toFixed(3)} | ${r.loadMs} | ${r.warmupMs} | ${r.peakRssMb} | ${r.audioSeconds.toFixed(1)} |`),
    '',
    '| model | subset | WER | words |',
    '| --- | --- | --- | --- |',
    ...results.flatMap((r) => Object.entries(r.werBySubset).map(([s, v]) => `| ${r.model} | ${s} | ${(v.wer * 100).toFixed(1)}% | ${v.referenceWords} |`)),
  ];
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) {
    process.stdout.write(JSON.stringify(await runCandidate(args.child, args.evalDir, args.threads)));
    return;
  }
  if (args.fetch) {
    const config = loadConfig();
    for (const model of args.models) await ensureModel(model, { modelsDir: config.dirs.models, progress: createStderrProgress() });
  }
  const loadAverageBefore = os.loadavg().map(round);
  const results: CandidateResult[] = [];
  for (const model of args.models) results.push(await runChild(model, args.evalDir, args.threads));
  const report = {
    bench: 'stt',
    evalDir: args.evalDir,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', loadAverageBefore, loadAverageAfter: os.loadavg().map(round) },
    results,
  };
  process.stdout.write(args.markdown ? markdown(results) : JSON.stringify(report, null, 2) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
