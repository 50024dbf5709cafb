// Exclusion filter: safety first, then history, then the exposure cap.
import test from 'ava';
import { type MemberFacts, type PairHistory, checkExclusion } from '../../matcher/index.js';
import { at } from './_helpers.js';

const now = at('2025-06-02T09:00Z');
const WEEK = 7 * 86_400_000;
const a: MemberFacts = { memberId: 'a', suspended: false, openModerationCase: false, weeklyExposure: 0 };
const b: MemberFacts = { memberId: 'b', suspended: false, openModerationCase: false, weeklyExposure: 0 };
const clean: PairHistory = { aBlockedB: false, bBlockedA: false, lastMatchedAt: null, declined: false };

test('a clean pair is allowed', (t) => {
  t.deepEqual(checkExclusion(a, b, clean, { now }), { excluded: false, reason: null });
});

test('blocked in either direction excludes, without saying who blocked whom', (t) => {
  t.deepEqual(checkExclusion(a, b, { ...clean, aBlockedB: true }, { now }), { excluded: true, reason: 'blocked', memberId: null });
  t.deepEqual(checkExclusion(a, b, { ...clean, bBlockedA: true }, { now }), { excluded: true, reason: 'blocked', memberId: null });
});

test('matched within 8 weeks (default) excludes; exactly 8 weeks ago is allowed again', (t) => {
  t.is(checkExclusion(a, b, { ...clean, lastMatchedAt: at('2025-04-14T09:00Z') }, { now }).reason, 'recently_matched'); // 7 weeks
  t.is(checkExclusion(a, b, { ...clean, lastMatchedAt: at('2025-04-07T09:01Z') }, { now }).reason, 'recently_matched'); // 8 weeks − 1 min
  t.is(checkExclusion(a, b, { ...clean, lastMatchedAt: at('2025-04-07T09:00Z') }, { now }).reason, null); // exactly 8 weeks
  t.is(checkExclusion(a, b, { ...clean, lastMatchedAt: new Date(now - 5 * WEEK) }, { now, recentWeeks: 4 }).reason, null);
  t.is(checkExclusion(a, b, { ...clean, lastMatchedAt: at('2025-06-05T15:00Z') }, { now }).reason, 'recently_matched'); // a room still ahead
});

test('a declined pair is never suggested again', (t) => {
  t.is(checkExclusion(a, b, { ...clean, declined: true, lastMatchedAt: at('2020-01-01T00:00Z') }, { now }).reason, 'declined');
});

test('suspension and open moderation cases exclude, naming the member, before anything else', (t) => {
  t.deepEqual(checkExclusion(a, { ...b, suspended: true }, { ...clean, aBlockedB: true }, { now }), { excluded: true, reason: 'suspended', memberId: 'b' });
  t.deepEqual(checkExclusion({ ...a, openModerationCase: true }, b, { ...clean, declined: true }, { now }), {
    excluded: true,
    reason: 'under_moderation',
    memberId: 'a',
  });
});

test('the weekly exposure cap (default 10) applies to either member and can be turned off', (t) => {
  t.deepEqual(checkExclusion(a, { ...b, weeklyExposure: 10 }, clean, { now }), { excluded: true, reason: 'exposure_cap', memberId: 'b' });
  t.is(checkExclusion(a, { ...b, weeklyExposure: 9 }, clean, { now }).reason, null);
  t.is(checkExclusion({ ...a, weeklyExposure: 3 }, b, clean, { now, exposureCap: 3 }).reason, 'exposure_cap');
  t.is(checkExclusion(a, { ...b, weeklyExposure: 500 }, clean, { now, exposureCap: null }).reason, null);
});

test('a member is never paired with themself; bad facts are TypeErrors by name', (t) => {
  t.is(checkExclusion(a, a, clean, { now }).reason, 'same_member');
  t.throws(() => checkExclusion(a, b, clean, {} as never), { instanceOf: TypeError, message: /options\.now/ });
  t.throws(() => checkExclusion({ ...a, weeklyExposure: -1 }, b, clean, { now }), { instanceOf: TypeError, message: /a\.weeklyExposure/ });
  t.throws(() => checkExclusion(a, b, { ...clean, lastMatchedAt: 'last week' as never }, { now }), { instanceOf: TypeError, message: /history\.lastMatchedAt/ });
  t.throws(() => checkExclusion(a, b, { ...clean, declined: 'no' as never }, { now }), { instanceOf: TypeError, message: /history\.declined/ });
  t.throws(() => checkExclusion(a, b, clean, { now, exposureCap: 0 }), { instanceOf: TypeError, message: /options\.exposureCap/ });
});
