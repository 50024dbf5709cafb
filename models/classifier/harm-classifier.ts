// Scores an utterance on every harm category: the trained model (an MLP head over a frozen sentence encoder, or a
// fine-tuned encoder; models/classifier/harm-model.ts), with the rule layer beside it for personal data and links.
// Context: the utterance is scored alone and joined to the same speaker's previous utterance (a threat can span two
// sentences); the joined text counts only where it scores higher than both parts and the previous utterance was not
// already flagged on its own, so one harmful sentence is not flagged again on the harmless one after it (a fine-tuned
// model's scores sit near 1 for both the harmful sentence and the pair, so "higher" alone did not tell them apart).
import { DEFAULT_HARM_CLASSIFIER_ID, getTrainedModelSpec } from '../registry.js';
import { loadHarmModel, type HarmModel, type HarmScores } from './harm-model.js';
import { loadHeadFile, type HarmModelFile } from './head-file.js';
import { findRules, rulePersonalDataScore, ruleSpamScore, type RuleFinding } from './rules.js';
import { HARM_CATEGORIES, TAXONOMY_VERSION, isHarmCategory, type HarmCategory } from './taxonomy.js';

export { DEFAULT_HARM_CLASSIFIER_ID };
export type { HarmScores };

export interface ClassifyOptions {
  /** The same speaker's previous utterance in the room, if any. */
  previous?: string;
  /** Per-category thresholds overriding the platform defaults (a room's policy). */
  thresholds?: Partial<Record<HarmCategory, number>>;
}

export interface Classification {
  scores: HarmScores;
  flagged: boolean;
  /** Categories at or above their threshold, in taxonomy order. */
  categories: HarmCategory[];
  /** Categories whose score came from the utterance joined to the previous one. */
  contextCategories: HarmCategory[];
  findings: RuleFinding[];
  modelVersion: string;
  taxonomyVersion: string;
}

export interface LoadHarmClassifierOptions {
  modelsDir: string;
  /** Trained model id (registry TRAINED_MODELS); DEFAULT_HARM_CLASSIFIER_ID by default. */
  headId?: string;
  threads?: number;
}

/** Without a number or address the rule layer recognises, the model's personal_data score is held below any
 * sensible threshold: what counts as somebody's number is the rules' call (they know tickets, orders, versions,
 * amounts), and the fine-tuned model, taught by synthetic PII sentences, read "The order 55512345 shipped yesterday."
 * as personal data at 0.98. */
export const MODEL_ALONE_PERSONAL_DATA_CAP = 0.5;
const PERSONAL_DATA_EVIDENCE: ReadonlySet<RuleFinding['kind']> = new Set(['card_number', 'national_id', 'phone_or_id_number', 'street_address']);

/** Model scores combined with the rule layer: personal data takes the larger of model and rules where the rules found
 * a number or an address (the model alone is capped), links raise spam. */
export function combineWithRules(model: HarmScores, findings: readonly RuleFinding[]): HarmScores {
  const out = { ...model };
  const evidence = findings.some((f) => PERSONAL_DATA_EVIDENCE.has(f.kind));
  out.personal_data = Math.max(evidence ? model.personal_data : Math.min(model.personal_data, MODEL_ALONE_PERSONAL_DATA_CAP), rulePersonalDataScore(findings));
  out.spam = ruleSpamScore(model.spam, findings);
  return out;
}

/** Each text alone, model plus rules: HarmClassifier.scoreTexts, and the training scripts on a model not registered yet. */
export async function scoreWithRules(model: HarmModel, texts: readonly string[]): Promise<HarmScores[]> {
  const raw = await model.predict(texts);
  return raw.map((s, i) => combineWithRules(s, findRules(texts[i]!)));
}

export function validateThresholds(t: unknown, name = 'thresholds'): asserts t is Partial<Record<HarmCategory, number>> {
  if (t === undefined) return;
  if (t === null || typeof t !== 'object') throw new TypeError(`${name} must be an object`);
  for (const [k, v] of Object.entries(t)) {
    if (!isHarmCategory(k)) throw new TypeError(`${name}.${k} is not a harm category`);
    if (typeof v !== 'number' || !(v > 0 && v <= 1)) throw new TypeError(`${name}.${k} must be a number in (0, 1]`);
  }
}

export class HarmClassifier {
  readonly modelVersion: string;
  readonly thresholds: Readonly<Record<HarmCategory, number>>;
  readonly #model: HarmModel;

  private constructor(model: HarmModel, file: HarmModelFile) {
    this.#model = model;
    this.modelVersion = file.modelVersion;
    this.thresholds = Object.freeze({ ...file.thresholds });
  }

  static async load(opts: LoadHarmClassifierOptions): Promise<HarmClassifier> {
    if (!opts || typeof opts.modelsDir !== 'string' || opts.modelsDir === '') throw new TypeError('HarmClassifier.load: opts.modelsDir must be a non-empty string');
    if (opts.headId !== undefined && typeof opts.headId !== 'string') throw new TypeError('HarmClassifier.load: opts.headId must be a string');
    const spec = getTrainedModelSpec(opts.headId ?? DEFAULT_HARM_CLASSIFIER_ID);
    const file = await loadHeadFile(spec);
    const model = await loadHarmModel(spec, file, opts.modelsDir, opts.threads !== undefined ? { threads: opts.threads } : {});
    return new HarmClassifier(model, file);
  }

  async classify(text: string, opts: ClassifyOptions = {}): Promise<Classification> {
    if (typeof text !== 'string') throw new TypeError(`classify: text must be a string, got ${text === null ? 'null' : typeof text}`);
    if (opts === null || typeof opts !== 'object') throw new TypeError('classify: options must be an object');
    if (opts.previous !== undefined && typeof opts.previous !== 'string') throw new TypeError('classify: options.previous must be a string');
    validateThresholds(opts.thresholds, 'classify: options.thresholds');
    const thresholds = { ...this.thresholds, ...opts.thresholds };
    const previous = opts.previous?.trim() ? opts.previous.trim() : undefined;
    const texts = previous ? [text, `${previous} ${text}`, previous] : [text];
    const raw = await this.#model.predict(texts);
    const findings = findRules(text);
    const alone = combineWithRules(raw[0]!, findings);
    const scores = { ...alone };
    const contextCategories: HarmCategory[] = [];
    if (previous) {
      const joined = combineWithRules(raw[1]!, findRules(`${previous} ${text}`));
      const before = combineWithRules(raw[2]!, findRules(previous));
      for (const c of HARM_CATEGORIES) {
        if (joined[c] > alone[c] && joined[c] > before[c] && before[c] < thresholds[c]) {
          scores[c] = joined[c];
          if (joined[c] >= thresholds[c] && alone[c] < thresholds[c]) contextCategories.push(c);
        }
      }
    }
    const categories = HARM_CATEGORIES.filter((c) => scores[c] >= thresholds[c]);
    return { scores, flagged: categories.length > 0, categories, contextCategories, findings, modelVersion: this.modelVersion, taxonomyVersion: TAXONOMY_VERSION };
  }

  /** Each text alone (no context), model plus rules, as one batch: for measuring and calibrating many texts. */
  async scoreTexts(texts: readonly string[]): Promise<HarmScores[]> {
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) throw new TypeError('scoreTexts: texts must be an array of strings');
    return scoreWithRules(this.#model, texts);
  }

  async close(): Promise<void> {
    await this.#model.close();
  }
}
