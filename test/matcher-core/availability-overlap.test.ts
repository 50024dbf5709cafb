// Overlap of two members across zones and DST changes, the first common slot, and descriptions in a zone.
import test from 'ava';
import { type Schedule, describeInZone, firstCommonSlot, overlap } from '../../matcher/index.js';
import { at, iv, show } from './_helpers.js';

const nyMornings: Schedule = { availability: { parts: ['weekday_mornings'] }, zone: 'America/New_York' };
const romeAfternoons: Schedule = { availability: { parts: ['weekday_afternoons'] }, zone: 'Europe/Rome' };

test('New York mornings vs Rome afternoons: 3 h, then 4 h while only the US has switched, then 3 h again', (t) => {
  // Mar 3 (EST/CET): NY 13–17Z, Rome 11–16Z.
  t.deepEqual(show(overlap(nyMornings, romeAfternoons, at('2025-03-03T00:00Z'), at('2025-03-04T00:00Z'))), ['2025-03-03T13:00Z/2025-03-03T16:00Z']);
  // Mar 17 (EDT/CET): NY 12–16Z, Rome 11–16Z.
  t.deepEqual(show(overlap(nyMornings, romeAfternoons, at('2025-03-17T00:00Z'), at('2025-03-18T00:00Z'))), ['2025-03-17T12:00Z/2025-03-17T16:00Z']);
  // Mar 31 (EDT/CEST): NY 12–16Z, Rome 10–15Z.
  t.deepEqual(show(overlap(nyMornings, romeAfternoons, at('2025-03-31T00:00Z'), at('2025-04-01T00:00Z'))), ['2025-03-31T12:00Z/2025-03-31T15:00Z']);
});

test('…and in autumn: the EU switches back on Oct 26, the US on Nov 2', (t) => {
  // Oct 27 (EDT/CET): NY 12–16Z, Rome 11–16Z.
  t.deepEqual(show(overlap(nyMornings, romeAfternoons, at('2025-10-27T00:00Z'), at('2025-10-28T00:00Z'))), ['2025-10-27T12:00Z/2025-10-27T16:00Z']);
  // Nov 3 (EST/CET): NY 13–17Z, Rome 11–16Z.
  t.deepEqual(show(overlap(nyMornings, romeAfternoons, at('2025-11-03T00:00Z'), at('2025-11-04T00:00Z'))), ['2025-11-03T13:00Z/2025-11-03T16:00Z']);
});

test('a whole week gives one interval per weekday; an exception removes that day', (t) => {
  const week = [at('2025-03-17T00:00Z'), at('2025-03-22T00:00Z')] as const;
  t.is(overlap(nyMornings, romeAfternoons, ...week).length, 5);
  const romeOffTuesday: Schedule = { availability: { parts: ['weekday_afternoons'], exceptions: ['2025-03-18'] }, zone: 'Europe/Rome' };
  t.deepEqual(show(overlap(nyMornings, romeOffTuesday, ...week)), [
    '2025-03-17T12:00Z/2025-03-17T16:00Z',
    '2025-03-19T12:00Z/2025-03-19T16:00Z',
    '2025-03-20T12:00Z/2025-03-20T16:00Z',
    '2025-03-21T12:00Z/2025-03-21T16:00Z',
  ]);
});

test('Kolkata evenings vs Rome afternoons: half-hour offsets, before and after Rome switches', (t) => {
  const kolkata: Schedule = { availability: { parts: ['weekday_evenings'] }, zone: 'Asia/Kolkata' };
  const before = overlap(kolkata, romeAfternoons, at('2025-03-03T00:00Z'), at('2025-03-04T00:00Z'));
  t.deepEqual(show(before), ['2025-03-03T11:30Z/2025-03-03T15:30Z']);
  const after = overlap(kolkata, romeAfternoons, at('2025-03-31T00:00Z'), at('2025-04-01T00:00Z'));
  t.deepEqual(show(after), ['2025-03-31T11:30Z/2025-03-31T15:00Z']);
  t.is(describeInZone(after[0]!, 'Asia/Kolkata'), 'Mon 17:00–20:30');
  t.is(describeInZone(after[0]!, 'Europe/Rome'), 'Mon 13:30–17:00');
});

