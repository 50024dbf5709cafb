// A scripted SpeechRecognizer for unit tests of the logic above speech-to-text (segmenting, moderation, retries).
// It answers from a script in order and records every call; it never touches a model, so tests that use it must not
// claim anything about transcription quality.
import { STT_SAMPLE_RATE } from '../../audio/pcm.js';
import type { RecognizerCapabilities, SpeechRecognizer, TranscribeOptions, TranscriptionResult } from '../speech-recognizer.js';
import { SttError } from '../stt-error.js';
import { validatePcm16k } from '../validate-audio.js';

export type FakeResponse =
  | string
  | { text: string; truncated?: boolean }
  | Error
  | ((pcm16k: Float32Array) => string | Promise<string>);

export interface FakeRecognizerOptions {
  id?: string;
  maxAudioSeconds?: number;
  /** Keep answering with the last scripted response once the script runs out (default: reject). */
  repeatLast?: boolean;
}

export class FakeRecognizer implements SpeechRecognizer {
  readonly id: string;
  readonly capabilities: RecognizerCapabilities;
  /** Audio of every transcribe call, in order. */
  readonly calls: Float32Array[] = [];
  private readonly script: FakeResponse[];
  private readonly repeatLast: boolean;
  private last: FakeResponse | undefined;
  private isClosed = false;

  constructor(script: readonly FakeResponse[] = [], opts: FakeRecognizerOptions = {}) {
    if (!Array.isArray(script)) throw new TypeError('script must be an array of responses');
    this.script = [...script];
    this.id = opts.id ?? 'fake';
    this.repeatLast = opts.repeatLast ?? false;
    this.capabilities = { streaming: false, languages: ['en'], maxAudioSeconds: opts.maxAudioSeconds ?? 64, local: true };
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Appends responses to the script. */
  push(...responses: FakeResponse[]): void {
    this.script.push(...responses);
  }

  async transcribe(pcm16k: Float32Array, opts: TranscribeOptions = {}): Promise<TranscriptionResult> {
    const audio = validatePcm16k(this.id, pcm16k, this.capabilities.maxAudioSeconds);
    if (this.isClosed) throw new SttError(this.id, 'closed', 'recognizer is closed');
    if (opts.signal?.aborted) throw new SttError(this.id, 'aborted', 'transcription aborted', { cause: opts.signal.reason });
    this.calls.push(audio);
    let response = this.script.shift();
    if (response === undefined && this.repeatLast) response = this.last;
    if (response === undefined) throw new Error(`FakeRecognizer "${this.id}": script exhausted after ${this.calls.length - 1} calls`);
    this.last = response;
    if (response instanceof Error) throw response;
    const answer = typeof response === 'function' ? await response(audio) : response;
    const { text, truncated } = typeof answer === 'string' ? { text: answer, truncated: false } : { text: answer.text, truncated: answer.truncated ?? false };
    return { text, language: 'en', audioSeconds: audio.length / STT_SAMPLE_RATE, processingMs: 0, truncated, recognizerId: this.id };
  }

  async close(): Promise<void> {
    this.isClosed = true;
  }
}
