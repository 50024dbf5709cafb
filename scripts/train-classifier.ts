// Trains the harm classifier head, reproducibly, in one command:
//   nice -n 15 node --import tsx scripts/train-classifier.ts [--encoder all-minilm-l6-v2-q|bge-small-en-v15-q]
// Reads the public sets in shared/eval/text and the professional sets in models/classifier/data (train splits only;
// seeded held-out splits where a set has none), embeds them with the registry encoder (cached by text sha256),
// trains the MLP head with a fixed seed, calibrates per-category thresholds on the validation split, measures the
// test splits, and writes models/classifier/heads/<id>.json plus its model card <id>.card.json. Prints the sha256 and
// size to pin in models/registry.ts. Refuses to train when a professional training line is a near-copy of a
// held-out test line (scripts/classifier/leakage.ts).
//
// v2 (harm-head-minilm-v2): professional-v2.jsonl (v1 + 790 lines); professional training rows are also seen joined
// after a harmless professional line (the classifier scores an utterance together with the speaker's previous one)
// and as an STT-like variant without punctuation; three seeded members averaged; calibration as v1 (<= 1 % false
// flags on the public validation negatives, none on the benign professional validation rows) but over [0.05, 0.99]
// instead of [0.1, 0.9], so a category is no longer stuck at a cap it does not meet. harm-head-minilm-v1 was trained by the previous revision of this script (git history)
// on professional-v1.jsonl.
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
import { DatasetReader, defaultEvalTextDir, loadAll, PROFESSIONAL_TEST, PROFESSIONAL_TRAIN, type Example } from './classifier/datasets.js';
import { embedAll } from './classifier/embedding-cache.js';
import { checkLeakage } from './classifier/leakage.js';
import { rocAuc, round } from './classifier/metrics.js';
import { mulberry32 } from '../core/random.js';
import { trainMlp, type TrainRow } from './classifier/mlp-train.js';
import { TRAIN_MAX_TOKENS } from './classifier/train-config.js';

const SEED = 20261202;
/** Members averaged (as one MLP, see mergeMembers): a single head's scores swing on harmless small talk. */
const ENSEMBLE_DEFAULT = 3;
const HYPER = { hiddenDim: 128, epochs: 16, batchSize: 128, learningRate: 1e-3, weightDecay: 1e-4, maxPosWeight: 8 } as const;
/** The professional set is small and is the domain the platform serves: its rows weigh more; its augmented copies
 * (joined after a harmless line, punctuation dropped) weigh half as much as the lines themselves. */
// (Tried for v2 and not kept: professional 16 / augmented 8 with C-SSRS 0.25, HateXplain and Davidson 0.5 gave no
// better professional validation recall and a lower public validation AUC.)
const SOURCE_WEIGHT: Readonly<Record<string, number>> = { professional: 8, professional_aug: 4 };
/** Calibration targets: the lowest threshold with at most this share of false flags on the public validation
 * negatives and at most MAX_BENIGN_PROF_VAL_FLAGS on the benign professional validation rows. */
// 1 % as for v1: a first v2 calibration at 2 % left thresholds just above the highest of only 137 benign professional
// validation rows per category (expected ~1/138 false flags per category, ~5 % over nine) and measured 5.2 % false
// flags on the held-out test set; the public negatives are the large benign pool that keeps thresholds honest.
const MAX_PUBLIC_VAL_FPR = 0.01;
const MAX_BENIGN_PROF_VAL_FLAGS = 0;
const THRESHOLD_RANGE = [0.05, 0.99] as const;

const HEAD_IDS: Record<ClassifierEncoderId, string> = { 'all-minilm-l6-v2-q': 'harm-head-minilm-v2', 'bge-small-en-v15-q': 'harm-head-bge-small-v2' };

