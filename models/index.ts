// Public surface of models/: the registry, the verified cache, audio loading, speech-to-text and the harm
// classifier. Other modules import from here rather than from the files behind it.
export { getModelSpec, listModels, MODEL_REGISTRY, type ModelFile, type ModelSource, type ModelSpec, type ModelTask, type RegistryKind } from './registry.js';
export {
  ensureModel,
  ensureModelFromSpec,
  modelDir,
  resolveModelFiles,
  type EnsureModelOptions,
  type EnsureModelResult,
  type ModelFiles,
  type VerifyOptions,
} from './fetch.js';
export { createStderrProgress, type FetchPhase, type FetchProgressEvent, type FetchProgressSink } from './fetch-progress.js';
export { ModelFileError } from './model-file-error.js';
export { ModelFetchError } from './model-fetch-error.js';
export { UnknownModelError } from './unknown-model-error.js';
export { downmixInterleaved, int16ToFloat32, resampleLinear, STT_SAMPLE_RATE } from './audio/pcm.js';
export { readAudioFile16kMono, to16kMono } from './audio/read-audio-file.js';
export { decodeWav, encodeWav16, type DecodedAudio } from './audio/wav.js';
export { WavFormatError } from './audio/wav-format-error.js';
export type { RecognizerCapabilities, SpeechRecognizer, TranscribeOptions, TranscriptionResult } from './stt/speech-recognizer.js';
export { SttError, type SttErrorCode } from './stt/stt-error.js';
export { createRecognizer, LOCAL_STT_MODELS, type CreateRecognizerOptions } from './stt/create-recognizer.js';
export { MoonshineRecognizer, type MoonshineFiles, type MoonshineOptions } from './stt/moonshine/moonshine-recognizer.js';
export { corpusWordErrorRate, normalizeTranscript, wordErrorRate, type WerResult } from './stt/wer.js';
export { DEFAULT_HARM_CLASSIFIER_ID, getTrainedModelSpec, TRAINED_MODELS, type TrainedModelSpec } from './registry.js';
export { HARM_CATEGORIES, TAXONOMY, TAXONOMY_VERSION, CARE_CATEGORIES, isHarmCategory, type HarmCategory, type CategoryKind } from './classifier/taxonomy.js';
export { HarmClassifier, combineWithRules, type Classification, type ClassifyOptions, type HarmScores, type LoadHarmClassifierOptions } from './classifier/harm-classifier.js';
export { findRules, digitRuns, luhnValid, type RuleFinding, type RuleKind } from './classifier/rules.js';
