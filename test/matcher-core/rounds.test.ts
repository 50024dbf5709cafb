// Rounds: maximum-weight pairing, no repeats, never without common time, odd counts never silent.
import test from 'ava';
import {
  type Availability,
  type MemberFacts,
  type RoundMember,
  checkExclusion,
  describeInZone,
  runRound,
  totalMinutes,
} from '../../matcher/index.js';
import { at, show } from './_helpers.js';

// The round's span: the week of Mon Mar 17 2025 (US already on DST, EU not yet).
const week = { fromUtc: at('2025-03-17T00:00Z'), toUtc: at('2025-03-24T00:00Z') };
const romeMornings: Availability = { parts: ['weekday_mornings'] };
const member = (memberId: string, zone = 'Europe/Rome', availability: Availability = romeMornings): RoundMember => ({ memberId, zone, availability });

/** A score table by unordered pair "a-b"; missing pairs are not a fit. */
function table(scores: Record<string, number>) {
  return (a: RoundMember, b: RoundMember) => scores[`${a.memberId}-${b.memberId}`] ?? scores[`${b.memberId}-${a.memberId}`] ?? null;
}

test('maximum weight, not greedy: A–C + B–D (1.2) beats A–B + C–D (1.0)', (t) => {
  const r = runRound([member('a'), member('b'), member('c'), member('d')], { ...week, score: table({ 'a-b': 0.9, 'c-d': 0.1, 'a-c': 0.6, 'b-d': 0.6 }) });
  t.deepEqual(r.groups.map((g) => g.memberIds), [['a', 'c'], ['b', 'd']]);
  t.deepEqual(r.groups.map((g) => g.score), [0.6, 0.6]);
  t.deepEqual(r.noPartner, []);
  t.is(r.method, 'exact');
  // Rome weekday mornings Mar 17–21 (CET): 07:00–11:00Z each day.
  t.deepEqual(show(r.groups[0]!.overlap), [
    '2025-03-17T07:00Z/2025-03-17T11:00Z',
    '2025-03-18T07:00Z/2025-03-18T11:00Z',
    '2025-03-19T07:00Z/2025-03-19T11:00Z',
    '2025-03-20T07:00Z/2025-03-20T11:00Z',
    '2025-03-21T07:00Z/2025-03-21T11:00Z',
  ]);
});

test('recent pairs never repeat (through the exclusion function)', (t) => {
  const now = at('2025-03-16T18:00Z');
  const facts = (memberId: string): MemberFacts => ({ memberId, suspended: false, openModerationCase: false, weeklyExposure: 0 });
  const lastMatched = new Map([['a|c', at('2025-02-10T10:00Z')]]); // 5 weeks ago
  const r = runRound([member('a'), member('b'), member('c'), member('d')], {
    ...week,
    score: table({ 'a-b': 0.9, 'c-d': 0.1, 'a-c': 0.6, 'b-d': 0.6 }),
    exclude: (a, b) =>
      checkExclusion(facts(a.memberId), facts(b.memberId), {
        aBlockedB: false,
        bBlockedA: false,
        declined: false,
        lastMatchedAt: lastMatched.get(`${a.memberId}|${b.memberId}`) ?? lastMatched.get(`${b.memberId}|${a.memberId}`) ?? null,
      }, { now, exposureCap: null }),
  });
  t.deepEqual(r.groups.map((g) => g.memberIds), [['a', 'b'], ['c', 'd']]);
  t.is(r.stats.excludedPairs, 1);
});

const five = [member('a'), member('b'), member('c'), member('d'), member('e')];
const fiveScores = table({ 'a-b': 0.5, 'a-c': 0.4, 'a-d': 0.3, 'b-c': 0.35, 'b-d': 0.45, 'c-d': 0.6, 'e-a': 0.9, 'e-b': 0.2, 'e-c': 0.2, 'e-d': 0.2 });

test('odd count: the one left over joins the pair that fits them best as a group of three', (t) => {
  // Best two pairs: e–a (0.9) + c–d (0.6). b fits c–d (0.35 + 0.45) better than a–e (0.5 + 0.2).
  const r = runRound(five, { ...week, score: fiveScores });
  t.deepEqual(r.groups.map((g) => g.memberIds), [['a', 'e'], ['c', 'd', 'b']]);
  t.deepEqual(r.groups[1]!.pairScores, [
    { a: 'c', b: 'd', score: 0.6 },
    { a: 'c', b: 'b', score: 0.35 },
    { a: 'd', b: 'b', score: 0.45 },
  ]);
  t.true(Math.abs(r.groups[1]!.score - 1.4 / 3) < 1e-12);
  t.deepEqual(r.noPartner, []);
  t.is(r.stats.groupsOfThree, 1);
});

test('odd count with groups of three off: an explicit "no partner this round" with the reason', (t) => {
  const r = runRound(five, { ...week, score: fiveScores, oddRule: 'no_partner' });
  t.deepEqual(r.groups.map((g) => g.memberIds), [['a', 'e'], ['c', 'd']]);
  t.deepEqual(r.noPartner, [{ memberId: 'b', reason: 'partners_taken', detail: 'all 4 possible partners were paired with others (groups of three are off)' }]);
});

