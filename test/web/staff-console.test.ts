// The trust-and-safety console through its pages in Chromium, against the real API and PostgreSQL (cases seeded as
// the agent and the evaluator write them, with a real FLAC evidence clip of flite speech): the queue refreshes by
// itself, filters live in the URL and refusals show beside their field; a case is claimed (renewed while open,
// released on leave), its transcript shows speakers, the flagged line with scores and model versions, the clip
// plays, a decision needs a reason; appeals are filtered and resolved; transcript search and the audit log.
// Every state is screenshotted, checked with axe and at 375 px. The database is the truth every step is checked on.
import fs from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { encodeEvidenceClip, float32ToInt16 } from '../../models/audio/evidence-clip.js';
import { flagCase, liveRoom, member, segment, staff, type Member } from '../moderation-api/_fixtures.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { synthesizeSpeech } from '../support/tts.js';
import { logInThroughPage, openPerson, SCREENSHOT_DIR, type Person } from './_browser.js';
import { checkPageState, DESKTOP, waitFor } from './_staff.js';

const PASSWORD = 'correct horse battery staple';
const LEASE_SECONDS = 30;

let env: TestStack;
let person: Person;
let reviewer: Member;
let otherReviewer: Member;
let speaker: Member;
let appellant: Member;
let host: Member;
const seeded: { roomId?: string; threatCase?: string; insultCase?: string; earlierCase?: string; appealCase?: string; clipId?: string } = {};

test.before(async () => {
  await fs.rm(path.join(SCREENSHOT_DIR, 'staff-console'), { recursive: true, force: true });
  // A short lease so renewal happens within the test (the page renews half-way through what is left).
  env = await startTestStack({ workers: 0, env: { CASE_LEASE_SECONDS: String(LEASE_SECONDS) } });
  person = await openPerson({ scenario: 'staff-console', name: 'reviewer', baseUrl: env.stack.apiUrl, viewport: DESKTOP });
  reviewer = await staff(env, 'Rex Reviewer');
  otherReviewer = await staff(env, 'Rita Reviewer');
  host = await member(env, 'Hana Host');
  speaker = await member(env, 'Tom Troll');
  appellant = await member(env, 'Uma Appellant');
});
test.after.always(async () => {
  await person?.close();
  await env?.stop();
});

const pool = () => env.stack.database.pool;

/** What the agent and the evaluator would have written: a room's transcript, a flagged threat with real audio, etc. */
async function seedCases(): Promise<void> {
  const roomId = await liveRoom(host, 'Hiring remote engineers');
  const t0 = Date.now() - 5 * 60_000;
  await segment(pool(), { roomId, speaker: host.memberId, text: 'Let us talk about remote hiring.', at: new Date(t0 - 60_000) });
  const flagged = await segment(pool(), { roomId, speaker: speaker.memberId, text: 'I know where you live', at: new Date(t0), scores: { threat: 0.91, insult: 0.2 }, categories: ['threat'] });
  await segment(pool(), { roomId, speaker: host.memberId, text: 'That is not acceptable here.', at: new Date(t0 + 30_000) });
  // The clip is real FLAC of real speech, so the page's <audio> has something to decode.
  const clip = await encodeEvidenceClip(float32ToInt16(await synthesizeSpeech('I know where you live', 'kal')));
  const { rows } = await pool().query<{ id: string }>(
    `INSERT INTO evidence_clips (segment_id, room_id, speaker_identity, media_type, audio, duration_ms, lead_ms, retain_until)
     SELECT id, room_id, speaker_identity, $2, $3, $4, 500, now() + interval '30 days' FROM transcript_segments WHERE id = $1 RETURNING id`,
    [flagged, clip.mediaType, clip.bytes, clip.durationMs],
  );
  seeded.clipId = String(rows[0]!.id);
  // An earlier case about the same member, decided: the history.
  const otherRoom = await liveRoom(host, 'Elsewhere');
  const earlierSeg = await segment(pool(), { roomId: otherRoom, speaker: speaker.memberId, text: 'you are an idiot', at: new Date(t0 - 3_600_000), scores: { insult: 0.8 }, categories: ['insult'] });
  seeded.earlierCase = await flagCase(pool(), { roomId: otherRoom, memberId: speaker.memberId, segmentId: earlierSeg, category: 'insult', score: 0.8 });
  const warned = await otherReviewer.client.post(`/v1/moderation/cases/${seeded.earlierCase}/decision`, { decision: 'warn', reason: 'first insult' });
  if (warned.status !== 200) throw new Error(JSON.stringify(warned.body));
  seeded.threatCase = await flagCase(pool(), { roomId, memberId: speaker.memberId, segmentId: flagged, category: 'threat', score: 0.91 });
  // A lower-priority insult case about someone else.
  const insultSeg = await segment(pool(), { roomId, speaker: appellant.memberId, text: 'that was a dumb question', scores: { insult: 0.62 }, categories: ['insult'] });
  seeded.insultCase = await flagCase(pool(), { roomId, memberId: appellant.memberId, segmentId: insultSeg, category: 'insult', score: 0.62 });
  // An appeal of another reviewer's suspension.
  const appealedSeg = await segment(pool(), { roomId, speaker: appellant.memberId, text: 'I will get you after the show', scores: { threat: 0.7 }, categories: ['threat'] });
  const appealedCase = await flagCase(pool(), { roomId: otherRoom, memberId: appellant.memberId, segmentId: appealedSeg, category: 'threat', score: 0.7 });
  const decided = await otherReviewer.client.post(`/v1/moderation/cases/${appealedCase}/decision`, { decision: 'suspend', reason: 'threat', durationSeconds: 86_400 });
  const appealed = await appellant.client.post(`/v1/me/decisions/${decided.body.id}/appeal`, { text: 'It was a line from a play we were discussing.' });
  if (appealed.status !== 201) throw new Error(JSON.stringify(appealed.body));
  seeded.appealCase = appealed.body.appealCaseId;
  seeded.roomId = roomId;
}

