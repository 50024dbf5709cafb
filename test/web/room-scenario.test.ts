// The room page in two real browsers on the real stack (LiveKit, PostgreSQL, the moderation agent with its local
// speech model): a host opens a live room and joins; a member whose fake microphone plays a known sentence joins,
// raises a hand; the host approves in the page; the member's page publishes the microphone; the host's page shows
// the member's words as a live caption. Then the host removes the member, who sees why and is refused on rejoin,
// and a member who tries to join a room that ended meanwhile reads the API's refusal.
import test, { type ExecutionContext } from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';
import { contentWordRecall, speechWav } from './_room-support.js';
import { formatViolations, horizontalOverflow, logInThroughPage, openPerson, seriousAccessibilityViolations, type Person } from './_browser.js';

const SENTENCE = 'Welcome to the roundtable. Today we talk about hiring senior engineers for remote teams.';
const PASSWORD = 'correct horse battery staple';
const DESKTOP = { width: 1280, height: 900 };
const LONG = 90_000;

let stack: TestStack;
let hostPerson: Person;
let memberPerson: Person;
let host: Awaited<ReturnType<TestStack['api']['signUp']>>;
let member: Awaited<ReturnType<TestStack['api']['signUp']>>;
let roomId: string;

test.before(async () => {
  stack = await startTestStack({ workers: 1 });
  await stack.stack.workersRegistered;
  host = await stack.api.signUp('Hana Host');
  member = await stack.api.signUp('Milo Member');
  const created = await host.client.post('/v1/rooms', { title: 'Hiring senior engineers', description: 'How remote teams hire.', topics: ['hiring', 'remote work'] });
  if (created.status !== 201) throw new Error(`room not created: ${JSON.stringify(created.body)}`);
  roomId = created.body.id;
  hostPerson = await openPerson({ scenario: 'room', name: 'host', baseUrl: stack.stack.apiUrl });
  memberPerson = await openPerson({ scenario: 'room', name: 'member', baseUrl: stack.stack.apiUrl, microphoneWav: await speechWav(SENTENCE) });
  await logInThroughPage(hostPerson.page, host.email, PASSWORD);
  await logInThroughPage(memberPerson.page, member.email, PASSWORD);
});

test.after.always(async () => {
  await hostPerson?.close();
  await memberPerson?.close();
  await stack?.stop();
});

/** axe (no serious/critical violation) and no horizontal scroll at 375 px, with a screenshot of both widths. */
async function checkPage(t: ExecutionContext, person: Person, state: string): Promise<void> {
  const { page } = person;
  t.is(await seriousAccessibilityViolations(page).then(formatViolations), '', `axe, ${state}`);
  await person.shot(state);
  await page.setViewportSize({ width: 375, height: 800 });
  await page.waitForTimeout(300); // layout settles; the assertion below is on the layout, not on time
  t.is(await horizontalOverflow(page), 0, `375 px, ${state}`);
  await person.shot(`${state}-phone`);
  await page.setViewportSize(DESKTOP);
}

async function joinThroughPage(person: Person): Promise<void> {
  await person.page.getByRole('button', { name: 'Join room' }).click();
  await person.page.getByText('Connected', { exact: true }).waitFor({ timeout: LONG });
}

/** Polls `read` until `done` says yes or the deadline passes; returns the last value read. */
async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1000));
    value = await read();
  }
  return value;
}

