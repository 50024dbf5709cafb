// Embeddings of training texts, cached on disk per (encoder, maxTokens) and keyed by sha256 of the text, so a rerun
// of training (or a changed professional file) only embeds what is new. A cache, not data: deleting it only costs time.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SentenceEncoder } from '../../models/classifier/sentence-encoder.js';

export interface EmbedProgress {
  (done: number, total: number): void;
}

export async function embedAll(
  encoder: SentenceEncoder,
  cacheKey: string,
  texts: readonly string[],
  opts: { batchSize?: number; progress?: EmbedProgress; cacheRoot?: string } = {},
): Promise<Float32Array[]> {
  const dir = path.join(opts.cacheRoot ?? path.join(os.homedir(), '.cache/roundtable/classifier-train'), cacheKey);
  fs.mkdirSync(dir, { recursive: true });
  const indexPath = path.join(dir, 'index.json');
  const vecPath = path.join(dir, 'vectors.f32');
  const dim = encoder.dim;
  let index: Record<string, number> = {};
  let rows = 0;
  if (fs.existsSync(indexPath) && fs.existsSync(vecPath)) {
    index = JSON.parse(fs.readFileSync(indexPath, 'utf8')) as Record<string, number>;
    rows = fs.statSync(vecPath).size / (4 * dim);
    if (!Number.isInteger(rows) || Object.values(index).some((r) => r >= rows)) {
      index = {};
      rows = 0;
      fs.rmSync(vecPath, { force: true });
    }
  }
  const keys = texts.map((t) => createHash('sha256').update(t).digest('hex'));
  const missing = [...new Set(keys.filter((k) => index[k] === undefined))];
  const textOf = new Map(keys.map((k, i) => [k, texts[i]!]));
  // Similar lengths in one batch keep padding small.
  const lengthOf = new Map(missing.map((k) => [k, encoder.tokenize(textOf.get(k)!).length]));
  missing.sort((a, b) => lengthOf.get(a)! - lengthOf.get(b)!);
  const batchSize = opts.batchSize ?? 16;
  const fd = fs.openSync(vecPath, 'a');
  try {
    for (let i = 0; i < missing.length; i += batchSize) {
      const batch = missing.slice(i, i + batchSize);
      const vecs = await encoder.embed(batch.map((k) => textOf.get(k)!));
      const buf = Buffer.alloc(batch.length * dim * 4);
      vecs.forEach((v, j) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).copy(buf, j * dim * 4));
      fs.writeSync(fd, buf);
      batch.forEach((k, j) => (index[k] = rows + j));
      rows += batch.length;
      if ((i / batchSize) % 20 === 0 || i + batchSize >= missing.length) {
        fs.writeFileSync(indexPath, JSON.stringify(index));
        opts.progress?.(Math.min(i + batchSize, missing.length), missing.length);
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  fs.writeFileSync(indexPath, JSON.stringify(index));
  const all = new Float32Array(new Uint8Array(fs.readFileSync(vecPath)).buffer);
  return keys.map((k) => all.slice(index[k]! * dim, index[k]! * dim + dim));
}
