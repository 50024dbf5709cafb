// Expansion of weekly availability to UTC intervals, with hand-computed UTC expectations across DST changes.
import test from 'ava';
import { expandWindows } from '../../matcher/index.js';
import { at, show } from './_helpers.js';

test('New York: 09:00 local stays 09:00 local across the US spring-forward (Mar 9 2025)', (t) => {
  // Fri Mar 7 is EST (-5): 08–12 = 13:00–17:00Z; Mon Mar 10 is EDT (-4): 12:00–16:00Z.
  const got = expandWindows({ parts: ['weekday_mornings'] }, 'America/New_York', at('2025-03-07T00:00Z'), at('2025-03-11T00:00Z'));
  t.deepEqual(show(got), ['2025-03-07T13:00Z/2025-03-07T17:00Z', '2025-03-10T12:00Z/2025-03-10T16:00Z']);
});

test('spring-forward gap: a start inside the gap moves to the end of the gap; a window inside it vanishes', (t) => {
  const span = [at('2025-03-09T00:00Z'), at('2025-03-10T00:00Z')] as const;
  // 02:30 does not exist on Mar 9 in New York; the first real instant after the gap is 03:00 EDT = 07:00Z.
  t.deepEqual(show(expandWindows({ ranges: [{ day: 'sun', start: '02:30', end: '04:00' }] }, 'America/New_York', ...span)), [
    '2025-03-09T07:00Z/2025-03-09T08:00Z',
  ]);
  // 02:00–03:00 never happens that night…
  t.deepEqual(show(expandWindows({ ranges: [{ day: 'sun', start: '02:00', end: '03:00' }] }, 'America/New_York', ...span)), []);
  // …but does the Sunday before (EST): 07:00–08:00Z.
  t.deepEqual(
    show(expandWindows({ ranges: [{ day: 'sun', start: '02:00', end: '03:00' }] }, 'America/New_York', at('2025-03-02T00:00Z'), at('2025-03-03T00:00Z'))),
    ['2025-03-02T07:00Z/2025-03-02T08:00Z'],
  );
  // 01:00–03:00 that night is one real hour: 01:00 EST = 06:00Z to 03:00 EDT = 07:00Z.
  t.deepEqual(show(expandWindows({ ranges: [{ day: 'sun', start: '01:00', end: '03:00' }] }, 'America/New_York', ...span)), [
    '2025-03-09T06:00Z/2025-03-09T07:00Z',
  ]);
});

test('fall-back: an ambiguous time means its first occurrence, so the repeated hour counts twice', (t) => {
  const span = [at('2025-11-02T00:00Z'), at('2025-11-03T00:00Z')] as const;
  // 01:00 EDT = 05:00Z … 02:00 EST = 07:00Z: two real hours.
  t.deepEqual(show(expandWindows({ ranges: [{ day: 'sun', start: '01:00', end: '02:00' }] }, 'America/New_York', ...span)), [
    '2025-11-02T05:00Z/2025-11-02T07:00Z',
  ]);
  // 01:30–01:45 is the first pass (EDT).
  t.deepEqual(show(expandWindows({ ranges: [{ day: 'sun', start: '01:30', end: '01:45' }] }, 'America/New_York', ...span)), [
    '2025-11-02T05:30Z/2025-11-02T05:45Z',
  ]);
});

test('Rome: Sunday 08:00 before and after the EU change (Mar 30 2025), and the 02:00–03:00 gap', (t) => {
  const av = { ranges: [{ day: 'sun' as const, start: '08:00', end: '09:00' }, { day: 'sun' as const, start: '02:15', end: '02:45' }] };
  const got = expandWindows(av, 'Europe/Rome', at('2025-03-22T00:00Z'), at('2025-03-31T00:00Z'));
  // Mar 23 CET (+1): 01:15–01:45Z and 07:00–08:00Z; Mar 30 CEST (+2): 02:15–02:45 is inside the gap, 08:00 = 06:00Z.
  t.deepEqual(show(got), ['2025-03-23T01:15Z/2025-03-23T01:45Z', '2025-03-23T07:00Z/2025-03-23T08:00Z', '2025-03-30T06:00Z/2025-03-30T07:00Z']);
});

test('Kolkata: +05:30 all year, half-hour UTC boundaries', (t) => {
  const got = expandWindows({ parts: ['weekday_evenings'] }, 'Asia/Kolkata', at('2025-03-03T00:00Z'), at('2025-03-04T00:00Z'));
  t.deepEqual(show(got), ['2025-03-03T11:30Z/2025-03-03T15:30Z']);
  const summer = expandWindows({ parts: ['weekday_evenings'] }, 'Asia/Kolkata', at('2025-07-07T00:00Z'), at('2025-07-08T00:00Z'));
  t.deepEqual(show(summer), ['2025-07-07T11:30Z/2025-07-07T15:30Z']);
});

test('Sydney (southern hemisphere): mornings before and after DST ends on Apr 6 2025', (t) => {
  const got = expandWindows({ parts: ['weekday_mornings'] }, 'Australia/Sydney', at('2025-04-03T12:00Z'), at('2025-04-07T12:00Z'));
  // Fri Apr 4 AEDT (+11): 21:00Z Thu – 01:00Z Fri; Mon Apr 7 AEST (+10): 22:00Z Sun – 02:00Z Mon.
  t.deepEqual(show(got), ['2025-04-03T21:00Z/2025-04-04T01:00Z', '2025-04-06T22:00Z/2025-04-07T02:00Z']);
});