test.serial('listener joins, raises a hand, the host approves in the page, the member speaks and the host reads the caption', async (t) => {
  t.timeout(480_000);
  const hp = hostPerson.page;
  const mp = memberPerson.page;

  // The host opens the room and joins; on stage, the page publishes the microphone, which the host mutes.
  await hp.goto(`/rooms/${roomId}`);
  await hp.getByRole('heading', { name: 'Hiring senior engineers', level: 1 }).waitFor();
  await hostPerson.shot('before-join');
  await joinThroughPage(hostPerson);
  const hostMute = hp.getByRole('button', { name: 'Mute microphone' });
  await hostMute.waitFor({ timeout: LONG });
  t.is(await hostMute.getAttribute('aria-pressed'), 'false');
  await hostMute.click();
  await hp.locator('button[aria-pressed="true"]', { hasText: 'Mute microphone' }).waitFor({ timeout: LONG });
  await hp.getByText('Muted', { exact: true }).waitFor();
  await hostPerson.shot('host-joined-muted');

  // The member opens the room, reads the transcription notice, joins as a listener.
  await mp.goto(`/rooms/${roomId}`);
  await mp.getByRole('button', { name: 'Join room' }).waitFor();
  await checkPage(t, memberPerson, 'before-join');
  await joinThroughPage(memberPerson);
  await mp.getByRole('list', { name: 'On stage', exact: true }).getByText('Hana Host').waitFor({ timeout: LONG });
  await mp.getByRole('button', { name: 'Raise hand' }).click();
  await mp.getByRole('button', { name: 'Lower hand' }).waitFor({ timeout: LONG });
  await checkPage(t, memberPerson, 'listener-hand-raised');

  // The host's page shows the hand (live, no reload) and the host approves it.
  const approve = hp.getByRole('button', { name: 'Approve Milo Member' });
  await approve.waitFor({ timeout: LONG }).catch(async (err: unknown) => {
    await hostPerson.shot('hand-never-shown');
    throw err;
  });
  await hostPerson.shot('hand-in-queue');
  await approve.click();
  await hp.getByRole('list', { name: 'On stage', exact: true }).getByText('Milo Member').waitFor({ timeout: LONG });

  // The member's page gets the microphone and publishes it; LiveKit reports the track.
  await mp.getByText('On — you are heard').waitFor({ timeout: LONG });
  t.is(await mp.getByRole('button', { name: 'Mute microphone' }).getAttribute('aria-pressed'), 'false');
  const presence = await waitFor(
    async () => (await host.client.get(`/v1/rooms/${roomId}/presence`)).body as { tracks: { identity: string; source: string }[] },
    (p) => p.tracks?.some((tr) => tr.identity === member.memberId && /microphone/i.test(tr.source)) ?? false,
    LONG,
  );
  t.true(presence.tracks.some((tr) => tr.identity === member.memberId && /microphone/i.test(tr.source)), `LiveKit reports the member's microphone: ${JSON.stringify(presence)}`);
  const { rows } = await stack.stack.database.pool.query(`SELECT actor, payload FROM room_stage_events WHERE room_id = $1 AND type = 'stage_joined' AND target = $2`, [roomId, member.memberId]);
  t.is(rows.length, 1, 'the stage recorded the member coming on stage');
  t.is(rows[0].actor, host.memberId);
  t.is(rows[0].payload.via, 'hand');
  await checkPage(t, memberPerson, 'speaker');

  // Everyone on stage sees who speaks: LiveKit's active speakers mark the member on the host's page.
  await hp.locator(`.stage-person.is-speaking[data-identity="${member.memberId}"]`).waitFor({ timeout: LONG });
  await hostPerson.shot('member-speaking');

  // The agent transcribes the speaker on stage; the host's page shows the caption under the member's name.
  const captions = hp.getByRole('log', { name: 'Live captions' }).locator('li');
  const heard = await waitFor(
    () => captions.allTextContents(),
    (texts) => texts.some((c) => c.startsWith('Milo Member:') && contentWordRecall(SENTENCE, c) >= 0.6),
    240_000,
  );
  t.log(`captions on the host's page: ${JSON.stringify(heard)}`);
  const best = Math.max(0, ...heard.filter((c) => c.startsWith('Milo Member:')).map((c) => contentWordRecall(SENTENCE, c)));
  t.true(best >= 0.6, `a caption by Milo Member with most of the sentence's content words (best recall ${best.toFixed(2)})`);
  t.false(heard.some((c) => new RegExp(member.memberId).test(c)), 'captions name speakers, not ids');
  await checkPage(t, hostPerson, 'host-with-caption');
});

