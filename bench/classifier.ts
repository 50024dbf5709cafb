// Harm-classifier bench: every registered head (models/registry.ts TRAINED_MODELS) on
//  - the public test splits (Jigsaw test pools, Davidson's fixed test split, HateXplain test, seeded 20% hold-outs of
//    SMS/YouTube spam, C-SSRS users and Presidio): per-category ROC-AUC of the shipped scores (model + rules);
//  - the held-out professional test set (models/classifier/data/professional-test-v1.jsonl), through the real
//    HarmClassifier.classify at the shipped thresholds: recall on harmful lines, false-flag rate on benign ones;
//  - latency of classify() per utterance on one ORT thread, alone and with the previous utterance (3 texts).
//
//   nice -n 15 node --import tsx bench/classifier.ts [--heads a,b] [--markdown] [--no-cache] [--baseline-python PY]
//
// --baseline-python: a Python with PyPI alt-profanity-check installed (a project-local venv, e.g.
// `python3 -m venv .venv-bench && .venv-bench/bin/pip install alt-profanity-check==1.9.1`); its single
// "offensive" probability is measured as a baseline for insult / severe / identity_hate, alone and combined (max)
// with the shipped head's insult score.
//
// Public-split scores reuse the training embedding cache (same encoder, same token budget; --no-cache re-embeds)
// because embedding ~7,000 long comments per head takes many minutes on a shared 2-core box. JSON on stdout.
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config.js';
import { isClassifierEncoderId, loadClassifierEncoder } from '../models/classifier/encoders.js';
import { combineWithRules, HarmClassifier, type HarmScores } from '../models/classifier/harm-classifier.js';
import { loadHeadFile } from '../models/classifier/head-file.js';
import { MlpHead } from '../models/classifier/mlp-head.js';
import { findRules } from '../models/classifier/rules.js';
import { HARM_CATEGORIES, type HarmCategory } from '../models/classifier/taxonomy.js';
import { TRAINED_MODELS } from '../models/registry.js';
import { DatasetReader, defaultEvalTextDir, loadAll } from '../scripts/classifier/datasets.js';
import { embedAll } from '../scripts/classifier/embedding-cache.js';
import { aucBySource, professionalReport, type AucTable, type ProfessionalReport } from '../scripts/classifier/evaluate.js';
import { percentile, round } from '../scripts/classifier/metrics.js';

const { values } = parseArgs({ options: { heads: { type: 'string' }, markdown: { type: 'boolean', default: false }, 'no-cache': { type: 'boolean', default: false }, 'baseline-python': { type: 'string' } } });
const headIds = values.heads ? values.heads.split(',') : [...TRAINED_MODELS.keys()];
const config = loadConfig();
const log = (s: string) => process.stderr.write(`[bench classifier] ${s}\n`);

const reader = new DatasetReader(defaultEvalTextDir());
const all = loadAll(reader);
const publicTest = all.filter((e) => e.split === 'test' && e.source !== 'professional_test');
const profTest = all.filter((e) => e.source === 'professional_test');

interface HeadResult {
  head: string;
  encoder: string;
  thresholds: Record<HarmCategory, number>;
  auc: AucTable;
  meanAuc: Record<string, number>;
  professional: ProfessionalReport;
  latencyMs: { alone: { p50: number; p95: number }; withPrevious: { p50: number; p95: number }; utterances: number; threads: 1 };
  loadMs: number;
}

async function publicScores(headId: string): Promise<HarmScores[]> {
  const spec = TRAINED_MODELS.get(headId)!;
  const file = await loadHeadFile(spec);
  if (file.format === 'roundtable-finetuned-classifier-v1') {
    // A fine-tuned graph has no embedding to cache: the texts go through the classifier itself, in batches.
    const classifier = await HarmClassifier.load({ modelsDir: config.dirs.models, headId, threads: 2 });
    const out: HarmScores[] = [];
    for (let i = 0; i < publicTest.length; i += 32) {
      out.push(...(await classifier.scoreTexts(publicTest.slice(i, i + 32).map((e) => e.text))));
      if (i % 1024 === 0) log(`${headId}: scored ${i}/${publicTest.length}`);
    }
    await classifier.close();
    return out;
  }
  if (!isClassifierEncoderId(file.encoderId)) throw new TypeError(`bad encoder ${file.encoderId}`);
  const encoder = await loadClassifierEncoder(file.encoderId, config.dirs.models, { maxTokens: file.maxTokens });
  const texts = publicTest.map((e) => e.text);
  const vecs = values['no-cache']
    ? await embedSequential(encoder, texts)
    : await embedAll(encoder, `${file.encoderId}-t${file.maxTokens}`, texts, { progress: (d, n) => log(`${headId}: embedding ${d}/${n}`) });
  await encoder.close();
  const head = new MlpHead(file);
  return publicTest.map((e, i) => combineWithRules(head.predict(vecs[i]!), findRules(e.text)));
}

async function embedSequential(encoder: Awaited<ReturnType<typeof loadClassifierEncoder>>, texts: string[]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let i = 0; i < texts.length; i += 16) out.push(...(await encoder.embed(texts.slice(i, i + 16))));
  return out;
}

const aucTable = (scores: readonly HarmScores[]): HeadResult['auc'] => aucBySource(publicTest, scores);

