// The matching pages in Chromium, on the real stack (PostgreSQL, the API with its local face detector, speech
// recognizer, harm classifier and embedding model). Member A builds a matchable profile through /profile only:
// a photo without a face is refused on the page, a photo with one is kept, the intro is recorded in the page from a
// fake microphone playing flite speech (countdown, stop, listen, upload; the API transcribes and classifies it),
// availability and opt-in. Member B is seeded through the API. Both see each other suggested on /matches, accept
// in their own page, and both pages show the scheduled private room — A's without a reload — at the time the
// database holds, in each member's own zone. Every page state is screenshot, axe-checked and checked at 375 px.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import type { Page } from 'playwright-core';
import type { ApiClient } from '../support/api-client.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { FACE_IMAGE, IMAGES_DIR, image, NO_FACE_IMAGES, speechWav } from '../matching-profile/_fixtures.js';
import { formatViolations, horizontalOverflow, logInThroughPage, openPerson, seriousAccessibilityViolations, type Person } from './_browser.js';

const PASSWORD = 'correct horse battery staple';
const SCENARIO = 'matching';
/** What A says into the fake microphone (the WAV is padded with silence so it does not loop within 20 s). */
const A_INTRO = 'Hello, I am Ada. I run a climate software startup, and I would like advice on raising a seed round.';
const B_INTRO = 'Hi, I am Vic, a partner at a venture fund. I help founders prepare their pitch and raise money.';
const DESCRIPTION = 'Founded and lead a climate software company, from customer discovery interviews to the first twenty paying business customers.';
/** Long waits are conditions, never the assertion: the machine is shared and the models load on first use. */
const SLOW = 180_000;
/** Any other wait on the page (an API call and a re-render on a loaded 2-core machine). */
const WAIT = 60_000;

interface Seeded {
  memberId: string;
  email: string;
  token: string;
  client: ApiClient;
}

let env: TestStack;
let tmp: string;
let a: Seeded;
let b: Seeded;
let helpers: Seeded[];
let alice: Person | undefined;
let bob: Person | undefined;

async function signUp(name: string): Promise<Seeded> {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${Math.random().toString(36).slice(2, 8)}@example.test`;
  const res = await env.api.post('/v1/auth/signup', { email, password: PASSWORD, displayName: name });
  if (res.status !== 201) throw new Error(`signup ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  return { memberId: res.body.memberId, email, token: res.body.accessToken, client: env.api.withToken(res.body.accessToken) };
}

async function connect(m: Seeded, others: Seeded[]): Promise<void> {
  for (const o of others) {
    const req = await m.client.post(`/v1/members/${o.memberId}/connection-requests`);
    if (req.status !== 201) throw new Error(`connection request: ${req.status} ${JSON.stringify(req.body)}`);
    const acc = await o.client.post(`/v1/connection-requests/${req.body.request.id}/accept`);
    if (acc.status !== 201) throw new Error(`accept: ${acc.status} ${JSON.stringify(acc.body)}`);
  }
}

async function uploadRaw(m: Seeded, urlPath: string, body: Uint8Array, contentType: string): Promise<void> {
  const res = await fetch(`${env.api.baseUrl}${urlPath}`, { method: 'POST', headers: { authorization: `Bearer ${m.token}`, 'content-type': contentType }, body });
  if (res.status !== 201) throw new Error(`upload ${urlPath}: ${res.status} ${await res.text()}`);
}

interface Persona {
  headline: string;
  role: string;
  offers: string;
  seeks: string;
  timeZone: string;
  parts: string[];
  intro: string;
}

/** Seeds a matchable member through the API: profile, availability, a photo with a face, a spoken intro, opt-in. */
async function makeMatchable(m: Seeded, p: Persona): Promise<void> {
  const put = await m.client.request('PUT', '/v1/me/matching/profile', {
    headline: p.headline,
    experience: [{ role: p.role, company: 'Northwind', years: 6, description: `${p.headline}: ${p.offers}, for years, with many teams and customers.` }],
    skills: ['fundraising', 'sales'],
    offers: [p.offers],
    seeks: [p.seeks],
    languages: ['en'],
  });
  if (put.status !== 200) throw new Error(`profile: ${put.status} ${JSON.stringify(put.body)}`);
  const avail = await m.client.request('PUT', '/v1/me/matching/availability', { timeZone: p.timeZone, availability: { parts: p.parts } });
  if (avail.status !== 200) throw new Error(`availability: ${avail.status} ${JSON.stringify(avail.body)}`);
  await uploadRaw(m, '/v1/me/matching/photo', await image(FACE_IMAGE), 'image/png');
  await uploadRaw(m, '/v1/me/matching/intro', await speechWav(p.intro), 'audio/wav');
  const optIn = await m.client.post('/v1/me/matching/opt-in');
  if (!optIn.body.matchable) throw new Error(`not matchable: ${JSON.stringify(optIn.body)}`);
}

