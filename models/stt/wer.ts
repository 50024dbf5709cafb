// Word error rate, as pure functions: the bench scores recognizers with it and the STT tests set thresholds with it.
// Normalisation follows the usual ASR-eval convention (case, punctuation and hyphenation do not count as errors)
// so that a model that writes "Cold-hearted," is not penalised against a reference of "cold hearted".

export interface WerCounts {
  substitutions: number;
  deletions: number;
  insertions: number;
  /** Words in the normalised reference. */
  referenceWords: number;
}

export interface WerResult extends WerCounts {
  /** (S + D + I) / N; 0 for two empty texts, Infinity for words against an empty reference. */
  wer: number;
}

const ABBREVIATIONS: Record<string, string> = { mr: 'mister', mrs: 'missus', dr: 'doctor' };

export function normalizeTranscript(text: string): string[] {
  if (typeof text !== 'string') throw new TypeError(`text must be a string, got ${typeof text}`);
  return text
    .toLowerCase()
    .normalize('NFKC')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[-\u2010-\u2015]/g, ' ')
    .replace(/[^\p{L}\p{N}'\s]/gu, ' ')
    .split(/\s+/)
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter((w) => w !== '')
    .map((w) => ABBREVIATIONS[w] ?? w);
}

/** Minimum-edit alignment of word sequences; ties prefer substitution, then deletion, then insertion. */
export function alignWords(reference: readonly string[], hypothesis: readonly string[]): WerCounts {
  if (!Array.isArray(reference)) throw new TypeError('reference must be an array of words');
  if (!Array.isArray(hypothesis)) throw new TypeError('hypothesis must be an array of words');
  const n = reference.length;
  const m = hypothesis.length;
  // cost[i][j]: edits turning reference[0..i) into hypothesis[0..j)
  const cost: number[][] = Array.from({ length: n + 1 }, (_, i) => Array.from({ length: m + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const same = reference[i - 1] === hypothesis[j - 1];
      cost[i]![j] = Math.min(cost[i - 1]![j - 1]! + (same ? 0 : 1), cost[i - 1]![j]! + 1, cost[i]![j - 1]! + 1);
    }
  }
  const counts: WerCounts = { substitutions: 0, deletions: 0, insertions: 0, referenceWords: n };
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0 && cost[i]![j] === cost[i - 1]![j - 1]! + (reference[i - 1] === hypothesis[j - 1] ? 0 : 1)) {
      if (reference[i - 1] !== hypothesis[j - 1]) counts.substitutions++;
      i--;
      j--;
    } else if (i > 0 && cost[i]![j] === cost[i - 1]![j]! + 1) {
      counts.deletions++;
      i--;
    } else {
      counts.insertions++;
      j--;
    }
  }
  return counts;
}

export function werFromCounts(c: WerCounts): number {
  const errors = c.substitutions + c.deletions + c.insertions;
  if (c.referenceWords === 0) return errors === 0 ? 0 : Infinity;
  return errors / c.referenceWords;
}

export function wordErrorRate(reference: string, hypothesis: string): WerResult {
  const counts = alignWords(normalizeTranscript(reference), normalizeTranscript(hypothesis));
  return { ...counts, wer: werFromCounts(counts) };
}

/** Corpus WER: total errors over total reference words, so long utterances weigh more than short ones. */
export function corpusWordErrorRate(pairs: readonly { reference: string; hypothesis: string }[]): WerResult {
  if (!Array.isArray(pairs)) throw new TypeError('pairs must be an array of { reference, hypothesis }');
  const total: WerCounts = { substitutions: 0, deletions: 0, insertions: 0, referenceWords: 0 };
  for (const p of pairs) {
    const c = wordErrorRate(p.reference, p.hypothesis);
    total.substitutions += c.substitutions;
    total.deletions += c.deletions;
    total.insertions += c.insertions;
    total.referenceWords += c.referenceWords;
  }
  return { ...total, wer: werFromCounts(total) };
}