test.serial('the queue: empty state, then new cases appear by themselves in priority order; filters in the URL; refusals beside the field', async (t) => {
  const { page } = person;
  await logInThroughPage(page, reviewer.email, PASSWORD);
  await page.getByRole('link', { name: 'Cases' }).click();
  await page.waitForURL('**/staff/cases');
  await page.getByRole('heading', { name: 'Case queue' }).waitFor();
  await page.getByText('No open cases. The queue is clear.').waitFor();
  await checkPageState(t, person, 'queue-empty');

  await seedCases();
  // No reload: the open page polls and shows the new cases.
  const threatLink = page.getByRole('link', { name: 'Threat — Tom Troll' });
  await threatLink.waitFor({ timeout: 60_000 });
  await page.getByRole('link', { name: 'Insult — Uma Appellant' }).waitFor({ timeout: 30_000 });
  const shownIds = await page.locator('.staff-case-link').evaluateAll((links) => links.map((a) => (a as unknown as { getAttribute(n: string): string }).getAttribute('href').split('/').pop()));
  const { rows: truth } = await pool().query<{ id: string }>("SELECT id FROM moderation_cases WHERE status = 'open' ORDER BY priority DESC, created_at, id");
  t.deepEqual(shownIds, truth.map((r) => r.id), 'the page lists the open cases in the order the database ranks them');
  t.is(shownIds[0], seeded.threatCase, 'the threat first');
  await checkPageState(t, person, 'queue-live');

  // A filter lands in the URL and narrows the list to what the database holds for it.
  await page.getByLabel('Category').selectOption('insult');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.waitForURL((u) => u.searchParams.get('category') === 'insult');
  await page.getByRole('link', { name: 'Threat — Tom Troll' }).waitFor({ state: 'detached' });
  const insultShown = await page.locator('.staff-case-link').count();
  const insultTruth = await pool().query("SELECT 1 FROM moderation_cases WHERE status = 'open' AND 'insult' = ANY(categories)");
  t.is(insultShown, insultTruth.rowCount ?? -1, 'insult filter');
  await checkPageState(t, person, 'queue-filtered-insult');
  // The URL alone restores the filter.
  await page.reload();
  await page.getByRole('link', { name: 'Insult — Uma Appellant' }).waitFor();
  t.is(await page.getByLabel('Category').inputValue(), 'insult');

  // The API refuses a room id that is not one: its message beside the field.
  await page.getByLabel('Room id').fill('not-a-room');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  const roomError = page.locator('.field-invalid .field-error');
  await roomError.waitFor();
  t.regex((await roomError.textContent()) ?? '', /uuid|UUID|id/i);
  t.is(await page.getByLabel('Room id').getAttribute('aria-invalid'), 'true');
  await checkPageState(t, person, 'queue-filter-refused');

  // Appeals: the kind filter.
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await page.getByLabel('Kind').selectOption('appeal');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.waitForURL((u) => u.searchParams.get('kind') === 'appeal');
  await page.getByRole('link', { name: 'Appeal — Uma Appellant' }).waitFor();
  t.is(await page.locator('.staff-case-link').count(), 1);
  await checkPageState(t, person, 'queue-appeals');
});