/** The page passes axe and fits a 375 px phone; screenshots of both. Leaves the viewport as it found it. */
async function checkPage(t: ExecutionContext, person: Person, state: string): Promise<void> {
  const { page } = person;
  await person.shot(state);
  t.is(formatViolations(await seriousAccessibilityViolations(page)), '', `axe on ${state}`);
  const size = page.viewportSize() ?? { width: 1280, height: 900 };
  await page.setViewportSize({ width: 375, height: 800 });
  await page.waitForFunction(() => (globalThis as unknown as { innerWidth: number }).innerWidth === 375);
  t.is(await horizontalOverflow(page), 0, `no horizontal scroll at 375 px on ${state}`);
  await person.shot(`${state}-phone`);
  await page.setViewportSize(size);
}

async function unmetOnPage(page: Page): Promise<string[]> {
  return (await page.locator('[data-criterion]').evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { criterion: string } }).dataset.criterion))).sort();
}

async function unmetInApi(m: Seeded): Promise<string[]> {
  const status = (await m.client.get('/v1/me/matching/status')).body as { criteria: { criterion: string; met: boolean }[] };
  return status.criteria.filter((c) => !c.met).map((c) => c.criterion).sort();
}

/** HH:MM of an instant in a zone, as the page shows it (24-hour clock), computed here independently. */
function clockIn(iso: string, timeZone: string): string {
  return new Date(iso).toLocaleTimeString('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
}

test.before(async () => {
  env = await startTestStack({ workers: 0 });
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'rt-matching-web-'));
  // A: connections only (the rest is done in the page). B: everything through the API.
  a = await signUp('Ada Founder');
  b = await signUp('Vic Investor');
  helpers = [await signUp('Hal One'), await signUp('Hal Two'), await signUp('Hal Three')];
  await connect(a, helpers);
  await connect(b, helpers);
  await makeMatchable(b, {
    headline: 'Partner at an early-stage venture capital fund',
    role: 'Partner',
    offers: 'I help founders prepare fundraising pitches and raise seed rounds',
    seeks: 'Learning how climate software startups run customer discovery and early sales',
    timeZone: 'America/New_York',
    parts: ['weekday_mornings'],
    intro: B_INTRO,
  });
  // A's fake microphone: the spoken intro, then silence.
  const micWav = path.join(tmp, 'ada-intro.wav');
  await fs.writeFile(micWav, await speechWav(A_INTRO, 30));
  alice = await openPerson({ scenario: SCENARIO, name: 'ada', baseUrl: env.stack.apiUrl, microphoneWav: micWav });
  alice.page.setDefaultTimeout(WAIT);
});

