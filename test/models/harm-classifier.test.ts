// The shipped harm classifier, for real: the registered model (sha256-verified; an MLP head on the MiniLM encoder
// from the verified model cache, or a fine-tuned graph with that encoder's tokenizer). Fixed lists of clearly harmful
// lines and professional hard negatives, asserted on the model's actual output at the platform default thresholds.
import test from 'ava';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../core/config.js';
import { DEFAULT_HARM_CLASSIFIER_ID, HarmClassifier, MODEL_ALONE_PERSONAL_DATA_CAP, combineWithRules } from '../../models/classifier/harm-classifier.js';
import { findRules, RULE_SCORES } from '../../models/classifier/rules.js';
import { loadHeadFile, REPO_ROOT } from '../../models/classifier/head-file.js';
import { HARM_CATEGORIES, TAXONOMY, TAXONOMY_VERSION } from '../../models/classifier/taxonomy.js';
import { ModelFileError } from '../../models/model-file-error.js';
import { getTrainedModelSpec, TRAINED_MODELS } from '../../models/registry.js';
import { sha256File } from '../../models/sha256-file.js';

const config = loadConfig();
let classifier: HarmClassifier;
test.before(async () => {
  classifier = await HarmClassifier.load({ modelsDir: config.dirs.models });
});
test.after.always(async () => {
  await classifier?.close();
});

const HARMFUL: [string, string][] = [
  ['threat', "If you tell anyone about this I'll hurt you and your family."],
  ['threat', "I'm going to beat the hell out of you in the parking lot."],
  ['insult', "You're a worthless idiot and everyone here knows it."],
  ['identity_hate', "Women don't belong in engineering, they're too stupid for it."],
  ['self_harm', "I don't want to live anymore, I'm going to kill myself tonight."],
  ['spam', 'Congratulations, you won a cash prize, send me your bank details to claim it.'],
  ['personal_data', 'Her cell is five five five, two one two, nine eight seven six, call her at home.'],
  ['personal_data', 'His card number is 4111 1111 1111 1111.'],
  // harm-head-minilm-v1 missed this one (kept as a known miss until harm-minilm-ft-v4).
  ['spam', 'Your account is locked, confirm your password at the link I just sent to restore it.'],
];

const HARD_NEGATIVES = [
  'This bug is killing me.',
  "Let's kill the process and restart it.",
  'We crushed the quarter.',
  'Shoot me a message when you are free.',
  'The harassment policy applies to contractors.',
  'The suicide prevention resources are linked on the wellbeing page.',
  'Revenue grew to 1,200,000 dollars in Q3.',
  'Ticket 4471829 is blocking the release.',
  'Thanks everyone, great meeting, talk soon.',
  // harm-head-minilm-v1 flagged this as spam (kept as a known false flag until harm-minilm-ft-v4).
  'Our phishing training starts next week, please sign up.',
  // harm-minilm-ft-v4's own score is personal_data 0.98 here; the rule layer knows an order number.
  'The order 55512345 shipped yesterday.',
  // harm-minilm-ft-v4 read these as self_harm (0.996, 0.96): the C-SSRS posts it learned from are life stories.
  'Hello, I talk for a long time about everything I have ever done.',
  "I'm Sam, I left my last job after burning out, and I'm looking for someone who has been through that.",
];

// A known weakness of harm-minilm-ft-v5, kept visible: ava reports it as failing-as-expected, and as an error the
// day a retrained model gets it right (then move it into the list above).
test.failing('known false flag: a career story ("everything I have ever done") reads as self_harm', async (t) => {
  const r = await classifier.classify("Hi, I'm Maria. I've spent the last ten years building data teams, and honestly everything I have ever done has been about people.");
  t.false(r.flagged, JSON.stringify(r.scores));
});

test('the head loads from the registry with its sha256 checked; the taxonomy and version are on every result', async (t) => {
  const spec = getTrainedModelSpec(DEFAULT_HARM_CLASSIFIER_ID);
  t.is(await sha256File(path.join(REPO_ROOT, spec.repoPath)), spec.sha256);
  const r = await classifier.classify('Good morning everyone.');
  t.is(r.taxonomyVersion, TAXONOMY_VERSION);
  t.regex(r.modelVersion, new RegExp(`^${DEFAULT_HARM_CLASSIFIER_ID}\\+`));
  t.deepEqual(Object.keys(r.scores), [...HARM_CATEGORIES]);
  t.is(TAXONOMY.self_harm.kind, 'care');
});

