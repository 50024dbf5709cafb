// Schemathesis, a property-based API fuzzer, drives the real stack from its own /v1/openapi.json: every
// operation, valid and invalid inputs, methods a path does not have. The server must never answer >= 500, every
// 4xx must be in the one error shape (test/fuzz/fuzz_hooks.py) and every answer must match the document.
// The fuzzer acts through an API key, so fuzzing POST /v1/auth/logout cannot end its own session; when it revokes
// that key (DELETE /v1/api-keys/{keyId} with an id it read from GET /v1/api-keys), the hooks replace it.
import test from 'ava';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestStack, type TestStack } from '../support/stack.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** The project-local venv made by scripts/bootstrap.sh from scripts/fuzz-requirements.txt. */
const ST = path.join(root, '.venv/bin/st');
const CHECKS = ['not_a_server_error', 'response_schema_conformance', 'unsupported_method', 'error_shape', 'record_status'];
/** Bounds: examples per operation and a time cap, so the run stays within a few minutes on a small machine. */
const MAX_EXAMPLES = Number(process.env.FUZZ_MAX_EXAMPLES ?? 12);
const MAX_SECONDS = Number(process.env.FUZZ_MAX_SECONDS ?? 140);

let env: TestStack;
let reportDir: string;
test.before(async () => {
  env = await startTestStack({ workers: 0 });
  reportDir = await fs.mkdtemp(path.join(os.tmpdir(), 'rt-fuzz-'));
});
test.after.always(async () => {
  await env?.stop();
  if (reportDir) await fs.rm(reportDir, { recursive: true, force: true });
});

interface Failure {
  operation: string;
  message: string;
}