const { values } = parseArgs({ options: { encoder: { type: 'string', default: 'all-minilm-l6-v2-q' }, epochs: { type: 'string' }, ensemble: { type: 'string' } } });
const ENSEMBLE = values.ensemble ? Number(values.ensemble) : ENSEMBLE_DEFAULT;
if (!Number.isInteger(ENSEMBLE) || ENSEMBLE < 1) throw new TypeError('--ensemble must be a positive integer');
const encoderId = values.encoder!;
if (!isClassifierEncoderId(encoderId)) throw new TypeError(`--encoder must be one of ${Object.keys(HEAD_IDS).join(', ')}`);
const headId = HEAD_IDS[encoderId];
const epochs = values.epochs ? Number(values.epochs) : HYPER.epochs;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const modelsDir = process.env['MODELS_DIR'] ?? path.join(os.homedir(), '.cache/roundtable/models');
const log = (s: string) => process.stderr.write(`[train ${headId}] ${s}\n`);

const reader = new DatasetReader(defaultEvalTextDir());
const loaded = loadAll(reader);
log(`${loaded.length} examples from ${reader.files.length} files`);

// No professional training line may be a near-copy of a held-out test line.
const leakage = checkLeakage(loaded.filter((e) => e.source === 'professional').map((e) => e.text), loaded.filter((e) => e.source === 'professional_test').map((e) => e.text));
if (leakage.tooClose.length) {
  for (const p of leakage.tooClose) log(`too close to a test line: ${JSON.stringify(p)}`);
  throw new Error(`${leakage.tooClose.length} professional training lines are near-copies of test lines (${leakage.rule})`);
}
log(`leakage check: ${leakage.trainLines} training lines vs ${leakage.testLines} test lines, none too close (closest: ${JSON.stringify(leakage.closest)})`);

/** Training-only copies of the professional training rows (never of validation rows): each joined after a harmless
 * professional training line picked with a fixed seed (the classifier also scores "previous + current"), and an
 * STT-like variant without punctuation. Same labels. */
