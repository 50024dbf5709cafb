// `roundtable import-members`: a file with a bad line names the line and the field and imports nothing; a good file
// imports every member with profile, goals, languages, zone, availability and connection count, each with an
// unusable password (logging in fails until they set one); gating then asks only for the photo and the intro.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { importMembersCommand } from '../../cli/matching.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { DESCRIPTION } from './_fixtures.js';

let env: TestStack;
test.before(async () => {
  env = await startTestStack({ workers: 0 });
});
test.after.always(() => env?.stop());

function line(n: number, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    email: `imported${n}.${process.pid}@example.test`,
    displayName: `Imported Member ${n}`,
    headline: 'Partner at a seed fund',
    experience: [
      { role: 'Partner', company: 'Fund', years: 6, description: DESCRIPTION },
      { role: 'Founder', company: 'Startup', years: 4, description: DESCRIPTION },
    ],
    skills: ['fundraising'],
    offers: ['Fundraising advice for seed-stage founders'],
    seeks: ['Founders building climate software'],
    languages: ['en', 'it'],
    timeZone: 'Europe/Rome',
    availability: { parts: ['weekday_mornings'] },
    connections: 25,
    ...overrides,
  });
}

async function runImport(content: string, extra: string[] = []): Promise<{ code: number; out: string; err: string }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rt-import-'));
  const file = path.join(dir, 'members.jsonl');
  await fs.writeFile(file, content);
  let out = '';
  let err = '';
  try {
    const code = await importMembersCommand([file, ...extra], env.config, env.stack.services.log, { out: (s) => (out += s), err: (s) => (err += s) });
    return { code, out, err };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

const memberCount = async () => (await env.stack.database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM members')).rows[0]!.n;

test.serial('a bad line names its line number and field, and nothing is imported', async (t) => {
  const before = await memberCount();
  const bad = [line(1), line(2), line(3, { timeZone: 'Mars/Olympus' }), '', line(5, { availability: { ranges: [{ day: 'mon', start: '11:00', end: '10:00' }] } }), line(6, { connections: -1 }), '{not json', line(1)].join('\n');
  const r = await runImport(bad);
  t.is(r.code, 1);
  t.regex(r.err, /^line 3: timeZone: /m);
  t.regex(r.err, /^line 5: availability\.ranges\.0\.end: must be after start/m);
  t.regex(r.err, /^line 6: connections: /m);
  t.regex(r.err, /^line 7: \(line\): not valid JSON/m);
  t.regex(r.err, /^line 8: email: .* is already on line 1/m);
  t.regex(r.err, /nothing imported/);
  t.is(await memberCount(), before);

  // Valid lines, but one email already has an account: still all or nothing.
  const existing = await env.api.signUp('Already Here');
  const r2 = await runImport([line(10), line(11, { email: existing.email })].join('\n'));
  t.is(r2.code, 1);
  t.regex(r2.err, /^line 2: email: .* already has an account/m);
  t.is(await memberCount(), before + 1);
});

test.serial('a good file imports everyone with their profile; they must set a password', async (t) => {
  const before = await memberCount();
  const r = await runImport([line(21), line(22, { optIn: false, languages: ['pt-BR'] })].join('\n'));
  t.is(r.code, 0, r.err);
  t.regex(r.out, /imported 2 members \(2 embedded\)/);
  t.regex(r.out, /must set a new one/);
  t.is(await memberCount(), before + 2);
  const { rows } = await env.stack.database.pool.query(
    `SELECT m.id, m.display_name, p.languages, p.time_zone, p.availability, p.opted_in, p.imported_connections, p.offers
       FROM members m JOIN matching_profiles p ON p.member_id = m.id WHERE m.email LIKE 'imported2_.%' ORDER BY m.email`,
  );
  t.is(rows.length, 2);
  t.deepEqual(rows.map((x) => [x.display_name, x.languages, x.time_zone, x.opted_in, x.imported_connections]), [
    ['Imported Member 21', ['en', 'it'], 'Europe/Rome', true, 25],
    ['Imported Member 22', ['pt-BR'], 'Europe/Rome', false, 25],
  ]);
  t.deepEqual(rows[0].availability, { parts: ['weekday_mornings'] });
  const { rows: emb } = await env.stack.database.pool.query('SELECT count(*)::int AS n FROM member_embeddings WHERE member_id = $1', [rows[0].id]);
  t.is(emb[0].n, 3);
  // No password works.
  const login = await env.api.post('/v1/auth/login', { email: `imported21.${process.pid}@example.test`, password: 'correct horse battery staple' });
  t.is(login.status, 401);
  // Gating: connections (imported), experience, availability, standing and opt-in met; photo and intro to add.
  const status = await env.stack.services.matchingProfiles.status(rows[0].id);
  t.deepEqual(status.criteria.filter((c) => !c.met).map((c) => c.criterion), ['photo', 'intro']);
});