async function professionalAndLatency(headId: string): Promise<Pick<HeadResult, 'professional' | 'latencyMs' | 'loadMs' | 'thresholds'>> {
  const t0 = performance.now();
  const classifier = await HarmClassifier.load({ modelsDir: config.dirs.models, headId, threads: 1 });
  const loadMs = Math.round(performance.now() - t0);
  await classifier.classify('warm up the session');
  const alone: number[] = [];
  const withPrev: number[] = [];
  const scores: HarmScores[] = [];
  for (const [i, e] of profTest.entries()) {
    const s = performance.now();
    const c = await classifier.classify(e.text);
    alone.push(performance.now() - s);
    scores.push(c.scores);
    const s2 = performance.now();
    await classifier.classify(e.text, { previous: profTest[(i + 1) % profTest.length]!.text });
    withPrev.push(performance.now() - s2);
  }
  const thresholds = { ...classifier.thresholds };
  await classifier.close();
  return {
    thresholds,
    loadMs,
    professional: professionalReport(profTest, scores, thresholds),
    latencyMs: {
      alone: { p50: round(percentile(alone, 50), 1), p95: round(percentile(alone, 95), 1) },
      withPrevious: { p50: round(percentile(withPrev, 50), 1), p95: round(percentile(withPrev, 95), 1) },
      utterances: profTest.length,
      threads: 1,
    },
  };
}

function profanityCheck(python: string, texts: readonly string[]): Promise<number[]> {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lib/profanity_check_scores.py');
  return new Promise((resolve, reject) => {
    const child = spawn(python, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out.trim().split('\n').map(Number)) : reject(new Error(`profanity_check exited ${code}`))));
    child.stdin.end(texts.map((text) => JSON.stringify({ text })).join('\n'));
  });
}

const lastScores = new Map<string, HarmScores[]>();
const results: HeadResult[] = [];
for (const headId of headIds) {
  if (!TRAINED_MODELS.has(headId)) throw new TypeError(`unknown head ${headId}; registered: ${[...TRAINED_MODELS.keys()].join(', ')}`);
  log(`${headId}: public test splits`);
  const scores = await publicScores(headId);
  lastScores.set(headId, scores);
  const auc = aucTable(scores);
  const meanAuc = Object.fromEntries(
    Object.entries(auc).map(([src, cats]) => {
      const v = Object.values(cats).map((x) => x!.auc);
      return [src, round(v.reduce((a, b) => a + b, 0) / v.length)];
    }),
  );
  log(`${headId}: professional test set and latency`);
  const rest = await professionalAndLatency(headId);
  results.push({ head: headId, encoder: TRAINED_MODELS.get(headId)!.encoderId, auc, meanAuc, ...rest });
}

let baseline: unknown;
if (values['baseline-python']) {
  log('alt-profanity-check baseline');
  const pub = await profanityCheck(values['baseline-python'], publicTest.map((e) => e.text));
  const prof = await profanityCheck(values['baseline-python'], profTest.map((e) => e.text));
  const asScores = (ps: number[]) => ps.map((p) => Object.fromEntries(HARM_CATEGORIES.map((c) => [c, ['insult', 'severe', 'identity_hate'].includes(c) ? p : 0])) as HarmScores);
  const ours = lastScores.get(results[0]!.head)!;
  const combined = ours.map((s, i) => ({ ...s, insult: Math.max(s.insult, pub[i]!) }));
  const pick = (t: HeadResult['auc']) => Object.fromEntries(Object.entries(t).map(([src, cats]) => [src, Object.fromEntries(Object.entries(cats).filter(([c]) => ['insult', 'severe', 'identity_hate'].includes(c)))]));
  const benign = profTest.map((e, i) => [e, prof[i]!] as const).filter(([e]) => e.labels.length === 0);
  const insults = profTest.map((e, i) => [e, prof[i]!] as const).filter(([e]) => e.labels.includes('insult'));
  baseline = {
    model: 'alt-profanity-check 1.9.1 (PyPI)',
    auc: pick(aucTable(asScores(pub))),
    combinedWithHead: { head: results[0]!.head, rule: 'insult = max(head, profanity-check)', auc: pick(aucTable(combined)) },
    professionalAt05: {
      falseFlagRate: round(benign.filter(([, p]) => p >= 0.5).length / benign.length),
      insultRecall: round(insults.filter(([, p]) => p >= 0.5).length / Math.max(1, insults.length)),
      falseFlags: benign.filter(([, p]) => p >= 0.5).map(([e]) => e.text),
    },
  };
}

const report = { bench: 'classifier', at: new Date().toISOString(), loadavg: os.loadavg().map((x) => round(x, 2)), cpus: os.cpus().length, results, baseline };
if (values.markdown) {
  const lines = ['| head | encoder | Jigsaw mean AUC | Davidson | HateXplain | SMS spam | YouTube spam | C-SSRS self-harm | Presidio PII | prof. recall | prof. false flags | p50 / p95 ms |', '|---|---|---|---|---|---|---|---|---|---|---|---|'];
  for (const r of results) {
    lines.push(
      `| ${r.head} | ${r.encoder} | ${r.meanAuc['jigsaw']} | ${r.meanAuc['davidson']} | ${r.meanAuc['hatexplain']} | ${r.auc['sms']?.spam?.auc} | ${r.auc['youtube']?.spam?.auc} | ${r.auc['cssrs']?.self_harm?.auc} | ${r.auc['presidio']?.personal_data?.auc} | ${(r.professional.recallAny * 100).toFixed(1)} % | ${(r.professional.falseFlagRate * 100).toFixed(1)} % | ${r.latencyMs.alone.p50} / ${r.latencyMs.alone.p95} |`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
} else {
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}
