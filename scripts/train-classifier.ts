// Trains the harm classifier head, reproducibly, in one command:
//   nice -n 15 node --import tsx scripts/train-classifier.ts [--encoder all-minilm-l6-v2-q|bge-small-en-v15-q]
// Reads the public sets in shared/eval/text and the professional sets in models/classifier/data (train splits only;
// seeded held-out splits where a set has none), embeds them with the registry encoder (cached by text sha256),
// trains the MLP head with a fixed seed, calibrates per-category thresholds on the validation split, measures the
// test splits, and writes models/classifier/heads/<id>.json plus its model card <id>.card.md. Prints the sha256 and
// size to pin in models/registry.ts.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isClassifierEncoderId, loadClassifierEncoder, type ClassifierEncoderId } from '../models/classifier/encoders.js';
import { combineWithRules, type HarmScores } from '../models/classifier/harm-classifier.js';
import type { HarmHeadFile } from '../models/classifier/head-file.js';
import { MlpHead, type MlpHeadWeights } from '../models/classifier/mlp-head.js';
import { findRules } from '../models/classifier/rules.js';
import { HARM_CATEGORIES, TAXONOMY_VERSION, type HarmCategory } from '../models/classifier/taxonomy.js';
import { DatasetReader, defaultEvalTextDir, loadAll, type Example } from './classifier/datasets.js';
import { embedAll } from './classifier/embedding-cache.js';
import { rocAuc, round } from './classifier/metrics.js';
import { trainMlp, type TrainRow } from './classifier/mlp-train.js';
import { TRAIN_MAX_TOKENS } from './classifier/train-config.js';

const SEED = 20261202;
const HYPER = { hiddenDim: 128, epochs: 16, batchSize: 128, learningRate: 1e-3, weightDecay: 1e-4, maxPosWeight: 8 } as const;
/** The professional set is small and is the domain the platform serves: its rows weigh more. */
const SOURCE_WEIGHT: Readonly<Record<string, number>> = { professional: 8 };
/** Calibration targets: the lowest threshold with at most this share of false flags on the public validation
 * negatives and none on the benign professional validation rows. */
const MAX_PUBLIC_VAL_FPR = 0.01;
const THRESHOLD_RANGE = [0.1, 0.9] as const;

const HEAD_IDS: Record<ClassifierEncoderId, string> = { 'all-minilm-l6-v2-q': 'harm-head-minilm-v1', 'bge-small-en-v15-q': 'harm-head-bge-small-v1' };

const { values } = parseArgs({ options: { encoder: { type: 'string', default: 'all-minilm-l6-v2-q' }, epochs: { type: 'string' } } });
const encoderId = values.encoder!;
if (!isClassifierEncoderId(encoderId)) throw new TypeError(`--encoder must be one of ${Object.keys(HEAD_IDS).join(', ')}`);
const headId = HEAD_IDS[encoderId];
const epochs = values.epochs ? Number(values.epochs) : HYPER.epochs;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const modelsDir = process.env['MODELS_DIR'] ?? path.join(os.homedir(), '.cache/roundtable/models');
const log = (s: string) => process.stderr.write(`[train ${headId}] ${s}\n`);

const reader = new DatasetReader(defaultEvalTextDir());
const examples = loadAll(reader);
log(`${examples.length} examples from ${reader.files.length} files`);
const encoder = await loadClassifierEncoder(encoderId, modelsDir, { maxTokens: TRAIN_MAX_TOKENS });
const t0 = Date.now();
const vectors = await embedAll(encoder, `${encoderId}-t${TRAIN_MAX_TOKENS}`, examples.map((e) => e.text), {
  progress: (d, n) => log(`embedding ${d}/${n} (${Math.round((Date.now() - t0) / 1000)} s)`),
});
await encoder.close();
const vecOf = new Map(examples.map((e, i) => [e, vectors[i]!]));

const toRow = (e: Example): TrainRow => ({
  x: vecOf.get(e)!,
  y: Int8Array.from(HARM_CATEGORIES, (c) => (!e.known.includes(c) ? -1 : e.labels.includes(c) ? 1 : 0)),
  weight: SOURCE_WEIGHT[e.source] ?? 1,
});
const train = examples.filter((e) => e.split === 'train');
const val = examples.filter((e) => e.split === 'val');
const test = examples.filter((e) => e.split === 'test');
log(`train ${train.length}, val ${val.length}, test ${test.length}`);

