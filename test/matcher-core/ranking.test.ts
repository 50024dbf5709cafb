// Pair scoring (hand-computed) and the reasons each member reads.
import test from 'ava';
import { type MatchProfile, type PairSignals, DEFAULT_RANKING_WEIGHTS, explainPair, resolveWeights, scorePair } from '../../matcher/index.js';
import { iv } from './_helpers.js';

const ana: MatchProfile = {
  memberId: 'ana',
  displayName: 'Ana Ferri',
  pronoun: 'she',
  offers: ['fundraising for seed rounds', 'hiring a first sales team'],
  seeks: ['product strategy for B2B SaaS'],
  languages: ['it', 'en'],
  zone: 'Europe/Rome',
  skills: ['Fundraising', 'SaaS'],
  experienceSummary: 'Founder, two exits',
};
const ben: MatchProfile = {
  memberId: 'ben',
  displayName: 'Ben Okafor',
  offers: ['product strategy and roadmaps'],
  seeks: ['seed fundraising advice'],
  languages: ['en-US', 'it'],
  zone: 'America/New_York',
  skills: ['saas', 'Product management'],
};
// Mon Mar 17 2025, 12:00–16:00Z: Rome 13:00–17:00 (CET), New York 08:00–12:00 (EDT).
const monday = iv('2025-03-17T12:00Z', '2025-03-17T16:00Z');
const signals = (over: Partial<PairSignals> = {}): PairSignals => ({ goalFitAB: 0.82, goalFitBA: 0.46, experienceSimilarity: 0.55, overlap: [iv('2025-03-17T12:00Z', '2025-03-17T13:30Z')], ...over });

test('the score is the documented weighted mean (hand-computed)', (t) => {
  // fits: (0.82−0.1)/0.9 = 0.8, (0.46−0.1)/0.9 = 0.4; complementarity = 0.5·√0.32 + 0.5·0.6 = 0.5828427
  // experience (0.55−0.1)/0.9 = 0.5; 90 min → 1 − 2^−1 = 0.5; language 1
  // score = 0.5·0.5828427 + 0.2·0.5 + 0.2·0.5 + 0.1·1 = 0.5914214
  const s = scorePair(ana, ben, signals());
  t.true(s.eligible);
  t.true(Math.abs(s.score - 0.5914214) < 1e-6);
  t.true(Math.abs(s.components.complementarity - 0.5828427) < 1e-6);
  t.is(s.components.overlapMinutes, 90);
  t.deepEqual(s.sharedLanguages, ['it', 'en']);
});

test('mutual fit beats one-sided fit of the same total; a mentoring fit still counts', (t) => {
  const mutual = scorePair(ana, ben, signals({ goalFitAB: 0.6, goalFitBA: 0.6 })).score;
  const oneSided = scorePair(ana, ben, signals({ goalFitAB: 0.9, goalFitBA: 0.3 })).score;
  const mentoring = scorePair(ana, ben, signals({ goalFitAB: 0.9, goalFitBA: 0.0 })).score;
  const none = scorePair(ana, ben, signals({ goalFitAB: 0.0, goalFitBA: 0.0 })).score;
  t.true(mutual > oneSided);
  t.true(mentoring > none);
});

test('the score is symmetric when A and B swap', (t) => {
  const ab = scorePair(ana, ben, signals({ goalFitAB: 0.7, goalFitBA: 0.3 }));
  const ba = scorePair(ben, ana, signals({ goalFitAB: 0.3, goalFitBA: 0.7 }));
  t.true(Math.abs(ab.score - ba.score) < 1e-12);
});

test('common time saturates: 90 min → 0.5, 180 → 0.75, and more helps less', (t) => {
  const a90 = scorePair(ana, ben, signals({ overlap: [iv('2025-03-17T12:00Z', '2025-03-17T13:30Z')] })).components.availability;
  const a180 = scorePair(ana, ben, signals({ overlap: [iv('2025-03-17T12:00Z', '2025-03-17T15:00Z')] })).components.availability;
  const aWeek = scorePair(ana, ben, signals({ overlap: [iv('2025-03-17T00:00Z', '2025-03-18T00:00Z')] })).components.availability;
  t.true(Math.abs(a90 - 0.5) < 1e-12);
  t.true(Math.abs(a180 - 0.75) < 1e-12);
  t.true(aWeek > 0.99 && aWeek <= 1);
});

