// What speech costs the harm classifier: the held-out professional test set (models/classifier/data/
// professional-test-v1.jsonl) scored twice in one run — as written, and as spoken (flite voices -> 16 kHz -> the
// local speech model -> the classifier at the shipped thresholds). Reports recall on harmful lines and false flags
// on benign ones for both, per category, and the word error rate of the speech model on these lines.
//
//   nice -n 10 node --import tsx bench/classifier-spoken.ts [--voices slt,kal] [--limit N] [--head ID]
// --head: a registered harm model (models/registry.ts TRAINED_MODELS); the shipped one by default.
// JSON on stdout.
import fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config.js';
import { HarmClassifier } from '../models/classifier/harm-classifier.js';
import { HARM_CATEGORIES } from '../models/classifier/taxonomy.js';
import { createRecognizer } from '../models/stt/create-recognizer.js';
import { wordErrorRate } from '../models/stt/wer.js';
import { synthesizeSpeech } from '../test/support/tts.js';

const { values } = parseArgs({ options: { voices: { type: 'string', default: 'slt,kal' }, limit: { type: 'string' }, head: { type: 'string' } } });
const voices = values.voices!.split(',');
const file = fileURLToPath(new URL('../models/classifier/data/professional-test-v1.jsonl', import.meta.url));
let lines = (await fs.readFile(file, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string; text: string; labels: string[] });
if (values.limit) lines = lines.slice(0, Number(values.limit));

const config = loadConfig();
const classifier = await HarmClassifier.load({ modelsDir: config.dirs.models, threads: 1, ...(values.head ? { headId: values.head } : {}) });
const recognizer = await createRecognizer(config);

interface Tally {
  harmful: number;
  caught: number;
  benign: number;
  falseFlags: number;
  byCategory: Record<string, { n: number; caught: number }>;
}
const tally = (): Tally => ({ harmful: 0, caught: 0, benign: 0, falseFlags: 0, byCategory: {} });
const written = tally();
const spoken = tally();
let werSum = 0;
let werN = 0;

function count(t: Tally, labels: string[], flagged: string[]): void {
  if (labels.length === 0) {
    t.benign += 1;
    if (flagged.length > 0) t.falseFlags += 1;
    return;
  }
  t.harmful += 1;
  // Caught: flagged for any category (the policy acts on any); per category: that category flagged.
  if (flagged.length > 0) t.caught += 1;
  for (const c of labels) {
    const b = (t.byCategory[c] ??= { n: 0, caught: 0 });
    b.n += 1;
    if (flagged.includes(c)) b.caught += 1;
  }
}

for (const line of lines) {
  count(written, line.labels, (await classifier.classify(line.text)).categories);
  for (const voice of voices) {
    const audio = await synthesizeSpeech(line.text, voice);
    const heard = (await recognizer.transcribe(audio)).text;
    werSum += wordErrorRate(line.text, heard).wer;
    werN += 1;
    count(spoken, line.labels, heard.trim() ? (await classifier.classify(heard)).categories : []);
  }
}

const summary = (t: Tally) => ({
  recall: t.caught / Math.max(1, t.harmful),
  falseFlagRate: t.falseFlags / Math.max(1, t.benign),
  harmful: t.harmful,
  benign: t.benign,
  perCategoryRecall: Object.fromEntries(HARM_CATEGORIES.filter((c) => t.byCategory[c]).map((c) => [c, t.byCategory[c]!.caught / t.byCategory[c]!.n])),
});
const w = summary(written);
const s = summary(spoken);
console.log(
  JSON.stringify(
    {
      bench: 'classifier-spoken',
      at: new Date().toISOString(),
      lines: lines.length,
      voices,
      modelVersion: classifier.modelVersion,
      stt: recognizer.id,
      meanWer: werSum / Math.max(1, werN),
      written: w,
      spoken: s,
      recallRatioSpokenToWritten: s.recall / Math.max(1e-9, w.recall),
    },
    null,
    2,
  ),
);
await classifier.close();
await recognizer.close();
