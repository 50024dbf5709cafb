// Loads the public labeled sets in shared/eval/text and the project's professional sets into one multi-label form.
// Each example says which categories its source labels (`known`); the others are unknown, not negative, and are
// masked out of the loss: SMS spam says nothing about insults, Jigsaw nothing about workplace harassment.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HARM_CATEGORIES, isHarmCategory, type HarmCategory } from '../../models/classifier/taxonomy.js';
import { parseCsv, parseCsvRecords } from './csv.js';
import { hashUnit, mulberry32, shuffled } from '../../core/random.js';

export type Split = 'train' | 'val' | 'test';

export interface Example {
  source: string;
  id: string;
  text: string;
  split: Split;
  /** Categories this example is labeled for; positives among them in `labels`. */
  known: readonly HarmCategory[];
  labels: readonly HarmCategory[];
}

export interface DataFile {
  path: string;
  sha256: string;
  bytes: number;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The professional training set: v3 is v2 (kept as written: v1 plus 790 lines added for harm-head-minilm-v2) plus the
 * lines added for harm-head-minilm-v3. */
export const PROFESSIONAL_TRAIN = path.join(repoRoot, 'models/classifier/data/professional-v3.jsonl');
export const PROFESSIONAL_TRAIN_V2 = path.join(repoRoot, 'models/classifier/data/professional-v2.jsonl');
export const PROFESSIONAL_TRAIN_V1 = path.join(repoRoot, 'models/classifier/data/professional-v1.jsonl');
export const PROFESSIONAL_TEST = path.join(repoRoot, 'models/classifier/data/professional-test-v1.jsonl');

export function defaultEvalTextDir(): string {
  const candidates = [process.env['ROUNDTABLE_EVAL_TEXT_DIR'], path.resolve(repoRoot, '../shared/eval/text'), path.resolve(repoRoot, '../../shared/eval/text')];
  for (const c of candidates) if (c && fs.existsSync(path.join(c, 'davidson-2017'))) return c;
  throw new Error(`shared/eval/text not found (looked in ${candidates.filter(Boolean).join(', ')}); set ROUNDTABLE_EVAL_TEXT_DIR`);
}

const ALL = HARM_CATEGORIES;
const SEED = 7;
/** Public train rows held out for validation (threshold calibration, early stopping). */
const VAL_FRACTION = 0.1;

export class DatasetReader {
  readonly files: DataFile[] = [];
  constructor(readonly evalDir: string) {}

