// The fine-tuned classifier's ONNX runner on its own: the shipped graph returns one probability per category for each
// text of a batch, exactly as each text alone (int8 dynamic quantisation would otherwise let neighbours move it); a graph of another shape is refused by name; bad arguments are
// TypeErrors.
import test from 'ava';
import path from 'node:path';
import { loadConfig } from '../../core/config.js';
import { REPO_ROOT, loadHeadFile, verifiedOnnxPath } from '../../models/classifier/head-file.js';
import { SequenceClassifier } from '../../models/classifier/sequence-classifier.js';
import { HARM_CATEGORIES } from '../../models/classifier/taxonomy.js';
import { resolveModelFiles } from '../../models/fetch.js';
import { TRAINED_MODELS } from '../../models/registry.js';

const config = loadConfig();
const finetuned = [...TRAINED_MODELS.values()].find((s) => s.kind === 'finetuned');

test('a batch scores each text exactly as it scores alone, one probability per category', async (t) => {
  if (!finetuned) return t.fail('no fine-tuned model is registered');
  const file = await loadHeadFile(finetuned);
  if (file.format !== 'roundtable-finetuned-classifier-v1') return t.fail(`${finetuned.id} is not a fine-tuned model file`);
  const tokenizerPath = (await resolveModelFiles(file.encoderId, config.dirs.models))['tokenizer.json']!;
  const model = await SequenceClassifier.load({ modelPath: await verifiedOnnxPath(finetuned, file), tokenizerPath, labels: HARM_CATEGORIES.length, maxTokens: file.maxTokens });
  t.teardown(() => model.close());
  const texts = ['Thanks everyone, see you next week.', 'I will find you after work and hurt you.', 'ok'];
  const batch = await model.predict(texts);
  t.is(batch.length, 3);
  for (const [i, text] of texts.entries()) {
    const [alone] = await model.predict([text]);
    t.is(batch[i]!.length, HARM_CATEGORIES.length);
    for (let k = 0; k < HARM_CATEGORIES.length; k++) {
      t.true(batch[i]![k]! >= 0 && batch[i]![k]! <= 1);
      t.is(batch[i]![k], alone![k], `${text}: its neighbours in the batch changed ${HARM_CATEGORIES[k]}`);
    }
  }
  t.deepEqual(await model.predict([]), []);
  await t.throwsAsync(model.predict('one text' as never), { instanceOf: TypeError });
  await model.close();
  await t.throwsAsync(model.predict(['after close']), { message: /closed/ });
});

test('a graph without input_ids/attention_mask -> logits is refused by name', async (t) => {
  const encoder = await resolveModelFiles('all-minilm-l6-v2-q', config.dirs.models);
  await t.throwsAsync(SequenceClassifier.load({ modelPath: encoder['model.onnx']!, tokenizerPath: encoder['tokenizer.json']!, labels: 9, maxTokens: 64 }), { instanceOf: TypeError, message: /expected inputs input_ids, attention_mask and output logits/ });
});

test('TypeError on bad arguments', async (t) => {
  const tokenizerPath = path.join(REPO_ROOT, 'no-such-tokenizer.json');
  await t.throwsAsync(SequenceClassifier.load(null as never), { instanceOf: TypeError });
  await t.throwsAsync(SequenceClassifier.load({ modelPath: 3 as never, tokenizerPath, labels: 9, maxTokens: 64 }), { instanceOf: TypeError, message: /modelPath/ });
  await t.throwsAsync(SequenceClassifier.load({ modelPath: 'x.onnx', tokenizerPath, labels: 0, maxTokens: 64 }), { instanceOf: TypeError, message: /labels/ });
  await t.throwsAsync(SequenceClassifier.load({ modelPath: 'x.onnx', tokenizerPath, labels: 9, maxTokens: 4 }), { instanceOf: TypeError, message: /maxTokens/ });
});