function augmentProfessional(rows: readonly Example[]): Example[] {
  const rand = mulberry32(SEED ^ 0x5eed);
  const train = rows.filter((e) => e.source === 'professional' && e.split === 'train');
  const benign = train.filter((e) => e.labels.length === 0);
  const out: Example[] = [];
  for (const e of train) {
    const prev = benign[Math.floor(rand() * benign.length)]!;
    if (prev !== e) out.push({ ...e, source: 'professional_aug', id: `${e.id}+after:${prev.id}`, text: `${prev.text} ${e.text}` });
    const bare = e.text.replace(/[^\p{L}\p{N}'\s-]/gu, ' ').replace(/\s+/g, ' ').trim();
    if (bare !== e.text) out.push({ ...e, source: 'professional_aug', id: `${e.id}+bare`, text: bare });
  }
  return out;
}
const examples = [...loaded, ...augmentProfessional(loaded)];
log(`${examples.length - loaded.length} augmented professional training rows`);
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

/** One member: trained with its own seed, kept at its best validation epoch. */
function trainMember(member: number): { auc: number; epoch: number; weights: MlpHeadWeights } {
  let best: { auc: number; epoch: number; weights: MlpHeadWeights } | undefined;
  trainMlp(trainRows, {
    ...HYPER,
    epochs,
    categories: HARM_CATEGORIES,
    seed: SEED + member,
    onEpoch: (epoch, loss, weights) => {
      if (epoch % 2 !== 0 && epoch !== epochs) return;
      const auc = meanValAuc(weights);
      log(`member ${member} epoch ${epoch} loss ${loss.toFixed(4)} val mean AUC ${auc.toFixed(4)}`);
      if (!best || auc > best.auc) best = { auc, epoch, weights };
    },
  });
  log(`member ${member}: kept epoch ${best!.epoch} (val mean AUC ${best!.auc.toFixed(4)})`);
  return best!;
}

/** Averaging the members' logits is exactly one wider MLP: hidden layers side by side, output weights divided by
 * the number of members. The runtime (models/classifier/mlp-head.ts) loads it like any head. */
function mergeMembers(members: readonly MlpHeadWeights[]): MlpHeadWeights {
  const n = members.length;
  const H = members[0]!.hiddenDim;
  const K = HARM_CATEGORIES.length;
  const w2: number[] = [];
  for (let c = 0; c < K; c++) for (const m of members) for (let i = 0; i < H; i++) w2.push(Number((m.w2[c * H + i]! / n).toPrecision(6)));
  return {
    format: 'roundtable-mlp-head-v1',
    inputDim: members[0]!.inputDim,
    hiddenDim: H * n,
    categories: [...HARM_CATEGORIES],
    w1: members.flatMap((m) => m.w1),
    b1: members.flatMap((m) => m.b1),
    w2,
    b2: HARM_CATEGORIES.map((_, c) => Number((members.reduce((a, m) => a + m.b2[c]!, 0) / n).toPrecision(6))),
  };
}

const trainRows = train.map(toRow);
const members = Array.from({ length: ENSEMBLE }, (_, k) => trainMember(k));
const chosen = { weights: mergeMembers(members.map((m) => m.weights)), auc: 0, epoch: members.map((m) => m.epoch).join('/') };
chosen.auc = meanValAuc(chosen.weights);
const head = new MlpHead(chosen.weights);
log(`ensemble of ${ENSEMBLE} (epochs ${chosen.epoch}): val mean AUC ${chosen.auc.toFixed(4)}`);

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
    if (fpr > MAX_PUBLIC_VAL_FPR || prof > MAX_BENIGN_PROF_VAL_FLAGS) break;
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
    professionalValPositives: val.filter((e) => e.source === 'professional' && e.labels.includes(c)).length,
    professionalValRecall: round(val.filter((e, i) => e.source === 'professional' && e.labels.includes(c) && valScores[i]![c] >= t).length / Math.max(1, val.filter((e) => e.source === 'professional' && e.labels.includes(c)).length), 3),
  };
}
log(`thresholds ${JSON.stringify(thresholds)}`);
log(`calibration ${JSON.stringify(calibration)}`);

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
  architecture: `MLP ${chosen.weights.inputDim} -> ${chosen.weights.hiddenDim} ReLU -> ${HARM_CATEGORIES.length} sigmoid (multi-label, masked BCE): ${ENSEMBLE} members of ${HYPER.hiddenDim} hidden units (seeds ${SEED}..${SEED + ENSEMBLE - 1}) whose logits are averaged, stored as one MLP`,
  hyperparameters: { ...HYPER, epochs, ensemble: ENSEMBLE, keptEpochs: members.map((m) => m.epoch), memberValMeanAuc: members.map((m) => round(m.auc)), seed: SEED, sourceWeights: SOURCE_WEIGHT },
  head: { path: path.relative(repoRoot, headPath), sha256, bytes: Buffer.byteLength(headJson) },
  data: files,
  examples: counts,
  calibration: {
    rule: `lowest threshold in [${THRESHOLD_RANGE.join(', ')}] (steps of 0.01, scanning down, stopping at the first violation) with <= ${MAX_PUBLIC_VAL_FPR * 100}% false flags on public validation negatives and at most ${MAX_BENIGN_PROF_VAL_FLAGS} on the benign professional validation rows (a seeded 25% of ${path.basename(PROFESSIONAL_TRAIN)}, never trained on)`,
    perCategory: calibration,
  },
  augmentation: 'training rows of the professional set only: joined after a seeded harmless professional training line, and without punctuation (STT-like); weight 4 (the lines themselves 8)',
  leakage: { ...leakage, tooClose: leakage.tooClose.length, statement: `checked before training: ${leakage.rule}; the professional test set ${path.basename(PROFESSIONAL_TEST)} is used only for the test metrics below, never for training, early stopping or calibration` },
  thresholds,
  metrics: { validationMeanAuc: round(chosen.auc), testAuc: auc, professionalTest: professional },
  command: `node --import tsx scripts/train-classifier.ts --encoder ${encoderId}${epochs !== HYPER.epochs ? ` --epochs ${epochs}` : ''}${ENSEMBLE !== ENSEMBLE_DEFAULT ? ` --ensemble ${ENSEMBLE}` : ''}`,
};
const cardPath = path.join(headsDir, `${headId}.card.json`);
fs.writeFileSync(cardPath, `${JSON.stringify(card, null, 2)}\n`);
log(`wrote ${path.relative(repoRoot, headPath)} (sha256 ${sha256}, ${Buffer.byteLength(headJson)} bytes) and ${path.relative(repoRoot, cardPath)}`);
process.stdout.write(`${JSON.stringify({ id: headId, sha256, bytes: Buffer.byteLength(headJson), thresholds, professional: { ...professional, falseFlags: undefined, misses: undefined } })}\n`);
