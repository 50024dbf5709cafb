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
//
// v3 (harm-head-minilm-v3): professional-v3.jsonl (v2 + lines for the weak categories and more benign talk), and
// cross-fitted calibration: v2 calibrated "no benign professional flag" on only 137 held-out rows per category and
// measured 5.2 % false flags. Now every professional row is scored by a fold model that never saw it (K_FOLDS
// seeded folds; a fold's context-joined copies are left out with it), the shipped head averages the fold models
// (each saw 80 % of the professional rows, together all of them), and thresholds are calibrated jointly on those out-of-fold scores (scripts/classifier/calibrate.ts): a floor of
// <= 1 % false flags per category on the public validation negatives, then lowered where a false flag buys the
// most recall, with the benign professional rows flagged by any category kept within MAX_BENIGN_OOF_FLAG_RATE.
// harm-head-minilm-v2 came from the previous revision of this script (git history). v3 was trained with --epochs 10
// (five folds side by side on a loaded box). Measured: out-of-fold 37 % recall at 0.9 % benign flags, professional test
// set 47.5 % at 1.0 % by bench/classifier.ts (50.8 % on the training run's cached embeddings: scores sit near
// thresholds of 0.96-0.99, where the small difference between batched training embeddings and one-at-a-time runtime ones moves a line across) — below v1's 60.7 %, so v3 is a registered candidate, not the default. The binding constraint for insult
// and identity_hate is the public floor (0.99 / 0.96: 1 % of Davidson/HateXplain/Jigsaw validation negatives score
// that high), not the professional budget.
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
import { calibrateJointly } from './classifier/calibrate.js';
import { checkLeakage } from './classifier/leakage.js';
import { augmentProfessional } from './classifier/augment.js';
import { aucBySource, professionalReport } from './classifier/evaluate.js';
import { round } from './classifier/metrics.js';
import { hashUnit } from '../core/random.js';
import { trainMemberInWorker, validationMeanAuc, type ValidationSet } from './classifier/member-train.js';
import type { TrainRow } from './classifier/mlp-train.js';
import { TRAIN_MAX_TOKENS } from './classifier/train-config.js';

const SEED = 20261202;
const HYPER = { hiddenDim: 128, epochs: 16, batchSize: 128, learningRate: 1e-3, weightDecay: 1e-4, maxPosWeight: 8 } as const;
/** The professional set is small and is the domain the platform serves: its rows weigh more; its augmented copies
 * (joined after a harmless line, punctuation dropped) weigh half as much as the lines themselves. */
// (Tried for v2 and not kept: professional 16 / augmented 8 with C-SSRS 0.25, HateXplain and Davidson 0.5 gave no
// better professional validation recall and a lower public validation AUC.)
const SOURCE_WEIGHT: Readonly<Record<string, number>> = { professional: 8, professional_aug: 4 };
/** Calibration targets (see calibrateJointly): at most this share of false flags per category on the public
 * validation negatives, and at most MAX_BENIGN_OOF_FLAG_RATE of the benign professional rows flagged out of fold. */
// v2 calibrated "no flag" on only 137 benign professional validation rows per category: ~1/138 expected false flags
// per category, ~5 % over nine, and 5.2 % measured on the held-out test set.
const MAX_PUBLIC_VAL_FPR = 0.01;
/** Half the platform's 2 % goal, on out-of-fold scores: talk nobody has written down yet flags more than our own. */
const MAX_BENIGN_OOF_FLAG_RATE = 0.01;
const THRESHOLD_RANGE = [0.05, 0.99] as const;
/** Cross-fitting folds over the professional rows. The fold models are also the shipped head's members (averaged,
 * as v2's three seeded members were): no extra training, and a new utterance is scored by models that all never saw
 * it, like each out-of-fold score was. */
const K_FOLDS = 5;

const HEAD_IDS: Record<ClassifierEncoderId, string> = { 'all-minilm-l6-v2-q': 'harm-head-minilm-v3', 'bge-small-en-v15-q': 'harm-head-bge-small-v3' };

const { values } = parseArgs({ options: { encoder: { type: 'string', default: 'all-minilm-l6-v2-q' }, epochs: { type: 'string' }, folds: { type: 'string' } } });
const folds = values.folds ? Number(values.folds) : K_FOLDS;
if (!Number.isInteger(folds) || folds < 2) throw new TypeError('--folds must be an integer >= 2');
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

