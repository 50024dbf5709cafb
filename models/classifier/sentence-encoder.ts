// A sentence encoder from the model registry (MiniLM / bge-small ONNX exports) with the model's own tokenizer.json
// run by @huggingface/tokenizers: the same normaliser, pre-tokeniser and WordPiece the model was trained with.
import ort from 'onnxruntime-node';
import { BertTokenizer, padTokenBatch } from './token-batch.js';

export type Pooling = 'mean' | 'cls';

export interface SentenceEncoderOptions {
  modelPath: string;
  tokenizerPath: string;
  pooling: Pooling;
  /** Longest input in tokens including [CLS]/[SEP]; longer text is cut (utterances are short). */
  maxTokens?: number;
  /** ONNX Runtime intra-op threads; 1 keeps one core per encoder. */
  threads?: number;
}

export class SentenceEncoder {
  readonly dim: number;
  readonly #session: ort.InferenceSession;
  readonly #tokenizer: BertTokenizer;
  readonly #pooling: Pooling;
  #closed = false;

  private constructor(session: ort.InferenceSession, tokenizer: BertTokenizer, pooling: Pooling) {
    this.#session = session;
    this.#tokenizer = tokenizer;
    this.#pooling = pooling;
    this.dim = 384;
  }

  static async load(opts: SentenceEncoderOptions): Promise<SentenceEncoder> {
    if (!opts || typeof opts.modelPath !== 'string' || typeof opts.tokenizerPath !== 'string') {
      throw new TypeError('SentenceEncoder.load: modelPath and tokenizerPath must be strings');
    }
    if (opts.pooling !== 'mean' && opts.pooling !== 'cls') throw new TypeError(`SentenceEncoder.load: pooling must be "mean" or "cls", got ${String(opts.pooling)}`);
    const maxTokens = opts.maxTokens ?? 128;
    if (!Number.isInteger(maxTokens) || maxTokens < 8 || maxTokens > 512) throw new TypeError('SentenceEncoder.load: maxTokens must be an integer in [8, 512]');
    const tokenizer = await BertTokenizer.load(opts.tokenizerPath, maxTokens);
    const threads = opts.threads ?? 1;
    const session = await ort.InferenceSession.create(opts.modelPath, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    return new SentenceEncoder(session, tokenizer, opts.pooling);
  }

  /** Token ids of one text, cut to maxTokens with [SEP] kept last. */
  tokenize(text: string): number[] {
    return this.#tokenizer.tokenize(text);
  }

  /** L2-normalised embeddings, one per text, computed as one padded batch. */
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) throw new TypeError('embed: texts must be an array of strings');
    if (this.#closed) throw new Error('SentenceEncoder is closed');
    if (texts.length === 0) return [];
    const tokenized = texts.map((t) => this.tokenize(t));
    const { ids, mask, rows: n, len } = padTokenBatch(tokenized);
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', ids, [n, len]),
      attention_mask: new ort.Tensor('int64', mask, [n, len]),
      token_type_ids: new ort.Tensor('int64', new BigInt64Array(n * len), [n, len]),
    };
    const out = await this.#session.run(feeds);
    const hidden = out['last_hidden_state']!;
    const data = hidden.data as Float32Array;
    const dim = hidden.dims[2]!;
    const result: Float32Array[] = [];
    for (let i = 0; i < n; i++) {
      const v = new Float32Array(dim);
      const count = tokenized[i]!.length;
      if (this.#pooling === 'cls') {
        v.set(data.subarray(i * len * dim, i * len * dim + dim));
      } else {
        for (let j = 0; j < count; j++) {
          const off = (i * len + j) * dim;
          for (let d = 0; d < dim; d++) v[d]! += data[off + d]!;
        }
        for (let d = 0; d < dim; d++) v[d]! /= count;
      }
      let norm = 0;
      for (let d = 0; d < dim; d++) norm += v[d]! * v[d]!;
      norm = Math.sqrt(norm) || 1;
      for (let d = 0; d < dim; d++) v[d]! /= norm;
      result.push(v);
    }
    return result;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#session.release();
  }
}
