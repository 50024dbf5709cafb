// The member's inbox pages in Chromium. /notifications: the feed renders what each notification is about with a
// link to it, unread ones marked; "Mark read" sets read_at in the database and the unread count follows; a new
// one, written through the engine's notification service, appears without a reload (the notification event stream)
// and the header's unread badge follows.
// /decisions: a decision staff made on a seeded flag case (through the staff API) shows with the message staff
// addressed to the member; the appeal form files an appeal (the database holds the appeal case); a second appeal,
// from a page opened before the first, shows the API's refusal. Axe and 375 px on both pages.
import crypto from 'node:crypto';
import path from 'node:path';
import test from 'ava';
import { inTransaction } from '../../db/queryable.js';
import { CaseStore } from '../../engine/cases/case-store.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { SCREENSHOT_DIR, formatViolations, horizontalOverflow, logInThroughPage, openPerson, seriousAccessibilityViolations, type Person } from './_browser.js';

let stack: TestStack;
let person: Person;

test.before(async () => {
  stack = await startTestStack({ workers: 0 });
  person = await openPerson({ scenario: 'member-inbox', name: 'member', baseUrl: stack.stack.apiUrl });
});
test.after.always(async () => {
  await person?.close();
  await stack?.stop();
});

const db = () => stack.stack.database.pool;

/** A notification as the engine writes it (the matching flow is its only producer today). */
async function seedNotification(memberId: string, kind: string, payload: Record<string, unknown>, minutesAgo: number, read = false): Promise<string> {
  const id = crypto.randomUUID();
  const at = new Date(Date.now() - minutesAgo * 60_000);
  await db().query('INSERT INTO notifications (id, member_id, kind, payload, created_at, read_at) VALUES ($1, $2, $3, $4, $5, $6)', [id, memberId, kind, JSON.stringify(payload), at, read ? at : null]);
  return id;
}

/** A notification as the matching flow writes one: in its transaction, then published after the commit. */
async function notifyThroughEngine(memberId: string, kind: string, payload: Record<string, unknown>): Promise<string> {
  const notifications = stack.stack.services.notifications;
  const n = await inTransaction(db(), (client) => notifications.add(client, memberId, kind, payload));
  notifications.publish([n]);
  return n.id;
}

/** What the agent and the evaluator would have written for a flagged utterance: a segment and its flag case. */
async function seedFlagCase(roomId: string, memberId: string): Promise<string> {
  const { rows } = await db().query<{ id: string }>(
    `INSERT INTO transcript_segments (room_id, segment_key, speaker_identity, track_sid, started_at, ended_at, text, model)
     VALUES ($1, $2, $3, 'TR_test', now(), now() + interval '2 seconds', 'a threat', 'moonshine-base-en') RETURNING id`,
    [roomId, crypto.randomUUID(), memberId],
  );
  const segmentId = String(rows[0]!.id);
  const opened = await new CaseStore(db()).openOrMerge({
    kind: 'flag',
    subjectMemberId: memberId,
    roomId,
    categories: ['threat'],
    scores: { threat: 0.9 },
    dedupeKey: `flag:${memberId}:${roomId}`,
    eventKey: `segment:${segmentId}`,
    actor: { kind: 'system' },
    detail: { segmentId, scores: { threat: 0.9 }, categories: ['threat'], modelVersion: 'harm-head-v1', taxonomyVersion: 'harm-taxonomy-v1', policyVersion: 'platform-v1', action: 'notify_host', step: 1 },
  });
  return opened.caseId;
}