test.after.always(async () => {
  await alice?.close();
  await bob?.close();
  await env?.stop();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

test.serial('A makes a matchable profile on /profile: photo refused then kept, intro recorded, availability, opt-in', async (t) => {
  t.timeout(12 * 60_000);
  const person = alice!;
  const { page } = person;
  await logInThroughPage(page, a.email, PASSWORD);
  await page.goto('/profile');
  await page.getByTestId('matching-status').waitFor();
  // What the page lists as missing is what the API says (connections are met: seeded).
  t.deepEqual(await unmetOnPage(page), await unmetInApi(a));
  t.deepEqual(await unmetOnPage(page), ['availability', 'experience', 'intro', 'opted_in', 'photo']);
  await checkPage(t, person, 'profile-new');

  // Each missing item links to the control that fixes it.
  await page.getByRole('link', { name: 'Upload a photo with your face' }).click();
  t.is(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id), 'photo-file');

  // A photo without a face: previewed, then the API's refusal shown; nothing stored.
  await page.locator('#photo-file').setInputFiles(path.join(IMAGES_DIR, NO_FACE_IMAGES[0]));
  await page.getByRole('img', { name: /not uploaded yet/ }).waitFor();
  await page.getByRole('button', { name: 'Upload photo' }).click();
  const refusal = page.getByTestId('photo-error');
  await refusal.waitFor({ timeout: SLOW });
  t.regex((await refusal.textContent()) ?? '', /face/i);
  t.is((await env.stack.database.pool.query('SELECT 1 FROM member_photos WHERE member_id = $1', [a.memberId])).rowCount, 0);
  await checkPage(t, person, 'photo-no-face-refused');

  // A file that is not an image: the API's 415 is shown as it says it.
  await page.locator('#photo-file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo') });
  await page.getByRole('button', { name: 'Upload photo' }).click();
  await page.getByTestId('photo-error').getByText(/must be one of image\/jpeg, image\/png, image\/webp/).waitFor();
  await person.shot('photo-wrong-type-refused');

  // A photo with a face is kept.
  await page.locator('#photo-file').setInputFiles(path.join(IMAGES_DIR, FACE_IMAGE));
  await page.getByRole('button', { name: 'Upload photo' }).click();
  await page.getByRole('img', { name: 'Your matching photo' }).waitFor({ timeout: SLOW });
  const photo = await env.stack.database.pool.query('SELECT face_score FROM member_photos WHERE member_id = $1', [a.memberId]);
  t.true(photo.rows[0]?.face_score >= 0.5, 'the database holds the photo with its face score');
  await page.locator('[data-criterion="photo"]').waitFor({ state: 'detached' });

  // Matching profile text.
  await page.getByLabel('Headline', { exact: true }).fill('Founder and CEO of a seed-stage climate software startup');
  await page.getByRole('button', { name: 'Add a role' }).click();
  // Saved with the new role still blank: the API's refusal lands beside the field it names.
  await page.getByRole('button', { name: 'Save matching profile' }).click();
  const roleError = page.locator('#experience-0-role-error');
  await roleError.waitFor();
  const refusedRole = await a.client.request('PUT', '/v1/me/matching/profile', { experience: [{ role: '', company: '', years: 1, description: '' }] });
  t.is(await roleError.textContent(), refusedRole.body.error.details.find((d: { field: string }) => d.field === 'body.experience.0.role').message);
  t.is(await page.getByLabel('Role').getAttribute('aria-invalid'), 'true');
  await checkPage(t, person, 'profile-form-refused');
  await page.getByLabel('Role').fill('Founder and CEO');
  await page.getByLabel('Company').last().fill('Greenline');
  await page.getByLabel('Years').fill('4');
  await page.getByLabel('What you did').fill(DESCRIPTION);
  await page.getByLabel('Skills').fill('sales, product management');
  await page.getByLabel('I can help with…').fill('Customer discovery interviews and early B2B sales');
  await page.getByLabel("I'm looking for…").fill('Advice on raising a seed round from venture capital investors');
  await page.getByLabel('Languages you speak').fill('en');
  await page.getByRole('button', { name: 'Save matching profile' }).click();
  await page.getByText('Matching profile saved').waitFor();
  const saved = await env.stack.database.pool.query('SELECT experience, offers, seeks, languages FROM matching_profiles WHERE member_id = $1', [a.memberId]);
  t.deepEqual(saved.rows[0], {
    experience: [{ role: 'Founder and CEO', company: 'Greenline', years: 4, description: DESCRIPTION }],
    offers: ['Customer discovery interviews and early B2B sales'],
    seeks: ['Advice on raising a seed round from venture capital investors'],
    languages: ['en'],
  });
  await page.locator('[data-criterion="experience"]').waitFor({ state: 'detached' });

  // The intro: record with the countdown running, stop early, listen, upload.
  await page.getByRole('button', { name: 'Record your intro' }).click();
  const countdown = page.getByTestId('intro-countdown');
  await countdown.waitFor();
  const first = Number(await countdown.textContent());
  t.true(first <= 20 && first >= 1, `countdown starts at 20 s or just below: ${first}`);
  // About 9 s of recording: the speech (about 6 s) and a little silence.
  await page.waitForFunction(() => Number((globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }).document.querySelector('[data-testid="intro-countdown"]')?.textContent ?? 99) <= 11, undefined, { timeout: 60_000 });
  const later = Number(await countdown.textContent());
  t.true(later < first, `the countdown counts down: ${first} → ${later}`);
  await person.shot('intro-recording-countdown');
  // Stopped early, with the keyboard.
  await page.getByRole('button', { name: 'Stop recording' }).focus();
  await page.keyboard.press('Enter');
  const preview = page.getByLabel('Your new recording (not uploaded yet)');
  await preview.waitFor();
  // The recording plays back in the page before upload: the browser decodes it and knows its length.
  await page.waitForFunction(() => {
    const el = (globalThis as unknown as { document: { querySelector(s: string): { readyState: number } | null } }).document.querySelector('audio[aria-label^="Your new recording"]');
    return !!el && el.readyState >= 1;
  });
  await checkPage(t, person, 'intro-recorded-before-upload');
  await page.getByRole('button', { name: 'Upload this intro' }).click();
  await page.getByText('Intro saved').waitFor({ timeout: SLOW });
  const intro = await env.stack.database.pool.query('SELECT media_type, duration_ms, transcript, classifier_scores, stt_model FROM member_intros WHERE member_id = $1', [a.memberId]);
  const row = intro.rows[0];
  t.truthy(row, 'the database holds the intro');
  t.is(row.media_type, 'audio/webm');
  t.true(row.duration_ms > 4000 && row.duration_ms <= 20_000, `${row.duration_ms} ms`);
  t.log(`transcript of the recorded intro: ${row.transcript}`);
  const heard = ['climate', 'software', 'startup', 'advice', 'seed', 'round'].filter((w) => String(row.transcript).toLowerCase().includes(w));
  t.true(heard.length >= 3, `the recognizer heard the intro: "${row.transcript}"`);
  t.is(typeof row.classifier_scores?.threat, 'number', 'the intro was classified');
  t.truthy(await page.getByLabel('Your saved intro').getAttribute('src'));

  // Availability in A's own zone: weekday afternoons in Rome (New York mornings overlap them), one date off.
  await page.getByLabel('Your time zone').selectOption('Europe/Rome');
  for (const d of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']) await page.getByLabel(`${d} afternoon`).check();
  const away = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel('Add a date off').fill(away);
  await page.getByRole('button', { name: 'Add date' }).click();
  await page.getByRole('button', { name: 'Save availability' }).click();
  await page.getByText('Availability saved').waitFor();
  const avail = await env.stack.database.pool.query('SELECT time_zone, availability FROM matching_profiles WHERE member_id = $1', [a.memberId]);
  t.is(avail.rows[0].time_zone, 'Europe/Rome');
  t.deepEqual(avail.rows[0].availability.parts, [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], part: 'afternoon' }]);
  t.deepEqual(avail.rows[0].availability.exceptions, [away]);

  // Only opting in is left; then the page says ready, as the API does.
  await page.locator('[data-criterion="availability"]').waitFor({ state: 'detached' });
  t.deepEqual(await unmetOnPage(page), ['opted_in']);
  await page.getByRole('button', { name: 'Opt in to matching' }).click();
  await page.getByText('Ready for matching').waitFor();
  t.deepEqual(await unmetInApi(a), []);
  await checkPage(t, person, 'profile-ready');
});