test('schemathesis finds no server error, and every refusal is in the error shape', async (t) => {
  t.timeout((MAX_SECONDS + 90) * 1000);
  await fs.access(ST).catch(() => t.fail(`${ST} is missing: run scripts/bootstrap.sh (it creates the fuzzer's venv)`));
  const member = await env.api.signUp('Fuzz Fuzzer');
  // Staff, so the staff and admin operations are fuzzed with credentials that pass, not only refused.
  await env.stack.database.pool.query("UPDATE members SET platform_roles = ARRAY['member','trust_safety','admin'] WHERE id = $1", [member.memberId]);
  const created = await member.client.post('/v1/api-keys', { name: 'schemathesis' });
  t.is(created.status, 201, JSON.stringify(created.body));
  // A second session of the same member, never shown to the fuzzer: the hooks mint a new key with it when the
  // run revokes its own (test/fuzz/fuzz_hooks.py).
  const mint = await env.api.post('/v1/auth/login', { email: member.email, password: 'correct horse battery staple' });
  t.is(mint.status, 200, JSON.stringify(mint.body));
  const url = new URL(env.stack.apiUrl);
  t.true(['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname), `the fuzz target ${url} is on loopback`);

  const junit = path.join(reportDir, 'junit.xml');
  const statusLog = path.join(reportDir, 'statuses.txt');
  const args = [
    '--config-file', path.join(root, 'test/fuzz/schemathesis.toml'),
    'run', `${env.stack.apiUrl}/v1/openapi.json`,
    '--url', env.stack.apiUrl,
    // Left on, schemathesis also sends a generated `Authorization` header, which the API reads first: every
    // request would be refused as unauthenticated and the run would prove nothing.
    '--generation-with-security-parameters', 'false',
    '--checks', CHECKS.join(','),
    '--phases', 'examples,coverage,fuzzing',
    '--max-examples', String(MAX_EXAMPLES),
    '--max-time', String(MAX_SECONDS),
    '--seed', process.env.FUZZ_SEED ?? '6',
    '--workers', '2',
    '--request-timeout', '20',
    '--continue-on-failure',
    '--generation-database', 'none',
    '--suppress-health-check', 'all',
    '--report', 'junit', '--report-junit-path', junit,
    '--no-color',
  ];
  const run = await runFuzzer(args, { FUZZ_BASE_URL: env.stack.apiUrl, FUZZ_API_KEY: created.body.key, FUZZ_MINT_TOKEN: mint.body.accessToken, FUZZ_STATUS_LOG: statusLog });
  t.log(`schemathesis exited ${run.code} after ${run.seconds.toFixed(0)} s`);
  t.log(run.output.split('\n').filter((l) => l.startsWith('[fuzz]')).slice(-1).join('') || 'the API key was never revoked');
  t.log(run.output.split('\n').filter((l) => /^(Operations|Test cases|Seed|API Operations|=+ \d)/i.test(l.trim()) || /passed|failed/.test(l)).slice(-8).join('\n'));

  const xml = await fs.readFile(junit, 'utf8').catch(() => '');
  t.true(xml.length > 0, `schemathesis wrote no report:\n${run.output.slice(-3000)}`);
  const cases = [...xml.matchAll(/<testcase\b[^>]*\bname="([^"]*)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)];
  const failures: Failure[] = [];
  for (const [, name, , inner] of cases) {
    for (const m of (inner ?? '').matchAll(/<(failure|error)\b([^>]*?)(\/>|>([\s\S]*?)<\/\1>)/g)) {
      const message = unescapeXml(m[4] ?? /message="([^"]*)"/.exec(m[2] ?? '')?.[1] ?? m[1]!);
      failures.push({ operation: unescapeXml(name!), message: message.trim().slice(0, 2500) });
    }
  }
  // Every operation of the document was exercised: a run that reached nothing proves nothing.
  const doc = (await env.api.get('/v1/openapi.json')).body as { paths: Record<string, object> };
  const operations = Object.values(doc.paths).reduce((n, methods) => n + Object.keys(methods).length, 0);
  t.true(cases.length >= operations - 1, `${cases.length} operations in the report, ${operations} documented`);
  // The run acted as the member: every operation got at least one answer other than 401/403, except those no
  // member's key may call at all. Written out here, not derived from the route table: the LiveKit webhook answers
  // only to LiveKit's signature.
  const statuses = new Map<string, Set<number>>();
  for (const line of (await fs.readFile(statusLog, 'utf8').catch(() => '')).split('\n')) {
    const m = /^(\S+) (\S+) (\d+)$/.exec(line);
    if (!m) continue;
    const key = `${m[1]} ${m[2]}`;
    if (!statuses.has(key)) statuses.set(key, new Set());
    statuses.get(key)!.add(Number(m[3]));
  }
  t.true(statuses.size >= operations - 1, `${statuses.size} operations answered, ${operations} documented`);
  const refusedOnly = [...statuses].filter(([, s]) => [...s].every((c) => c === 401 || c === 403)).map(([op]) => op).sort();
  t.deepEqual(refusedOnly, ['POST /v1/livekit/webhook'], 'operations that answered the fuzzer only 401/403');
  const pool = env.stack.database.pool;
  const used = await pool.query('SELECT count(*)::int AS n FROM api_keys WHERE member_id = $1 AND last_used_at IS NOT NULL', [member.memberId]);
  t.true(used.rows[0].n > 0, 'the fuzzer used its API key');
  const rooms = await pool.query('SELECT count(*)::int AS n FROM rooms WHERE host_member_id = $1', [member.memberId]);
  const groups = await pool.query("SELECT count(*)::int AS n FROM group_members WHERE member_id = $1 AND role = 'owner'", [member.memberId]);
  t.log(`the fuzzer created ${rooms.rows[0].n} rooms and ${groups.rows[0].n} groups`);
  t.true(rooms.rows[0].n > 0 && groups.rows[0].n > 0, 'the fuzzer created rooms and groups as the member');
  for (const f of failures) t.log(`✗ ${f.operation}\n${f.message}\n`);
  t.deepEqual(failures.map((f) => f.operation), [], `${failures.length} failing operations (details above)`);
  t.true(run.seconds < MAX_SECONDS + 60, 'the run kept to its time cap');
});

function runFuzzer(args: string[], extraEnv: Record<string, string>): Promise<{ code: number | null; output: string; seconds: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(ST, args, {
      // Its own caches (.schemathesis/) go to the throw-away report folder, not the clone.
      cwd: reportDir,
      env: {
        ...process.env,
        ...extraEnv,
        SCHEMATHESIS_HOOKS: path.join(root, 'test/fuzz/fuzz_hooks.py'),
        // Loopback only: no proxy may carry the fuzzer's requests elsewhere.
        NO_PROXY: '*', HTTP_PROXY: '', HTTPS_PROXY: '', http_proxy: '', https_proxy: '',
        PYTHONDONTWRITEBYTECODE: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output, seconds: (Date.now() - started) / 1000 }));
  });
}

function unescapeXml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&#10;/g, '\n').replace(/&amp;/g, '&');
}