test('a group of three needs common time for all three; otherwise the odd one is reported', (t) => {
  const onlyMonday: Availability = { ranges: [{ day: 'mon', start: '08:00', end: '09:00' }] };
  const bOffMonday: Availability = { parts: ['weekday_mornings'], exceptions: ['2025-03-17'] };
  const r = runRound([member('a'), member('b', 'Europe/Rome', bOffMonday), member('c', 'Europe/Rome', onlyMonday)], {
    ...week,
    score: table({ 'a-b': 0.7, 'a-c': 0.5, 'b-c': 0.9 }),
  });
  // c meets a on Monday only, and b is off that Monday: b–c never meet, so no trio.
  t.deepEqual(r.groups.map((g) => g.memberIds), [['a', 'b']]);
  t.deepEqual(r.noPartner, [
    { memberId: 'c', reason: 'partners_taken', detail: 'the only possible partner was paired with someone else, and no pair had common time and a fit for a third' },
  ]);
});

test('pairs with less than the minimum common time are never formed, even as the only option', (t) => {
  // Kolkata Mon 15:50–17:00 IST = 10:20–11:30Z; Rome mornings Mon 07:00–11:00Z (CET): 40 min in common.
  const kolkata: Availability = { ranges: [{ day: 'mon', start: '15:50', end: '17:00' }] };
  const r = runRound([member('rome'), member('kol', 'Asia/Kolkata', kolkata)], { ...week, score: () => 1, minOverlapMinutes: 45 });
  t.deepEqual(r.groups, []);
  t.deepEqual(r.noPartner, [
    { memberId: 'rome', reason: 'no_eligible_partner', detail: 'of 1 candidate: 1 with less than 45 min of common time' },
    { memberId: 'kol', reason: 'no_eligible_partner', detail: 'of 1 candidate: 1 with less than 45 min of common time' },
  ]);
  const ok = runRound([member('rome'), member('kol', 'Asia/Kolkata', kolkata)], { ...week, score: () => 1 });
  t.deepEqual(show(ok.groups[0]!.overlap), ['2025-03-17T10:20Z/2025-03-17T11:00Z']);
});

test('a suspended member is excluded from everyone and told why in the report', (t) => {
  const now = at('2025-03-16T18:00Z');
  const suspended = new Set(['s']);
  const facts = (memberId: string): MemberFacts => ({ memberId, suspended: suspended.has(memberId), openModerationCase: false, weeklyExposure: 0 });
  const history = { aBlockedB: false, bBlockedA: false, declined: false, lastMatchedAt: null };
  const r = runRound([member('a'), member('s'), member('b')], {
    ...week,
    score: () => 0.5,
    exclude: (a, b) => checkExclusion(facts(a.memberId), facts(b.memberId), history, { now }),
  });
  t.deepEqual(r.groups.map((g) => g.memberIds), [['a', 'b']]);
  t.deepEqual(r.noPartner, [{ memberId: 's', reason: 'no_eligible_partner', detail: 'of 2 candidates: 2 excluded (suspended 2)' }]);
});

test('time zones and DST: two triangles around the world become two groups of three, explained in each zone', (t) => {
  const members = [
    member('ny1', 'America/New_York', { parts: ['weekday_mornings'] }), // 12:00–16:00Z (EDT)
    member('rome1', 'Europe/Rome', { parts: ['weekday_afternoons'] }), // 11:00–16:00Z (CET)
    member('kol1', 'Asia/Kolkata', { parts: ['weekday_evenings'], partRanges: { evening: { start: '17:00', end: '20:00' } } }), // 11:30–14:30Z
    member('syd1', 'Australia/Sydney', { parts: ['weekday_mornings'] }), // 21:00Z–01:00Z the day before (AEDT)
    member('ny2', 'America/New_York', { parts: ['weekday_evenings'] }), // 21:00Z–01:00Z (EDT)
    member('akl1', 'Pacific/Auckland', { parts: ['weekday_mornings'] }), // 19:00Z–23:00Z the day before (NZDT)
  ];
  let explained = 0;
  const r = runRound(members, {
    ...week,
    score: (_a, _b, overlap) => totalMinutes(overlap) / 10_080, // more common time, better (for this test)
    explain: (group, overlap) => {
      explained++;
      return group.map((m) => `${m.memberId}: ${describeInZone(overlap[0]!, m.zone)}`);
    },
  });
  t.deepEqual(r.groups.map((g) => g.memberIds), [['ny1', 'rome1', 'kol1'], ['syd1', 'ny2', 'akl1']]);
  t.deepEqual(show(r.groups[0]!.overlap.slice(0, 2)), ['2025-03-17T12:00Z/2025-03-17T14:30Z', '2025-03-18T12:00Z/2025-03-18T14:30Z']);
  t.is(r.groups[0]!.overlap.length, 5);
  t.deepEqual(show(r.groups[1]!.overlap), [
    '2025-03-17T21:00Z/2025-03-17T23:00Z',
    '2025-03-18T21:00Z/2025-03-18T23:00Z',
    '2025-03-19T21:00Z/2025-03-19T23:00Z',
    '2025-03-20T21:00Z/2025-03-20T23:00Z',
  ]);
  t.deepEqual(r.groups[0]!.reasons, ['ny1: Mon 08:00–10:30', 'rome1: Mon 13:00–15:30', 'kol1: Mon 17:30–20:00']);
  t.deepEqual(r.groups[1]!.reasons, ['syd1: Tue 08:00–10:00', 'ny2: Mon 17:00–19:00', 'akl1: Tue 10:00–12:00']);
  t.is(explained, 2); // only formed groups are explained
  t.deepEqual(r.noPartner, []);
});

