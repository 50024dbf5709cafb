// Moonshine (Useful Sensors) on onnxruntime-node: the encoder reads raw 16 kHz audio, then a greedy loop over the
// merged decoder. Its first step runs with use_cache_branch=false and empty past tensors, which makes it compute the
// cross-attention keys/values from the encoder output once; later steps feed one token plus the growing self-attention
// cache and those fixed cross-attention tensors. The loop follows moonshine's own C++/Python reference.
import ort from 'onnxruntime-node';
import { STT_SAMPLE_RATE } from '../../audio/pcm.js';
import type { RecognizerCapabilities, SpeechRecognizer, TranscribeOptions, TranscriptionResult } from '../speech-recognizer.js';
import { SttError } from '../stt-error.js';
import { validatePcm16k } from '../validate-audio.js';
import { MoonshineTokenizer } from './moonshine-tokenizer.js';

export interface MoonshineFiles {
  encoderPath: string;
  decoderPath: string;
  tokenizerPath: string;
}

export interface MoonshineOptions {
  id?: string;
  /** ORT intra-op threads; 1 keeps one recognizer per core predictable. */
  threads?: number;
  /** Token budget per second of audio; English speech runs ~3-4, the margin catches fast talkers. */
  tokensPerSecond?: number;
  /** Overrides of the ORT session options below (bench/stt-throughput.ts compares them). */
  sessionOptions?: Partial<ort.InferenceSession.SessionOptions>;
}

const BOS = 1;
const EOS = 2;
/** Below ~0.1 s the encoder has no frames to give; nothing that short is speech anyway. */
const MIN_SAMPLES = 1600;
const MAX_AUDIO_SECONDS = 64;

interface DecoderShape {
  layers: number;
  heads: number;
  headDim: number;
}

