// Joint threshold calibration (scripts/classifier/calibrate.ts) on small hand-built score sets whose right answer
// can be worked out by hand: the public floor holds, benign rows flagged by any category count once against the
// budget, and the greedy lowering spends the budget where a false flag buys the most recall.
import test from 'ava';
import { calibrateJointly, type ScoredRow } from '../../scripts/classifier/calibrate.js';
import { HARM_CATEGORIES, type HarmCategory } from '../../models/classifier/taxonomy.js';

const zero = Object.fromEntries(HARM_CATEGORIES.map((c) => [c, 0])) as Record<HarmCategory, number>;
const row = (scores: Partial<Record<HarmCategory, number>>, labels: HarmCategory[] = []): ScoredRow => ({ scores: { ...zero, ...scores }, labels });
const noPublic = Object.fromEntries(HARM_CATEGORIES.map((c) => [c, [] as number[]])) as Record<HarmCategory, number[]>;
const base = { maxPublicFpr: 0.01, range: [0.05, 0.99] as const };

test('with no benign budget, each threshold is the highest that catches every positive above the top benign score', (t) => {
  const r = calibrateJointly({
    ...base,
    publicNegatives: noPublic,
    maxBenignFlags: 0,
    professional: [row({ threat: 0.6 }), row({ threat: 0.7 }, ['threat']), row({ threat: 0.9 }, ['threat']), row({ threat: 0.5 }, ['threat'])],
  });
  t.is(r.thresholds.threat, 0.7, 'catches 0.9 and 0.7; 0.5 would need flagging the benign 0.6');
  t.is(r.benignFlagged, 0);
  t.is(r.harmfulCaught, 2);
  t.is(r.thresholds.insult, 0.99, 'no positive to gain: the threshold stays at the top of the range');
});

test('the public negatives set a floor the professional rows cannot lower', (t) => {
  const publicNegatives = { ...noPublic, insult: Array.from({ length: 100 }, (_, i) => (i < 2 ? 0.8 : 0.1)) };
  const r = calibrateJointly({ ...base, publicNegatives, maxBenignFlags: 0, professional: [row({ insult: 0.85 }, ['insult']), row({ insult: 0.5 }, ['insult'])] });
  t.is(r.publicFloor.insult, 0.81, '2 % of the public negatives score 0.8: 0.80 would flag more than 1 %');
  t.is(r.thresholds.insult, 0.85, 'lowered to the positive above the floor, not below the floor to the other one');
  t.is(r.harmfulCaught, 1);
});

test('a benign row flagged by two categories costs one false flag, and the budget goes where it buys most recall', (t) => {
  const professional = [
    row({ insult: 0.7, identity_hate: 0.7 }), // one benign row high on two categories
    row({ spam: 0.8 }), // one benign row high on spam
    row({ insult: 0.75 }, ['insult']),
    row({ identity_hate: 0.72 }, ['identity_hate']),
    row({ spam: 0.6 }, ['spam']),
  ];
  const r = calibrateJointly({ ...base, publicNegatives: noPublic, maxBenignFlags: 1, professional });
  // Insult and identity_hate catch their rows for free at 0.75 / 0.72 (equal gains keep the higher threshold); the one
  // allowed false flag then buys the spam row (lower insult / identity_hate would spend it for nothing).
  t.is(r.thresholds.insult, 0.75);
  t.is(r.thresholds.identity_hate, 0.72);
  t.is(r.thresholds.spam, 0.6);
  t.is(r.benignFlagged, 1);
  t.is(r.harmfulCaught, 3);
});
