// Wall-clock time in an IANA zone → UTC instant, with the DST edge cases decided once, here.
// Offsets come from Luxon's IANAZone (the runtime's tzdb through Intl); this file only chooses among them.
//
// Rules (deterministic; the same everywhere in matcher/):
// - Normal local time: its unique instant.
// - Ambiguous local time (a fall-back night repeats an hour): the EARLIER instant, i.e. the first time the clock
//   reads it (Temporal's 'compatible'). A window 01:00–02:00 on such a night therefore lasts two real hours.
// - Nonexistent local time (a spring-forward gap): the transition instant, i.e. the first real instant after the
//   gap. 02:30 on a 02:00→03:00 night resolves to 03:00 new time, so a window keeps exactly the wall-clock time that
//   really happens: 02:30–04:00 becomes 03:00–04:00, and a 02:00–03:00 window that night is empty.
//   (Luxon's own fromObject would shift 02:30 to 03:30 and, for ambiguous times, pick the later offset; we do not
//   rely on either.)
import { DateTime, IANAZone } from 'luxon';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

const zones = new Map<string, IANAZone>();

// Luxon builds an Intl.DateTimeFormat on every isValidZone call (~0.1 ms); a round checks 100k members' zones.
const validity = new Map<string, boolean>();

/** Whether `zone` is an IANA time-zone name the runtime knows (e.g. `Europe/Rome`, `UTC`). */
export function isValidZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || zone.length === 0) return false;
  let ok = validity.get(zone);
  if (ok === undefined) {
    ok = IANAZone.isValidZone(zone);
    if (validity.size < 10_000) validity.set(zone, ok);
  }
  return ok;
}

export function requireZone(zone: unknown, name: string): string {
  if (!isValidZone(zone)) throw new TypeError(`${name} must be an IANA time zone such as "Europe/Rome"`);
  return zone;
}

function zoneOf(name: string): IANAZone {
  let z = zones.get(name);
  if (!z) {
    z = IANAZone.create(name);
    zones.set(name, z);
  }
  return z;
}

// Resolving costs a few Intl calls (~50 µs); rounds resolve millions of boundaries that repeat across members with
// the same zone, so results are memoised. The cache holds only pure results, so it is invisible to callers.
const resolved = new Map<string, number>();
const CACHE_LIMIT = 500_000;

/**
 * The UTC instant (epoch ms) at which the clock in `zone` reads `minuteOfDay` (0–1440; 1440 is the next midnight)
 * on the calendar date year-month-day, under the rules above.
 */
export function localToUtc(zone: string, year: number, month: number, day: number, minuteOfDay: number): number {
  // The wall time written as if it were UTC: "local fields" arithmetic, never an offset guess.
  const wall = Date.UTC(year, month - 1, day) + minuteOfDay * MINUTE_MS;
  const key = `${zone}|${wall}`;
  const hit = resolved.get(key);
  if (hit !== undefined) return hit;
  const result = resolveWall(zoneOf(zone), wall);
  if (resolved.size >= CACHE_LIMIT) resolved.clear();
  resolved.set(key, result);
  return result;
}

function resolveWall(z: IANAZone, wall: number): number {
  // Offsets a day either side of the wall time bracket any transition near it (no zone changes twice in two days).
  const before = z.offset(wall - DAY_MS);
  const after = z.offset(wall + DAY_MS);
  let best: number | null = null;
  for (const o of before === after ? [before] : [before, after]) {
    const x = wall - o * MINUTE_MS;
    if (z.offset(x) === o && (best === null || x < best)) best = x; // earlier instant wins when ambiguous
  }
  if (best !== null) return best;
  // In a gap: find the transition instant between the two readings (binary search on the offset, ~23 steps).
  let lo = wall - after * MINUTE_MS; // still on the old offset
  let hi = wall - before * MINUTE_MS; // already on the new offset
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (z.offset(mid) === before) lo = mid;
    else hi = mid;
  }
  return Math.ceil(hi / MINUTE_MS) * MINUTE_MS;
}

/** 0 = Sunday … 6 = Saturday, for a calendar date (zone-independent). */
export function weekdayOfDate(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

/** A UTC instant as the zone's clock reads it, e.g. for "Tue 09:00" in reasons text. Fixed English locale. */
export function inZone(ms: number, zone: string): DateTime {
  return DateTime.fromMillis(ms, { zone: zoneOf(zone), locale: 'en-US' });
}
