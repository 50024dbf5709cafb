// Guards the held-out professional test set: no training line may be a copy or a near-paraphrase of a test line.
// Two measures on normalised text (lower case, punctuation dropped, spaces collapsed): the character edit distance
// relative to the longer line, and the word-set Jaccard overlap. Training refuses to run when a pair is too close;
// `node --import tsx scripts/classifier/leakage.ts [train.jsonl] [test.jsonl]` prints the closest pairs.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A pair is "too close" when its relative edit distance is at most this, or its word overlap at least WORD_JACCARD. */
export const MAX_RELATIVE_EDIT_DISTANCE = 0.3;
export const MAX_WORD_JACCARD = 0.6;

export interface LeakagePair {
  train: string;
  test: string;
  relativeEditDistance: number;
  wordJaccard: number;
}

export interface LeakageReport {
  trainLines: number;
  testLines: number;
  rule: string;
  tooClose: LeakagePair[];
  /** The closest pair by relative edit distance, whatever it is. */
  closest: LeakagePair | undefined;
}

export function normaliseForLeakage(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1));
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/** Spoken digits are placeholders in both sets (every phone number shares them): left out of the word overlap, still
 * counted by the edit distance. */
const DIGIT_WORDS = new Set(['zero', 'oh', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'double']);

function wordSet(normalised: string): Set<string> {
  return new Set(normalised.split(' ').filter((w) => w && !DIGIT_WORDS.has(w) && !/^\d+$/.test(w)));
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let inter = 0;
  for (const w of a) if (b.has(w)) inter++;
  const union = a.size + b.size - inter;
  return union === 0 ? 1 : inter / union;
}

export function checkLeakage(trainTexts: readonly string[], testTexts: readonly string[]): LeakageReport {
  const test = testTexts.map((t) => {
    const n = normaliseForLeakage(t);
    return { raw: t, n, words: wordSet(n) };
  });
  const tooClose: LeakagePair[] = [];
  let closest: LeakagePair | undefined;
  for (const raw of trainTexts) {
    const n = normaliseForLeakage(raw);
    const words = wordSet(n);
    for (const t of test) {
      const longer = Math.max(n.length, t.n.length, 1);
      // The edit distance is at least the length difference: skip pairs that cannot be close.
      const lower = Math.abs(n.length - t.n.length) / longer;
      const wj = jaccard(words, t.words);
      if (lower > MAX_RELATIVE_EDIT_DISTANCE && wj < MAX_WORD_JACCARD && closest && lower >= closest.relativeEditDistance) continue;
      const red = editDistance(n, t.n) / longer;
      const pair = { train: raw, test: t.raw, relativeEditDistance: Math.round(red * 1000) / 1000, wordJaccard: Math.round(wj * 1000) / 1000 };
      if (!closest || red < closest.relativeEditDistance) closest = pair;
      if (red <= MAX_RELATIVE_EDIT_DISTANCE || wj >= MAX_WORD_JACCARD) tooClose.push(pair);
    }
  }
  return {
    trainLines: trainTexts.length,
    testLines: testTexts.length,
    rule: `no training line within relative edit distance ${MAX_RELATIVE_EDIT_DISTANCE} (normalised characters) or word-set Jaccard >= ${MAX_WORD_JACCARD} of any test line`,
    tooClose,
    closest,
  };
}

function readJsonlTexts(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { text: string }).text);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) {
  const { PROFESSIONAL_TRAIN, PROFESSIONAL_TEST } = await import('./datasets.js');
  const trainFile = process.argv[2] ?? PROFESSIONAL_TRAIN;
  const testFile = process.argv[3] ?? PROFESSIONAL_TEST;
  const report = checkLeakage(readJsonlTexts(trainFile), readJsonlTexts(testFile));
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.exitCode = report.tooClose.length ? 1 : 0;
}