const augmented = augmentProfessional(loaded, SEED);
const augmentedFrom = augmented.builtFrom;
const examples = [...loaded, ...augmented.rows];
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
// Every professional row trains the shipped head (calibration uses out-of-fold scores instead of a held-out 25 %);
// validation (early stopping, the public calibration floor) is the public sets' validation rows.
const professionalRows = examples.filter((e) => e.source === 'professional');
const train = examples.filter((e) => e.split === 'train' || e.source === 'professional');
const val = examples.filter((e) => e.split === 'val' && e.source !== 'professional');
const test = examples.filter((e) => e.split === 'test');
log(`train ${train.length}, val ${val.length}, test ${test.length}`);

const scoreAll = (head: MlpHead, rows: readonly Example[], withRules: boolean): HarmScores[] =>
  rows.map((e) => {
    const s = head.predict(vecOf.get(e)!);
    return withRules ? combineWithRules(s, findRules(e.text)) : s;
  });

const validation: ValidationSet = { x: val.map((e) => vecOf.get(e)!), known: val.map((e) => e.known), labels: val.map((e) => e.labels), findings: val.map((e) => findRules(e.text)) };
const meanValAuc = (w: MlpHeadWeights) => validationMeanAuc(w, validation);

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


// Cross-fitting: out-of-fold scores for every professional row, from a model trained without that row's fold.
const foldOf = (e: Example) => Math.floor(hashUnit(`professional-fold:${e.id}`, SEED) * folds);
const oofScores = new Map<Example, HarmScores>();
const heldOut = Array.from({ length: folds }, (_, k) => professionalRows.filter((e) => foldOf(e) === k));
// The folds train side by side in worker threads (all niced like this process): same seeds, same result.
const foldModels = await Promise.all(
  heldOut.map((heldRows, k) => {
    const held = new Set(heldRows);
    const rows = train.filter((e) => !held.has(e) && !(augmentedFrom.get(e) ?? []).some((b) => held.has(b))).map(toRow);
    const options = { ...HYPER, epochs, categories: HARM_CATEGORIES, seed: SEED + k };
    return trainMemberInWorker({ label: `fold ${k + 1}/${folds}`, rows, val: validation, options }, log);
  }),
);
foldModels.forEach((m, k) => {
  const foldHead = new MlpHead(m.weights);
  scoreAll(foldHead, heldOut[k]!, true).forEach((s, i) => oofScores.set(heldOut[k]![i]!, s));
});

const members = foldModels;
const chosen = { weights: mergeMembers(members.map((m) => m.weights)), auc: 0, epoch: members.map((m) => m.epoch).join('/') };
chosen.auc = meanValAuc(chosen.weights);
const head = new MlpHead(chosen.weights);
log(`ensemble of ${members.length} fold models (epochs ${chosen.epoch}): val mean AUC ${chosen.auc.toFixed(4)}`);

// Thresholds, jointly, on the out-of-fold professional scores and the public validation negatives.
const valScores = scoreAll(head, val, true);
const oofRows = professionalRows.map((e) => ({ scores: oofScores.get(e)!, labels: e.labels }));
const benignOof = oofRows.filter((r) => r.labels.length === 0);
const calibrated = calibrateJointly({
  professional: oofRows,
  publicNegatives: Object.fromEntries(HARM_CATEGORIES.map((c) => [c, val.flatMap((e, i) => (e.known.includes(c) && !e.labels.includes(c) ? [valScores[i]![c]] : []))])) as Record<HarmCategory, number[]>,
  maxPublicFpr: MAX_PUBLIC_VAL_FPR,
  maxBenignFlags: Math.floor(MAX_BENIGN_OOF_FLAG_RATE * benignOof.length),
  range: THRESHOLD_RANGE,
});
const thresholds = calibrated.thresholds;
const calibration: Record<string, unknown> = {};
for (const c of HARM_CATEGORIES) {
  const t = thresholds[c];
  const publicNeg = val.flatMap((e, i) => (e.known.includes(c) && !e.labels.includes(c) ? [valScores[i]![c]] : []));
  const positives = val.flatMap((e, i) => (e.labels.includes(c) ? [valScores[i]![c]] : []));
  const oofPos = oofRows.filter((r) => r.labels.includes(c));
  calibration[c] = {
    threshold: t,
    publicFloor: calibrated.publicFloor[c],
    publicValPositives: positives.length,
    publicValRecall: round(positives.filter((s) => s >= t).length / Math.max(1, positives.length), 3),
    publicValNegatives: publicNeg.length,
    publicValFpr: round(publicNeg.filter((s) => s >= t).length / Math.max(1, publicNeg.length), 4),
    professionalOofPositives: oofPos.length,
    professionalOofRecall: round(oofPos.filter((r) => r.scores[c] >= t).length / Math.max(1, oofPos.length), 3),
    professionalOofBenignFlags: benignOof.filter((r) => r.scores[c] >= t).length,
  };
}
const flaggedBy = (s: HarmScores) => HARM_CATEGORIES.filter((c) => s[c] >= thresholds[c]);
const crossFitted = {
  folds,
  foldKeptEpochs: foldModels.map((m) => m.epoch),
  benign: benignOof.length,
  harmful: oofRows.length - benignOof.length,
  falseFlagRate: round(benignOof.filter((r) => flaggedBy(r.scores).length > 0).length / benignOof.length, 4),
  recallAny: round(oofRows.filter((r) => r.labels.length > 0 && flaggedBy(r.scores).length > 0).length / Math.max(1, oofRows.length - benignOof.length), 4),
  recallRightCategory: round(oofRows.filter((r) => r.labels.length > 0 && flaggedBy(r.scores).some((c) => r.labels.includes(c))).length / Math.max(1, oofRows.length - benignOof.length), 4),
};
log(`cross-fitted (out-of-fold) professional: ${JSON.stringify(crossFitted)}`);
log(`thresholds ${JSON.stringify(thresholds)}`);
log(`calibration ${JSON.stringify(calibration)}`);

