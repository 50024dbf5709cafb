// The harm classifier, loaded once in the worker's inference process and shared by every room the worker serves.
import { InferenceRunner } from '@livekit/agents';
import { loadConfig } from '../../core/config.js';
import { HarmClassifier } from '../../models/classifier/harm-classifier.js';
import { BoundedQueue } from './bounded-queue.js';
import type { ClassifyRequest, ClassifyResponse } from './protocol.js';

export default class ClassifierRunner extends InferenceRunner<ClassifyRequest, ClassifyResponse> {
  #classifier: HarmClassifier | undefined;
  readonly #queue = new BoundedQueue({ concurrency: 1, maxWaiting: 512 });

  async initialize(): Promise<void> {
    const config = loadConfig();
    this.#classifier = await HarmClassifier.load({ modelsDir: config.dirs.models, threads: config.stt.ortThreads });
  }

  async run(data: ClassifyRequest): Promise<ClassifyResponse> {
    const classifier = this.#classifier;
    if (!classifier) throw new Error('harm classifier not loaded');
    if (typeof data?.text !== 'string') throw new TypeError('classify: text must be a string');
    return this.#queue.run(() => classifier.classify(data.text, data.previous !== undefined ? { previous: data.previous } : {}));
  }

  async close(): Promise<void> {
    await this.#classifier?.close();
  }
}
