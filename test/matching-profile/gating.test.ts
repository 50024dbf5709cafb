// The gating rules (engine/matching/gating.ts), pure: each criterion met or not with its reason and fix, and
// matchable only when all are met.
import test from 'ava';
import { evaluateGating, GATING_CRITERIA, type GatingFacts } from '../../engine/matching/gating.js';

const RULES = { minConnections: 3, minExperienceEntries: 1, minDescriptionChars: 80 };
const LONG = 'x'.repeat(80);

const complete: GatingFacts = {
  photo: { faceScore: 0.97 },
  connectionCount: 3,
  experience: [{ role: 'CTO', company: 'Acme', description: LONG }],
  intro: { durationMs: 5200 },
  timeZone: 'Europe/Rome',
  hasAvailability: true,
  restriction: null,
  optedIn: true,
};

const byName = (r: ReturnType<typeof evaluateGating>, c: string) => r.criteria.find((x) => x.criterion === c)!;

test('a complete, opted-in profile is matchable and every criterion is reported met without a fix', (t) => {
  const r = evaluateGating(complete, RULES);
  t.true(r.matchable);
  t.deepEqual(r.criteria.map((c) => c.criterion), [...GATING_CRITERIA]);
  for (const c of r.criteria) {
    t.true(c.met, c.criterion);
    t.is(c.fix, null);
    t.true(c.reason.length > 10);
  }
});

test('an empty profile fails every criterion, each with a reason and a fix', (t) => {
  const r = evaluateGating({ photo: null, connectionCount: 0, experience: [], intro: null, timeZone: null, hasAvailability: false, restriction: null, optedIn: false }, RULES);
  t.false(r.matchable);
  const unmet = r.criteria.filter((c) => !c.met).map((c) => c.criterion);
  t.deepEqual(unmet, ['photo', 'connections', 'experience', 'intro', 'availability', 'opted_in']);
  for (const c of r.criteria.filter((x) => !x.met)) t.true((c.fix ?? '').length > 10, `${c.criterion} has a fix`);
  t.regex(byName(r, 'connections').reason, /0 connections; matching needs at least 3/);
  t.regex(byName(r, 'connections').fix!, /3 more members/);
});

test('connections: one short says how many more', (t) => {
  const r = evaluateGating({ ...complete, connectionCount: 2 }, RULES);
  t.false(r.matchable);
  t.regex(byName(r, 'connections').fix!, /1 more member\b/);
  t.true(evaluateGating({ ...complete, connectionCount: 7 }, RULES).matchable);
  t.true(evaluateGating({ ...complete, connectionCount: 0 }, { ...RULES, minConnections: 0 }).matchable);
});

test('experience counts entries whose own description is long enough (per entry, not in total)', (t) => {
  const short = { role: 'CTO', company: 'Acme', description: 'x'.repeat(79) };
  const r = evaluateGating({ ...complete, experience: [short, short] }, RULES);
  t.false(byName(r, 'experience').met);
  t.regex(byName(r, 'experience').reason, /0 experience entries .*\(2 shorter\)/);
  t.regex(byName(r, 'experience').fix!, /describe what you did .* 80 characters/);
  // Whitespace does not count.
  t.false(byName(evaluateGating({ ...complete, experience: [{ ...short, description: ` ${'x'.repeat(78)}   ` }] }, RULES), 'experience').met);
  const two = { ...RULES, minExperienceEntries: 2 };
  t.false(evaluateGating(complete, two).matchable);
  t.true(evaluateGating({ ...complete, experience: [complete.experience[0]!, short, complete.experience[0]!] }, two).matchable);
});

test('availability needs both a time zone and a weekly window', (t) => {
  t.regex(byName(evaluateGating({ ...complete, timeZone: null }, RULES), 'availability').reason, /time zone/);
  const noWindows = byName(evaluateGating({ ...complete, hasAvailability: false }, RULES), 'availability');
  t.false(noWindows.met);
  t.regex(noWindows.reason, /not said when you are free/);
});

test('a suspension or a ban makes a member unmatchable, saying until when', (t) => {
  const until = new Date('2030-01-02T03:04:05Z');
  const s = byName(evaluateGating({ ...complete, restriction: { kind: 'suspend', expiresAt: until } }, RULES), 'good_standing');
  t.false(s.met);
  t.regex(s.reason, /suspended until 2030-01-02T03:04:05/);
  const b = evaluateGating({ ...complete, restriction: { kind: 'ban', expiresAt: null } }, RULES);
  t.false(b.matchable);
  t.regex(byName(b, 'good_standing').reason, /banned/);
});

test('opting out alone makes a complete profile unmatchable', (t) => {
  const r = evaluateGating({ ...complete, optedIn: false }, RULES);
  t.false(r.matchable);
  t.deepEqual(r.criteria.filter((c) => !c.met).map((c) => c.criterion), ['opted_in']);
});

test('bad rules or facts are programming errors', (t) => {
  t.throws(() => evaluateGating(complete, { ...RULES, minConnections: -1 }), { instanceOf: TypeError });
  t.throws(() => evaluateGating({ ...complete, connectionCount: 1.5 }, RULES), { instanceOf: TypeError });
});
