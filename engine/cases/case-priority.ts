// Queue priority of a case: how bad the worst category is (a weight per category, like ToxMod's multipliers, times the
// classifier's score), raised when the same subject keeps being flagged. Pure; the store stores the result.
import { HARM_CATEGORIES, isHarmCategory, type HarmCategory } from '../../models/classifier/taxonomy.js';

export interface PriorityWeights {
  /** Multiplier per category, in [0, 2]. */
  readonly categories: Readonly<Record<HarmCategory, number>>;
  /** The floor of a participant's report: a person took the trouble, even without a classifier score. In [0, 2]. */
  readonly reportBase: number;
  /** Each repeat adds this fraction, e.g. 0.5: the factor is 1 + repeatStep x min(repeats, maxRepeats). */
  readonly repeatStep: number;
  readonly maxRepeats: number;
}

export const DEFAULT_PRIORITY_WEIGHTS: PriorityWeights = Object.freeze({
  categories: Object.freeze({
    // Danger to a person first; a self-harm disclosure is urgent care.
    threat: 2,
    self_harm: 2,
    severe: 1.8,
    identity_hate: 1.8,
    harassment: 1.5,
    personal_data: 1.4,
    sexual: 1.2,
    insult: 0.8,
    spam: 0.4,
  }),
  reportBase: 0.6,
  repeatStep: 0.5,
  maxRepeats: 4,
});

export interface PriorityInput {
  kind?: 'flag' | 'report' | 'appeal' | 'wellbeing';
  categories: readonly HarmCategory[];
  /** Classifier score per category in [0, 1]; a category without one counts 0 (a report still gets reportBase). */
  scores: Readonly<Partial<Record<HarmCategory, number>>>;
  /** How many further flags or reports were merged into the case (0 for a fresh one). */
  repeatCount: number;
}

export function validatePriorityWeights(weights: PriorityWeights): void {
  if (!weights || typeof weights !== 'object') throw new TypeError('casePriority: weights must be an object');
  const categories = weights.categories as Record<string, unknown> | undefined;
  if (!categories || typeof categories !== 'object') throw new TypeError('casePriority: weights.categories must be an object');
  for (const key of Object.keys(categories)) {
    if (!isHarmCategory(key)) throw new TypeError(`casePriority: weights.categories.${key} is not a harm category`);
  }
  for (const key of HARM_CATEGORIES) {
    const w = categories[key];
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0 || w > 2) throw new TypeError(`casePriority: weights.categories.${key} must be a number in [0, 2]`);
  }
  if (typeof weights.reportBase !== 'number' || !Number.isFinite(weights.reportBase) || weights.reportBase < 0 || weights.reportBase > 2) {
    throw new TypeError('casePriority: weights.reportBase must be a number in [0, 2]');
  }
  if (typeof weights.repeatStep !== 'number' || !Number.isFinite(weights.repeatStep) || weights.repeatStep < 0) throw new TypeError('casePriority: weights.repeatStep must be a number >= 0');
  if (!Number.isInteger(weights.maxRepeats) || weights.maxRepeats < 0) throw new TypeError('casePriority: weights.maxRepeats must be an integer >= 0');
}

/** max(report base, max over categories of weight x score) x (1 + repeatStep x min(repeats, maxRepeats)). */
export function casePriority(input: PriorityInput, weights: PriorityWeights = DEFAULT_PRIORITY_WEIGHTS): number {
  if (weights !== DEFAULT_PRIORITY_WEIGHTS) validatePriorityWeights(weights);
  if (!input || typeof input !== 'object') throw new TypeError('casePriority: input must be an object');
  if (!Array.isArray(input.categories)) throw new TypeError('casePriority: categories must be an array');
  for (const c of input.categories) if (!isHarmCategory(c)) throw new TypeError(`casePriority: categories has ${String(c)}, not a harm category`);
  if (!input.scores || typeof input.scores !== 'object') throw new TypeError('casePriority: scores must be an object');
  for (const [key, s] of Object.entries(input.scores)) {
    if (!isHarmCategory(key)) throw new TypeError(`casePriority: scores.${key} is not a harm category`);
    if (typeof s !== 'number' || !Number.isFinite(s) || s < 0 || s > 1) throw new TypeError(`casePriority: scores.${key} must be a number in [0, 1]`);
  }
  if (!Number.isInteger(input.repeatCount) || input.repeatCount < 0) throw new TypeError('casePriority: repeatCount must be an integer >= 0');

  let worst = input.kind === 'report' ? weights.reportBase : 0;
  const categories: readonly HarmCategory[] = input.categories;
  for (const c of categories) worst = Math.max(worst, weights.categories[c] * (input.scores[c] ?? 0));
  return worst * (1 + weights.repeatStep * Math.min(input.repeatCount, weights.maxRepeats));
}
