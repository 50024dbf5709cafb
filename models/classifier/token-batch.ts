// A BERT tokenizer from a model's own tokenizer.json (run by @huggingface/tokenizers: the same normaliser,
// pre-tokeniser and WordPiece the model was trained with), cut to a token budget with [SEP] kept last, and the padded
// int64 batch an ONNX BERT graph takes. Shared by the sentence encoder and the fine-tuned classifier.
import fs from 'node:fs/promises';
import { Tokenizer } from '@huggingface/tokenizers';

export class BertTokenizer {
  readonly #tokenizer: Tokenizer;
  readonly #maxTokens: number;
  readonly #sepId: number;

  private constructor(tokenizer: Tokenizer, maxTokens: number, sepId: number) {
    this.#tokenizer = tokenizer;
    this.#maxTokens = maxTokens;
    this.#sepId = sepId;
  }

  static async load(tokenizerPath: string, maxTokens: number): Promise<BertTokenizer> {
    if (typeof tokenizerPath !== 'string') throw new TypeError('BertTokenizer.load: tokenizerPath must be a string');
    if (!Number.isInteger(maxTokens) || maxTokens < 8 || maxTokens > 512) throw new TypeError('BertTokenizer.load: maxTokens must be an integer in [8, 512]');
    const tokenizer = new Tokenizer(JSON.parse(await fs.readFile(tokenizerPath, 'utf8')) as object, {});
    const sepId = tokenizer.token_to_id('[SEP]');
    if (sepId === undefined) throw new TypeError(`${tokenizerPath}: no [SEP] token, not a BERT tokenizer`);
    return new BertTokenizer(tokenizer, maxTokens, sepId);
  }

  /** Token ids of one text, cut to maxTokens with [SEP] kept last. */
  tokenize(text: string): number[] {
    const ids = this.#tokenizer.encode(text).ids;
    if (ids.length <= this.#maxTokens) return ids;
    return [...ids.slice(0, this.#maxTokens - 1), this.#sepId];
  }
}

export interface TokenBatch {
  ids: BigInt64Array;
  mask: BigInt64Array;
  /** Rows and padded length. */
  rows: number;
  len: number;
}

/** Right-padded ids and attention mask of equal-length rows. */
export function padTokenBatch(tokenized: readonly (readonly number[])[]): TokenBatch {
  const len = Math.max(...tokenized.map((ids) => ids.length));
  const rows = tokenized.length;
  const ids = new BigInt64Array(rows * len);
  const mask = new BigInt64Array(rows * len);
  for (let i = 0; i < rows; i++) {
    const row = tokenized[i]!;
    for (let j = 0; j < row.length; j++) {
      ids[i * len + j] = BigInt(row[j]!);
      mask[i * len + j] = 1n;
    }
  }
  return { ids, mask, rows, len };
}
