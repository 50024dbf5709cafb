// Bulk decisions in the staff console, in Chromium against the real API and PostgreSQL: cases are ticked in the
// queue (keyboard and "select all"), a decision and reason are confirmed with a summary, sent once to the bulk API,
// and the page shows the API's per-case answer and the batch id. The database is the truth: one batch id on every
// decision, the sanctions and the audit log; a refusal (no reason) shows beside its field and changes nothing. The
// staff pages show room titles and resolve names in one labels request per wave, never one request per member.
import fs from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import type { Request } from 'playwright-core';
import { flagCase, liveRoom, member, segment, staff, type Member } from '../moderation-api/_fixtures.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { logInThroughPage, openPerson, SCREENSHOT_DIR, type Person } from './_browser.js';
import { checkPageState, DESKTOP, waitFor } from './_staff.js';

const PASSWORD = 'correct horse battery staple';
const ROOM_TITLE = 'Friday product chat';

let env: TestStack;
let person: Person;
let reviewer: Member;
/** The members each case is about, by first name; their cases by the same key. */
const subjects = new Map<string, Member>();
const cases = new Map<string, string>();
/** Every API request the page made: the labels lookups and any one-member lookups. */
const requests: string[] = [];

test.before(async () => {
  await fs.rm(path.join(SCREENSHOT_DIR, 'staff-bulk'), { recursive: true, force: true });
  env = await startTestStack({ workers: 0 });
  person = await openPerson({ scenario: 'staff-bulk', name: 'reviewer', baseUrl: env.stack.apiUrl, viewport: DESKTOP });
  person.page.on('request', (r: Request) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/v1/')) requests.push(`${r.method()} ${url.pathname}${url.search}`);
  });
  reviewer = await staff(env, 'Rex Reviewer');
  const host = await member(env, 'Hana Host');
  const roomId = await liveRoom(host, ROOM_TITLE);
  for (const name of ['Ann', 'Bob', 'Cid', 'Dee', 'Eve']) {
    const m = await member(env, `${name} Spammer`);
    subjects.set(name, m);
    const seg = await segment(pool(), { roomId, speaker: m.memberId, text: 'buy my course now', scores: { spam: 0.8 }, categories: ['spam'] });
    cases.set(name, await flagCase(pool(), { roomId, memberId: m.memberId, segmentId: seg, category: 'spam', score: 0.8 }));
  }
});
test.after.always(async () => {
  await person?.close();
  await env?.stop();
});

const pool = () => env.stack.database.pool;
const caseIdsOf = (...names: string[]) => names.map((n) => cases.get(n)!);

test.serial('the queue shows room titles and member names, resolved in one labels request', async (t) => {
  const { page } = person;
  await logInThroughPage(page, reviewer.email, PASSWORD);
  requests.length = 0;
  await page.goto('/staff/cases');
  for (const name of subjects.keys()) await page.getByRole('link', { name: `Spam — ${name} Spammer` }).waitFor({ timeout: 60_000 });
  t.is(await page.locator('.staff-case', { hasText: `in ${ROOM_TITLE}` }).count(), subjects.size, 'each case names its room by title');
  const labelRequests = requests.filter((r) => r.startsWith('GET /v1/moderation/labels'));
  t.is(requests.filter((r) => /^GET \/v1\/members\/[0-9a-f-]{36}/.test(r)).length, 0, 'no one-member lookups');
  // Every id on the page was asked once: polling re-renders do not ask again.
  const asked = labelRequests.flatMap((r) => new URL(r.split(' ')[1]!, 'http://x').searchParams.get('memberIds')?.split(',') ?? []);
  t.is(new Set(asked).size, asked.length, `each member asked once (${labelRequests.length} labels requests)`);
  t.true(labelRequests.length >= 1);
  for (const m of subjects.values()) t.true(asked.includes(m.memberId));
});

