// A synthetic community for scale tests: members in 12 zones with a few availability patterns, interest clusters,
// k-nearest-neighbour candidate lists like an ANN index would return, some recent pairs and some suspensions.
// Everything derives from a seeded PRNG, so a run is reproducible.
import type { Availability, RoundMember } from '../../matcher/index.js';
import { prng } from './_helpers.js';

const ZONES = [
  'America/Los_Angeles',
  'America/New_York',
  'America/Sao_Paulo',
  'Europe/London',
  'Europe/Rome',
  'Africa/Lagos',
  'Asia/Dubai',
  'Asia/Kolkata',
  'Asia/Singapore',
  'Asia/Tokyo',
  'Australia/Sydney',
  'Pacific/Auckland',
];
const PATTERNS: Availability[] = [
  { parts: ['weekday_mornings'] },
  { parts: ['weekday_afternoons'] },
  { parts: ['weekday_evenings'] },
  { parts: ['weekday_mornings', 'weekday_afternoons'] },
  { parts: [{ days: ['tue', 'thu'], part: 'evening' }, 'weekend_mornings'] },
  { parts: ['weekend_mornings', 'weekend_afternoons'] },
  { ranges: [{ day: 'mon', start: '09:30', end: '11:00' }, { day: 'wed', start: '14:00', end: '16:30' }] },
  { parts: ['weekday_evenings'], ranges: [{ day: 'sat', start: '10:00', end: '12:00' }] },
];

export interface SyntheticProfile {
  cluster: number;
  seniority: number;
}

export interface Community {
  members: RoundMember<SyntheticProfile>[];
  candidates: Map<string, string[]>;
  recent: Set<string>;
  suspended: Set<string>;
}

export function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

export function community(size: number, { seed = 1, k = 10, clusters = 40 } = {}): Community {
  const rnd = prng(seed);
  const members: RoundMember<SyntheticProfile>[] = [];
  const byCluster: string[][] = Array.from({ length: clusters }, () => []);
  for (let i = 0; i < size; i++) {
    const zoneIndex = Math.floor(rnd() * ZONES.length);
    // Interests correlate with region (as real communities do), so neighbours often share hours.
    const cluster = (Math.floor(rnd() * (clusters / 4)) * 4 + (zoneIndex % 4)) % clusters;
    const m: RoundMember<SyntheticProfile> = {
      memberId: `m${i}`,
      zone: ZONES[zoneIndex]!,
      availability: PATTERNS[Math.floor(rnd() * PATTERNS.length)]!,
      profile: { cluster, seniority: Math.floor(rnd() * 20) },
    };
    members.push(m);
    byCluster[cluster]!.push(m.memberId);
  }
  const candidates = new Map<string, string[]>();
  for (const m of members) {
    const same = byCluster[m.profile!.cluster]!;
    const list = new Set<string>();
    for (let tries = 0; list.size < k && tries < 4 * k; tries++) {
      const other = rnd() < 0.8 ? same[Math.floor(rnd() * same.length)]! : `m${Math.floor(rnd() * size)}`;
      if (other !== m.memberId) list.add(other);
    }
    candidates.set(m.memberId, [...list]);
  }
  const recent = new Set<string>();
  for (const m of members) {
    if (rnd() < 0.3) {
      const list = candidates.get(m.memberId)!;
      if (list.length > 0) recent.add(pairKey(m.memberId, list[0]!));
    }
  }
  const suspended = new Set<string>();
  for (const m of members) if (rnd() < 0.01) suspended.add(m.memberId);
  return { members, candidates, recent, suspended };
}

/** A cheap deterministic score: same interest cluster, similar seniority, more common time. */
export function syntheticScore(a: RoundMember<SyntheticProfile>, b: RoundMember<SyntheticProfile>, commonMinutes: number): number {
  const cluster = a.profile!.cluster === b.profile!.cluster ? 1 : 0.3;
  const seniority = 1 - Math.abs(a.profile!.seniority - b.profile!.seniority) / 20;
  const time = 1 - Math.pow(2, -commonMinutes / 90);
  return 0.5 * cluster + 0.2 * seniority + 0.3 * time;
}