const scoreAll = (head: MlpHead, rows: readonly Example[], withRules: boolean): HarmScores[] =>
  rows.map((e) => {
    const s = head.predict(vecOf.get(e)!);
    return withRules ? combineWithRules(s, findRules(e.text)) : s;
  });

function meanValAuc(w: MlpHeadWeights): number {
  const head = new MlpHead(w);
  const scores = scoreAll(head, val, true);
  const aucs = HARM_CATEGORIES.map((c) => {
    const idx = val.map((e, i) => [e, i] as const).filter(([e]) => e.known.includes(c));
    return rocAuc(idx.map(([, i]) => scores[i]![c]), idx.map(([e]) => e.labels.includes(c)));
  }).filter(Number.isFinite);
  return aucs.reduce((a, b) => a + b, 0) / aucs.length;
}

let best: { auc: number; epoch: number; weights: MlpHeadWeights } | undefined;
trainMlp(train.map(toRow), {
  ...HYPER,
  epochs,
  categories: HARM_CATEGORIES,
  seed: SEED,
  onEpoch: (epoch, loss, weights) => {
    if (epoch % 2 !== 0 && epoch !== epochs) return;
    const auc = meanValAuc(weights);
    log(`epoch ${epoch} loss ${loss.toFixed(4)} val mean AUC ${auc.toFixed(4)}`);
    if (!best || auc > best.auc) best = { auc, epoch, weights };
  },
});
const chosen = best!;
const head = new MlpHead(chosen.weights);
log(`kept epoch ${chosen.epoch} (val mean AUC ${chosen.auc.toFixed(4)})`);

// Thresholds.
const valScores = scoreAll(head, val, true);
const thresholds = {} as Record<HarmCategory, number>;
const calibration: Record<string, unknown> = {};
for (const c of HARM_CATEGORIES) {
  const publicNeg = val.flatMap((e, i) => (e.source !== 'professional' && e.known.includes(c) && !e.labels.includes(c) ? [valScores[i]![c]] : []));
  const benignProf = val.flatMap((e, i) => (e.source === 'professional' && e.labels.length === 0 ? [valScores[i]![c]] : []));
  const positives = val.flatMap((e, i) => (e.labels.includes(c) ? [valScores[i]![c]] : []));
  let t = THRESHOLD_RANGE[1];
  for (let cand = THRESHOLD_RANGE[1]; cand >= THRESHOLD_RANGE[0] - 1e-9; cand -= 0.01) {
    const fpr = publicNeg.length ? publicNeg.filter((s) => s >= cand).length / publicNeg.length : 0;
    const prof = benignProf.filter((s) => s >= cand).length;
    if (fpr > MAX_PUBLIC_VAL_FPR || prof > 0) break;
    t = cand;
  }
  thresholds[c] = round(t, 2);
  calibration[c] = {
    threshold: thresholds[c],
    valPositives: positives.length,
    valRecall: round(positives.filter((s) => s >= t).length / Math.max(1, positives.length), 3),
    publicValNegatives: publicNeg.length,
    publicValFpr: round(publicNeg.filter((s) => s >= t).length / Math.max(1, publicNeg.length), 4),
    benignProfessionalVal: benignProf.length,
  };
}
log(`thresholds ${JSON.stringify(thresholds)}`);

