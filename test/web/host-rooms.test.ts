// Hosting through the pages in Chromium: the create form shows the API's validation messages beside their
// fields; a room created there is in the database and opens on its room page; an invitation sent from the page
// after creating lands in room_invitations; a scheduled room (a date-time in the member's own time zone) is stored
// at that instant, is listed under Upcoming, and is started or cancelled from its settings, where its details are
// edited too; the policy editor saves a stricter policy (read back from the API and the database) and shows the
// API's refusal beside a field that goes below the platform floor; a non-host is told the settings are not theirs.
// Axe and 375 px on /rooms/new and the settings page.
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';
import { formatViolations, horizontalOverflow, logInThroughPage, openPerson, seriousAccessibilityViolations, type Person } from './_browser.js';

let stack: TestStack;
let person: Person;
let host: { client: any; memberId: string; email: string };
let guest: { client: any; memberId: string; email: string };

test.before(async () => {
  stack = await startTestStack({ workers: 0 });
  person = await openPerson({ scenario: 'host-rooms', name: 'host', baseUrl: stack.stack.apiUrl });
  host = await stack.api.signUp('Hana Host');
  guest = await stack.api.signUp('Gus Guest');
  // Connected, so the guest is offered in the invitation picker.
  for (const [from, to] of [
    [host, guest],
    [guest, host],
  ] as const) {
    const res = await from.client.post(`/v1/members/${to.memberId}/connection-requests`, {});
    if (res.status >= 300) throw new Error(`connect: ${res.status} ${JSON.stringify(res.body)}`);
  }
  await logInThroughPage(person.page, host.email, 'correct horse battery staple');
});
test.after.always(async () => {
  await person?.close();
  await stack?.stop();
});

const db = () => stack.stack.database.pool;

/** The value a datetime-local input takes for `at` in the page's own time zone. */
async function localInputValue(at: Date): Promise<string> {
  // No named helpers inside: the test's compiler would wrap them in a __name() the page does not have.
  const parts = await person.page.evaluate((ms) => {
    const d = new Date(ms);
    return [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes()];
  }, at.getTime());
  const [y, mo, day, h, mi] = parts.map((n) => String(n).padStart(2, '0'));
  return `${y}-${mo}-${day}T${h}:${mi}`;
}

test.serial('create a live room: field errors from the API, then the row in the database and its room page', async (t) => {
  const { page } = person;
  await page.goto('/rooms/new');
  await page.getByRole('heading', { name: 'Create a room' }).waitFor();
  await person.shot('create-empty');
  t.deepEqual(await seriousAccessibilityViolations(page).then(formatViolations), '');

  // Blank title and a topic the API refuses: both messages beside their fields.
  await page.getByLabel('Topics').fill('design, #bad');
  await page.getByRole('button', { name: 'Create and go live' }).click();
  const titleError = page.locator('.field', { has: page.getByLabel('Title', { exact: true }) }).locator('.field-error');
  await titleError.waitFor();
  const topicsError = page.locator('.field', { has: page.getByLabel('Topics') }).locator('.field-error');
  t.regex((await topicsError.textContent()) ?? '', /item 2: letters, digits/);
  t.is(await page.getByLabel('Title', { exact: true }).getAttribute('aria-invalid'), 'true');
  await person.shot('create-invalid');
  t.deepEqual(await seriousAccessibilityViolations(page).then(formatViolations), '');
  t.is((await db().query('SELECT count(*)::int AS n FROM rooms WHERE host_member_id = $1', [host.memberId])).rows[0].n, 0);

  await page.getByLabel('Title', { exact: true }).fill('Product teardown');
  await page.getByLabel('Description').fill('We take apart a launch, kindly.');
  await page.getByLabel('Topics').fill('product, design');
  await page.getByLabel('Who may join').selectOption('invite_only');
  await page.getByRole('button', { name: 'Create and go live' }).click();
  await page.getByRole('heading', { name: 'Your room is live' }).waitFor();
  const row = (await db().query('SELECT id, title, description, topics, visibility, status FROM rooms WHERE host_member_id = $1', [host.memberId])).rows;
  t.is(row.length, 1);
  t.like(row[0], { title: 'Product teardown', description: 'We take apart a launch, kindly.', topics: ['product', 'design'], visibility: 'invite_only', status: 'live' });
  await person.shot('created-live');

  // Invite from the page that follows: the connection is offered by name.
  await page.getByLabel('Your connections').selectOption({ label: 'Gus Guest' });
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await page.locator('.invited-list').getByText('Gus Guest').waitFor();
  const invited = await db().query('SELECT member_id, invited_by FROM room_invitations WHERE room_id = $1', [row[0].id]);
  t.deepEqual(invited.rows, [{ member_id: guest.memberId, invited_by: host.memberId }]);
  // A member ID that is no member: the API's refusal is shown.
  await page.getByLabel('Or a member ID').fill('not-a-uuid');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await page.locator('.invite-form .field-error').waitFor();
  await person.shot('invite-refused');

  await page.getByRole('link', { name: 'Enter the room' }).click();
  await page.waitForURL(`**/rooms/${row[0].id}`);
  t.is(new URL(page.url()).pathname, `/rooms/${row[0].id}`);
  // The room page (the room area's) shows the room the form created.
  await page.locator('h1', { hasText: 'Product teardown' }).waitFor();
  await person.shot('room-page');
});

