// The speech model, loaded once in the worker's inference process and shared by every room the worker serves.
// Segments are not batched across rooms (agents/inference/stt-batcher.ts): padding a batch can change the text's
// punctuation, and on this 2-core box the batched throughput gain was not shown (bench/stt-throughput.ts).
import { InferenceRunner } from '@livekit/agents';
import { loadConfig } from '../../core/config.js';
import { createRecognizer } from '../../models/stt/create-recognizer.js';
import type { SpeechRecognizer } from '../../models/stt/speech-recognizer.js';
import { BoundedQueue } from './bounded-queue.js';
import { decodePcm, type SttRequest, type SttResponse } from './protocol.js';

export default class SttRunner extends InferenceRunner<SttRequest, SttResponse> {
  #recognizer: SpeechRecognizer | undefined;
  // One recognition at a time per model (one onnxruntime thread each, config ORT_THREADS); a few hundred utterances
  // may wait — more means the host is past its capacity, and the caller hears so at once.
  readonly #queue = new BoundedQueue({ concurrency: 1, maxWaiting: 256 });

  async initialize(): Promise<void> {
    this.#recognizer = await createRecognizer(loadConfig());
  }

  async run(data: SttRequest): Promise<SttResponse> {
    const recognizer = this.#recognizer;
    if (!recognizer) throw new Error('speech model not loaded');
    if (typeof data?.pcm16kBase64 !== 'string') throw new TypeError('stt: pcm16kBase64 must be a base64 string');
    const pcm = decodePcm(data.pcm16kBase64);
    return this.#queue.run(() => recognizer.transcribe(pcm));
  }

  async close(): Promise<void> {
    await this.#recognizer?.close();
  }
}