test.serial('A and B see each other suggested, both accept in their pages, and both pages show the private room', async (t) => {
  t.timeout(12 * 60_000);
  const ada = alice!;
  await ada.page.goto('/matches');
  await ada.page.getByRole('heading', { name: 'Suggested for you' }).waitFor();
  // A's embeddings are computed after the profile commit; the page polls, so B appears without a reload.
  const vicCard = ada.page.locator(`[data-testid="suggestion"][data-member-id="${b.memberId}"]`);
  await vicCard.waitFor({ timeout: SLOW });
  const apiSuggestion = ((await a.client.get('/v1/me/matching/suggestions')).body.items as { candidate: { memberId: string }; reasons: string[] }[]).find((s) => s.candidate.memberId === b.memberId)!;
  t.truthy(apiSuggestion);
  t.deepEqual(await vicCard.locator('.reasons li').allTextContents(), apiSuggestion.reasons, 'the reasons the API gives, shown as they are');
  t.true(apiSuggestion.reasons.length > 0);
  await vicCard.getByRole('img', { name: 'Photo of Vic Investor' }).waitFor();
  // B's intro plays in the page.
  await vicCard.getByRole('button', { name: "Play Vic Investor's intro" }).click();
  const player = vicCard.getByLabel("Vic Investor's intro");
  await player.waitFor();
  const seconds = await player.evaluate((el) => new Promise<number>((resolve) => {
    const audio = el as unknown as { readyState: number; duration: number; addEventListener(e: string, f: () => void): void };
    if (audio.readyState >= 1) resolve(audio.duration);
    else audio.addEventListener('loadedmetadata', () => resolve(audio.duration));
  }));
  t.true(seconds > 2 && seconds < 20, `B's intro is playable: ${seconds} s`);
  await checkPage(t, ada, 'matches-suggestion');

  await vicCard.getByRole('button', { name: 'Accept Vic Investor' }).click();
  await ada.page.getByTestId('matches-note').getByText('You said yes to Vic Investor').waitFor();
  await vicCard.getByText('waiting for Vic Investor').waitFor();
  await ada.shot('matches-accepted-waiting');

  // B, in B's own browser, sees A and accepts.
  bob = await openPerson({ scenario: SCENARIO, name: 'vic', baseUrl: env.stack.apiUrl });
  bob.page.setDefaultTimeout(WAIT);
  await logInThroughPage(bob.page, b.email, PASSWORD);
  await bob.page.goto('/matches');
  const adaCard = bob.page.locator(`[data-testid="suggestion"][data-member-id="${a.memberId}"]`);
  await adaCard.waitFor({ timeout: SLOW });
  await checkPage(t, bob, 'matches-suggestion');
  await adaCard.getByRole('button', { name: 'Accept Ada Founder' }).click();
  const bobMatch = bob.page.getByTestId('match');
  await bobMatch.waitFor();

  // The database holds exactly one match room for the pair; both pages show it.
  const [low, high] = [a.memberId, b.memberId].sort();
  const rooms = await env.stack.database.pool.query('SELECT room_id, scheduled_for FROM match_rooms WHERE member_low = $1 AND member_high = $2', [low, high]);
  t.is(rooms.rowCount, 1);
  const roomId: string = rooms.rows[0].room_id;
  const scheduledFor = (rooms.rows[0].scheduled_for as Date).toISOString();
  t.is(await bobMatch.getAttribute('data-room-id'), roomId);
  t.is(await bobMatch.getByRole('link', { name: /Open the room/ }).getAttribute('href'), `/rooms/${roomId}`);
  t.true((await bobMatch.getByTestId('match-time').textContent())!.includes(clockIn(scheduledFor, 'America/New_York')), 'B sees the time in New York');
  await checkPage(t, bob, 'matches-matched');

  // A's page shows it without a reload.
  const adaMatch = ada.page.getByTestId('match');
  await adaMatch.waitFor({ timeout: 60_000 });
  t.is(await adaMatch.getAttribute('data-room-id'), roomId);
  t.is(Date.parse((await adaMatch.getByTestId('match-time').getAttribute('datetime')) ?? ''), Date.parse(scheduledFor));
  t.true((await adaMatch.getByTestId('match-time').textContent())!.includes(clockIn(scheduledFor, 'Europe/Rome')), 'A sees the time in Rome');
  t.is(await adaMatch.getByRole('link', { name: /Open the room/ }).getAttribute('href'), `/rooms/${roomId}`);
  await ada.page.getByTestId('matches-note').getByText('New match').waitFor();
  await checkPage(t, ada, 'matches-matched');
});