export class MoonshineRecognizer implements SpeechRecognizer {
  readonly capabilities: RecognizerCapabilities = {
    streaming: false,
    languages: ['en'],
    maxAudioSeconds: MAX_AUDIO_SECONDS,
    local: true,
  };
  private closed = false;
  /** Runs one transcription at a time so each gets the configured threads and latency stays predictable. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly id: string,
    private readonly encoder: ort.InferenceSession,
    private readonly decoder: ort.InferenceSession,
    private readonly tokenizer: MoonshineTokenizer,
    private readonly shape: DecoderShape,
    private readonly tokensPerSecond: number,
    /** Time spent creating both sessions and reading the tokenizer. */
    readonly loadMs: number,
  ) {}

  static async load(files: MoonshineFiles, opts: MoonshineOptions = {}): Promise<MoonshineRecognizer> {
    for (const key of ['encoderPath', 'decoderPath', 'tokenizerPath'] as const) {
      if (typeof files?.[key] !== 'string' || files[key] === '') throw new TypeError(`files.${key} must be a non-empty string`);
    }
    const threads = opts.threads ?? 1;
    if (!Number.isInteger(threads) || threads < 1) throw new TypeError(`threads must be a positive integer, got ${threads}`);
    const tokensPerSecond = opts.tokensPerSecond ?? 6.5;
    if (!(tokensPerSecond > 0)) throw new TypeError(`tokensPerSecond must be positive, got ${tokensPerSecond}`);
    const id = opts.id ?? 'moonshine-base-en';
    const started = performance.now();
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // Measured on base-en: without the CPU arena decoding runs ~2x slower; memory patterns add ~250 MB of peak
      // RSS (the merged decoder's two branches each plan their own buffers) and no speed, so they stay off.
      enableCpuMemArena: true,
      enableMemPattern: false,
      ...opts.sessionOptions,
    };
    const [encoder, decoder, tokenizer] = await Promise.all([
      ort.InferenceSession.create(files.encoderPath, sessionOptions),
      ort.InferenceSession.create(files.decoderPath, sessionOptions),
      MoonshineTokenizer.fromFile(files.tokenizerPath),
    ]);
    return new MoonshineRecognizer(id, encoder, decoder, tokenizer, decoderShape(decoder), tokensPerSecond, performance.now() - started);
  }

  transcribe(pcm16k: Float32Array, opts: TranscribeOptions = {}): Promise<TranscriptionResult> {
    const audio = validatePcm16k(this.id, pcm16k, MAX_AUDIO_SECONDS);
    return this.enqueue(async () => (await this.run([audio], opts.signal))[0]!);
  }

  /**
   * Transcribes several segments in one encoder run and one decoder loop (batch rows), for the shared inference
   * process's batcher. The model has no attention mask, so shorter segments are zero-padded to the longest: keep
   * batches to segments of similar length (agents/inference/stt-batcher.ts does). Results are in input order.
   */
  transcribeBatch(pcms: readonly Float32Array[], opts: TranscribeOptions = {}): Promise<TranscriptionResult[]> {
    if (!Array.isArray(pcms) || pcms.length === 0) throw new TypeError('pcms must be a non-empty array of Float32Array');
    const audio = pcms.map((p) => validatePcm16k(this.id, p, MAX_AUDIO_SECONDS));
    return this.enqueue(() => this.run(audio, opts.signal));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    await Promise.all([this.encoder.release(), this.decoder.release()]);
  }

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(job);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async run(pcms: Float32Array[], signal: AbortSignal | undefined): Promise<TranscriptionResult[]> {
    if (this.closed) throw new SttError(this.id, 'closed', 'recognizer is closed');
    if (signal?.aborted) throw new SttError(this.id, 'aborted', 'transcription aborted', { cause: signal.reason });
    const started = performance.now();
    const results: TranscriptionResult[] = new Array(pcms.length);
    const finish = (i: number, text: string, truncated: boolean): void => {
      const audioSeconds = pcms[i]!.length / STT_SAMPLE_RATE;
      results[i] = { text, language: 'en', audioSeconds, processingMs: performance.now() - started, truncated, recognizerId: this.id };
    };
    const rows: number[] = [];
    for (const [i, pcm] of pcms.entries()) {
      if (pcm.length < MIN_SAMPLES) finish(i, '', false);
      else rows.push(i);
    }
    if (rows.length === 0) return results;
    try {
      const batch = rows.length;
      const longest = Math.max(...rows.map((i) => pcms[i]!.length));
      // A batch of one feeds the caller's samples as they are; more rows are zero-padded to the longest.
      const input = batch === 1 ? pcms[rows[0]!]! : new Float32Array(batch * longest);
      if (batch > 1) rows.forEach((i, r) => input.set(pcms[i]!, r * longest));
      const { last_hidden_state: hidden } = await this.encoder.run({
        input_values: new ort.Tensor('float32', input, [batch, longest]),
      });
      const budget = rows.map((i) => Math.max(4, Math.ceil((pcms[i]!.length / STT_SAMPLE_RATE) * this.tokensPerSecond)));
      const maxTokens = Math.max(...budget);
      const { layers, heads, headDim } = this.shape;
      const feeds: Record<string, ort.Tensor> = { encoder_hidden_states: hidden! };
      const empty = new ort.Tensor('float32', new Float32Array(0), [batch, heads, 0, headDim]);
      for (let l = 0; l < layers; l++) {
        for (const part of ['decoder', 'encoder']) {
          feeds[`past_key_values.${l}.${part}.key`] = empty;
          feeds[`past_key_values.${l}.${part}.value`] = empty;
        }
      }
      const tokens: number[][] = rows.map(() => []);
      const next = new BigInt64Array(batch).fill(BigInt(BOS));
      let open = batch;
      for (let step = 0; step < maxTokens && open > 0; step++) {
        if (signal?.aborted) throw new SttError(this.id, 'aborted', 'transcription aborted', { cause: signal.reason });
        feeds.input_ids = new ort.Tensor('int64', next, [batch, 1]);
        feeds.use_cache_branch = new ort.Tensor('bool', [step > 0], [1]);
        const out = await this.decoder.run(feeds);
        for (let r = 0; r < batch; r++) {
          if (results[rows[r]!]) continue; // finished rows ride along until the whole batch is done
          const token = argmaxRow(out.logits!, r);
          next[r] = BigInt(token);
          if (token === EOS) {
            finish(rows[r]!, this.tokenizer.decode(tokens[r]!), false);
            open--;
          } else if (tokens[r]!.push(token) >= budget[r]!) {
            finish(rows[r]!, this.tokenizer.decode(tokens[r]!), true);
            open--;
          }
        }
        for (let l = 0; l < layers; l++) {
          feeds[`past_key_values.${l}.decoder.key`] = out[`present.${l}.decoder.key`]!;
          feeds[`past_key_values.${l}.decoder.value`] = out[`present.${l}.decoder.value`]!;
          if (step === 0) {
            // The cache branch only echoes placeholders for these; the first step's values stay valid throughout.
            feeds[`past_key_values.${l}.encoder.key`] = out[`present.${l}.encoder.key`]!;
            feeds[`past_key_values.${l}.encoder.value`] = out[`present.${l}.encoder.value`]!;
          }
        }
      }
      return results;
    } catch (err) {
      if (err instanceof SttError) throw err;
      throw new SttError(this.id, 'inference-failed', `onnxruntime failed: ${(err as Error).message}`, { cause: err });
    }
  }
}

/** Greedy choice for batch row `row` at the last position of logits [batch, positions, vocab]. */
function argmaxRow(logits: ort.Tensor, row: number): number {
  const data = logits.data as Float32Array;
  const vocab = logits.dims[logits.dims.length - 1]!;
  const perRow = data.length / logits.dims[0]!;
  const base = row * perRow + perRow - vocab;
  let best = 0;
  let bestValue = -Infinity;
  for (let v = 0; v < vocab; v++) {
    const x = data[base + v]!;
    if (x > bestValue) {
      bestValue = x;
      best = v;
    }
  }
  return best;
}

/** Reads layer count, heads and head size from the decoder's declared inputs instead of hard-coding base-en's. */
function decoderShape(decoder: ort.InferenceSession): DecoderShape {
  const layers = decoder.inputNames.filter((n) => /^past_key_values\.\d+\.decoder\.key$/.test(n)).length;
  const meta = decoder.inputMetadata.find((m) => m.name === 'past_key_values.0.decoder.key');
  const shape = meta?.isTensor ? meta.shape : undefined;
  const heads = typeof shape?.[1] === 'number' ? shape[1] : 8;
  const headDim = typeof shape?.[3] === 'number' ? shape[3] : 52;
  if (layers === 0 || !decoder.inputNames.includes('use_cache_branch')) {
    throw new TypeError(`not a merged Moonshine decoder: inputs are ${decoder.inputNames.join(', ')}`);
  }
  return { layers, heads, headDim };
}
