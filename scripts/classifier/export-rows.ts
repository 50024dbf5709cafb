// Writes the classifier's training data as JSON lines for the fine-tuning script (scripts/classifier/finetune.py):
// the same loaders, splits and leakage check as the head trainer, one line per example:
//   {"id","source","split","text","y":[-1|0|1 per category in taxonomy order],"weight"}
// -1 = the source does not label that category (masked out of the loss). Only the professional rows of the train
// split are augmented (joined after a harmless line, punctuation dropped): its seeded 25 % validation split is kept
// apart, unseen, for threshold calibration.
// With --final, the professional validation rows train too (marked split "train"): for the shipped model, trained
// after its threshold rule was chosen on a run that held them out.
// --drop-train-source S[,S]: those sources' training rows are left out (their validation and test rows stay, to be
// measured). harm-minilm-ft-v5 drops C-SSRS: its labels are per user, not per post (test AUC 0.62), and the model
// learned "a long personal story" as self-harm from it ("everything I have ever done" scored 0.996 on v4).
//   node --import tsx scripts/classifier/export-rows.ts OUT.jsonl [--final] [--drop-train-source cssrs]
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { HARM_CATEGORIES } from '../../models/classifier/taxonomy.js';
import { augmentProfessional } from './augment.js';
import { DatasetReader, defaultEvalTextDir, loadAll, type Example } from './datasets.js';
import { checkLeakage } from './leakage.js';

/** Same seed and source weights as the head trainer (scripts/train-classifier.ts). */
const SEED = 20261202;
const SOURCE_WEIGHT: Readonly<Record<string, number>> = { professional: 8, professional_aug: 4 };

const { values, positionals } = parseArgs({ allowPositionals: true, options: { final: { type: 'boolean', default: false }, 'drop-train-source': { type: 'string' } } });
const out = positionals[0];
if (!out) throw new TypeError('usage: export-rows.ts OUT.jsonl [--final]');
const reader = new DatasetReader(defaultEvalTextDir());
const loaded = loadAll(reader).map((e): Example => (values.final && e.source === 'professional' && e.split === 'val' ? { ...e, split: 'train' } : e));
const leakage = checkLeakage(loaded.filter((e) => e.source === 'professional').map((e) => e.text), loaded.filter((e) => e.source === 'professional_test').map((e) => e.text));
if (leakage.tooClose.length) throw new Error(`${leakage.tooClose.length} professional training lines are near-copies of test lines (${leakage.rule})`);
const dropped = new Set((values['drop-train-source'] ?? '').split(',').filter(Boolean));
const augmented = augmentProfessional(loaded.filter((e) => e.split === 'train'), SEED);
const examples: Example[] = [...loaded, ...augmented.rows].filter((e) => !(e.split === 'train' && dropped.has(e.source)));
const lines = examples.map((e) =>
  JSON.stringify({
    id: e.id,
    source: e.source,
    split: e.split,
    text: e.text,
    y: HARM_CATEGORIES.map((c) => (!e.known.includes(c) ? -1 : e.labels.includes(c) ? 1 : 0)),
    weight: SOURCE_WEIGHT[e.source] ?? 1,
  }),
);
fs.writeFileSync(out, `${lines.join('\n')}\n`);
const files = [...new Map(reader.files.map((f) => [f.path, f])).values()];
fs.writeFileSync(`${out}.files.json`, `${JSON.stringify({ categories: HARM_CATEGORIES, files, leakage: { ...leakage, tooClose: 0 } }, null, 2)}\n`);
const count = (s: string) => examples.filter((e) => e.split === s).length;
process.stderr.write(`wrote ${examples.length} rows (train ${count('train')}, val ${count('val')}, test ${count('test')}) to ${out}\n`);
