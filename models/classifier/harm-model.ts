// The trained part of the harm classifier behind one surface: raw per-category probabilities for a batch of texts,
// before the rule layer. Two kinds are registered: an MLP head over a frozen registry encoder (v1-v3), and a
// fine-tuned encoder with its head in one ONNX graph (v4 on). Which one a model is comes from its file's format.
import { resolveModelFiles } from '../fetch.js';
import type { TrainedModelSpec } from '../registry.js';
import { isClassifierEncoderId, loadClassifierEncoder } from './encoders.js';
import { verifiedOnnxPath, type HarmModelFile } from './head-file.js';
import { MlpHead } from './mlp-head.js';
import { SequenceClassifier } from './sequence-classifier.js';
import { HARM_CATEGORIES, type HarmCategory } from './taxonomy.js';

export type HarmScores = Record<HarmCategory, number>;

export interface HarmModel {
  predict(texts: readonly string[]): Promise<HarmScores[]>;
  close(): Promise<void>;
}

function toScores(categories: readonly HarmCategory[], p: ArrayLike<number>): HarmScores {
  const out = {} as HarmScores;
  for (const c of HARM_CATEGORIES) out[c] = 0;
  categories.forEach((c, i) => (out[c] = p[i]!));
  return out;
}

/** A fine-tuned graph's probabilities as category scores (also for a graph not registered yet: the training scripts). */
export function finetunedHarmModel(model: SequenceClassifier, categories: readonly HarmCategory[]): HarmModel {
  return {
    predict: async (texts) => (await model.predict(texts)).map((p) => toScores(categories, p)),
    close: () => model.close(),
  };
}

export async function loadHarmModel(spec: TrainedModelSpec, file: HarmModelFile, modelsDir: string, opts: { threads?: number } = {}): Promise<HarmModel> {
  if (!isClassifierEncoderId(file.encoderId)) throw new TypeError(`model ${spec.id} needs encoder ${file.encoderId}, which is not a classifier encoder`);
  const threads = opts.threads !== undefined ? { threads: opts.threads } : {};
  if (file.format === 'roundtable-finetuned-classifier-v1') {
    const onnx = await verifiedOnnxPath(spec, file);
    const tokenizer = (await resolveModelFiles(file.encoderId, modelsDir))['tokenizer.json']!;
    const model = await SequenceClassifier.load({ modelPath: onnx, tokenizerPath: tokenizer, labels: file.categories.length, maxTokens: file.maxTokens, ...threads });
    return finetunedHarmModel(model, file.categories);
  }
  const encoder = await loadClassifierEncoder(file.encoderId, modelsDir, { maxTokens: file.maxTokens, ...threads });
  const head = new MlpHead(file);
  return {
    predict: async (texts) => (await encoder.embed(texts)).map((v) => head.predict(v)),
    close: () => encoder.close(),
  };
}