  read(rel: string): string {
    const p = path.isAbsolute(rel) ? rel : path.join(this.evalDir, rel);
    const buf = fs.readFileSync(p);
    this.files.push({ path: path.isAbsolute(rel) ? path.relative(repoRoot, rel) : `shared/eval/text/${rel}`, sha256: createHash('sha256').update(buf).digest('hex'), bytes: buf.length });
    return buf.toString('utf8');
  }
}

function trainOrVal(source: string, id: string): Split {
  return hashUnit(`${source}:${id}`, SEED) < VAL_FRACTION ? 'val' : 'train';
}

/** Seeded 80/20 hold-out for sets without a fixed split; the train part is split again into train/val. */
function holdOut(source: string, id: string): Split {
  return hashUnit(`${source}:holdout:${id}`, SEED) < 0.2 ? 'test' : trainOrVal(source, id);
}

function cleanSocial(text: string): string {
  return text
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#\d+;/g, ' ')
    .replace(/\bRT\b/g, ' ')
    .replace(/@\w+:?/g, ' ')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function ex(source: string, id: string, text: string, split: Split, known: readonly HarmCategory[], labels: HarmCategory[]): Example {
  return { source, id, text, split, known, labels: labels.filter((l) => known.includes(l)) };
}

export function loadJigsaw(r: DatasetReader, trainCap = 5000): Example[] {
  const known: HarmCategory[] = ['insult', 'severe', 'identity_hate', 'threat', 'self_harm', 'spam', 'personal_data'];
  const out = new Map<string, Example>();
  const add = (rel: string, split: 'train' | 'test') => {
    for (const row of parseCsvRecords(r.read(rel))) {
      const text = row['comment_text']!.replace(/\s+/g, ' ').trim();
      if (!text || out.has(row['id']!)) continue;
      const labels: HarmCategory[] = [];
      if (row['toxic'] === '1' || row['insult'] === '1') labels.push('insult');
      if (row['severe_toxic'] === '1') labels.push('severe');
      if (row['identity_hate'] === '1') labels.push('identity_hate');
      if (row['threat'] === '1') labels.push('threat');
      out.set(row['id']!, ex('jigsaw', row['id']!, text, split === 'test' ? 'test' : trainOrVal('jigsaw', row['id']!), known, labels));
    }
  };
  add('jigsaw_toxic_predibase/dataset_subsets/train.5k.csv', 'train');
  for (const f of ['a.bad', 'a.ok', 'b.bad', 'b.ok', 'c.bad']) add(`jigsaw_toxic_predibase/data_pools/train.${f}.1k.csv`, 'train');
  for (const f of ['a.bad', 'a.ok', 'b.bad', 'b.ok', 'c.bad', 'c.ok']) add(`jigsaw_toxic_predibase/data_pools/test.${f}.200.csv`, 'test');
  // Embedding ~10k long comments costs more CPU than a shared 2-core box has to spare: every row with a rare label
  // (severe, identity_hate, threat) is kept, the rest of train/val is a seeded sample up to `trainCap` rows.
  const rows = [...out.values()];
  const rare = (e: Example) => e.labels.some((l) => l !== 'insult');
  const keep = new Set(rows.filter((e) => e.split === 'test' || rare(e)));
  const rest = shuffled(rows.filter((e) => !keep.has(e)), mulberry32(SEED));
  const budget = Math.max(0, trainCap - rows.filter((e) => e.split !== 'test' && keep.has(e)).length);
  for (const e of rest.slice(0, budget)) keep.add(e);
  return rows.filter((e) => keep.has(e));
}

/** Davidson tweets: train rows subsampled (all hate, up to `offensiveCap` offensive, all neither); test capped. */
export function loadDavidson(r: DatasetReader, opts: { offensiveCap?: number; testCap?: number } = {}): Example[] {
  const known: HarmCategory[] = ['insult', 'identity_hate', 'self_harm', 'spam', 'personal_data'];
  const split = new Map(parseCsv(r.read('davidson-2017/split.csv')).slice(1).map(([id, s]) => [id!, s!]));
  const rows = parseCsv(r.read('davidson-2017/labeled_data.csv')).slice(1);
  const rand = mulberry32(SEED);
  const all: Example[] = [];
  for (const row of shuffled(rows, rand)) {
    const id = row[0]!;
    const cls = row[5];
    const text = cleanSocial(row[6] ?? '');
    if (!text) continue;
    const labels: HarmCategory[] = cls === '0' ? ['insult', 'identity_hate'] : cls === '1' ? ['insult'] : [];
    const s = split.get(id) === 'test' ? 'test' : trainOrVal('davidson', id);
    all.push(ex('davidson', id, text, s, known, labels));
  }
  const offensiveCap = opts.offensiveCap ?? 3000;
  const testCap = opts.testCap ?? 2000;
  let offensive = 0;
  let test = 0;
  return all.filter((e) => {
    if (e.split === 'test') return test++ < testCap;
    if (e.labels.length === 1) return offensive++ < offensiveCap;
    return true;
  });
}

export function loadHateXplain(r: DatasetReader): Example[] {
  const known: HarmCategory[] = ['insult', 'identity_hate', 'self_harm', 'spam', 'personal_data'];
  const out: Example[] = [];
  // HateXplain's train split is not in shared/; its validation split is used for training, its test split for reporting.
  for (const [file, isTest] of [['hatexplain/df_val_processed.csv', false], ['hatexplain/df_test_processed.csv', true]] as const) {
    for (const row of parseCsvRecords(r.read(file))) {
      const votes = [...(row['annotators'] ?? '').matchAll(/'label': \[([^\]]*)\]/g)][0]?.[1]?.split(',').map((s) => Number(s.trim())) ?? [];
      if (votes.length === 0) continue;
      const counts = [0, 1, 2].map((k) => votes.filter((v) => v === k).length);
      const majority = counts.indexOf(Math.max(...counts));
      if (counts.filter((c) => c === counts[majority]).length > 1) continue; // no majority
      const tokens = [...(row['post_tokens'] ?? '').matchAll(/'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1] ?? m[2] ?? '');
      const text = tokens.filter((t) => t !== '<user>' && t !== '<url>' && t !== '<number>').join(' ').trim();
      if (!text) continue;
      const labels: HarmCategory[] = majority === 0 ? ['insult', 'identity_hate'] : majority === 2 ? ['insult'] : [];
      out.push(ex('hatexplain', row['id']!, text, isTest ? 'test' : trainOrVal('hatexplain', row['id']!), known, labels));
    }
  }
  return out;
}

export function loadSmsSpam(r: DatasetReader): Example[] {
  const known: HarmCategory[] = ['spam', 'self_harm', 'identity_hate', 'threat', 'severe'];
  return r
    .read('sms_spam_collection/SMSSpamCollection')
    .split('\n')
    .filter((l) => l.includes('\t'))
    .map((l, i) => {
      const [label, ...rest] = l.split('\t');
      const text = rest.join(' ').trim();
      return ex('sms', String(i), text, holdOut('sms', String(i)), known, label === 'spam' ? ['spam'] : []);
    });
}

export function loadYoutubeSpam(r: DatasetReader): Example[] {
  const known: HarmCategory[] = ['spam', 'self_harm', 'personal_data'];
  const out: Example[] = [];
  for (const f of ['Youtube01-Psy', 'Youtube02-KatyPerry', 'Youtube03-LMFAO', 'Youtube04-Eminem', 'Youtube05-Shakira']) {
    for (const row of parseCsvRecords(r.read(`youtube_spam_collection/${f}.csv`))) {
      const text = cleanSocial(row['CONTENT'] ?? '');
      if (!text) continue;
      out.push(ex('youtube', row['COMMENT_ID']!, text, holdOut('youtube', row['COMMENT_ID']!), known, row['CLASS'] === '1' ? ['spam'] : []));
    }
  }
  return out;
}

/** C-SSRS: per-user labels; each user's first posts (cut to ~400 characters) inherit the label, users split 80/20. */
export function loadCssrs(r: DatasetReader, postsPerUser = 3): Example[] {
  const known: HarmCategory[] = ['self_harm', 'spam', 'personal_data'];
  const out: Example[] = [];
  for (const row of parseCsvRecords(r.read('reddit_cssrs_suicide/500_Reddit_users_posts_labels.csv'))) {
    const user = row['User']!;
    const split = holdOut('cssrs', user);
    const positive = ['Ideation', 'Behavior', 'Attempt'].includes(row['Label']!);
    const posts = (row['Post'] ?? '')
      .replace(/^\[\s*['"]/, '')
      .replace(/['"]\s*\]$/, '')
      .split(/['"],\s*['"]/)
      .map((p) => p.replace(/\\n/g, ' ').replace(/\s+/g, ' ').trim())
      .filter((p) => p.length > 20);
    for (const [i, p] of posts.slice(0, postsPerUser).entries()) {
      out.push(ex('cssrs', `${user}#${i}`, p.slice(0, 400), split, known, positive ? ['self_harm'] : []));
    }
  }
  return out;
}

const PII_TYPES = new Set(['STREET_ADDRESS', 'CREDIT_CARD', 'PHONE_NUMBER', 'US_SSN', 'IBAN_CODE', 'US_DRIVER_LICENSE']);
const PII_UNSURE = new Set(['EMAIL_ADDRESS', 'IP_ADDRESS', 'DOMAIN_NAME', 'ZIP_CODE']);

export function loadPresidio(r: DatasetReader): Example[] {
  const rows = JSON.parse(r.read('presidio_synth_pii/synth_dataset_v2.json')) as { full_text: string; spans: { entity_type: string }[] }[];
  return rows.map((row, i) => {
    const types = row.spans.map((s) => s.entity_type);
    const positive = types.some((t) => PII_TYPES.has(t));
    // A sentence whose only personal detail is an email or domain is not labeled either way: work emails are
    // said in meetings all the time.
    const known: HarmCategory[] = positive || !types.some((t) => PII_UNSURE.has(t)) ? [...ALL] : ALL.filter((c) => c !== 'personal_data');
    return ex('presidio', String(i), row.full_text.replace(/\s+/g, ' ').trim(), holdOut('presidio', String(i)), known, positive ? ['personal_data'] : []);
  });
}

function loadProfessionalFile(r: DatasetReader, file: string, source: string, splitOf: (id: string) => Split): Example[] {
  return r
    .read(file)
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const row = JSON.parse(l) as { id: string; text: string; labels: string[] };
      const bad = row.labels.filter((c) => !isHarmCategory(c));
      if (bad.length) throw new Error(`${file} ${row.id}: unknown categories ${bad.join(', ')}`);
      return ex(source, row.id, row.text, splitOf(row.id), ALL, row.labels as HarmCategory[]);
    });
}

/** The professional training set, with a seeded 25% held out for threshold calibration. */
export function loadProfessional(r: DatasetReader, file = PROFESSIONAL_TRAIN): Example[] {
  return loadProfessionalFile(r, file, 'professional', (id) => (hashUnit(`professional:${id}`, SEED) < 0.25 ? 'val' : 'train'));
}

/** The held-out professional test set: never trained or calibrated on. */
export function loadProfessionalTest(r: DatasetReader): Example[] {
  return loadProfessionalFile(r, PROFESSIONAL_TEST, 'professional_test', () => 'test');
}

export function loadAll(r: DatasetReader): Example[] {
  return [...loadJigsaw(r), ...loadDavidson(r), ...loadHateXplain(r), ...loadSmsSpam(r), ...loadYoutubeSpam(r), ...loadCssrs(r), ...loadPresidio(r), ...loadProfessional(r), ...loadProfessionalTest(r)];
}