test.serial('a case: claim with expiry, renewed while open and released on leave; transcript, scores, versions; the clip plays; history', async (t) => {
  const { page } = person;
  await page.goto('/staff/cases');
  await page.getByRole('link', { name: 'Threat — Tom Troll' }).click();
  await page.waitForURL(`**/staff/cases/${seeded.threatCase}`);
  await page.getByRole('button', { name: 'Claim case' }).waitFor();
  t.is(await page.getByRole('heading', { level: 1 }).textContent(), `Case ${seeded.threatCase!.slice(0, 8)}`);

  // Transcript around the flag: every speaker named, with times; the flagged line marked with scores and versions.
  const lines = page.locator('.staff-line');
  t.is(await lines.count(), 3);
  // Speaker names arrive after the case (one profile read per speaker).
  await lines.nth(0).filter({ hasText: 'Hana Host' }).waitFor();
  t.regex((await lines.nth(0).textContent()) ?? '', /Hana Host.*remote hiring/);
  const flagged = page.getByRole('listitem', { name: 'Flagged line by Tom Troll' });
  t.regex((await flagged.textContent()) ?? '', /I know where you live/);
  t.is(await flagged.getByRole('row', { name: /Threat \(flagged\)/ }).getByRole('cell').textContent(), '91%');
  t.is(await flagged.getByRole('row', { name: /Insult/ }).getByRole('cell').textContent(), '20%');
  t.regex((await flagged.textContent()) ?? '', /harm-head-v1.*harm-taxonomy-v1.*platform-v1/);
  t.is(await flagged.locator('time').count(), 1);
  // History: the earlier warned case.
  await page.getByRole('link', { name: new RegExp(`Case ${seeded.earlierCase!.slice(0, 8)}: Insult`) }).waitFor();
  t.regex((await page.getByRole('region', { name: "Member's history" }).textContent()) ?? '', /Warn.*first insult/);
  await checkPageState(t, person, 'case-unclaimed');

  // Claim: the lease is shown with its expiry and is in the database.
  await page.getByRole('button', { name: 'Claim case' }).click();
  await page.getByText(/You hold this case until/).waitFor();
  const first = (await pool().query('SELECT lease_holder, lease_expires_at FROM moderation_cases WHERE id = $1', [seeded.threatCase])).rows[0];
  t.is(first.lease_holder, reviewer.memberId);
  const shownExpiry = await page.locator('.staff-lease-status time').getAttribute('datetime');
  t.is(Date.parse(shownExpiry!), first.lease_expires_at.getTime(), 'the page shows the lease the database holds');
  await checkPageState(t, person, 'case-claimed');
  // Renewed while the page is open (half-way through the lease).
  const renewed = await waitFor(async () => {
    const r = (await pool().query('SELECT lease_holder, lease_expires_at FROM moderation_cases WHERE id = $1', [seeded.threatCase])).rows[0];
    return r.lease_holder === reviewer.memberId && r.lease_expires_at.getTime() > first.lease_expires_at.getTime() ? r : undefined;
  }, LEASE_SECONDS * 3000, 'the page to renew the lease');
  t.true(renewed.lease_expires_at.getTime() > first.lease_expires_at.getTime());
  await waitFor(async () => Date.parse((await page.locator('.staff-lease-status time').getAttribute('datetime'))!) === renewed.lease_expires_at.getTime(), 20_000, 'the renewed expiry shown');

  // The clip: fetched with the token as a Blob, played by an <audio> element that decodes it.
  await page.getByRole('button', { name: 'Load and play clip' }).click();
  const audio = page.locator('audio');
  await audio.waitFor();
  const duration = await waitFor(() => audio.evaluate((el) => {
    const a = el as unknown as { duration: number; readyState: number };
    return a.readyState >= 1 && Number.isFinite(a.duration) && a.duration > 0 ? a.duration : undefined;
  }), 30_000, 'the audio element to load the clip');
  t.true(duration > 1, `clip duration ${duration} s`);
  t.regex((await audio.getAttribute('src')) ?? '', /^blob:/);
  const reads = await pool().query("SELECT actor_id, subject_id FROM audit_log WHERE action = 'evidence.read'");
  t.deepEqual(reads.rows.map((r) => [r.actor_id, r.subject_id]), [[reviewer.memberId, seeded.clipId]], 'the read is audited');
  await checkPageState(t, person, 'case-clip-loaded');

  // A note.
  await page.getByLabel('New note').fill('Context checked: the host objected at once.');
  await page.getByRole('button', { name: 'Add note' }).click();
  await page.locator('.staff-note-text', { hasText: 'Context checked: the host objected at once.' }).waitFor();
  const notes = await pool().query("SELECT reason FROM case_events WHERE case_id = $1 AND type = 'note_added'", [seeded.threatCase]);
  t.deepEqual(notes.rows.map((r) => r.reason), ['Context checked: the host objected at once.']);

  // Leaving the page gives the case back.
  await page.getByRole('link', { name: 'Back to the queue' }).click();
  await page.getByRole('heading', { name: 'Case queue' }).waitFor();
  await waitFor(async () => (await pool().query('SELECT lease_holder FROM moderation_cases WHERE id = $1', [seeded.threatCase])).rows[0].lease_holder === null, 20_000, 'the lease released on leave');
  t.pass();
});