test('a head file that does not match its registry sha256 is refused', async (t) => {
  const spec = getTrainedModelSpec(DEFAULT_HARM_CLASSIFIER_ID);
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'rt-head-'));
  t.teardown(() => fs.rm(root, { recursive: true, force: true }));
  const copy = path.join(root, spec.repoPath);
  await fs.mkdir(path.dirname(copy), { recursive: true });
  const bytes = await fs.readFile(path.join(REPO_ROOT, spec.repoPath));
  bytes[bytes.length - 3] = bytes[bytes.length - 3] === 0x31 ? 0x32 : 0x31; // same size, one digit changed
  await fs.writeFile(copy, bytes);
  const err = await t.throwsAsync(loadHeadFile(spec, root), { instanceOf: ModelFileError });
  t.is(err?.problem, 'sha256-mismatch');
  await fs.rm(copy);
  t.is((await t.throwsAsync(loadHeadFile(spec, root), { instanceOf: ModelFileError }))?.problem, 'missing');
});

for (const [category, text] of HARMFUL) {
  test(`flags ${category}: "${text}"`, async (t) => {
    const r = await classifier.classify(text);
    t.true(r.categories.includes(category as never), JSON.stringify(r.scores));
  });
}

for (const text of HARD_NEGATIVES) {
  test(`does not flag the hard negative "${text}"`, async (t) => {
    const r = await classifier.classify(text);
    t.false(r.flagged, `${r.categories.join(', ')} ${JSON.stringify(r.scores)}`);
  });
}

test('personal data needs a number or address the rules recognise: the model alone is capped below any threshold', (t) => {
  const model = Object.fromEntries(HARM_CATEGORIES.map((c) => [c, 0.01])) as Record<(typeof HARM_CATEGORIES)[number], number>;
  const high = { ...model, personal_data: 0.98 };
  t.is(combineWithRules(high, []).personal_data, MODEL_ALONE_PERSONAL_DATA_CAP);
  t.is(combineWithRules(high, findRules('Call Jenny at (415) 555 0199 tonight')).personal_data, 0.98);
  t.is(combineWithRules(model, findRules('His card number is 4111 1111 1111 1111.')).personal_data, RULE_SCORES.card_number);
  // An email is evidence of nothing by itself: the cap holds.
  t.is(combineWithRules(high, findRules('Send it to ana@example.com please')).personal_data, MODEL_ALONE_PERSONAL_DATA_CAP);
});

test('context: the previous utterance of the speaker is taken into account, and a harmful one is not re-flagged', async (t) => {
  const alone = await classifier.classify('Nice shirt, by the way.');
  t.false(alone.flagged);
  const after = await classifier.classify('Nice shirt, by the way.', { previous: 'You are a worthless idiot.' });
  t.false(after.flagged, `the insult belongs to the previous utterance: ${JSON.stringify(after.scores)}`);
});

test('room thresholds override the platform defaults', async (t) => {
  const text = 'You are being a bit of a jerk today.';
  const base = await classifier.classify(text);
  const strict = await classifier.classify(text, { thresholds: { insult: Math.max(0.01, base.scores.insult - 0.001) } });
  t.true(strict.categories.includes('insult'));
});

for (const spec of TRAINED_MODELS.values()) {
  test(`${spec.id} (${spec.kind}) loads through the same surface and scores a threat above a greeting`, async (t) => {
    const other = await HarmClassifier.load({ modelsDir: config.dirs.models, headId: spec.id, threads: 1 });
    t.teardown(() => other.close());
    const [greeting, threat] = await other.scoreTexts(['Good morning everyone, thanks for joining.', "I'm going to hurt you and your family if you report this."]);
    t.true(threat!.threat > greeting!.threat, `${JSON.stringify(threat)} vs ${JSON.stringify(greeting)}`);
    t.regex((await other.classify('hello')).modelVersion, new RegExp(`^${spec.id}\\+`));
  });
}

test('TypeError on bad arguments', async (t) => {
  await t.throwsAsync(classifier.classify(undefined as unknown as string), { instanceOf: TypeError });
  await t.throwsAsync(classifier.classify('hi', { previous: 3 as unknown as string }), { instanceOf: TypeError });
  await t.throwsAsync(classifier.classify('hi', { thresholds: { nonsense: 0.5 } as never }), { instanceOf: TypeError });
  await t.throwsAsync(classifier.classify('hi', { thresholds: { insult: 2 } }), { instanceOf: TypeError });
  await t.throwsAsync(classifier.scoreTexts('hi' as never), { instanceOf: TypeError });
  await t.throwsAsync(HarmClassifier.load({ modelsDir: '' }), { instanceOf: TypeError });
  await t.throwsAsync(HarmClassifier.load({ modelsDir: config.dirs.models, headId: 'no-such-head' }), { message: /unknown model "no-such-head"/ });
});
