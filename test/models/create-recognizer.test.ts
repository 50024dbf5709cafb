import test from 'ava';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../core/config.js';
import { ensureModel } from '../../models/fetch.js';
import { ModelFileError } from '../../models/model-file-error.js';
import { createRecognizer } from '../../models/stt/create-recognizer.js';
import { MoonshineRecognizer } from '../../models/stt/moonshine/moonshine-recognizer.js';
import { UnknownModelError } from '../../models/unknown-model-error.js';

test('the default config builds a Moonshine recognizer from the real cache', async (t) => {
  const config = loadConfig();
  await ensureModel('moonshine-base-en', { modelsDir: config.dirs.models });
  const r = await createRecognizer(config);
  t.teardown(() => r.close());
  t.true(r instanceof MoonshineRecognizer);
  t.is(r.id, 'moonshine-base-en');
  t.true(r.capabilities.local);
});

test('an empty cache is a ModelFileError with the fetch command, never a fallback', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rt-empty-models-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  const err = await t.throwsAsync(createRecognizer(loadConfig({ MODELS_DIR: dir })), { instanceOf: ModelFileError });
  t.is(err?.problem, 'missing');
  t.regex(err?.message ?? '', /npx roundtable models fetch moonshine-base-en/);
});

test('STT_MODEL must name a registered speech-to-text model', async (t) => {
  await t.throwsAsync(createRecognizer(loadConfig({ STT_MODEL: 'nope' })), { instanceOf: UnknownModelError });
  await t.throwsAsync(createRecognizer(loadConfig({ STT_MODEL: 'silero-vad' })), { instanceOf: TypeError, message: /vad model/ });
});