test.serial('deciding needs a reason (the API refusal beside the field); suspend records the sanction', async (t) => {
  const { page } = person;
  await page.goto(`/staff/cases/${seeded.threatCase}`);
  // Keyboard only: the claim button takes focus and Enter claims.
  await page.getByRole('button', { name: 'Claim case' }).focus();
  await page.keyboard.press('Enter');
  await page.getByText(/You hold this case until/).waitFor();
  await page.getByLabel('Suspension length').selectOption(String(86_400));
  await page.getByRole('button', { name: 'Suspend for 1 day' }).click();
  const reasonError = page.locator('.field-invalid .field-error');
  await reasonError.waitFor();
  t.is(await page.getByLabel('Reason (internal, required)').getAttribute('aria-invalid'), 'true');
  const blank = await reviewer.client.post(`/v1/moderation/cases/${seeded.threatCase}/decision`, { decision: 'suspend', reason: '', durationSeconds: 86_400 });
  t.is(blank.status, 400);
  const apiMessage = blank.body.error.details.find((d: { field: string }) => d.field.endsWith('reason')).message;
  t.is((await reasonError.textContent())?.trim(), apiMessage, "the API's message for the reason, beside the field");
  t.is((await pool().query('SELECT 1 FROM case_decisions WHERE case_id = $1', [seeded.threatCase])).rowCount, 0, 'nothing decided');
  await checkPageState(t, person, 'case-decision-refused');

  await page.getByLabel('Reason (internal, required)').fill('Threatened a participant; a first warning already on file.');
  await page.getByLabel('Message to the member (optional)').fill('You threatened another participant.');
  await page.getByRole('button', { name: 'Suspend for 1 day' }).click();
  await page.getByText('Recorded: Suspend for 1 day.').waitFor();
  const sanction = await pool().query("SELECT kind, expires_at FROM member_sanctions WHERE member_id = $1 AND kind = 'suspend'", [speaker.memberId]);
  t.is(sanction.rowCount, 1);
  t.true(Math.abs(sanction.rows[0].expires_at.getTime() - (Date.now() + 86_400_000)) < 10 * 60_000);
  t.is((await pool().query('SELECT status FROM moderation_cases WHERE id = $1', [seeded.threatCase])).rows[0].status, 'resolved');
  await page.getByRole('region', { name: 'Outcome' }).waitFor();
  t.regex((await page.getByRole('region', { name: 'Outcome' }).textContent()) ?? '', /Suspend for 1 day by Rex Reviewer/);
  await checkPageState(t, person, 'case-decided');
});

