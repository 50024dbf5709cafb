// Joint per-category threshold calibration on cross-fitted (out-of-fold) professional scores.
// Each category's threshold has a floor set by the public validation negatives (at most `maxPublicFpr` flagged);
// above it, thresholds are lowered greedily — most harmful professional rows newly caught per benign row newly
// flagged (by any category) first — while the benign rows flagged by any category stay within `maxBenignFlags`.
// Counting the union over categories is the point: nine per-category budgets add up to nine times the false flags.
import { HARM_CATEGORIES, type HarmCategory } from '../../models/classifier/taxonomy.js';

export interface ScoredRow {
  scores: Readonly<Record<HarmCategory, number>>;
  labels: readonly HarmCategory[];
}

export interface CalibrationInput {
  /** Out-of-fold scores of every professional row (benign and harmful). */
  professional: readonly ScoredRow[];
  /** Per category, scores of public validation rows labeled negative for it. */
  publicNegatives: Readonly<Record<HarmCategory, readonly number[]>>;
  maxPublicFpr: number;
  /** Benign professional rows that may be flagged by any category. */
  maxBenignFlags: number;
  range: readonly [number, number];
  step?: number;
}

export interface CalibrationResult {
  thresholds: Record<HarmCategory, number>;
  /** The lowest threshold the public negatives allow, per category. */
  publicFloor: Record<HarmCategory, number>;
  benignFlagged: number;
  harmfulCaught: number;
}

const r2 = (x: number) => Math.round(x * 100) / 100;

export function calibrateJointly(input: CalibrationInput): CalibrationResult {
  const step = input.step ?? 0.01;
  const [lo, hi] = input.range;
  const grid: number[] = [];
  for (let t = hi; t >= lo - 1e-9; t -= step) grid.push(r2(t));
  const publicFloor = {} as Record<HarmCategory, number>;
  for (const c of HARM_CATEGORIES) {
    const neg = input.publicNegatives[c];
    let floor = hi;
    for (const t of grid) {
      if (neg.length && neg.filter((s) => s >= t).length / neg.length > input.maxPublicFpr) break;
      floor = t;
    }
    publicFloor[c] = floor;
  }
  const benign = input.professional.filter((r) => r.labels.length === 0);
  const harmful = input.professional.filter((r) => r.labels.length > 0);
  const thresholds = Object.fromEntries(HARM_CATEGORIES.map((c) => [c, hi])) as Record<HarmCategory, number>;
  const flaggedBenign = (t: Record<HarmCategory, number>) => benign.filter((r) => HARM_CATEGORIES.some((c) => r.scores[c] >= t[c])).length;
  // Gain: harmful (row, labeled category) pairs at or above their threshold.
  const caught = (t: Record<HarmCategory, number>) => harmful.reduce((n, r) => n + r.labels.filter((c) => r.scores[c] >= t[c]).length, 0);
  let cost = flaggedBenign(thresholds);
  let gain = caught(thresholds);
  for (;;) {
    let best: { c: HarmCategory; t: number; dGain: number; dCost: number } | undefined;
    for (const c of HARM_CATEGORIES) {
      for (const t of grid) {
        if (t >= thresholds[c] || t < publicFloor[c]) continue;
        const trial = { ...thresholds, [c]: t };
        const dCost = flaggedBenign(trial) - cost;
        if (cost + dCost > input.maxBenignFlags) break; // lower only costs more
        const dGain = caught(trial) - gain;
        if (dGain <= 0) continue;
        // Free gains first (the largest), then the best gain per false flag; ties go to the higher threshold.
        const better = !best || (dCost === 0 && best.dCost > 0) || (dCost === 0 && best.dCost === 0 ? dGain > best.dGain : best.dCost > 0 && dGain / dCost > best.dGain / best.dCost);
        if (better) best = { c, t, dGain, dCost };
      }
    }
    if (!best) break;
    thresholds[best.c] = best.t;
    cost += best.dCost;
    gain += best.dGain;
  }
  return { thresholds, publicFloor, benignFlagged: cost, harmfulCaught: gain };
}