// Test metrics: per-source, per-category ROC-AUC (model alone and with rules) on the public test splits.
const testScoresModel = scoreAll(head, test, false);
const testScores = scoreAll(head, test, true);
const modelAuc = aucBySource(test, testScoresModel);
const rulesAuc = aucBySource(test, testScores);
const auc = Object.fromEntries(
  Object.entries(modelAuc).map(([source, cats]) => [source, Object.fromEntries(Object.entries(cats).map(([c, m]) => [c, { ...m, aucWithRules: rulesAuc[source]![c as HarmCategory]!.auc }]))]),
);
// Professional held-out test set, at the calibrated thresholds.
const prof = test.map((e, i) => [e, testScores[i]!] as const).filter(([e]) => e.source === 'professional_test');
const professional = professionalReport(prof.map(([e]) => e), prof.map(([, s]) => s), thresholds);
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
  architecture: `MLP ${chosen.weights.inputDim} -> ${chosen.weights.hiddenDim} ReLU -> ${HARM_CATEGORIES.length} sigmoid (multi-label, masked BCE): ${members.length} members of ${HYPER.hiddenDim} hidden units (the cross-fitting fold models, seeds ${SEED}..${SEED + members.length - 1}, each trained without one fold of the professional rows) whose logits are averaged, stored as one MLP`,
  hyperparameters: { ...HYPER, epochs, folds, keptEpochs: members.map((m) => m.epoch), memberValMeanAuc: members.map((m) => round(m.auc)), seed: SEED, sourceWeights: SOURCE_WEIGHT },
  head: { path: path.relative(repoRoot, headPath), sha256, bytes: Buffer.byteLength(headJson) },
  data: files,
  examples: counts,
  calibration: {
    rule: `joint, in [${THRESHOLD_RANGE.join(', ')}] (steps of 0.01): per category no lower than <= ${MAX_PUBLIC_VAL_FPR * 100}% false flags on the public validation negatives allows; then lowered greedily (harmful rows caught per benign row flagged) on the out-of-fold scores of every row of ${path.basename(PROFESSIONAL_TRAIN)} (${folds} seeded folds, each scored by a model trained without it) while at most ${MAX_BENIGN_OOF_FLAG_RATE * 100}% of the benign rows are flagged by any category`,
    crossFitted,
    perCategory: calibration,
  },
  augmentation: 'rows of the professional set only: joined after a seeded harmless professional training line, and without punctuation (STT-like); weight 4 (the lines themselves 8)',
  leakage: { ...leakage, tooClose: leakage.tooClose.length, statement: `checked before training: ${leakage.rule}; the professional test set ${path.basename(PROFESSIONAL_TEST)} is used only for the test metrics below, never for training, early stopping or calibration` },
  thresholds,
  metrics: { validationMeanAuc: round(chosen.auc), testAuc: auc, professionalTest: professional },
  command: `node --import tsx scripts/train-classifier.ts --encoder ${encoderId}${epochs !== HYPER.epochs ? ` --epochs ${epochs}` : ''}${folds !== K_FOLDS ? ` --folds ${folds}` : ''}`,
};
const cardPath = path.join(headsDir, `${headId}.card.json`);
fs.writeFileSync(cardPath, `${JSON.stringify(card, null, 2)}\n`);
log(`wrote ${path.relative(repoRoot, headPath)} (sha256 ${sha256}, ${Buffer.byteLength(headJson)} bytes) and ${path.relative(repoRoot, cardPath)}`);
process.stdout.write(`${JSON.stringify({ id: headId, sha256, bytes: Buffer.byteLength(headJson), thresholds, professional: { ...professional, falseFlags: undefined, misses: undefined } })}\n`);
