// What a room's job process uses in place of its own copy of the models: the speech recognizer and the harm
// classifier behind the worker's one inference process (@livekit/agents' inference executor). The job keeps only
// the VAD (small, and it runs on every 32 ms of audio).
import type { ClassifyOptions, Classification } from '../../models/classifier/harm-classifier.js';
import type { RecognizerCapabilities, SpeechRecognizer, TranscriptionResult } from '../../models/stt/speech-recognizer.js';
import { CLASSIFY_METHOD, STT_METHOD, encodePcm, type ClassifyRequest, type SttRequest } from './protocol.js';

export interface InferenceExecutorLike {
  doInference(method: string, data: unknown): Promise<unknown>;
}

export class RemoteRecognizer implements SpeechRecognizer {
  readonly capabilities: RecognizerCapabilities;

  constructor(
    private readonly executor: InferenceExecutorLike,
    readonly id: string,
  ) {
    if (typeof executor?.doInference !== 'function') throw new TypeError('RemoteRecognizer: executor must have doInference');
    this.capabilities = { streaming: false, languages: ['en'], maxAudioSeconds: 60, local: true };
  }

  async transcribe(pcm16k: Float32Array): Promise<TranscriptionResult> {
    if (!(pcm16k instanceof Float32Array)) throw new TypeError('transcribe: pcm16k must be a Float32Array');
    return (await this.executor.doInference(STT_METHOD, { pcm16kBase64: encodePcm(pcm16k) } satisfies SttRequest)) as TranscriptionResult;
  }

  async close(): Promise<void> {
    // the inference process owns the model
  }
}

export class RemoteClassifier {
  constructor(private readonly executor: InferenceExecutorLike) {
    if (typeof executor?.doInference !== 'function') throw new TypeError('RemoteClassifier: executor must have doInference');
  }

  async classify(text: string, opts: Pick<ClassifyOptions, 'previous'> = {}): Promise<Classification> {
    if (typeof text !== 'string') throw new TypeError('classify: text must be a string');
    const request: ClassifyRequest = opts.previous !== undefined ? { text, previous: opts.previous } : { text };
    return (await this.executor.doInference(CLASSIFY_METHOD, request)) as Classification;
  }
}
