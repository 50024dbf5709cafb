// Picks the recognizer the configuration asks for. Local models come from the verified cache only: a missing or
// corrupt file is a ModelFileError with the fetch command, never a silent switch to another model or backend.
import type { Config } from '../../core/config.js';
import { resolveModelFiles } from '../fetch.js';
import { getModelSpec } from '../registry.js';
import { MoonshineRecognizer } from './moonshine/moonshine-recognizer.js';
import { ensureOnnxFromOrt } from './moonshine/ort-to-onnx.js';
import type { SpeechRecognizer } from './speech-recognizer.js';

/** Local STT models createRecognizer can run, by registry id. */
export const LOCAL_STT_MODELS = ['moonshine-base-en'] as const;

export interface CreateRecognizerOptions {
  /** Overrides config.dirs.models (tests use a temp cache). */
  modelsDir?: string;
}

export async function createRecognizer(config: Config, opts: CreateRecognizerOptions = {}): Promise<SpeechRecognizer> {
  if (!config?.stt) throw new TypeError('config.stt is required');
  if (config.stt.backend === 'openai') {
    const { OpenAiRecognizer } = await import('./openai/openai-recognizer.js');
    return OpenAiRecognizer.create({ baseUrl: config.stt.openai.baseUrl, apiKey: config.stt.openai.apiKey, model: config.stt.openai.model });
  }
  const modelId = config.stt.model;
  const spec = getModelSpec(modelId);
  if (spec.task !== 'stt') throw new TypeError(`STT_MODEL "${modelId}" is a ${spec.task} model, not speech-to-text`);
  const files = await resolveModelFiles(modelId, opts.modelsDir ?? config.dirs.models);
  switch (modelId) {
    case 'moonshine-base-en': {
      // Run as ONNX so onnxruntime folds the weight dequantisation once (see ort-to-onnx.ts): ~3x faster decoding.
      const [encoderPath, decoderPath] = await Promise.all([
        ensureOnnxFromOrt(files['encoder_model.ort']!, modelId),
        ensureOnnxFromOrt(files['decoder_model_merged.ort']!, modelId),
      ]);
      return MoonshineRecognizer.load({ encoderPath, decoderPath, tokenizerPath: files['tokenizer.bin']! }, { id: modelId, threads: config.stt.ortThreads });
    }
    default:
      throw new TypeError(`STT_MODEL "${modelId}" has no local recognizer; supported: ${LOCAL_STT_MODELS.join(', ')}`);
  }
}
