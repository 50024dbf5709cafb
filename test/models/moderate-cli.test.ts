// `roundtable moderate` as operators run it: a real child process, JSON lines in, one contract line out per input,
// scored by the shipped head (real encoder from the verified cache).
import test from 'ava';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HARM_CATEGORIES } from '../../models/classifier/taxonomy.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function run(args: string[], stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'error' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

test('one output line per input with exactly id, scores, flagged, categories; harmful flagged, benign not', async (t) => {
  const input = [
    { id: 'a', text: "Let's kill the process and restart the worker." },
    { id: 'b', text: "If you tell anyone about this I'll hurt you and your family." },
    { id: 7, text: 'His card number is 4111 1111 1111 1111.' },
  ];
  const { code, stdout, stderr } = await run(['moderate'], `${input.map((r) => JSON.stringify(r)).join('\n')}\n`);
  t.is(code, 0, stderr);
  const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: unknown; scores: Record<string, number>; flagged: boolean; categories: string[] });
  t.is(lines.length, 3);
  for (const [i, line] of lines.entries()) {
    t.deepEqual(Object.keys(line), ['id', 'scores', 'flagged', 'categories']);
    t.is(line.id, input[i]!.id);
    t.deepEqual(Object.keys(line.scores), [...HARM_CATEGORIES]);
    for (const p of Object.values(line.scores)) t.true(p >= 0 && p <= 1);
    t.is(line.flagged, line.categories.length > 0);
  }
  t.false(lines[0]!.flagged, JSON.stringify(lines[0]));
  t.true(lines[1]!.categories.includes('threat'), JSON.stringify(lines[1]));
  t.true(lines[2]!.categories.includes('personal_data'), JSON.stringify(lines[2]));
});

test('bad lines are named on stderr with their line number, the rest is still scored, exit code 1', async (t) => {
  const { code, stdout, stderr } = await run(['moderate'], `not json\n{"id":"x"}\n{"id":"ok","text":"Thanks everyone, see you Thursday."}\n[1,2]\n`);
  t.is(code, 1);
  t.regex(stderr, /line 1: not JSON/);
  t.regex(stderr, /line 2: expected \{"id": string\|number, "text": string\}/);
  t.regex(stderr, /line 4: expected/);
  const lines = stdout.trim().split('\n');
  t.is(lines.length, 1);
  t.is(JSON.parse(lines[0]!).id, 'ok');
});

test('arguments are refused with usage and exit code 2', async (t) => {
  const { code, stdout, stderr } = await run(['moderate', '--fast'], '');
  t.is(code, 2);
  t.is(stdout, '');
  t.regex(stderr, /usage: roundtable moderate/);
});
