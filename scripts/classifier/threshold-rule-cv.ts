// Chooses how the fine-tuned classifier's thresholds are set, without reading the test set: on a model trained with
// the professional validation split held out (finetune.py on export-rows.ts without --final), each candidate rule
// sets thresholds on one seeded half of that split and is measured on the other half (both ways, 10 seeds): recall
// on harmful rows and false flags on benign ones that the rule never saw. Flat thresholds are also measured on the
// whole split, with the public validation false-positive rate per category.
//   node --import tsx scripts/classifier/threshold-rule-cv.ts MODEL_DIR
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashUnit } from '../../core/random.js';
import { resolveModelFiles } from '../../models/fetch.js';
import { scoreWithRules, type HarmScores } from '../../models/classifier/harm-classifier.js';
import { finetunedHarmModel } from '../../models/classifier/harm-model.js';
import { SequenceClassifier } from '../../models/classifier/sequence-classifier.js';
import { HARM_CATEGORIES, type HarmCategory } from '../../models/classifier/taxonomy.js';
import { calibrateJointly } from './calibrate.js';
import { DatasetReader, defaultEvalTextDir, loadAll, type Example } from './datasets.js';

const dir = process.argv[2];
if (!dir) throw new TypeError('usage: threshold-rule-cv.ts MODEL_DIR');
const modelsDir = process.env['MODELS_DIR'] ?? path.join(os.homedir(), '.cache/roundtable/models');
const val = loadAll(new DatasetReader(defaultEvalTextDir())).filter((e) => e.split === 'val');
const model = finetunedHarmModel(await SequenceClassifier.load({ modelPath: path.join(dir, 'model.onnx'), tokenizerPath: (await resolveModelFiles('all-minilm-l6-v2-q', modelsDir))['tokenizer.json']!, labels: HARM_CATEGORIES.length, maxTokens: 64, threads: 2 }), HARM_CATEGORIES);
const scores: HarmScores[] = [];
for (let i = 0; i < val.length; i += 32) {
  const b = val.slice(i, i + 32);
  scores.push(...(await scoreWithRules(model, b.map((e) => e.text))));
}
await model.close();

interface Scored {
  e: Example;
  s: HarmScores;
}
const prof: Scored[] = val.map((e, i) => ({ e, s: scores[i]! })).filter((r) => r.e.source === 'professional');
const pub: Scored[] = val.map((e, i) => ({ e, s: scores[i]! })).filter((r) => r.e.source !== 'professional');
const publicNegatives = Object.fromEntries(HARM_CATEGORIES.map((c) => [c, pub.flatMap((r) => (r.e.known.includes(c) && !r.e.labels.includes(c) ? [r.s[c]] : []))])) as Record<HarmCategory, number[]>;
const flat = (t: number) => Object.fromEntries(HARM_CATEGORIES.map((c) => [c, t])) as Record<HarmCategory, number>;

interface Rule {
  name: string;
  set: (rows: readonly Scored[]) => Record<HarmCategory, number>;
}
const joint = (fpr: number, benignRate: number, hi: number) => (rows: readonly Scored[]) =>
  calibrateJointly({
    professional: rows.map((r) => ({ scores: r.s, labels: r.e.labels })),
    publicNegatives,
    maxPublicFpr: fpr,
    maxBenignFlags: Math.floor(benignRate * rows.filter((r) => r.e.labels.length === 0).length),
    range: [0.05, hi],
  }).thresholds;
const rules: Rule[] = [
  { name: 'joint: public FPR <= 2 %, benign <= 1 %, in [0.05, 0.99]', set: joint(0.02, 0.01, 0.99) },
  { name: 'joint: public FPR <= 5 %, benign <= 1 %, in [0.05, 0.99]', set: joint(0.05, 0.01, 0.99) },
  { name: 'joint: public FPR <= 2 %, benign <= 1 %, in [0.05, 0.95]', set: joint(0.02, 0.01, 0.95) },
  ...[0.9, 0.93, 0.95, 0.97].map((t) => ({ name: `flat ${t}`, set: () => flat(t) })),
];

function measure(rows: readonly Scored[], t: Record<HarmCategory, number>) {
  const flagged = (s: HarmScores) => HARM_CATEGORIES.some((c) => s[c] >= t[c]);
  const benign = rows.filter((r) => r.e.labels.length === 0);
  const harmful = rows.filter((r) => r.e.labels.length > 0);
  return { falseFlags: benign.filter((r) => flagged(r.s)).length, benign: benign.length, caught: harmful.filter((r) => flagged(r.s)).length, harmful: harmful.length };
}

const report = rules.map((rule) => {
  const total = { falseFlags: 0, benign: 0, caught: 0, harmful: 0 };
  for (let seed = 1; seed <= 10; seed++) {
    for (const first of [true, false]) {
      const fit = prof.filter((r) => hashUnit(`cv:${r.e.id}`, seed) < 0.5 === first);
      const held = prof.filter((r) => !fit.includes(r));
      const m = measure(held, rule.set(fit));
      for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += m[k];
    }
  }
  return { rule: rule.name, heldOutRecall: Math.round((total.caught / total.harmful) * 1000) / 10, heldOutFalseFlagPercent: Math.round((total.falseFlags / total.benign) * 10000) / 100 };
});
const flats = [0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99].map((t) => {
  const m = measure(prof, flat(t));
  return {
    threshold: t,
    recall: Math.round((m.caught / m.harmful) * 1000) / 10,
    falseFlags: `${m.falseFlags}/${m.benign}`,
    publicValFprPercent: Object.fromEntries(HARM_CATEGORIES.map((c) => [c, Math.round((publicNegatives[c].filter((x) => x >= t).length / Math.max(1, publicNegatives[c].length)) * 1000) / 10])),
  };
});
const out = { model: JSON.parse(fs.readFileSync(path.join(dir, 'finetune.json'), 'utf8')).onnx, professionalValidation: { rows: prof.length, benign: prof.filter((r) => r.e.labels.length === 0).length }, crossValidated: report, flatOnWholeSplit: flats };
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