test('no shared language or no common time makes the pair ineligible', (t) => {
  const jun = { ...ben, memberId: 'jun', languages: ['ja'] };
  const s = scorePair(ana, jun, signals());
  t.deepEqual([s.eligible, s.ineligible, s.score], [false, 'no_shared_language', 0]);
  const relaxed = scorePair(ana, jun, signals(), { requireSharedLanguage: false });
  t.true(relaxed.eligible);
  t.is(relaxed.components.language, 0);
  t.is(scorePair(ana, ben, signals({ overlap: [] })).ineligible, 'no_common_time');
  t.is(scorePair(ana, ana, signals()).ineligible, 'same_member');
  // Regional variants share the language.
  const pt1 = { ...ana, languages: ['pt-BR'] };
  const pt2 = { ...ben, languages: ['pt-PT'] };
  t.deepEqual(scorePair(pt1, pt2, signals()).sharedLanguages, ['pt']);
});

test('weights are validated by name', (t) => {
  t.deepEqual(resolveWeights(), { ...DEFAULT_RANKING_WEIGHTS });
  t.throws(() => resolveWeights({ experience: -1 }), { instanceOf: TypeError, message: /weights\.experience/ });
  t.throws(() => resolveWeights({ mutuality: 2 }), { instanceOf: TypeError, message: /weights\.mutuality/ });
  t.throws(() => resolveWeights({ colour: 1 } as never), { instanceOf: TypeError, message: /weights\.colour/ });
  t.throws(() => resolveWeights({ complementarity: 0, experience: 0, availability: 0, language: 0 }), { instanceOf: TypeError, message: /must not all be 0/ });
  t.throws(() => scorePair(ana, ben, signals({ goalFitAB: 2 })), { instanceOf: TypeError, message: /signals\.goalFitAB/ });
  t.throws(() => scorePair(ana, { ...ben, languages: ['not a tag!'] }, signals()), { instanceOf: TypeError, message: /b\.languages\[0\]/ });
  t.throws(() => scorePair(ana, { ...ben, zone: 'Mars/Base' }, signals()), { instanceOf: TypeError, message: /b\.zone/ });
});

test('reasons: languages, who helps with what, shared skills and the common time in the reader’s zone', (t) => {
  const r = explainPair(ana, ben, { goalFitAB: 0.7, goalFitBA: 0.8, experienceSimilarity: 0.2, overlap: [monday] });
  t.deepEqual(r.forA, [
    'you both speak Italian and English',
    'Ben can help with product strategy and roadmaps',
    'Ben is looking for seed fundraising advice, which you offer',
    'you both work with SaaS',
    'you overlap Mon 13:00–17:00 your time',
  ]);
  t.deepEqual(r.forB, [
    'you both speak English and Italian',
    'Ana can help with fundraising for seed rounds',
    'she is looking for product strategy for B2B SaaS, which you offer',
    'you both work with saas',
    'you overlap Mon 08:00–12:00 your time',
  ]);
});

test('reasons use the embedding layer’s topics when given, skip weak fits, and name the two longest windows', (t) => {
  const r = explainPair(ana, ben, {
    goalFitAB: 0.75,
    goalFitBA: 0.2,
    experienceSimilarity: 0.6,
    overlap: [iv('2025-03-17T12:00Z', '2025-03-17T16:00Z'), iv('2025-03-18T12:00Z', '2025-03-18T12:30Z'), iv('2025-03-19T12:00Z', '2025-03-19T14:00Z')],
    topicAB: { seek: 'product strategy for B2B SaaS', offer: 'go-to-market for developer tools' },
  });
  t.deepEqual(r.forA, [
    'you both speak Italian and English',
    'Ben can help with go-to-market for developer tools',
    'you both work with SaaS',
    "your experience is close to Ben's",
    'you overlap Mon 13:00–17:00 and Wed 13:00–15:00 your time',
  ]);
  t.deepEqual(r.forB, [
    'you both speak English and Italian',
    'Ana is looking for product strategy for B2B SaaS, which you offer',
    'you both work with saas',
    "your experience is close to Ana's",
    'you overlap Mon 08:00–12:00 and Wed 08:00–10:00 your time',
  ]);
});