test('Sydney: the repeated hour in April and the gap in October', (t) => {
  // Apr 6: 02:00 first occurs at 02:00 AEDT = 15:00Z; 03:00 happens once, AEST = 17:00Z.
  t.deepEqual(
    show(expandWindows({ ranges: [{ day: 'sun', start: '02:00', end: '03:00' }] }, 'Australia/Sydney', at('2025-04-05T00:00Z'), at('2025-04-06T12:00Z'))),
    ['2025-04-05T15:00Z/2025-04-05T17:00Z'],
  );
  // Oct 5: 02:00 AEST → 03:00 AEDT at 16:00Z; 02:30–03:30 keeps 03:00–03:30 AEDT = 16:00–16:30Z.
  t.deepEqual(
    show(expandWindows({ ranges: [{ day: 'sun', start: '02:30', end: '03:30' }] }, 'Australia/Sydney', at('2025-10-04T00:00Z'), at('2025-10-05T12:00Z'))),
    ['2025-10-04T16:00Z/2025-10-04T16:30Z'],
  );
});

test('Auckland (+13 → +12 on Apr 6 2025; gap on Sep 28): mornings fall on the previous UTC day', (t) => {
  const got = expandWindows({ parts: ['weekday_mornings'] }, 'Pacific/Auckland', at('2025-04-03T12:00Z'), at('2025-04-07T12:00Z'));
  // Fri Apr 4 NZDT: 19:00–23:00Z Thu; Mon Apr 7 NZST: 20:00Z Sun – 00:00Z Mon.
  t.deepEqual(show(got), ['2025-04-03T19:00Z/2025-04-03T23:00Z', '2025-04-06T20:00Z/2025-04-07T00:00Z']);
  // Sep 28: 02:00 NZST → 03:00 NZDT at 14:00Z; 02:00–04:00 is one real hour, 14:00–15:00Z.
  t.deepEqual(
    show(expandWindows({ ranges: [{ day: 'sun', start: '02:00', end: '04:00' }] }, 'Pacific/Auckland', at('2025-09-27T00:00Z'), at('2025-09-28T12:00Z'))),
    ['2025-09-27T14:00Z/2025-09-27T15:00Z'],
  );
});

test('an exception removes the whole LOCAL date (Auckland Mon Apr 7 starts on Sunday in UTC)', (t) => {
  const span = [at('2025-04-06T00:00Z'), at('2025-04-08T12:00Z')] as const;
  t.deepEqual(show(expandWindows({ parts: ['weekday_mornings'] }, 'Pacific/Auckland', ...span)), [
    '2025-04-06T20:00Z/2025-04-07T00:00Z',
    '2025-04-07T20:00Z/2025-04-08T00:00Z',
  ]);
  t.deepEqual(show(expandWindows({ parts: ['weekday_mornings'], exceptions: ['2025-04-07'] }, 'Pacific/Auckland', ...span)), [
    '2025-04-07T20:00Z/2025-04-08T00:00Z',
  ]);
});

test('adjacent parts merge; 24:00 plus the next morning makes one window across midnight', (t) => {
  const day = expandWindows({ parts: ['weekday_mornings', 'weekday_afternoons'] }, 'America/New_York', at('2025-03-03T00:00Z'), at('2025-03-04T00:00Z'));
  t.deepEqual(show(day), ['2025-03-03T13:00Z/2025-03-03T22:00Z']);
  const late = expandWindows(
    { ranges: [{ day: 'mon', start: '22:00', end: '24:00' }, { day: 'tue', start: '00:00', end: '01:00' }] },
    'Europe/Rome',
    at('2025-03-03T00:00Z'),
    at('2025-03-05T00:00Z'),
  );
  t.deepEqual(show(late), ['2025-03-03T21:00Z/2025-03-04T00:00Z']);
});

test('per-day parts, own part ranges, and clipping to the span', (t) => {
  const av = { parts: [{ days: ['tue' as const, 'thu' as const], part: 'morning' as const }], partRanges: { morning: { start: '07:00', end: '11:00' } } };
  const got = expandWindows(av, 'Asia/Kolkata', at('2025-03-04T02:00Z'), at('2025-03-07T00:00Z'));
  // Tue Mar 4 07:00–11:00 IST = 01:30–05:30Z, clipped to start at 02:00Z; Thu Mar 6 01:30–05:30Z.
  t.deepEqual(show(got), ['2025-03-04T02:00Z/2025-03-04T05:30Z', '2025-03-06T01:30Z/2025-03-06T05:30Z']);
});

test('programming errors are TypeErrors naming the argument', (t) => {
  const av = { parts: ['weekday_mornings' as const] };
  t.throws(() => expandWindows(av, 'Mars/Olympus_Mons', at('2025-03-03T00:00Z'), at('2025-03-04T00:00Z')), { instanceOf: TypeError, message: /zone/ });
  t.throws(() => expandWindows(av, 'Europe/Rome', at('2025-03-04T00:00Z'), at('2025-03-03T00:00Z')), { instanceOf: TypeError, message: /toUtc/ });
  t.throws(() => expandWindows(av, 'Europe/Rome', 'yesterday' as never, at('2025-03-03T00:00Z')), { instanceOf: TypeError, message: /fromUtc/ });
  t.throws(() => expandWindows(av, 'Europe/Rome', at('2025-01-01T00:00Z'), at('2027-01-01T00:00Z')), { instanceOf: TypeError, message: /400 days/ });
  t.throws(
    () => expandWindows({ ranges: [{ day: 'mon', start: '11:00', end: '09:00' }] }, 'Europe/Rome', at('2025-03-03T00:00Z'), at('2025-03-04T00:00Z')),
    { instanceOf: TypeError, message: /availability\.ranges\[0\]\.end/ },
  );
});