test.serial('notifications render with links, and mark read (one, then all)', async (t) => {
  const member = await stack.api.signUp('Nina Notified');
  const host = await stack.api.signUp('Hugo Host');
  const room = await host.client.post('/v1/rooms', { title: 'Match room', scheduledFor: new Date(Date.now() + 86_400_000).toISOString() });
  t.is(room.status, 201);
  // Oldest first, as they would have been written.
  await seedNotification(member.memberId, 'match_scheduled', { partnerName: 'Old Partner', scheduledFor: new Date().toISOString() }, 60, true);
  const other = await seedNotification(member.memberId, 'room_reminder', { roomId: room.body.id }, 5);
  const match = await seedNotification(member.memberId, 'match_scheduled', { matchId: crypto.randomUUID(), roomId: room.body.id, partnerId: host.memberId, partnerName: 'Hugo Host', youHost: false, scheduledFor: room.body.scheduledFor, endsAt: room.body.scheduledFor }, 1);

  const { page } = person;
  await logInThroughPage(page, member.email, 'correct horse battery staple');
  await page.goto('/notifications');
  const list = page.getByRole('list', { name: 'Notifications' });
  await list.getByText('Your match with Hugo Host is scheduled').waitFor();
  t.is(await page.locator('.notifications-count').textContent(), '2 unread');
  await page.locator('header .nav-badge[data-unread="2"]').waitFor();
  t.is(await list.locator('li').count(), 3);
  t.is(await list.locator(`[data-notification-id="${match}"]`).getByRole('link', { name: 'Open the match room' }).getAttribute('href'), `/rooms/${room.body.id}`);
  // A kind the page does not know yet still shows, with its room.
  t.regex((await list.locator(`[data-notification-id="${other}"]`).textContent()) ?? '', /Room reminder/);
  await person.shot('notifications');
  t.deepEqual(await seriousAccessibilityViolations(page).then(formatViolations), '');

  await list.locator(`[data-notification-id="${match}"]`).getByRole('button', { name: /^Mark read/ }).click();
  await page.locator('.notifications-count').getByText('1 unread').waitFor();
  const readAt = await db().query('SELECT id, read_at FROM notifications WHERE member_id = $1 AND read_at IS NULL', [member.memberId]);
  t.deepEqual(readAt.rows.map((r) => r.id), [other]);
  await person.shot('notifications-one-read');

  await page.getByRole('button', { name: 'Unread only' }).click();
  await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('.notification').length === 1);
  await person.shot('notifications-unread-only');
  await page.getByRole('button', { name: 'Mark all read' }).click();
  await page.getByText('No unread notifications.').waitFor();
  await page.locator('.notifications-count').getByText('All caught up.').waitFor();
  t.is((await db().query('SELECT count(*)::int AS n FROM notifications WHERE member_id = $1 AND read_at IS NULL', [member.memberId])).rows[0].n, 0);
  await person.shot('notifications-all-read');

  await page.locator('header .nav-badge').waitFor({ state: 'detached' });

  // A notification written while the page is open appears without a reload (the notification event stream), and the
  // header's unread badge shows it.
  await notifyThroughEngine(member.memberId, 'match_scheduled', { roomId: room.body.id, partnerName: 'Newest Partner', scheduledFor: room.body.scheduledFor });
  await page.getByRole('list', { name: 'Notifications' }).getByText('Your match with Newest Partner').waitFor({ timeout: 90_000 });
  await page.locator('.notifications-count').getByText('1 unread').waitFor();
  await page.locator('header .nav-badge[data-unread="1"]').waitFor();
  await person.shot('notifications-live-update');

  await page.setViewportSize({ width: 375, height: 740 });
  await page.getByRole('button', { name: 'Unread only' }).click();
  await page.getByRole('list', { name: 'Notifications' }).waitFor();
  t.is(await horizontalOverflow(page), 0);
  await person.shot('notifications-phone');
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByRole('button', { name: 'Log out' }).click();
});

test.serial('a decision with staff’s message; the appeal form files once, a second try shows the refusal', async (t) => {
  const speaker = await stack.api.signUp('Tom Troll');
  const host = await stack.api.signUp('Hana Host');
  const reviewer = await stack.staff('Sam Safety');
  const room = await host.client.post('/v1/rooms', { title: 'Heated debate' });
  t.is(room.status, 201);

  const { page } = person;
  await logInThroughPage(page, speaker.email, 'correct horse battery staple');
  await page.goto('/decisions');
  await page.getByText('There are no decisions about your account.').waitFor();
  await person.shot('decisions-empty');

  const caseId = await seedFlagCase(room.body.id, speaker.memberId);
  const decided = await reviewer.client.post(`/v1/moderation/cases/${caseId}/decision`, { decision: 'warn', reason: 'threat in room (internal)', memberMessage: 'Please keep debates civil: threats are not allowed.' });
  t.is(decided.status, 200, JSON.stringify(decided.body));
  const decisionId = decided.body.id as string;

  await page.goto('/decisions');
  const card = page.locator('.decision');
  await card.getByRole('heading', { name: /^Warning on/ }).waitFor();
  t.regex((await card.locator('.decision-reason').textContent()) ?? '', /Please keep debates civil/);
  await person.shot('decision');
  t.deepEqual(await seriousAccessibilityViolations(page).then(formatViolations), '');

  // A second tab, opened before the appeal, still offers the form.
  const stale = await person.context.newPage();
  await stale.goto('/decisions');
  await stale.getByLabel('Your appeal').waitFor();

  // Submitting blank: the API's message beside the field.
  await page.getByRole('button', { name: 'File appeal' }).click();
  await page.locator('.appeal-form .field-error').waitFor();
  await person.shot('appeal-blank');
  await page.getByLabel('Your appeal').fill('I was quoting a film line, not threatening anyone.');
  await page.getByRole('button', { name: 'File appeal' }).click();
  await card.getByText('Appeal under review').waitFor();
  t.regex((await card.locator('.appeal-statement').textContent()) ?? '', /quoting a film line/);
  const appeal = await db().query("SELECT kind, status, appeal_of_decision_id FROM moderation_cases WHERE kind = 'appeal' AND appeal_of_decision_id = $1", [decisionId]);
  t.is(appeal.rows.length, 1);
  await person.shot('appeal-filed');
  t.deepEqual(await seriousAccessibilityViolations(page).then(formatViolations), '');

  await stale.getByLabel('Your appeal').fill('Appealing again.');
  await stale.getByRole('button', { name: 'File appeal' }).click();
  const refusal = stale.locator('.appeal-form .form-error');
  await refusal.waitFor();
  t.regex((await refusal.textContent()) ?? '', /already/i);
  // The second tab is not the person's page: its screenshot goes to the same folder by hand.
  await stale.screenshot({ path: path.join(SCREENSHOT_DIR, 'member-inbox', '99-member-appeal-second-try-refused.png'), fullPage: true });
  await stale.close();
  t.is((await db().query("SELECT count(*)::int AS n FROM moderation_cases WHERE kind = 'appeal' AND appeal_of_decision_id = $1", [decisionId])).rows[0].n, 1);

  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto('/decisions');
  await card.getByText('Appeal under review').waitFor();
  t.is(await horizontalOverflow(page), 0);
  await person.shot('decisions-phone');
});
