// Embeds every training/eval text into the cache (scripts/classifier/embedding-cache.ts) ahead of training, one
// encoder at a time: `node --import tsx scripts/classifier/warm-embeddings.ts <encoder-id>...`.
import os from 'node:os';
import path from 'node:path';
import { isClassifierEncoderId, loadClassifierEncoder } from '../../models/classifier/encoders.js';
import { DatasetReader, defaultEvalTextDir, loadAll } from './datasets.js';
import { embedAll } from './embedding-cache.js';

import { TRAIN_MAX_TOKENS } from './train-config.js';

const modelsDir = process.env['MODELS_DIR'] ?? path.join(os.homedir(), '.cache/roundtable/models');
const texts = loadAll(new DatasetReader(defaultEvalTextDir())).map((e) => e.text);
for (const id of process.argv.slice(2)) {
  if (!isClassifierEncoderId(id)) throw new TypeError(`unknown encoder ${id}`);
  const enc = await loadClassifierEncoder(id, modelsDir, { maxTokens: TRAIN_MAX_TOKENS });
  const t0 = Date.now();
  await embedAll(enc, `${id}-t${TRAIN_MAX_TOKENS}`, texts, { progress: (d, n) => process.stderr.write(`${id}: ${d}/${n} ${Math.round((Date.now() - t0) / 1000)} s\n`) });
  await enc.close();
}
