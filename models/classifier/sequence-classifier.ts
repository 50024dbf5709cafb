// A fine-tuned BERT classifier in one ONNX graph (input_ids, attention_mask -> one logit per category), with the
// tokenizer.json it was trained with. Scores are sigmoid probabilities, one row per text. Each text runs alone: the
// graph is int8 with dynamic activation quantisation, whose scales come from the whole input tensor, so in a padded
// batch a text's scores moved with its neighbours (up to 0.07 measured) — an utterance would score differently
// depending on the previous one it was batched with.
import ort from 'onnxruntime-node';
import { BertTokenizer, padTokenBatch } from './token-batch.js';

export interface SequenceClassifierOptions {
  modelPath: string;
  tokenizerPath: string;
  /** Number of logits the graph returns per text. */
  labels: number;
  maxTokens: number;
  /** ONNX Runtime intra-op threads; 1 keeps one core per classifier. */
  threads?: number;
}

export class SequenceClassifier {
  readonly labels: number;
  readonly #session: ort.InferenceSession;
  readonly #tokenizer: BertTokenizer;
  #closed = false;

  private constructor(session: ort.InferenceSession, tokenizer: BertTokenizer, labels: number) {
    this.#session = session;
    this.#tokenizer = tokenizer;
    this.labels = labels;
  }

  static async load(opts: SequenceClassifierOptions): Promise<SequenceClassifier> {
    if (!opts || typeof opts.modelPath !== 'string' || typeof opts.tokenizerPath !== 'string') {
      throw new TypeError('SequenceClassifier.load: modelPath and tokenizerPath must be strings');
    }
    if (!Number.isInteger(opts.labels) || opts.labels < 1) throw new TypeError('SequenceClassifier.load: labels must be a positive integer');
    const tokenizer = await BertTokenizer.load(opts.tokenizerPath, opts.maxTokens);
    const session = await ort.InferenceSession.create(opts.modelPath, {
      intraOpNumThreads: opts.threads ?? 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    if (!session.inputNames.includes('input_ids') || !session.inputNames.includes('attention_mask') || !session.outputNames.includes('logits')) {
      throw new TypeError(`${opts.modelPath}: expected inputs input_ids, attention_mask and output logits, got ${session.inputNames.join(', ')} -> ${session.outputNames.join(', ')}`);
    }
    return new SequenceClassifier(session, tokenizer, opts.labels);
  }

  /** Sigmoid probabilities, `labels` per text. */
  async predict(texts: readonly string[]): Promise<Float32Array[]> {
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) throw new TypeError('predict: texts must be an array of strings');
    if (this.#closed) throw new Error('SequenceClassifier is closed');
    if (texts.length === 0) return [];
    const result: Float32Array[] = [];
    for (const text of texts) {
      const { ids, mask, len } = padTokenBatch([this.#tokenizer.tokenize(text)]);
      const out = await this.#session.run({ input_ids: new ort.Tensor('int64', ids, [1, len]), attention_mask: new ort.Tensor('int64', mask, [1, len]) });
      const logits = out['logits']!;
      if (logits.dims[1] !== this.labels) throw new TypeError(`the graph returned ${String(logits.dims[1])} logits per text, expected ${this.labels}`);
      const data = logits.data as Float32Array;
      result.push(Float32Array.from({ length: this.labels }, (_, k) => 1 / (1 + Math.exp(-data[k]!))));
    }
    return result;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#session.release();
  }
}
