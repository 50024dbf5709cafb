// Room discovery (/) through the page in Chromium: a seeded live room and a scheduled one sit in the right
// sections; "For you" ranks a connection's upcoming room above live rooms of strangers (the connection boost; with
// no matching profile everything else ties, and ties put live first); a room going live appears without a reload;
// RSVP lands in the database; topic and group filters narrow the lists; a bad topic shows the API's message beside
// the field. Axe and 375 px on the page.
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';
import { formatViolations, horizontalOverflow, logInThroughPage, openPerson, seriousAccessibilityViolations, type Person } from './_browser.js';

let stack: TestStack;
let person: Person;

test.before(async () => {
  stack = await startTestStack({ workers: 0 });
  person = await openPerson({ scenario: 'member-discovery', name: 'viewer', baseUrl: stack.stack.apiUrl });
});
test.after.always(async () => {
  await person?.close();
  await stack?.stop();
});

async function created(res: { status: number; body: any }, what: string): Promise<any> {
  if (res.status !== 201 && res.status !== 200) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

test.serial('live and upcoming rooms in their sections, for-you order, RSVP, filters', async (t) => {
  const viewer = await stack.api.signUp('Vera Viewer');
  const stranger = await stack.api.signUp('Sven Stranger');
  const friend = await stack.api.signUp('Fatima Friend');
  // Viewer and friend are connected: two requests meet.
  await created(await viewer.client.post(`/v1/members/${friend.memberId}/connection-requests`, {}), 'request');
  await created(await friend.client.post(`/v1/members/${viewer.memberId}/connection-requests`, {}), 'request back');
  const group = await created(await viewer.client.post('/v1/groups', { name: 'Data folks', visibility: 'open' }), 'group');
  await created(await stranger.client.post(`/v1/groups/${group.id}/join`), 'join group');

  const design = await created(await stranger.client.post('/v1/rooms', { title: 'Design critique', topics: ['design'] }), 'live room');
  const meetup = await created(await stranger.client.post('/v1/rooms', { title: 'Data meetup', topics: ['data'], groupId: group.id }), 'group room');
  const hiring = await created(
    await friend.client.post('/v1/rooms', { title: 'Hiring roundtable', topics: ['hiring'], scheduledFor: new Date(Date.now() + 2 * 86_400_000).toISOString() }),
    'scheduled room',
  );

  const { page } = person;
  await logInThroughPage(page, viewer.email, 'correct horse battery staple');
  await page.goto('/');
  const live = page.getByRole('list', { name: 'Live rooms' });
  const upcoming = page.getByRole('list', { name: 'Upcoming rooms' });
  const forYou = page.getByRole('list', { name: 'Rooms for you' });
  await live.getByRole('link', { name: 'Design critique' }).waitFor();
  await upcoming.getByRole('link', { name: 'Hiring roundtable' }).waitFor();
  // For you needs the embedding model the first time: a generous wait on the condition.
  await forYou.getByRole('link', { name: 'Hiring roundtable' }).waitFor({ timeout: 120_000 });
  await person.shot('discovery');
  t.deepEqual(await seriousAccessibilityViolations(page).then(formatViolations), '');

  const titles = async (list: typeof live) => (await list.locator('.room-card-title').allTextContents()).map((s) => s.trim());
  t.deepEqual((await titles(live)).sort(), ['Data meetup', 'Design critique']);
  t.false((await titles(live)).includes('Hiring roundtable'));
  t.deepEqual(await titles(upcoming), ['Hiring roundtable']);
  // The connection's upcoming room first; the live ones after it (the API's default order among themselves).
  const ranked = await titles(forYou);
  t.is(ranked[0], 'Hiring roundtable');
  t.deepEqual(ranked.slice(1).sort(), ['Data meetup', 'Design critique']);
  t.is(await live.getByRole('link', { name: 'Design critique' }).getAttribute('href'), `/rooms/${design.id}`);

  // A room that goes live while the page is open appears without a reload (the lists refresh themselves).
  await created(await friend.client.post('/v1/rooms', { title: 'Late arrival', topics: ['misc'] }), 'late room');
  await live.getByRole('link', { name: 'Late arrival' }).waitFor({ timeout: 90_000 });
  await person.shot('live-update');

  // RSVP from the upcoming list: the button turns pressed, the count and the database follow.
  await upcoming.getByRole('button', { name: 'RSVP: Hiring roundtable' }).click();
  await upcoming.getByRole('button', { name: 'Going: Hiring roundtable' }).waitFor();
  t.is(await upcoming.getByRole('button', { name: 'Going: Hiring roundtable' }).getAttribute('aria-pressed'), 'true');
  t.regex((await upcoming.locator('.room-card-meta').textContent()) ?? '', /1 going/);
  const rsvp = await stack.stack.database.pool.query('SELECT member_id FROM room_rsvps WHERE room_id = $1', [hiring.id]);
  t.deepEqual(rsvp.rows.map((r) => r.member_id), [viewer.memberId]);
  await person.shot('after-rsvp');

  // Filter by topic: only the design room is left.
  await page.getByRole('textbox', { name: 'Topic', exact: true }).fill('design');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await upcoming.waitFor({ state: 'detached' });
  await page.getByText('No upcoming rooms match these filters.').waitFor();
  await live.getByRole('link', { name: 'Design critique' }).waitFor();
  t.deepEqual(await titles(live), ['Design critique']);
  await person.shot('filtered-topic');

  // Filter by group: only the group's room.
  await page.getByRole('textbox', { name: 'Topic', exact: true }).fill('');
  await page.getByLabel('Group').selectOption({ label: 'Data folks' });
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.waitForFunction(() => {
    const list = (globalThis as any).document.querySelector('[aria-label="Live rooms"]');
    return list && list.querySelectorAll('.room-card').length === 1 && list.textContent.includes('Data meetup');
  });
  t.deepEqual(await titles(live), ['Data meetup']);
  t.is(await live.getByRole('link', { name: 'Data meetup' }).getAttribute('href'), `/rooms/${meetup.id}`);
  await person.shot('filtered-group');

  // A topic the API refuses: its message beside the field, tied to it.
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await page.getByRole('textbox', { name: 'Topic', exact: true }).fill('#nope');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  const topicError = page.locator('.field-error').first();
  await topicError.waitFor();
  t.regex((await topicError.textContent()) ?? '', /letters, digits/);
  t.regex((await page.getByRole('textbox', { name: 'Topic', exact: true }).getAttribute('aria-describedby')) ?? '', /-error/);
  await person.shot('bad-topic');
  t.deepEqual(await seriousAccessibilityViolations(page).then(formatViolations), '');
});

test.serial('discovery fits a 375 px phone, with the create link', async (t) => {
  const { page } = person;
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto('/');
  await page.getByRole('list', { name: 'Live rooms' }).waitFor();
  await page.getByRole('list', { name: 'Rooms for you' }).waitFor({ timeout: 60_000 });
  t.is(await horizontalOverflow(page), 0);
  await person.shot('discovery-phone');
  await page.getByRole('link', { name: 'Create a room' }).click();
  await page.waitForURL('**/rooms/new');
  await page.getByRole('heading', { name: 'Create a room' }).waitFor();
  t.pass();
});