test.serial('a bulk suspension without a reason is refused beside the field and changes nothing', async (t) => {
  const { page } = person;
  // Keyboard: focus each case's checkbox and press Space.
  for (const name of ['Ann', 'Bob', 'Cid']) {
    const box = page.getByRole('checkbox', { name: new RegExp(`Spam — ${name} Spammer$`) });
    await box.focus();
    await page.keyboard.press('Space');
    t.true(await box.isChecked(), `${name}'s case ticked by keyboard`);
  }
  const form = page.getByRole('form', { name: 'Bulk decision' });
  await form.getByText('3 cases selected').waitFor();
  await form.getByLabel('Decision').selectOption('suspend');
  await form.getByLabel('Suspension length').selectOption(String(86_400));
  await form.getByRole('button', { name: 'Review the decision' }).click();
  await form.getByText('3 members will be suspended for 1 day and removed from every live room.').waitFor();
  await form.getByRole('button', { name: /^Confirm: suspend for 1 day 3 cases$/ }).click();
  const reasonError = form.locator('.field-invalid .field-error');
  await reasonError.waitFor();
  t.is(await form.getByLabel('Reason (internal, required)').getAttribute('aria-invalid'), 'true');
  const blank = await reviewer.client.post('/v1/moderation/decisions', { caseIds: caseIdsOf('Ann', 'Bob', 'Cid'), decision: 'suspend', reason: '', durationSeconds: 86_400 });
  t.is(blank.status, 400);
  const apiMessage = blank.body.error.details.find((d: { field: string }) => d.field.endsWith('reason')).message;
  t.is((await reasonError.textContent())?.trim(), apiMessage, "the API's message, beside the reason");
  t.is((await pool().query('SELECT 1 FROM case_decisions')).rowCount, 0, 'no decision recorded');
  t.is((await pool().query('SELECT 1 FROM member_sanctions')).rowCount, 0, 'no sanction recorded');
  t.is((await pool().query("SELECT 1 FROM moderation_cases WHERE status = 'open'")).rowCount, 5, 'every case still open');
  await checkPageState(t, person, 'bulk-refused');
});

test.serial('three cases suspended in one batch: decisions, sanctions and audit share the batch id the page shows', async (t) => {
  const { page } = person;
  const form = page.getByRole('form', { name: 'Bulk decision' });
  await form.getByText('3 cases selected').waitFor();
  await form.getByLabel('Reason (internal, required)').fill('Coordinated spam in a live room.');
  await form.getByRole('button', { name: 'Review the decision' }).click();
  await form.getByText('3 members will be suspended for 1 day and removed from every live room.').waitFor();
  await checkPageState(t, person, 'bulk-confirm');
  await form.getByRole('button', { name: /^Confirm: suspend for 1 day 3 cases$/ }).click();

  const answer = page.getByRole('status').filter({ hasText: 'Batch' });
  await answer.getByRole('heading', { name: '3 of 3 suspended' }).waitFor({ timeout: 30_000 });
  const shownBatch = (await answer.locator('code').textContent())?.trim();
  const ids = caseIdsOf('Ann', 'Bob', 'Cid');
  const decisions = await pool().query<{ case_id: string; batch_id: string; decision: string; reason: string }>(
    "SELECT d.case_id, d.batch_id, d.decision, e.reason FROM case_decisions d JOIN case_events e ON e.id = d.event_id",
  );
  t.deepEqual(decisions.rows.map((r) => r.case_id).sort(), [...ids].sort(), 'three decisions, on the ticked cases');
  t.deepEqual([...new Set(decisions.rows.map((r) => r.batch_id))], [shownBatch], 'one batch id, the one the page shows');
  t.true(decisions.rows.every((r) => r.decision === 'suspend' && r.reason === 'Coordinated spam in a live room.'));
  const sanctions = await pool().query<{ member_id: string; case_id: string; expires_at: Date }>("SELECT member_id, case_id, expires_at FROM member_sanctions WHERE kind = 'suspend' AND lifted_at IS NULL");
  t.deepEqual(sanctions.rows.map((r) => r.member_id).sort(), ['Ann', 'Bob', 'Cid'].map((n) => subjects.get(n)!.memberId).sort(), 'three suspensions, of the three members');
  t.true(sanctions.rows.every((r) => Math.abs(r.expires_at.getTime() - (Date.now() + 86_400_000)) < 10 * 60_000), 'for a day');
  const audit = await pool().query<{ subject_id: string; actor_id: string }>("SELECT subject_id, actor_id FROM audit_log WHERE action = 'case.decided' AND detail->>'batchId' = $1", [shownBatch]);
  t.deepEqual(audit.rows.map((r) => r.subject_id).sort(), [...ids].sort(), 'the audit log has the three decisions under the batch id');
  t.true(audit.rows.every((r) => r.actor_id === reviewer.memberId));
  for (const name of ['Ann', 'Bob', 'Cid']) t.regex((await answer.textContent()) ?? '', new RegExp(`${name} Spammer\\): suspended`));

  // The queue refreshes: the decided cases leave the open queue, the others stay and are not ticked.
  for (const name of ['Ann', 'Bob', 'Cid']) await page.getByRole('link', { name: `Spam — ${name} Spammer` }).waitFor({ state: 'detached', timeout: 30_000 });
  t.is(await page.locator('.staff-case-link').count(), 2);
  t.false(await page.getByRole('checkbox', { name: /Spam — Dee Spammer$/ }).isChecked());
  await checkPageState(t, person, 'bulk-done');
});