test.serial('schedule a room in my own time zone; it is upcoming; start it from the settings', async (t) => {
  const { page } = person;
  const at = new Date(Math.ceil((Date.now() + 3 * 86_400_000) / 60_000) * 60_000);
  await page.goto('/rooms/new');
  await page.getByLabel('Title', { exact: true }).fill('Quarterly planning');
  await page.getByLabel('Schedule for later').check();
  // The time zone is named on the page, as the browser knows it.
  const zone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
  t.regex((await page.locator('.field', { has: page.getByLabel('Starts at') }).locator('.hint').textContent()) ?? '', new RegExp(`In your time zone: ${zone.replace('/', '\\/')}`));
  await page.getByLabel('Starts at').fill(await localInputValue(at));
  await person.shot('schedule-form');
  await page.getByRole('button', { name: 'Schedule room' }).click();
  await page.getByRole('heading', { name: 'Your room is scheduled' }).waitFor();
  const row = (await db().query("SELECT id, status, scheduled_for FROM rooms WHERE title = 'Quarterly planning'")).rows[0];
  t.is(row.status, 'scheduled');
  t.is((row.scheduled_for as Date).getTime(), at.getTime());
  await person.shot('created-scheduled');

  await page.goto('/');
  const upcoming = page.getByRole('list', { name: 'Upcoming rooms' });
  await upcoming.getByRole('link', { name: 'Quarterly planning', exact: true }).waitFor();
  t.false(await page.getByRole('list', { name: 'Live rooms' }).getByText('Quarterly planning').isVisible());
  await upcoming.getByRole('link', { name: 'Settings for Quarterly planning' }).click();
  await page.waitForURL(`**/rooms/${row.id}/settings`);
  await page.getByRole('heading', { name: 'Settings: Quarterly planning' }).waitFor();
  await page.getByRole('heading', { name: 'Moderation policy' }).waitFor();
  await page.locator('.policy-form').waitFor();
  await person.shot('settings-scheduled');
  t.deepEqual(await seriousAccessibilityViolations(page).then(formatViolations), '');

  await page.getByRole('button', { name: 'Start now' }).click();
  await page.locator('.room-status').getByText('Live', { exact: true }).waitFor();
  t.is((await db().query('SELECT status FROM rooms WHERE id = $1', [row.id])).rows[0].status, 'live');
  await person.shot('settings-started');
});

test.serial('edit the details, then cancel a scheduled room from its settings', async (t) => {
  const { page } = person;
  const res = await host.client.post('/v1/rooms', { title: 'Book club', scheduledFor: new Date(Date.now() + 86_400_000).toISOString() });
  t.is(res.status, 201);
  await page.goto(`/rooms/${res.body.id}/settings`);
  await page.getByLabel('Room topics').fill('books, sci fi!');
  await page.getByRole('button', { name: 'Save details' }).click();
  const topicsError = page.locator('.field', { has: page.getByLabel('Room topics') }).locator('.field-error');
  await topicsError.waitFor();
  t.regex((await topicsError.textContent()) ?? '', /item 2: letters, digits/);
  await person.shot('details-invalid');
  await page.getByLabel('Room title').fill('Book club: Dune');
  await page.getByLabel('Room topics').fill('books, sci fi');
  await page.getByRole('button', { name: 'Save details' }).click();
  await page.getByRole('heading', { name: 'Settings: Book club: Dune' }).waitFor();
  t.like((await db().query('SELECT title, topics FROM rooms WHERE id = $1', [res.body.id])).rows[0], { title: 'Book club: Dune', topics: ['books', 'sci fi'] });
  await person.shot('details-saved');
  await page.getByRole('button', { name: 'Cancel room' }).click();
  await person.shot('cancel-confirm');
  await page.getByRole('button', { name: 'Yes, cancel the room' }).click();
  await page.locator('.room-status').getByText('(cancelled)', { exact: false }).waitFor();
  t.like((await db().query('SELECT status, ended_reason FROM rooms WHERE id = $1', [res.body.id])).rows[0], { status: 'ended', ended_reason: 'cancelled' });
  await person.shot('cancelled');
});

