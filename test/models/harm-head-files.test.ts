// Every registered harm head (shipped or candidate) as committed: the file loads with its registry sha256 and size
// checked, and its model card names the same bytes and the same thresholds — so a head retrained without updating
// the registry, or a card left from another run, fails here rather than at a worker's start.
import test from 'ava';
import fs from 'node:fs/promises';
import path from 'node:path';
import { loadHeadFile, REPO_ROOT, verifiedOnnxPath } from '../../models/classifier/head-file.js';
import { HARM_CATEGORIES } from '../../models/classifier/taxonomy.js';
import { DEFAULT_HARM_CLASSIFIER_ID, TRAINED_MODELS } from '../../models/registry.js';

test('the shipped head is one of the registered heads', (t) => {
  t.true(TRAINED_MODELS.has(DEFAULT_HARM_CLASSIFIER_ID));
});

for (const spec of TRAINED_MODELS.values()) {
  test(`${spec.id}: the file matches the registry and its model card`, async (t) => {
    const head = await loadHeadFile(spec);
    const card = JSON.parse(await fs.readFile(path.join(REPO_ROOT, spec.cardPath), 'utf8')) as { id: string; head: { path: string; sha256: string; bytes: number }; thresholds: Record<string, number> };
    t.is(card.id, spec.id);
    t.deepEqual(card.head, { path: spec.repoPath, sha256: spec.sha256, bytes: spec.bytes });
    t.deepEqual(card.thresholds, head.thresholds);
    t.deepEqual(head.categories, [...HARM_CATEGORIES]);
    t.true(head.modelVersion.startsWith(`${spec.id}+`), head.modelVersion);
    if (head.format === 'roundtable-finetuned-classifier-v1') {
      // The graph beside it: pinned by the file, named the same by the card, and its bytes are those.
      t.is(await verifiedOnnxPath(spec, head), path.join(REPO_ROOT, head.onnx.path));
      t.deepEqual((card as unknown as { onnx: unknown }).onnx, head.onnx);
    }
  });
}