test.serial('appeals: resolved with a reason; the reviewer who decided is refused with the API message', async (t) => {
  const { page } = person;
  await page.goto('/staff/cases?kind=appeal');
  await page.getByRole('link', { name: 'Appeal — Uma Appellant' }).click();
  await page.waitForURL(`**/staff/cases/${seeded.appealCase}`);
  await page.getByRole('heading', { name: `Appeal ${seeded.appealCase!.slice(0, 8)}` }).waitFor();
  t.regex((await page.getByRole('region', { name: "The member's appeal" }).textContent()) ?? '', /a line from a play.*Suspend/s);
  // The original case's transcript (its room, two minutes either side), its flagged line marked.
  const detail = await reviewer.client.get(`/v1/moderation/cases/${seeded.appealCase}`);
  t.is(await page.locator('.staff-line').count(), detail.body.transcript.length);
  t.regex((await page.getByRole('listitem', { name: 'Flagged line by Uma Appellant' }).textContent()) ?? '', /I will get you after the show/);
  await page.getByRole('button', { name: 'Uphold the decision' }).click();
  await page.locator('.field-invalid .field-error').waitFor();
  await checkPageState(t, person, 'appeal-reason-refused');
  await page.getByLabel('Reason (internal, required)').fill('The recording shows a direct threat, not a quotation.');
  await page.getByRole('button', { name: 'Uphold the decision' }).click();
  await page.getByText('Recorded: Appeal upheld.').waitFor();
  t.is((await pool().query('SELECT status FROM moderation_cases WHERE id = $1', [seeded.appealCase])).rows[0].status, 'upheld');
  await checkPageState(t, person, 'appeal-upheld');

  // Tom appeals Rex's own suspension: Rex may not resolve it, and the page says why.
  const decisionId = (await pool().query('SELECT id FROM case_decisions WHERE case_id = $1', [seeded.threatCase])).rows[0].id;
  const appealed = await speaker.client.post(`/v1/me/decisions/${decisionId}/appeal`, { text: 'I was quoting a film.' });
  t.is(appealed.status, 201, JSON.stringify(appealed.body));
  await page.goto(`/staff/cases/${appealed.body.appealCaseId}`);
  await page.getByLabel('Reason (internal, required)').fill('Overturning my own call.');
  await page.getByRole('button', { name: 'Overturn the decision' }).click();
  const refusal = page.getByRole('region', { name: 'Resolve the appeal' }).locator('.form-error');
  await refusal.waitFor();
  const direct = await reviewer.client.post(`/v1/moderation/appeals/${appealed.body.appealCaseId}/resolve`, { outcome: 'overturned', reason: 'x' });
  t.is(direct.status, 403);
  t.is((await refusal.textContent())?.trim(), direct.body.error.message, "the page shows the API's own message");
  t.is((await pool().query('SELECT status FROM moderation_cases WHERE id = $1', [appealed.body.appealCaseId])).rows[0].status, 'open');
  await checkPageState(t, person, 'appeal-own-decision-refused');
});

test.serial("another reviewer's claim shows up on an open case page by itself; claiming it then is refused with the API message", async (t) => {
  const { page } = person;
  await page.goto(`/staff/cases/${seeded.insultCase}`);
  await page.getByText('Nobody holds this case.').waitFor();
  const theirs = await otherReviewer.client.post(`/v1/moderation/cases/${seeded.insultCase}/claim`);
  t.is(theirs.status, 200);
  // No reload: the page refreshes the case and names the holder.
  await page.getByText(/Claimed by Rita Reviewer until/).waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Claim case' }).click();
  const refusal = page.getByRole('region', { name: 'Claim' }).getByRole('alert');
  await refusal.waitFor();
  const direct = await reviewer.client.post(`/v1/moderation/cases/${seeded.insultCase}/claim`);
  t.is(direct.status, 409);
  t.is(direct.body.error.code, 'lease_held');
  t.is((await refusal.textContent())?.trim(), direct.body.error.message);
  t.is((await pool().query('SELECT lease_holder FROM moderation_cases WHERE id = $1', [seeded.insultCase])).rows[0].lease_holder, otherReviewer.memberId);
  await checkPageState(t, person, 'case-claimed-by-other');
});