test('New York evenings vs Sydney mornings: 4 h before Sydney leaves DST, 3 h after', (t) => {
  const nyEvenings: Schedule = { availability: { parts: ['weekday_evenings'] }, zone: 'America/New_York' };
  const sydney: Schedule = { availability: { parts: ['weekday_mornings'] }, zone: 'Australia/Sydney' };
  // NY Thu Apr 3 17–21 EDT = 21:00Z–01:00Z; Sydney Fri Apr 4 08–12 AEDT = the same.
  t.deepEqual(show(overlap(nyEvenings, sydney, at('2025-04-03T12:00Z'), at('2025-04-04T12:00Z'))), ['2025-04-03T21:00Z/2025-04-04T01:00Z']);
  // NY Mon Apr 7 21:00Z–01:00Z; Sydney Tue Apr 8 08–12 AEST = 22:00Z–02:00Z.
  const after = overlap(nyEvenings, sydney, at('2025-04-07T12:00Z'), at('2025-04-08T12:00Z'));
  t.deepEqual(show(after), ['2025-04-07T22:00Z/2025-04-08T01:00Z']);
  t.is(describeInZone(after[0]!, 'America/New_York'), 'Mon 18:00–21:00');
  t.is(describeInZone(after[0]!, 'Australia/Sydney'), 'Tue 08:00–11:00');
});

test('Auckland mornings vs New York afternoons across the date line; minMinutes filters the short one', (t) => {
  const auckland: Schedule = { availability: { parts: ['weekday_mornings'] }, zone: 'Pacific/Auckland' };
  const nyAfternoons: Schedule = { availability: { parts: ['weekday_afternoons'] }, zone: 'America/New_York' };
  // Auckland Fri Apr 4 08–12 NZDT = Thu 19:00–23:00Z; NY Thu 12–17 EDT = 16:00–21:00Z.
  const before = overlap(auckland, nyAfternoons, at('2025-04-03T12:00Z'), at('2025-04-04T00:00Z'));
  t.deepEqual(show(before), ['2025-04-03T19:00Z/2025-04-03T21:00Z']);
  t.is(describeInZone(before[0]!, 'America/New_York'), 'Thu 15:00–17:00');
  t.is(describeInZone(before[0]!, 'Pacific/Auckland'), 'Fri 08:00–10:00');
  // Auckland Tue Apr 8 08–12 NZST = Mon 20:00Z–Tue 00:00Z; NY Mon 16:00–21:00Z: one hour.
  const span = [at('2025-04-07T12:00Z'), at('2025-04-08T00:00Z')] as const;
  t.deepEqual(show(overlap(auckland, nyAfternoons, ...span)), ['2025-04-07T20:00Z/2025-04-07T21:00Z']);
  t.deepEqual(overlap(auckland, nyAfternoons, ...span, { minMinutes: 90 }), []);
});

test('minimum overlap: exactly 30 min is kept, 20 min is not, and two short pieces are not added up', (t) => {
  const rome: Schedule = { availability: { ranges: [{ day: 'mon', start: '12:00', end: '13:00' }, { day: 'mon', start: '13:30', end: '14:00' }] }, zone: 'Europe/Rome' };
  // Kolkata 17:00–18:00 = 11:30–12:30Z; Rome 12:00–13:00 CET = 11:00–12:00Z → 30 min.
  const k30: Schedule = { availability: { ranges: [{ day: 'mon', start: '17:00', end: '18:00' }] }, zone: 'Asia/Kolkata' };
  const span = [at('2025-03-03T00:00Z'), at('2025-03-04T00:00Z')] as const;
  t.deepEqual(show(overlap(k30, rome, ...span)), ['2025-03-03T11:30Z/2025-03-03T12:00Z']);
  t.deepEqual(overlap(k30, rome, ...span, { minMinutes: 31 }), []);
  // Kolkata 17:10–18:50 = 11:40–13:20Z overlaps Rome 11:00–12:00Z for 20 min and 12:30–13:00Z for 30 min: 20 min dropped.
  const k20: Schedule = { availability: { ranges: [{ day: 'mon', start: '17:10', end: '18:50' }] }, zone: 'Asia/Kolkata' };
  t.deepEqual(show(overlap(k20, rome, ...span)), ['2025-03-03T12:30Z/2025-03-03T13:00Z']);
  t.deepEqual(overlap(k20, rome, ...span, { minMinutes: 45 }), []);
});

