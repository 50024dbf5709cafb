// Expiry with a fixed clock: a suggestion left unanswered for a week expires and, on the next read, another
// candidate takes its place (shown: 1 so the replacement is visible); the sweeper is idempotent; a snoozed
// suggestion is hidden for its days and then comes back with a fresh week.
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';
import { FOUNDER, INVESTOR, makeMember, serviceAt, WEEKDAY_MORNINGS } from './_fixtures.js';

let env: TestStack;
test.before(async () => {
  env = await startTestStack({ workers: 0 });
});
test.after.always(() => env?.stop());

const DAY = 86_400_000;

test.serial('an unanswered suggestion expires after a week and another candidate replaces it', async (t) => {
  const viewer = await makeMember(env, { name: 'Ada Expiry', ...FOUNDER, timeZone: 'Europe/Rome', availability: WEEKDAY_MORNINGS });
  const a = await makeMember(env, { name: 'Ivo First', ...INVESTOR, timeZone: 'Europe/Rome', availability: WEEKDAY_MORNINGS });
  const b = await makeMember(env, { name: 'Ines Second', ...INVESTOR, offers: ['Fundraising advice and investor introductions for seed-stage founders'], timeZone: 'Europe/Rome', availability: WEEKDAY_MORNINGS });
  const clock = { now: Date.parse('2030-03-04T10:00:00Z') };
  const svc = serviceAt(env, clock, { shown: 1 });

  const first = await svc.list(viewer.memberId);
  t.is(first.items.length, 1);
  const firstId = first.items[0]!.id;
  const firstCandidate = first.items[0]!.candidate.memberId;
  t.true([a.memberId, b.memberId].includes(firstCandidate));
  t.is(first.items[0]!.expiresAt, new Date(clock.now + 7 * DAY).toISOString());

  clock.now += 7 * DAY - 60_000; // a minute before the week is over: still there
  t.deepEqual((await svc.list(viewer.memberId)).items.map((s) => s.id), [firstId]);

  clock.now += 2 * 60_000; // past the week
  const next = await svc.list(viewer.memberId);
  t.is(next.items.length, 1);
  t.not(next.items[0]!.id, firstId);
  t.not(next.items[0]!.candidate.memberId, firstCandidate, 'another candidate takes its place');
  const { rows } = await env.stack.database.pool.query('SELECT status FROM match_suggestions WHERE id = $1', [firstId]);
  t.is(rows[0].status, 'expired');

  // The sweeper: expires what is due, for everyone, and running it again changes nothing.
  clock.now += 8 * DAY;
  const swept = await svc.sweep();
  t.true(swept.expired >= 1);
  t.deepEqual(await svc.sweep(), { expired: 0, unsnoozed: 0, hidden: 0 });
});

test.serial('snooze hides a suggestion for N days, then it comes back with a fresh week', async (t) => {
  const viewer = await makeMember(env, { name: 'Ada Snooze', ...FOUNDER, timeZone: 'Europe/Rome', availability: WEEKDAY_MORNINGS });
  const clock = { now: Date.parse('2030-05-06T10:00:00Z') };
  const svc = serviceAt(env, clock, { shown: 1 });
  const s = (await svc.list(viewer.memberId)).items[0]!;
  const snoozed = await svc.snooze(viewer.memberId, s.id, 3);
  t.is(snoozed.status, 'snoozed');
  t.is(snoozed.snoozedUntil, new Date(clock.now + 3 * DAY).toISOString());
  clock.now += DAY;
  const during = await svc.list(viewer.memberId);
  t.false(during.items.some((x) => x.id === s.id));
  clock.now += 2 * DAY + 1000;
  const back = (await svc.list(viewer.memberId)).items.find((x) => x.id === s.id);
  t.truthy(back);
  t.is(back!.status, 'pending');
  t.is(back!.expiresAt, new Date(Date.parse('2030-05-06T10:00:00Z') + 10 * DAY).toISOString());
});