test.serial('a participant reports a speaker through the page: a missing reason shows the API refusal, a report opens a case', async (t) => {
  t.timeout(120_000);
  const mp = memberPerson.page;
  const form = mp.getByRole('region', { name: 'Report' });
  await form.getByRole('button', { name: 'Send report' }).click();
  await form.locator('.form-error[role="alert"]').waitFor({ timeout: LONG });
  t.is(await form.getByLabel('Reason').getAttribute('aria-invalid'), 'true', 'the refusal is tied to the Reason field');
  await memberPerson.shot('report-refused');
  await form.getByLabel('Who').selectOption({ label: 'Hana Host' });
  await form.getByLabel('Reason').selectOption('harassment');
  await form.getByLabel('What happened (optional)').fill('Talked over me repeatedly.');
  await form.getByRole('button', { name: 'Send report' }).click();
  await form.getByText('Your report about Hana Host was sent to trust and safety.').waitFor({ timeout: LONG });
  await memberPerson.shot('report-sent');
  const { rows } = await stack.stack.database.pool.query(`SELECT subject_member_id::text AS subject FROM moderation_cases WHERE room_id = $1 AND kind = 'report'`, [roomId]);
  t.deepEqual(rows.map((r: { subject: string }) => r.subject), [host.memberId], 'one report case about the host');
});

test.serial('the host removes the member in the page: the member reads that they were removed, and a rejoin shows the API refusal', async (t) => {
  t.timeout(240_000);
  const hp = hostPerson.page;
  const mp = memberPerson.page;
  await hp.getByRole('button', { name: 'Remove Milo Member from the room' }).first().click();
  const removed = mp.getByRole('alert').filter({ hasText: 'removed' });
  await removed.waitFor({ timeout: LONG });
  await memberPerson.shot('removed');
  await hp.getByRole('list', { name: 'On stage', exact: true }).getByText('Milo Member').waitFor({ state: 'detached', timeout: LONG });
  await hostPerson.shot('after-removal');
  // LiveKit no longer has the member connected.
  const presence = await waitFor(
    async () => (await host.client.get(`/v1/rooms/${roomId}/presence`)).body as { connected: { identity: string }[] },
    (p) => !p.connected.some((c) => c.identity === member.memberId),
    LONG,
  );
  t.false(presence.connected.some((c) => c.identity === member.memberId), 'LiveKit no longer lists the member');

  // The removal banned them: joining again is refused, and the page shows the API's own message.
  await mp.getByRole('button', { name: 'Join room' }).click();
  const refusal = mp.locator('.inline-error[role="alert"]');
  await refusal.waitFor({ timeout: LONG });
  const api = await member.client.post(`/v1/rooms/${roomId}/join`, { acceptTranscription: true });
  t.true(api.status >= 400, `the API refuses the banned member (${api.status})`);
  t.true(((await refusal.textContent()) ?? '').includes(api.body.error.message), `the page shows "${api.body.error.message}"`);
  t.regex((await mp.locator('.state-error[role="alert"]').textContent()) ?? '', /removed/, 'the removal notice stays while the rejoin is refused');
  await memberPerson.shot('rejoin-refused');
});

test.serial('joining a room that ended after the page loaded shows the API refusal', async (t) => {
  t.timeout(180_000);
  const mp = memberPerson.page;
  const created = await host.client.post('/v1/rooms', { title: 'A short room', description: 'ends soon' });
  t.is(created.status, 201);
  const shortRoom: string = created.body.id;
  await mp.goto(`/rooms/${shortRoom}`);
  const join = mp.getByRole('button', { name: 'Join room' });
  await join.waitFor();
  // The host takes the stage (a join ticket is enough for the stage to know them), then ends the room.
  t.is((await host.client.post(`/v1/rooms/${shortRoom}/join`, { acceptTranscription: true })).status, 200);
  const ended = await host.client.post(`/v1/rooms/${shortRoom}/end`);
  t.true(ended.status === 200 || ended.status === 202, `ended: ${ended.status} ${JSON.stringify(ended.body)}`);
  await join.click();
  const refusal = mp.locator('.inline-error[role="alert"]');
  await refusal.waitFor({ timeout: LONG });
  const api = await member.client.post(`/v1/rooms/${shortRoom}/join`, { acceptTranscription: true });
  t.true(api.status >= 400);
  t.true(((await refusal.textContent()) ?? '').includes(api.body.error.message), `the page shows "${api.body.error.message}"`);
  await memberPerson.shot('ended-room-refused');
  // A fresh load of the ended room offers no join, and says it ended.
  await mp.reload();
  await mp.getByText('This room has ended.').waitFor();
  t.is(await mp.getByRole('button', { name: 'Join room' }).count(), 0);
  await checkPage(t, memberPerson, 'ended-room');
});
