// Scores an utterance on every harm category: sentence encoder -> trained MLP head, with the rule layer beside it
// for personal data and links. Context: the utterance is scored alone and joined to the same speaker's previous
// utterance (a threat can span two sentences); the joined text counts only where it scores higher than the previous
// utterance did alone, so one harmful sentence is not flagged again on the harmless one after it.
import { DEFAULT_HARM_CLASSIFIER_ID, getTrainedModelSpec } from '../registry.js';
import { loadClassifierEncoder, isClassifierEncoderId } from './encoders.js';
import { loadHeadFile, type HarmHeadFile } from './head-file.js';
import { MlpHead } from './mlp-head.js';
import { findRules, rulePersonalDataScore, ruleSpamScore, type RuleFinding } from './rules.js';
import type { SentenceEncoder } from './sentence-encoder.js';
import { HARM_CATEGORIES, TAXONOMY_VERSION, isHarmCategory, type HarmCategory } from './taxonomy.js';

export { DEFAULT_HARM_CLASSIFIER_ID };

export type HarmScores = Record<HarmCategory, number>;

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
  /** Trained head id; DEFAULT_HARM_CLASSIFIER_ID by default. */
  headId?: string;
  threads?: number;
}

/** Model scores combined with the rule layer: personal data takes the larger of model and rules, links raise spam. */
export function combineWithRules(model: HarmScores, findings: readonly RuleFinding[]): HarmScores {
  const out = { ...model };
  out.personal_data = Math.max(model.personal_data, rulePersonalDataScore(findings));
  out.spam = ruleSpamScore(model.spam, findings);
  return out;
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
  readonly #encoder: SentenceEncoder;
  readonly #head: MlpHead;

  private constructor(encoder: SentenceEncoder, file: HarmHeadFile) {
    this.#encoder = encoder;
    this.#head = new MlpHead(file);
    this.modelVersion = file.modelVersion;
    this.thresholds = Object.freeze({ ...file.thresholds });
  }

  static async load(opts: LoadHarmClassifierOptions): Promise<HarmClassifier> {
    if (!opts || typeof opts.modelsDir !== 'string' || opts.modelsDir === '') throw new TypeError('HarmClassifier.load: opts.modelsDir must be a non-empty string');
    if (opts.headId !== undefined && typeof opts.headId !== 'string') throw new TypeError('HarmClassifier.load: opts.headId must be a string');
    const spec = getTrainedModelSpec(opts.headId ?? DEFAULT_HARM_CLASSIFIER_ID);
    const file = await loadHeadFile(spec);
    if (!isClassifierEncoderId(file.encoderId)) throw new TypeError(`head ${spec.id} needs encoder ${file.encoderId}, which cannot carry a head`);
    const encoder = await loadClassifierEncoder(file.encoderId, opts.modelsDir, { maxTokens: file.maxTokens, ...(opts.threads !== undefined ? { threads: opts.threads } : {}) });
    return new HarmClassifier(encoder, file);
  }

  async classify(text: string, opts: ClassifyOptions = {}): Promise<Classification> {
    if (typeof text !== 'string') throw new TypeError(`classify: text must be a string, got ${text === null ? 'null' : typeof text}`);
    if (opts === null || typeof opts !== 'object') throw new TypeError('classify: options must be an object');
    if (opts.previous !== undefined && typeof opts.previous !== 'string') throw new TypeError('classify: options.previous must be a string');
    validateThresholds(opts.thresholds, 'classify: options.thresholds');
    const thresholds = { ...this.thresholds, ...opts.thresholds };
    const previous = opts.previous?.trim() ? opts.previous.trim() : undefined;
    const texts = previous ? [text, `${previous} ${text}`, previous] : [text];
    const vecs = await this.#encoder.embed(texts);
    const findings = findRules(text);
    const alone = combineWithRules(this.#head.predict(vecs[0]!), findings);
    const scores = { ...alone };
    const contextCategories: HarmCategory[] = [];
    if (previous) {
      const joined = combineWithRules(this.#head.predict(vecs[1]!), findRules(`${previous} ${text}`));
      const before = combineWithRules(this.#head.predict(vecs[2]!), findRules(previous));
      for (const c of HARM_CATEGORIES) {
        if (joined[c] > alone[c] && joined[c] > before[c]) {
          scores[c] = joined[c];
          if (joined[c] >= thresholds[c] && alone[c] < thresholds[c]) contextCategories.push(c);
        }
      }
    }
    const categories = HARM_CATEGORIES.filter((c) => scores[c] >= thresholds[c]);
    return { scores, flagged: categories.length > 0, categories, contextCategories, findings, modelVersion: this.modelVersion, taxonomyVersion: TAXONOMY_VERSION };
  }

  async close(): Promise<void> {
    await this.#encoder.close();
  }
}
