// A round over a few thousand synthetic members: finishes in seconds, places or reports everyone, respects the rules.
import test from 'ava';
import { runRound, totalMinutes } from '../../matcher/index.js';
import { at } from './_helpers.js';
import { community, pairKey, syntheticScore } from './_synthetic.js';

test('5,000 members with 10 candidates each: everyone placed or reported, rules hold, done in seconds', (t) => {
  t.timeout(60_000);
  const { members, candidates, recent, suspended } = community(5000, { seed: 42 });
  // Elapsed time is measured for the log only; nothing in the round reads a clock.
  const started = performance.now();
  const r = runRound(members, {
    fromUtc: at('2025-03-17T00:00Z'),
    toUtc: at('2025-03-24T00:00Z'),
    candidates,
    score: (a, b, overlap) => syntheticScore(a, b, totalMinutes(overlap)),
    exclude: (a, b) => suspended.has(a.memberId) || suspended.has(b.memberId) || recent.has(pairKey(a.memberId, b.memberId)),
  });
  const ms = performance.now() - started;
  t.log(`round over ${members.length} members: ${Math.round(ms)} ms, ${r.method}; ${JSON.stringify(r.stats)}; ${r.noPartner.length} without partner`);
  // Speed is the bench's (bench/matching.ts), not this test's: a timed assertion fails on a busy machine, not on a slow round.

  const seen = new Map<string, number>();
  for (const g of r.groups) {
    t.true(g.memberIds.length === 2 || g.memberIds.length === 3);
    t.true(g.overlap.length > 0 && g.overlap.every((iv) => iv.end - iv.start >= 30 * 60_000), 'every group has ≥ 30 min in common');
    for (let x = 0; x < g.memberIds.length; x++) {
      for (let y = x + 1; y < g.memberIds.length; y++) t.false(recent.has(pairKey(g.memberIds[x]!, g.memberIds[y]!)), 'no recent pair repeats');
    }
    for (const id of g.memberIds) {
      t.false(suspended.has(id));
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
  }
  for (const n of r.noPartner) {
    t.true(n.detail.length > 0);
    seen.set(n.memberId, (seen.get(n.memberId) ?? 0) + 1);
  }
  t.is(seen.size, members.length, 'every member is in a group or reported');
  t.true([...seen.values()].every((c) => c === 1), 'nobody twice');
  for (const id of suspended) t.is(r.noPartner.find((n) => n.memberId === id)?.reason, 'no_eligible_partner');
  t.true(r.groups.length * 2 >= 0.9 * (members.length - suspended.size), 'nearly everyone who can meet is paired');
});