test.serial('a harmful intro recorded in the page is refused with the API\'s reason, and nothing is stored', async (t) => {
  t.timeout(8 * 60_000);
  const tom = await signUp('Tom Threat');
  const micWav = path.join(tmp, 'tom-intro.wav');
  await fs.writeFile(micWav, await speechWav('I will kill you if you do not hire me.', 30));
  const person = await openPerson({ scenario: SCENARIO, name: 'tom', baseUrl: env.stack.apiUrl, microphoneWav: micWav });
  person.page.setDefaultTimeout(WAIT);
  try {
    const { page } = person;
    await logInThroughPage(page, tom.email, PASSWORD);
    await page.goto('/profile');
    await page.getByRole('link', { name: 'Record your intro' }).click();
    t.is(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id), 'intro-record');
    // The link focused the record button; Enter starts it. This time nobody presses Stop: the recorder stops by
    // itself at the limit, and the API refuses the intro for what it says (threat), not for its length.
    await page.keyboard.press('Enter');
    await page.getByTestId('intro-countdown').waitFor();
    await page.getByRole('button', { name: 'Upload this intro' }).waitFor({ timeout: 90_000 });
    await page.getByRole('button', { name: 'Upload this intro' }).click();
    const refusal = page.getByTestId('intro-error');
    await refusal.waitFor({ timeout: SLOW });
    const text = (await refusal.textContent()) ?? '';
    t.regex(text, /refused/i);
    t.regex(text, /threat/i);
    t.notRegex(text, /long/i, 'the recording that ran to the limit is not too long');
    t.is((await env.stack.database.pool.query('SELECT 1 FROM member_intros WHERE member_id = $1', [tom.memberId])).rowCount, 0, 'a refused intro is not stored');
    // The recording stays on the page, to listen to or record again.
    await page.getByRole('button', { name: 'Record again' }).waitFor();
    await checkPage(t, person, 'intro-refused');
  } finally {
    await person.close();
  }
});