test.serial('transcript search: empty, hits with the match marked, nothing found, a refused filter', async (t) => {
  const { page } = person;
  await page.getByRole('link', { name: 'Transcripts' }).click();
  await page.getByRole('heading', { name: 'Transcript search' }).waitFor();
  await page.getByText(/Type some words and search/).waitFor();
  await checkPageState(t, person, 'search-empty');
  await page.getByLabel('Words to find').fill('where you live');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.waitForURL((u) => u.searchParams.get('q') === 'where you live');
  const hit = page.locator('.staff-hits > li').first();
  await hit.filter({ hasText: 'Tom Troll' }).waitFor(); // names arrive after the hits
  t.regex((await hit.textContent()) ?? '', /Tom Troll.*Flagged: Threat/s);
  t.deepEqual(await hit.locator('mark').allTextContents(), ['live'], 'the matched (non-stop) word is marked');
  const truth = await pool().query("SELECT 1 FROM transcript_segments WHERE to_tsvector('english', text) @@ websearch_to_tsquery('english', 'where you live')");
  t.is(await page.locator('.staff-hits > li').count(), truth.rowCount ?? -1);
  await checkPageState(t, person, 'search-hits');

  await page.getByLabel('Words to find').fill('zebra unicorn');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByText('Nothing said matches “zebra unicorn”.').waitFor();
  await checkPageState(t, person, 'search-nothing');

  await page.getByLabel('Room id').fill('nope');
  await page.getByLabel('Words to find').fill('live');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.locator('.field-invalid .field-error').waitFor();
  t.is(await page.getByLabel('Room id').getAttribute('aria-invalid'), 'true');
  await checkPageState(t, person, 'search-refused');
});

test.serial('audit log: the decisions and evidence reads with their actors; filters; a refused filter', async (t) => {
  const { page } = person;
  await page.getByRole('link', { name: 'Audit log' }).click();
  await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
  const entries = page.locator('.staff-audit-entry');
  await entries.first().waitFor();
  const total = (await pool().query('SELECT count(*)::int AS n FROM audit_log')).rows[0].n;
  t.is(await entries.count(), Math.min(total, 50));
  const decided = page.locator('.staff-audit-entry', { hasText: 'case.decided' }).filter({ hasText: 'Rex Reviewer' });
  await decided.first().waitFor(); // names arrive after the entries
  t.is(await decided.count(), 1, "Rex's one decision");
  t.regex((await decided.textContent()) ?? '', /suspend/);
  await checkPageState(t, person, 'audit-all');

  await page.getByLabel('Kind of action').selectOption('evidence.');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.waitForURL((u) => u.searchParams.get('actionPrefix') === 'evidence.');
  await waitFor(async () => (await entries.count()) === 1 && /evidence\.read/.test((await entries.first().textContent()) ?? ''), 20_000, 'only evidence reads');
  t.regex((await entries.first().textContent()) ?? '', /Rex Reviewer/);
  await checkPageState(t, person, 'audit-evidence-reads');

  await page.getByRole('button', { name: 'Clear filters' }).click();
  await page.getByLabel('Exact action').fill('Not An Action');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  const err = page.locator('.field-invalid .field-error');
  await err.waitFor();
  t.regex((await err.textContent()) ?? '', /dotted verb/);
  await checkPageState(t, person, 'audit-refused');
});

test.serial('a member who is not staff is told the staff pages are not for them', async (t) => {
  const { page } = person;
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL('**/login**').catch(() => undefined);
  await logInThroughPage(page, host.email, PASSWORD);
  await page.goto('/staff/cases');
  await page.getByRole('heading', { name: 'Staff only' }).waitFor();
  t.is(await page.getByRole('link', { name: 'Audit log' }).count(), 0, 'no staff navigation');
  await checkPageState(t, person, 'not-staff');
});