test('firstCommonSlot: next weekday, quarter-hour alignment, notBefore, busy times and the horizon', (t) => {
  // From Saturday Mar 1 the first common time is Mon Mar 3 13:00Z.
  t.deepEqual(show([firstCommonSlot(nyMornings, romeAfternoons, at('2025-03-01T12:07Z'))!]), ['2025-03-03T13:00Z/2025-03-03T13:30Z']);
  // Inside the window, the start is rounded up to the quarter hour.
  t.deepEqual(show([firstCommonSlot(nyMornings, romeAfternoons, at('2025-03-03T13:07Z'))!]), ['2025-03-03T13:15Z/2025-03-03T13:45Z']);
  // 15:50–16:00 is too short for 30 min: Tuesday.
  t.deepEqual(
    show([firstCommonSlot(nyMornings, romeAfternoons, at('2025-03-03T08:00Z'), { notBefore: at('2025-03-03T15:50Z') })!]),
    ['2025-03-04T13:00Z/2025-03-04T13:30Z'],
  );
  // Busy Mon 13:00–15:00Z (an existing room): 15:00Z, 60 minutes.
  t.deepEqual(
    show([firstCommonSlot(nyMornings, romeAfternoons, at('2025-03-03T08:00Z'), { busy: [iv('2025-03-03T13:00Z', '2025-03-03T15:00Z')], durationMinutes: 60 })!]),
    ['2025-03-03T15:00Z/2025-03-03T16:00Z'],
  );
  // NY evenings (22:00–02:00Z) and Rome mornings (07:00–11:00Z) never meet.
  const nyEvenings: Schedule = { availability: { parts: ['weekday_evenings'] }, zone: 'America/New_York' };
  const romeMornings: Schedule = { availability: { parts: ['weekday_mornings'] }, zone: 'Europe/Rome' };
  t.is(firstCommonSlot(nyEvenings, romeMornings, at('2025-03-01T00:00Z')), null);
  // Only Saturdays vs weekdays, with a 1-day horizon: nothing.
  t.is(firstCommonSlot(nyMornings, romeAfternoons, at('2025-03-01T00:00Z'), { horizonDays: 1 }), null);
});

test('firstCommonSlot falls back to the window start when the aligned start does not fit', (t) => {
  // NY Mon 08:10–08:42 EST = 13:10–13:42Z: 13:15 + 30 min ends after 13:42, so 13:10–13:40.
  const ny: Schedule = { availability: { ranges: [{ day: 'mon', start: '08:10', end: '08:42' }] }, zone: 'America/New_York' };
  t.deepEqual(show([firstCommonSlot(ny, romeAfternoons, at('2025-03-01T00:00Z'))!]), ['2025-03-03T13:10Z/2025-03-03T13:40Z']);
});

test('describeInZone: same day, ending at midnight, spanning days', (t) => {
  t.is(describeInZone(iv('2025-03-18T08:00Z', '2025-03-18T09:30Z'), 'Europe/Rome'), 'Tue 09:00–10:30');
  t.is(describeInZone(iv('2025-03-18T21:00Z', '2025-03-18T23:00Z'), 'Europe/Rome'), 'Tue 22:00–24:00');
  t.is(describeInZone(iv('2025-03-18T22:00Z', '2025-03-19T00:00Z'), 'Europe/Rome'), 'Tue 23:00–Wed 01:00');
  t.throws(() => describeInZone(iv('2025-03-18T22:00Z', '2025-03-18T21:00Z'), 'Europe/Rome'), { instanceOf: TypeError, message: /intervalUtc\[0\]\.end/ });
});

test('overlap and firstCommonSlot reject bad arguments by name', (t) => {
  const span = [at('2025-03-03T00:00Z'), at('2025-03-04T00:00Z')] as const;
  t.throws(() => overlap({ availability: {}, zone: 'Nowhere/Land' }, romeAfternoons, ...span), { instanceOf: TypeError, message: /a\.zone/ });
  t.throws(() => overlap(nyMornings, romeAfternoons, ...span, { minMinutes: -1 }), { instanceOf: TypeError, message: /minMinutes/ });
  t.throws(() => firstCommonSlot(nyMornings, romeAfternoons, span[0], { durationMinutes: 0 }), { instanceOf: TypeError, message: /durationMinutes/ });
  t.throws(() => firstCommonSlot(nyMornings, romeAfternoons, span[0], { busy: [{ start: 5, end: 1 }] }), { instanceOf: TypeError, message: /busy\[0\]\.end/ });
});