test.serial('select all on the page; a case decided meanwhile is refused alone with the reason the API gives', async (t) => {
  const { page } = person;
  const selectAll = page.getByRole('checkbox', { name: /Select all open cases on this page/ });
  await selectAll.check();
  const form = page.getByRole('form', { name: 'Bulk decision' });
  await form.getByText('2 cases selected').waitFor();
  // Another reviewer decides Eve's case while this page still lists it.
  const other = await staff(env, 'Rita Reviewer');
  t.is((await other.client.post(`/v1/moderation/cases/${cases.get('Eve')}/decision`, { decision: 'dismiss', reason: 'a link to docs' })).status, 200);
  await form.getByLabel('Decision').selectOption('warn');
  await form.getByLabel('Reason (internal, required)').fill('Promoted a paid course.');
  await form.getByRole('button', { name: 'Review the decision' }).click();
  await form.getByRole('button', { name: /^Confirm: warn 2 cases$/ }).click();
  const answer = page.getByRole('status').filter({ hasText: 'Batch' });
  await answer.getByRole('heading', { name: '1 of 2 warned' }).waitFor({ timeout: 30_000 });
  const batch = (await answer.locator('code').textContent())?.trim();
  const rows = await pool().query<{ case_id: string; decision: string }>('SELECT case_id, decision FROM case_decisions WHERE batch_id = $1', [batch]);
  t.deepEqual(rows.rows, [{ case_id: cases.get('Dee'), decision: 'warn' }], "only Dee's case decided in this batch");
  const refused = answer.locator('li', { hasText: 'Eve Spammer' });
  t.regex((await refused.textContent()) ?? '', /refused — /);
  t.is((await pool().query("SELECT 1 FROM member_sanctions WHERE kind = 'warn'")).rowCount, 1, 'one warning');
  await page.getByText('No open cases. The queue is clear.').waitFor({ timeout: 30_000 });
  await checkPageState(t, person, 'bulk-partial');
});

test.serial('the case and search pages name the room by its title', async (t) => {
  const { page } = person;
  requests.length = 0;
  await page.goto(`/staff/cases/${cases.get('Ann')}`);
  await page.locator('.staff-facts').getByText(ROOM_TITLE).waitFor({ timeout: 30_000 });
  await page.goto('/staff/search?q=course');
  await page.locator('.staff-hits').getByText(`in ${ROOM_TITLE}`).first().waitFor({ timeout: 30_000 });
  t.is(requests.filter((r) => /^GET \/v1\/members\/[0-9a-f-]{36}/.test(r)).length, 0, 'no one-member lookups');
  t.true(requests.some((r) => r.startsWith('GET /v1/moderation/labels') && r.includes('roomIds=')));
  await checkPageState(t, person, 'search-titles');
});

test.serial('the labels endpoint: staff only, names and titles from the database, unknown ids absent, bad ids refused by field', async (t) => {
  const ann = subjects.get('Ann')!;
  const { rows } = await pool().query<{ id: string; title: string }>('SELECT id, title FROM rooms');
  const unknown = '00000000-0000-4000-8000-000000000000';
  const ok = await reviewer.client.get(`/v1/moderation/labels?memberIds=${ann.memberId},${unknown}&roomIds=${rows[0]!.id}`);
  t.is(ok.status, 200, JSON.stringify(ok.body));
  const truth = await pool().query<{ display_name: string }>('SELECT display_name FROM members WHERE id = $1', [ann.memberId]);
  t.deepEqual(ok.body, { members: { [ann.memberId]: truth.rows[0]!.display_name }, rooms: { [rows[0]!.id]: rows[0]!.title } });
  const bad = await reviewer.client.get('/v1/moderation/labels?memberIds=7');
  t.is(bad.status, 400);
  t.true(bad.body.error.details.some((d: { field: string }) => d.field.startsWith('query.memberIds')), JSON.stringify(bad.body));
  const plain = await ann.client.get(`/v1/moderation/labels?memberIds=${ann.memberId}`);
  t.is(plain.status, 403);
  t.is(plain.body.error.code, 'staff_only');
});
