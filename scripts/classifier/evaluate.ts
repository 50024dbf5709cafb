// Test metrics shared by the trainers: per-source, per-category ROC-AUC on the public test splits, and recall /
// false flags on the held-out professional test set at given thresholds.
import type { HarmScores } from '../../models/classifier/harm-classifier.js';
import { HARM_CATEGORIES, type HarmCategory } from '../../models/classifier/taxonomy.js';
import type { Example } from './datasets.js';
import { rocAuc, round } from './metrics.js';

export type AucTable = Record<string, Partial<Record<HarmCategory, { n: number; positives: number; auc: number }>>>;

/** ROC-AUC per source and category where the source labels the category and has at least 5 positives. */
export function aucBySource(rows: readonly Example[], scores: readonly HarmScores[]): AucTable {
  const out: AucTable = {};
  for (const source of [...new Set(rows.map((e) => e.source))].filter((s) => s !== 'professional_test')) {
    out[source] = {};
    for (const c of HARM_CATEGORIES) {
      const idx = rows.map((e, i) => [e, i] as const).filter(([e]) => e.source === source && e.known.includes(c));
      const labels = idx.map(([e]) => e.labels.includes(c));
      const positives = labels.filter(Boolean).length;
      if (positives < 5) continue;
      out[source]![c] = { n: idx.length, positives, auc: round(rocAuc(idx.map(([, i]) => scores[i]![c]), labels)) };
    }
  }
  return out;
}

export interface ProfessionalReport {
  benign: number;
  harmful: number;
  falseFlagRate: number;
  recallAny: number;
  recallRightCategory: number;
  perCategory: Record<string, { positives: number; recall: number; falseFlags: number }>;
  falseFlags: { text: string; categories: HarmCategory[] }[];
  misses: { text: string; labels: readonly HarmCategory[] }[];
}

/** Recall on harmful rows (any category, and the labeled one) and false flags on benign rows at `thresholds`. */
export function professionalReport(rows: readonly Example[], scores: readonly HarmScores[], thresholds: Readonly<Record<HarmCategory, number>>): ProfessionalReport {
  const flagged = (s: HarmScores) => HARM_CATEGORIES.filter((c) => s[c] >= thresholds[c]);
  const all = rows.map((e, i) => ({ e, categories: flagged(scores[i]!) }));
  const benign = all.filter((r) => r.e.labels.length === 0);
  const harmful = all.filter((r) => r.e.labels.length > 0);
  return {
    benign: benign.length,
    harmful: harmful.length,
    falseFlagRate: round(benign.filter((r) => r.categories.length > 0).length / Math.max(1, benign.length), 4),
    recallAny: round(harmful.filter((r) => r.categories.length > 0).length / Math.max(1, harmful.length), 4),
    recallRightCategory: round(harmful.filter((r) => r.categories.some((c) => r.e.labels.includes(c))).length / Math.max(1, harmful.length), 4),
    perCategory: Object.fromEntries(
      HARM_CATEGORIES.map((c) => {
        const pos = all.filter((r) => r.e.labels.includes(c));
        return [c, { positives: pos.length, recall: round(pos.filter((r) => r.categories.includes(c)).length / Math.max(1, pos.length), 3), falseFlags: benign.filter((r) => r.categories.includes(c)).length }];
      }),
    ),
    falseFlags: benign.filter((r) => r.categories.length > 0).map((r) => ({ text: r.e.text, categories: r.categories })),
    misses: harmful.filter((r) => r.categories.length === 0).map((r) => ({ text: r.e.text, labels: r.e.labels })),
  };
}