test.serial('snooze and decline on /matches (keyboard only); a member who is not matchable is sent to /profile', async (t) => {
  t.timeout(10 * 60_000);
  const cara = await signUp('Cara Climate');
  const dan = await signUp('Dan Fund');
  const eve = await signUp('Eve Angel');
  for (const m of [cara, dan, eve]) await connect(m, helpers);
  await makeMatchable(cara, { headline: 'Founder of a climate analytics startup', role: 'Founder', offers: 'Customer discovery and early B2B sales', seeks: 'Advice on raising a seed round from investors', timeZone: 'Europe/Berlin', parts: ['weekday_afternoons'], intro: A_INTRO });
  await makeMatchable(dan, { headline: 'Venture partner at a seed fund', role: 'Venture partner', offers: 'I help founders raise seed rounds', seeks: 'Learning how startups do customer discovery', timeZone: 'America/New_York', parts: ['weekday_mornings'], intro: B_INTRO });
  await makeMatchable(eve, { headline: 'Angel investor in climate startups', role: 'Angel investor', offers: 'I help founders prepare fundraising pitches', seeks: 'Learning how B2B startups sell early', timeZone: 'Europe/London', parts: ['weekday_afternoons'], intro: B_INTRO });

  const person = await openPerson({ scenario: SCENARIO, name: 'cara', baseUrl: env.stack.apiUrl });
  person.page.setDefaultTimeout(WAIT);
  try {
    const { page } = person;
    // Hal has connections but no matching profile: /matches says so and links to /profile.
    await logInThroughPage(page, helpers[0]!.email, PASSWORD);
    await page.goto('/matches');
    await page.getByTestId('not-matchable').waitFor();
    t.false((await helpers[0]!.client.get('/v1/me/matching/suggestions')).body.matchable);
    await checkPage(t, person, 'matches-not-matchable');
    await page.getByRole('link', { name: 'See what is missing on your profile' }).click();
    await page.waitForURL('**/profile');
    await page.getByTestId('matching-status').waitFor();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL('**/login**');

    await logInThroughPage(page, cara.email, PASSWORD);
    await page.goto('/matches');
    const danCard = page.locator(`[data-testid="suggestion"][data-member-id="${dan.memberId}"]`);
    const eveCard = page.locator(`[data-testid="suggestion"][data-member-id="${eve.memberId}"]`);
    await danCard.waitFor({ timeout: SLOW });
    await eveCard.waitFor({ timeout: SLOW });
    await checkPage(t, person, 'matches-two-suggestions');

    // Snooze Dan for 3 days with the keyboard: choose in the select, then the button.
    await danCard.getByLabel('Snooze for').focus();
    await danCard.getByLabel('Snooze for').selectOption('3');
    await danCard.getByRole('button', { name: 'Snooze Dan Fund' }).focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('matches-note').getByText('Dan Fund is snoozed for 3 days').waitFor();
    await danCard.waitFor({ state: 'detached' });
    const snoozed = await env.stack.database.pool.query(
      "SELECT status, snoozed_until FROM match_suggestions WHERE member_id = $1 AND candidate_id = $2 AND status = 'snoozed'",
      [cara.memberId, dan.memberId],
    );
    t.is(snoozed.rowCount, 1);
    const days = (Date.parse((snoozed.rows[0].snoozed_until as Date).toISOString()) - Date.now()) / 86_400_000;
    t.true(days > 2.9 && days <= 3, `snoozed for 3 days: ${days.toFixed(3)}`);

    // Decline Eve with the keyboard.
    await eveCard.getByRole('button', { name: 'Decline Eve Angel' }).focus();
    await page.keyboard.press('Space');
    await page.getByTestId('matches-note').getByText('You declined Eve Angel').waitFor();
    await eveCard.waitFor({ state: 'detached' });
    const declined = await env.stack.database.pool.query("SELECT 1 FROM match_suggestions WHERE member_id = $1 AND candidate_id = $2 AND status = 'declined'", [cara.memberId, eve.memberId]);
    t.is(declined.rowCount, 1);
    await checkPage(t, person, 'matches-after-snooze-decline');
  } finally {
    await person.close();
  }
});
