// `roundtable models` against temp caches (the silero-vad package is fetched for real from npm).
import test from 'ava';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { defaultModelIds, modelsCommand } from '../../cli/models.js';
import { loadConfig } from '../../core/config.js';

function capture() {
  const io = { stdout: '', stderr: '', out: (s: string) => void (io.stdout += s), err: (s: string) => void (io.stderr += s) };
  return io;
}

async function tempConfig() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rt-cli-models-'));
  return { dir, config: loadConfig({ MODELS_DIR: dir }) };
}

test('default fetch set is the configured STT model, the VAD and the harm classifier encoder; a remote STT backend drops the STT model', (t) => {
  t.deepEqual(defaultModelIds(loadConfig({})), ['moonshine-base-en', 'silero-vad', 'all-minilm-l6-v2-q']);
  t.deepEqual(defaultModelIds(loadConfig({ STT_BACKEND: 'openai' })), ['silero-vad', 'all-minilm-l6-v2-q']);
});

test('fetch, then path, list and verify report the cached model; a corrupted file fails verify', async (t) => {
  const { dir, config } = await tempConfig();
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));

  const fetched = capture();
  t.is(await modelsCommand(['fetch', 'silero-vad'], config, fetched), 0);
  t.regex(fetched.stdout, /^silero-vad\tfetched\t/);

  const where = capture();
  t.is(await modelsCommand(['path', 'silero-vad'], config, where), 0);
  t.is(where.stdout.trim(), path.join(dir, 'silero-vad'));

  const listed = capture();
  t.is(await modelsCommand(['list', '--json'], config, listed), 0);
  const status = Object.fromEntries(JSON.parse(listed.stdout).models.map((m: { id: string; status: string }) => [m.id, m.status]));
  t.is(status['silero-vad'], 'cached');
  t.is(status['moonshine-base-en'], 'not fetched');

  const verified = capture();
  t.is(await modelsCommand(['verify', 'silero-vad'], config, verified), 0);
  t.is(verified.stdout, 'silero-vad\tok\n');

  const fh = await fs.open(path.join(dir, 'silero-vad', 'silero_vad.onnx'), 'r+');
  await fh.write(Buffer.from([1, 2, 3]), 0, 3, 50);
  await fh.close();
  const broken = capture();
  t.is(await modelsCommand(['verify', 'silero-vad'], config, broken), 1);
  t.is(broken.stdout, 'silero-vad\tsha256-mismatch\n');
  t.regex(broken.stderr, /npx roundtable models fetch silero-vad/);
});

test('path of a model that was never fetched exits 1 with the fix command', async (t) => {
  const { dir, config } = await tempConfig();
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  const io = capture();
  t.is(await modelsCommand(['path', 'moonshine-base-en'], config, io), 1);
  t.regex(io.stderr, /missing.*npx roundtable models fetch moonshine-base-en/s);
});

test('verify with no ids checks the models a room needs, so an empty cache fails', async (t) => {
  const { dir, config } = await tempConfig();
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  const io = capture();
  t.is(await modelsCommand(['verify'], config, io), 1);
  t.is(io.stdout, 'moonshine-base-en\tmissing\nsilero-vad\tmissing\nall-minilm-l6-v2-q\tmissing\n');
});

test('usage errors exit 2: unknown command, unknown model, unknown flag, path without id', async (t) => {
  const { dir, config } = await tempConfig();
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  for (const argv of [['frobnicate'], ['fetch', 'whisper-huge'], ['fetch', '--everything'], ['path'], []]) {
    const io = capture();
    t.is(await modelsCommand(argv, config, io), 2, argv.join(' '));
  }
  await t.throwsAsync(modelsCommand('list' as unknown as string[], config), { instanceOf: TypeError });
});
