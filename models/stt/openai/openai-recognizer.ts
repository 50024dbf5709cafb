// Optional remote backend for deployments that run an OpenAI-compatible transcription server (e.g. a local
// whisper server). The `openai` package is imported lazily so the default, local path never loads it.
import { encodeWav16 } from '../../audio/wav.js';
import { STT_SAMPLE_RATE } from '../../audio/pcm.js';
import type { RecognizerCapabilities, SpeechRecognizer, TranscribeOptions, TranscriptionResult } from '../speech-recognizer.js';
import { SttError } from '../stt-error.js';
import { validatePcm16k } from '../validate-audio.js';

export interface OpenAiRecognizerOptions {
  baseUrl: string | undefined;
  apiKey: string | undefined;
  model: string;
  language?: string;
}

type Transcriber = (wav: Buffer, signal: AbortSignal | undefined) => Promise<string>;

export class OpenAiRecognizer implements SpeechRecognizer {
  readonly capabilities: RecognizerCapabilities = { streaming: false, languages: ['en'], maxAudioSeconds: 600, local: false };
  private closed = false;

  private constructor(
    readonly id: string,
    private readonly language: string,
    private readonly send: Transcriber,
  ) {}

  static async create(opts: OpenAiRecognizerOptions): Promise<OpenAiRecognizer> {
    if (typeof opts?.model !== 'string' || opts.model === '') throw new TypeError('model must be a non-empty string');
    const id = `openai:${opts.model}`;
    let mod: typeof import('openai');
    try {
      mod = await import('openai');
    } catch (err) {
      throw new SttError(id, 'backend-unavailable', 'STT_BACKEND=openai needs the "openai" npm package installed', { cause: err });
    }
    const client = new mod.OpenAI({ baseURL: opts.baseUrl, apiKey: opts.apiKey ?? 'unused', maxRetries: 0 });
    const language = opts.language ?? 'en';
    const send: Transcriber = async (wav, signal) => {
      try {
        const file = await mod.toFile(wav, 'segment.wav', { type: 'audio/wav' });
        const res = await client.audio.transcriptions.create({ file, model: opts.model, language }, signal ? { signal } : undefined);
        return res.text;
      } catch (err) {
        if (err instanceof mod.APIUserAbortError) throw new SttError(id, 'aborted', 'transcription aborted', { cause: err });
        if (err instanceof mod.APIConnectionError) throw new SttError(id, 'backend-unavailable', err.message, { retryable: true, cause: err });
        if (err instanceof mod.APIError) {
          const status = err.status ?? 0;
          const retryable = status === 408 || status === 429 || status >= 500;
          throw new SttError(id, retryable ? 'backend-unavailable' : 'backend-rejected', `HTTP ${status}: ${err.message}`, { retryable, cause: err });
        }
        throw err;
      }
    };
    return new OpenAiRecognizer(id, language, send);
  }

  async transcribe(pcm16k: Float32Array, opts: TranscribeOptions = {}): Promise<TranscriptionResult> {
    const audio = validatePcm16k(this.id, pcm16k, this.capabilities.maxAudioSeconds);
    if (this.closed) throw new SttError(this.id, 'closed', 'recognizer is closed');
    const started = performance.now();
    const text = (await this.send(encodeWav16(audio, STT_SAMPLE_RATE), opts.signal)).trim();
    return {
      text,
      language: this.language,
      audioSeconds: audio.length / STT_SAMPLE_RATE,
      processingMs: performance.now() - started,
      truncated: false,
      recognizerId: this.id,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
