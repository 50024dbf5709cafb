import test from 'ava';
import { casePriority, DEFAULT_PRIORITY_WEIGHTS, validatePriorityWeights, type PriorityWeights } from '../../engine/cases/case-priority.js';
import { HARM_CATEGORIES } from '../../models/classifier/taxonomy.js';

test('the worst weighted category decides, raised by repeats up to a cap', (t) => {
  const w = DEFAULT_PRIORITY_WEIGHTS;
  t.is(casePriority({ categories: ['threat'], scores: { threat: 0.9 }, repeatCount: 0 }), w.categories.threat * 0.9);
  t.is(casePriority({ categories: ['spam', 'insult'], scores: { spam: 0.99, insult: 0.5 }, repeatCount: 0 }), Math.max(w.categories.spam * 0.99, w.categories.insult * 0.5));
  t.is(casePriority({ categories: ['insult'], scores: { insult: 0.5 }, repeatCount: 2 }), w.categories.insult * 0.5 * 2);
  t.is(casePriority({ categories: ['insult'], scores: { insult: 0.5 }, repeatCount: 4 }), w.categories.insult * 0.5 * 3);
  t.is(casePriority({ categories: ['insult'], scores: { insult: 0.5 }, repeatCount: 40 }), w.categories.insult * 0.5 * 3);
  // A scored category that was not flagged does not count.
  t.is(casePriority({ categories: ['insult'], scores: { insult: 0.5, threat: 1 }, repeatCount: 0 }), w.categories.insult * 0.5);
  t.is(casePriority({ categories: [], scores: {}, repeatCount: 0 }), 0);
});

test('defaults rank danger above noise, all within [0, 2]', (t) => {
  const c = DEFAULT_PRIORITY_WEIGHTS.categories;
  for (const k of HARM_CATEGORIES) t.true(c[k] >= 0 && c[k] <= 2, k);
  for (const high of ['threat', 'severe', 'identity_hate', 'self_harm'] as const) {
    t.true(c[high] >= 1.5, high);
    t.true(c[high] > c.spam * 3, high);
  }
  t.true(c.spam <= 0.5);
});

test('a participant report gets a base even without classifier scores', (t) => {
  const base = DEFAULT_PRIORITY_WEIGHTS.reportBase;
  t.is(casePriority({ kind: 'report', categories: ['harassment'], scores: {}, repeatCount: 0 }), base);
  t.is(casePriority({ kind: 'report', categories: ['harassment'], scores: {}, repeatCount: 1 }), base * 1.5);
  t.is(casePriority({ kind: 'report', categories: ['threat'], scores: { threat: 0.9 }, repeatCount: 0 }), 1.8);
  t.is(casePriority({ kind: 'flag', categories: ['harassment'], scores: {}, repeatCount: 0 }), 0);
});

test('custom weights are validated, naming the key at fault', (t) => {
  const good: PriorityWeights = { ...DEFAULT_PRIORITY_WEIGHTS, categories: { ...DEFAULT_PRIORITY_WEIGHTS.categories, spam: 1 } };
  t.is(casePriority({ categories: ['spam'], scores: { spam: 0.5 }, repeatCount: 0 }, good), 0.5);
  const bad = (patch: Record<string, unknown>, cats: Record<string, unknown> = {}) =>
    ({ ...DEFAULT_PRIORITY_WEIGHTS, ...patch, categories: { ...DEFAULT_PRIORITY_WEIGHTS.categories, ...cats } }) as unknown as PriorityWeights;
  t.throws(() => validatePriorityWeights(bad({}, { threat: 2.5 })), { instanceOf: TypeError, message: /categories\.threat/ });
  t.throws(() => validatePriorityWeights(bad({}, { spam: -0.1 })), { instanceOf: TypeError, message: /categories\.spam/ });
  t.throws(() => validatePriorityWeights(bad({}, { insult: Number.NaN })), { instanceOf: TypeError, message: /categories\.insult/ });
  t.throws(() => validatePriorityWeights(bad({}, { rudeness: 1 })), { instanceOf: TypeError, message: /categories\.rudeness/ });
  const missing = { ...DEFAULT_PRIORITY_WEIGHTS, categories: { ...DEFAULT_PRIORITY_WEIGHTS.categories } } as { categories: Record<string, number> };
  delete missing.categories.sexual;
  t.throws(() => casePriority({ categories: [], scores: {}, repeatCount: 0 }, missing as unknown as PriorityWeights), { instanceOf: TypeError, message: /categories\.sexual/ });
  t.throws(() => validatePriorityWeights(bad({ reportBase: 3 })), { instanceOf: TypeError, message: /reportBase/ });
  t.throws(() => validatePriorityWeights(bad({ maxRepeats: 1.5 })), { instanceOf: TypeError, message: /maxRepeats/ });
});

test('bad input is a TypeError', (t) => {
  t.throws(() => casePriority({ categories: ['rudeness' as never], scores: {}, repeatCount: 0 }), { instanceOf: TypeError, message: /rudeness/ });
  t.throws(() => casePriority({ categories: ['insult'], scores: { insult: 1.2 }, repeatCount: 0 }), { instanceOf: TypeError, message: /scores\.insult/ });
  t.throws(() => casePriority({ categories: ['insult'], scores: {}, repeatCount: -1 }), { instanceOf: TypeError, message: /repeatCount/ });
});
