// `roundtable transcribe` on the shared eval clips (WAV and FLAC), with the local Moonshine model.
import test from 'ava';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const speechDir = [path.resolve(repoRoot, '../shared/eval/speech'), path.resolve(repoRoot, '../../shared/eval/speech')].find((d) => fs.existsSync(d))!;
const jfk = path.join(speechDir, 'jfk/jfk.wav');
const flac = path.join(speechDir, 'librispeech-test-clean/1089-134686-0000.flac');

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'transcribe', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'error' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('--json: one line per file with file, text, durationMs, WAV and FLAC', async (t) => {
  t.truthy(speechDir, 'shared/eval/speech must sit beside the checkout');
  const { code, stdout, stderr } = await run(['--json', jfk, flac]);
  t.is(code, 0, stderr);
  const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string; text: string; durationMs: number });
  t.is(lines.length, 2);
  t.deepEqual(Object.keys(lines[0]!), ['file', 'text', 'durationMs']);
  t.is(lines[0]!.file, jfk);
  t.regex(lines[0]!.text.toLowerCase(), /ask not what your country can do for you/);
  t.true(Math.abs(lines[0]!.durationMs - 11000) < 200, String(lines[0]!.durationMs));
  t.is(lines[1]!.file, flac);
  t.regex(lines[1]!.text.toLowerCase(), /stew|turnips|carrots/);
  t.true(lines[1]!.durationMs > 1000);
});

test('plain output prints the transcript; a missing or unsupported file is named and exits 1', async (t) => {
  const plain = await run([jfk]);
  t.is(plain.code, 0, plain.stderr);
  t.regex(plain.stdout.toLowerCase(), /^and so my fellow americans/);
  const bad = await run([jfk, '/nonexistent/x.wav', path.join(repoRoot, 'package.json')]);
  t.is(bad.code, 1);
  t.is(bad.stdout.trim().split('\n').length, 1, 'the good file is still transcribed');
  t.regex(bad.stderr, /\/nonexistent\/x\.wav/);
  t.regex(bad.stderr, /unsupported audio type "\.json"/);
});

test('no files or an unknown option: usage, exit 2', async (t) => {
  t.is((await run([])).code, 2);
  const r = await run(['--fast', jfk]);
  t.is(r.code, 2);
  t.regex(r.stderr, /unknown option --fast/);
});