// Test metrics: per-source, per-category ROC-AUC (model alone and with rules) on the public test splits.
const testScoresModel = scoreAll(head, test, false);
const testScores = scoreAll(head, test, true);
const auc: Record<string, Record<string, { n: number; positives: number; auc: number; aucWithRules: number }>> = {};
for (const source of [...new Set(test.map((e) => e.source))].filter((s) => s !== 'professional_test')) {
  auc[source] = {};
  for (const c of HARM_CATEGORIES) {
    const idx = test.map((e, i) => [e, i] as const).filter(([e]) => e.source === source && e.known.includes(c));
    const labels = idx.map(([e]) => e.labels.includes(c));
    const positives = labels.filter(Boolean).length;
    if (positives < 5) continue;
    auc[source]![c] = {
      n: idx.length,
      positives,
      auc: round(rocAuc(idx.map(([, i]) => testScoresModel[i]![c]), labels)),
      aucWithRules: round(rocAuc(idx.map(([, i]) => testScores[i]![c]), labels)),
    };
  }
}
// Professional held-out test set, at the calibrated thresholds.
const prof = test.map((e, i) => [e, testScores[i]!] as const).filter(([e]) => e.source === 'professional_test');
const flaggedCats = (s: HarmScores) => HARM_CATEGORIES.filter((c) => s[c] >= thresholds[c]);
const benign = prof.filter(([e]) => e.labels.length === 0);
const harmful = prof.filter(([e]) => e.labels.length > 0);
const professional = {
  benign: benign.length,
  harmful: harmful.length,
  falseFlagRate: round(benign.filter(([, s]) => flaggedCats(s).length > 0).length / benign.length, 4),
  recallAny: round(harmful.filter(([, s]) => flaggedCats(s).length > 0).length / harmful.length, 4),
  recallRightCategory: round(harmful.filter(([e, s]) => flaggedCats(s).some((c) => e.labels.includes(c))).length / harmful.length, 4),
  perCategory: Object.fromEntries(
    HARM_CATEGORIES.map((c) => {
      const pos = prof.filter(([e]) => e.labels.includes(c));
      return [c, { positives: pos.length, recall: round(pos.filter(([, s]) => s[c] >= thresholds[c]).length / Math.max(1, pos.length), 3) }];
    }),
  ),
  falseFlags: benign.filter(([, s]) => flaggedCats(s).length > 0).map(([e, s]) => ({ text: e.text, categories: flaggedCats(s) })),
  misses: harmful.filter(([, s]) => flaggedCats(s).length === 0).map(([e]) => ({ text: e.text, labels: e.labels })),
};
log(`professional test: ${JSON.stringify({ ...professional, falseFlags: professional.falseFlags.length, misses: professional.misses.length, perCategory: undefined })}`);

// Outputs.
const modelVersion = `${headId}+${TAXONOMY_VERSION}`;
const headFile: HarmHeadFile = { ...chosen.weights, modelVersion, encoderId, maxTokens: TRAIN_MAX_TOKENS, taxonomyVersion: TAXONOMY_VERSION, thresholds };
const headsDir = path.join(repoRoot, 'models/classifier/heads');
fs.mkdirSync(headsDir, { recursive: true });
const headPath = path.join(headsDir, `${headId}.json`);
const headJson = `${JSON.stringify(headFile)}\n`;
fs.writeFileSync(headPath, headJson);
const sha256 = createHash('sha256').update(headJson).digest('hex');
const files = [...new Map(reader.files.map((f) => [f.path, f])).values()];
const counts = Object.fromEntries(['train', 'val', 'test'].map((s) => [s, Object.fromEntries([...new Set(examples.map((e) => e.source))].map((src) => [src, examples.filter((e) => e.split === s && e.source === src).length]))]));
const card = {
  id: headId,
  modelVersion,
  taxonomyVersion: TAXONOMY_VERSION,
  encoder: encoderId,
  maxTokens: TRAIN_MAX_TOKENS,
  architecture: `MLP ${chosen.weights.inputDim} -> ${HYPER.hiddenDim} ReLU -> ${HARM_CATEGORIES.length} sigmoid (multi-label, masked BCE)`,
  hyperparameters: { ...HYPER, epochs, keptEpoch: chosen.epoch, seed: SEED, sourceWeights: SOURCE_WEIGHT },
  head: { path: path.relative(repoRoot, headPath), sha256, bytes: Buffer.byteLength(headJson) },
  data: files,
  examples: counts,
  calibration: { rule: `lowest threshold in [${THRESHOLD_RANGE.join(', ')}] with <= ${MAX_PUBLIC_VAL_FPR * 100}% false flags on public validation negatives and none on benign professional validation rows`, perCategory: calibration },
  thresholds,
  metrics: { validationMeanAuc: round(chosen.auc), testAuc: auc, professionalTest: professional },
  command: `node --import tsx scripts/train-classifier.ts --encoder ${encoderId}${epochs !== HYPER.epochs ? ` --epochs ${epochs}` : ''}`,
};
const cardPath = path.join(headsDir, `${headId}.card.json`);
fs.writeFileSync(cardPath, `${JSON.stringify(card, null, 2)}\n`);
log(`wrote ${path.relative(repoRoot, headPath)} (sha256 ${sha256}, ${Buffer.byteLength(headJson)} bytes) and ${path.relative(repoRoot, cardPath)}`);
process.stdout.write(`${JSON.stringify({ id: headId, sha256, bytes: Buffer.byteLength(headJson), thresholds, professional: { ...professional, falseFlags: undefined, misses: undefined } })}\n`);
