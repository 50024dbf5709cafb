// Which registry embedding models can carry a harm head, and how each pools its token states.
import { resolveModelFiles } from '../fetch.js';
import { SentenceEncoder, type Pooling } from './sentence-encoder.js';

export const CLASSIFIER_ENCODERS = {
  'all-minilm-l6-v2-q': { pooling: 'mean' },
  'bge-small-en-v15-q': { pooling: 'cls' },
} as const satisfies Record<string, { pooling: Pooling }>;

export type ClassifierEncoderId = keyof typeof CLASSIFIER_ENCODERS;

export function isClassifierEncoderId(id: unknown): id is ClassifierEncoderId {
  return typeof id === 'string' && Object.hasOwn(CLASSIFIER_ENCODERS, id);
}

/** Loads an encoder from the verified model cache (sha256-checked by resolveModelFiles). */
export async function loadClassifierEncoder(
  id: ClassifierEncoderId,
  modelsDir: string,
  opts: { threads?: number; maxTokens?: number } = {},
): Promise<SentenceEncoder> {
  if (!isClassifierEncoderId(id)) throw new TypeError(`encoder must be one of ${Object.keys(CLASSIFIER_ENCODERS).join(', ')}, got ${String(id)}`);
  const files = await resolveModelFiles(id, modelsDir);
  return SentenceEncoder.load({
    modelPath: files['model.onnx']!,
    tokenizerPath: files['tokenizer.json']!,
    pooling: CLASSIFIER_ENCODERS[id].pooling,
    ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
    ...(opts.maxTokens !== undefined ? { maxTokens: opts.maxTokens } : {}),
  });
}
