// Decline: the suggestion is declined, the other side's open suggestion of this member disappears without saying
// why, and the pair is never suggested again either way. Someone else's suggestion is 404 for every action.
import test from 'ava';
import { startTestStack, type TestStack } from '../support/stack.js';
import { FOUNDER, INVESTOR, makeMember, WEEKDAY_MORNINGS } from './_fixtures.js';

let env: TestStack;
test.before(async () => {
  env = await startTestStack({ workers: 0 });
});
test.after.always(() => env?.stop());

test('decline: never suggested again, the other side quietly loses it, and only the owner may act', async (t) => {
  const ada = await makeMember(env, { name: 'Ada Decline', ...FOUNDER, timeZone: 'Europe/Rome', availability: WEEKDAY_MORNINGS });
  const vic = await makeMember(env, { name: 'Vic Investor', ...INVESTOR, timeZone: 'Europe/Rome', availability: WEEKDAY_MORNINGS });
  const eve = await makeMember(env, { name: 'Eve Other', ...FOUNDER, seeks: ['Peers building climate startups'], timeZone: 'Europe/Rome', availability: WEEKDAY_MORNINGS });

  const mine = (await ada.client.get('/v1/me/matching/suggestions')).body.items.find((s: any) => s.candidate.memberId === vic.memberId);
  t.truthy(mine);
  const theirs = (await vic.client.get('/v1/me/matching/suggestions')).body.items.find((s: any) => s.candidate.memberId === ada.memberId);
  t.truthy(theirs);

  // Someone else's suggestion: 404 for read-write actions, in the one error shape.
  for (const action of ['accept', 'decline']) {
    const r = await eve.client.post(`/v1/me/matching/suggestions/${mine.id}/${action}`);
    t.is(r.status, 404, action);
    t.is(r.body.error.code, 'suggestion_not_found');
  }
  t.is((await eve.client.post(`/v1/me/matching/suggestions/${mine.id}/snooze`, { days: 2 })).status, 404);
  t.is((await ada.client.post(`/v1/me/matching/suggestions/${mine.id}/snooze`, { days: 0 })).status, 400);
  t.is((await ada.client.post('/v1/me/matching/suggestions/not-a-uuid/accept')).status, 400);

  const d = await ada.client.post(`/v1/me/matching/suggestions/${mine.id}/decline`);
  t.is(d.status, 200, JSON.stringify(d.body));
  t.is(d.body.status, 'declined');
  t.truthy(d.body.respondedAt);
  // Idempotent; accepting afterwards is refused.
  t.is((await ada.client.post(`/v1/me/matching/suggestions/${mine.id}/decline`)).body.status, 'declined');
  t.is((await ada.client.post(`/v1/me/matching/suggestions/${mine.id}/accept`)).status, 409);

  for (const [m, other] of [[ada, vic], [vic, ada]] as const) {
    const list = (await m.client.get('/v1/me/matching/suggestions')).body.items;
    t.false(list.some((s: any) => s.candidate.memberId === other.memberId), `${m.name} no longer sees ${other.name}`);
  }
  const { rows } = await env.stack.database.pool.query('SELECT status FROM match_suggestions WHERE id = $1', [theirs.id]);
  t.is(rows[0].status, 'expired', 'the other side sees it expire, not "declined"');
  t.is((await vic.client.post(`/v1/me/matching/suggestions/${theirs.id}/accept`)).status, 409);
});