test('with k-NN candidates, members whose lists missed time compatibility are rescued among themselves', (t) => {
  const nyEvenings: Availability = { parts: ['weekday_evenings'] };
  const members = [member('p1'), member('p2'), member('q1', 'America/New_York', nyEvenings), member('q2', 'America/New_York', nyEvenings)];
  const candidates = new Map([
    ['p1', ['q1']],
    ['p2', ['q2']],
    ['q1', ['p1', 'not-in-this-round']],
    ['q2', ['p2']],
  ]);
  const r = runRound(members, { ...week, score: () => 0.5, candidates });
  t.deepEqual(r.groups.map((g) => g.memberIds), [['p1', 'p2'], ['q1', 'q2']]);
  t.is(r.stats.candidatePairs, 2);
  t.is(r.stats.noOverlapPairs, 2);
  t.is(r.stats.rescuedPairs, 2);
});

test('the approximate path agrees with the exact one on a few hundred members', (t) => {
  const zones = ['Europe/Rome', 'America/New_York', 'Asia/Kolkata'];
  const patterns: Availability[] = [{ parts: ['weekday_mornings'] }, { parts: ['weekday_afternoons'] }, { parts: ['weekday_evenings', 'weekend_mornings'] }];
  const members = Array.from({ length: 240 }, (_, i) => member(`m${i}`, zones[i % 3]!, patterns[Math.floor(i / 3) % 3]!));
  const score = (a: RoundMember, b: RoundMember) => ((Number(a.memberId.slice(1)) * 7919 + Number(b.memberId.slice(1)) * 104729) % 1000) / 1000;
  const exact = runRound(members, { ...week, score });
  const approx = runRound(members, { ...week, score, exactLimit: 0 });
  t.is(exact.method, 'exact');
  t.is(approx.method, 'approximate');
  const total = (r: typeof exact) => r.groups.reduce((s, g) => s + g.pairScores.reduce((x, p) => x + p.score, 0), 0);
  const placed = (r: typeof exact) => r.groups.reduce((s, g) => s + g.memberIds.length, 0);
  t.is(placed(approx), placed(exact));
  t.is(exact.groups.filter((g) => g.memberIds.length === 2).length, approx.groups.filter((g) => g.memberIds.length === 2).length);
  t.log(`approximate/exact total score: ${(total(approx) / total(exact)).toFixed(4)}`);
  t.true(total(approx) >= 0.9 * total(exact));
});

test('bad arguments are TypeErrors naming them', (t) => {
  t.throws(() => runRound([member('a'), member('a')], { ...week, score: () => 1 }), { instanceOf: TypeError, message: /members\[1\]\.memberId/ });
  t.throws(() => runRound([member('a'), member('b')], { ...week, score: () => Number.NaN }), { instanceOf: TypeError, message: /options\.score/ });
  t.throws(() => runRound([member('a'), member('b', 'Moon/Base')], { ...week, score: () => 1 }), { instanceOf: TypeError, message: /members\[1\]\.zone/ });
  t.throws(() => runRound([member('a'), member('b'), member('c')], { ...week, score: () => 1, allPairsLimit: 2 }), { instanceOf: TypeError, message: /options\.candidates/ });
  t.throws(() => runRound([member('a')], { ...week, score: () => 1, oddRule: 'coin_flip' as never }), { instanceOf: TypeError, message: /options\.oddRule/ });
  t.throws(() => runRound([member('a')], { fromUtc: week.fromUtc, toUtc: 'next week' as never, score: () => 1 }), { instanceOf: TypeError, message: /options\.toUtc/ });
  t.throws(() => runRound([member('a'), member('b', 'Europe/Rome', { ranges: [{ day: 'mon', start: '10:00', end: '09:00' }] })], { ...week, score: () => 1 }), {
    instanceOf: TypeError,
    message: /members\[1\]\.availability\.ranges\[0\]\.end/,
  });
  const alone = runRound([member('a')], { ...week, score: () => 1 });
  t.deepEqual(alone.noPartner, [{ memberId: 'a', reason: 'no_eligible_partner', detail: 'no candidates this round' }]);
});