test.serial('the policy editor saves a stricter policy and shows the refusal below the platform floor', async (t) => {
  const { page } = person;
  const res = await host.client.post('/v1/rooms', { title: 'Policy room', scheduledFor: new Date(Date.now() + 86_400_000).toISOString() });
  const roomId = res.body.id as string;
  // The floor the page shows is the platform's, as the API reports it.
  const before = await host.client.get(`/v1/rooms/${roomId}/moderation-policy`);
  t.is(before.status, 200);
  t.deepEqual(before.body.floorCategories, ['severe', 'threat', 'identity_hate']);
  const floor = before.body.platform.categories.threat as { threshold: number; action: string };

  await page.goto(`/rooms/${roomId}/settings`);
  const threshold = page.getByLabel('Threats: threshold');
  await threshold.waitFor();
  t.regex((await page.locator('[data-category="threat"] .hint').textContent()) ?? '', new RegExp(`threshold at most ${floor.threshold}`));
  await threshold.fill('0.3');
  await page.getByLabel('Insults: action').selectOption('mute');
  await page.getByRole('button', { name: 'Save policy' }).click();
  await page.locator('.policy-saved').waitFor();
  await person.shot('policy-saved');
  const saved = await host.client.get(`/v1/rooms/${roomId}/moderation-policy`);
  t.deepEqual(saved.body.override, { categories: { threat: { threshold: 0.3 }, insult: { action: 'mute' } } });
  t.is(saved.body.policy.categories.threat.threshold, 0.3);
  const stored = await db().query('SELECT override FROM room_moderation_policies WHERE room_id = $1', [roomId]);
  t.deepEqual(stored.rows[0].override.categories.threat, { threshold: 0.3 });

  // Above the floor's threshold: refused, the API's message beside the field, nothing changed.
  await threshold.fill(String(Math.min(1, floor.threshold + 0.3).toFixed(2)));
  await page.getByRole('button', { name: 'Save policy' }).click();
  const fieldError = page.locator('[data-category="threat"] .field-error');
  await fieldError.waitFor();
  t.regex((await fieldError.textContent()) ?? '', /may not be above the platform's/);
  t.is(await threshold.getAttribute('aria-invalid'), 'true');
  t.regex((await page.locator('.policy-form .form-error').textContent()) ?? '', /Not saved/);
  await person.shot('policy-refused');
  t.deepEqual(await seriousAccessibilityViolations(page).then(formatViolations), '');
  const after = await host.client.get(`/v1/rooms/${roomId}/moderation-policy`);
  t.deepEqual(after.body.override, saved.body.override);

  // A member who is not the host cannot read the policy: the page says what the API said.
  const outsider = await stack.api.signUp('Olga Outsider');
  const person2 = await openPerson({ scenario: 'host-rooms', name: 'outsider', baseUrl: stack.stack.apiUrl });
  try {
    await logInThroughPage(person2.page, outsider.email, 'correct horse battery staple');
    await person2.page.goto(`/rooms/${roomId}/settings`);
    await person2.page.getByRole('heading', { name: 'Not your room to manage' }).waitFor();
    t.false(await person2.page.getByRole('button', { name: 'Send invitation' }).isVisible());
    await person2.shot('settings-not-host');
    t.deepEqual(await seriousAccessibilityViolations(person2.page).then(formatViolations), '');
  } finally {
    await person2.close();
  }
});

/** Presses Tab until the focused element matches `selector` (bounded); false when it never gets focus. */
async function tabTo(selector: string, max = 60): Promise<boolean> {
  for (let i = 0; i < max; i++) {
    await person.page.keyboard.press('Tab');
    if (await person.page.evaluate((sel) => (globalThis as any).document.activeElement?.matches(sel) ?? false, selector)) return true;
  }
  return false;
}

test.serial('keyboard only: create a room and reach its settings without the mouse', async (t) => {
  const { page } = person;
  await page.goto('/rooms/new');
  await page.getByRole('heading', { name: 'Create a room' }).waitFor();
  t.true(await tabTo('input[name="title"]'));
  await page.keyboard.type('Keyboard hour');
  t.true(await tabTo('input[name="topics"]'));
  await page.keyboard.type('access');
  t.true(await tabTo('button[type="submit"]'));
  // The focused control is visibly outlined (the global :focus-visible style).
  t.not(await page.evaluate(() => (globalThis as any).getComputedStyle((globalThis as any).document.activeElement).outlineStyle), 'none');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Your room is live' }).waitFor();
  t.like((await db().query("SELECT topics, status FROM rooms WHERE title = 'Keyboard hour'")).rows[0], { topics: ['access'], status: 'live' });
  t.true(await tabTo('a[href$="/settings"]'));
  await page.keyboard.press('Enter');
  await page.waitForURL('**/settings');
  await page.getByLabel('Threats: threshold').waitFor();
  await person.shot('keyboard-settings');
});

test.serial('create and settings pages fit a 375 px phone', async (t) => {
  const { page } = person;
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto('/rooms/new');
  await page.getByLabel('Schedule for later').check();
  t.is(await horizontalOverflow(page), 0, '/rooms/new');
  await person.shot('create-phone');
  const roomId = (await db().query("SELECT id FROM rooms WHERE title = 'Policy room'")).rows[0].id;
  await page.goto(`/rooms/${roomId}/settings`);
  await page.getByLabel('Threats: threshold').waitFor();
  t.is(await horizontalOverflow(page), 0, 'settings');
  await person.shot('settings-phone');
});
