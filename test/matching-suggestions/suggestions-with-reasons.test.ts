// Through the API on the real stack: a matchable founder gets suggestions from the embedding index, the investor
// whose offers answer what she seeks first, each with reasons written for her (her own time zone), every suggestion
// gated and overlapping at least 30 minutes; someone with no common time, or not opted in, is never suggested; a
// member who is not matchable gets matchable: false and nothing.
import test from 'ava';
import { overlap } from '../../matcher/availability.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { FOUNDER, INVESTOR, makeMember, SRE, WEEKDAY_EVENINGS, WEEKDAY_MORNINGS } from './_fixtures.js';

let env: TestStack;
test.before(async () => {
  env = await startTestStack({ workers: 0 });
});
test.after.always(() => env?.stop());

test('suggestions with reasons for a matchable member', async (t) => {
  const founder = await makeMember(env, { name: 'Ada Founder', ...FOUNDER, timeZone: 'Europe/Rome', availability: WEEKDAY_MORNINGS });
  const investor = await makeMember(env, { name: 'Vera Investor', ...INVESTOR, timeZone: 'Europe/London', availability: WEEKDAY_MORNINGS });
  const sre = await makeMember(env, { name: 'Sam Reliability', ...SRE, timeZone: 'America/Los_Angeles', availability: WEEKDAY_EVENINGS });
  const optedOut = await makeMember(env, { name: 'Otto Investor', ...INVESTOR, timeZone: 'Europe/Paris', availability: WEEKDAY_MORNINGS, optIn: false });
  const bystander = await makeMember(env, { name: 'Bea Sales', ...SRE, seeks: ['Learning enterprise sales'], timeZone: 'Europe/Berlin', availability: WEEKDAY_MORNINGS });

  const res = await founder.client.get('/v1/me/matching/suggestions');
  t.is(res.status, 200, JSON.stringify(res.body));
  t.true(res.body.matchable);
  const items = res.body.items as any[];
  const ids = items.map((s) => s.candidate.memberId);
  t.is(ids[0], investor.memberId, JSON.stringify(items.map((s) => [s.candidate.displayName, s.score])));
  t.false(ids.includes(sre.memberId), 'no common time: never suggested');
  t.false(ids.includes(optedOut.memberId), 'not opted in: never suggested');
  t.false(ids.includes(founder.memberId));
  t.true(ids.includes(bystander.memberId));

  const top = items[0];
  t.is(top.status, 'pending');
  t.is(top.candidate.displayName, 'Vera Investor');
  t.is(top.candidate.photoUrl, `/v1/members/${investor.memberId}/photo`);
  t.true(top.score > 0 && top.score <= 1);
  t.true(top.reasons.includes('you both speak English'), JSON.stringify(top.reasons));
  t.true(top.reasons.some((r: string) => /^Vera can help with I help founders prepare fundraising pitches/.test(r)), JSON.stringify(top.reasons));
  // Rome mornings ∩ London mornings = 09:00–12:00 in Rome (the viewer's zone), 08:00–11:00 in London.
  const when = top.reasons.find((r: string) => r.startsWith('you overlap'));
  t.regex(when, /^you overlap (Mon|Tue|Wed|Thu|Fri) 09:00–12:00 and (Mon|Tue|Wed|Thu|Fri) 09:00–12:00 your time$/);
  t.is(Date.parse(top.expiresAt) - Date.parse(top.createdAt), 7 * 86_400_000);

  // Every suggestion: the candidate is matchable and the pair overlaps ≥ 30 min in the next two weeks.
  const profiles = env.stack.services.matchingProfiles;
  const me = (await profiles.matchProfile(founder.memberId))!;
  for (const s of items) {
    t.true(await profiles.isMatchable(s.candidate.memberId));
    t.true(s.overlap.length > 0);
    for (const iv of s.overlap) t.true(Date.parse(iv.end) - Date.parse(iv.start) >= 30 * 60_000);
    const other = (await profiles.matchProfile(s.candidate.memberId))!;
    const now = Date.now();
    t.true(overlap({ zone: me.timeZone!, availability: me.availability! }, { zone: other.timeZone!, availability: other.availability! }, now, now + 14 * 86_400_000).length > 0);
  }

  // The investor reads her own reasons in London time.
  const inv = await investor.client.get('/v1/me/matching/suggestions');
  const forInvestor = inv.body.items.find((s: any) => s.candidate.memberId === founder.memberId);
  t.truthy(forInvestor, JSON.stringify(inv.body));
  t.regex(forInvestor.reasons.find((r: string) => r.startsWith('you overlap')), /08:00–11:00/);

  // A second read is stable: the same open suggestions, none added.
  const again = await founder.client.get('/v1/me/matching/suggestions');
  t.deepEqual(again.body.items.map((s: any) => s.id), items.map((s) => s.id));

  // Not matchable (not opted in): nothing, and it says so.
  const out = await optedOut.client.get('/v1/me/matching/suggestions');
  t.deepEqual(out.body, { matchable: false, items: [] });
});
