// Half-open UTC intervals [start, end) in epoch milliseconds, and the set algebra availability is made of.
// Every function returns a new sorted, merged (non-overlapping, non-touching) list; inputs are never mutated.
import { requireInstant } from './guards.js';

export interface UtcInterval {
  /** Inclusive start, epoch milliseconds (UTC). */
  start: number;
  /** Exclusive end, epoch milliseconds (UTC); always > start. */
  end: number;
}

const MINUTE_MS = 60_000;

export function requireIntervals(value: unknown, name: string): readonly UtcInterval[] {
  if (!Array.isArray(value)) throw new TypeError(`${name} must be an array of {start, end} intervals`);
  value.forEach((iv: unknown, i) => {
    const o = iv as { start?: unknown; end?: unknown } | null;
    if (typeof o !== 'object' || o === null) throw new TypeError(`${name}[${i}] must be an {start, end} interval`);
    const start = requireInstant(o.start, `${name}[${i}].start`);
    const end = requireInstant(o.end, `${name}[${i}].end`);
    if (end <= start) throw new TypeError(`${name}[${i}].end must be after start`);
  });
  return value as UtcInterval[];
}

/** Sorts and merges overlapping or touching intervals (09:00–12:00 + 12:00–17:00 is one 09:00–17:00 window). */
export function mergeIntervals(intervals: readonly UtcInterval[]): UtcInterval[] {
  const sorted = intervals.filter((iv) => iv.end > iv.start).sort((x, y) => x.start - y.start || x.end - y.end);
  const out: UtcInterval[] = [];
  for (const iv of sorted) {
    const last = out[out.length - 1];
    if (last && iv.start <= last.end) {
      if (iv.end > last.end) last.end = iv.end;
    } else {
      out.push({ start: iv.start, end: iv.end });
    }
  }
  return out;
}

/** Common time of two MERGED lists (a linear sweep; both must come from mergeIntervals or this module). */
export function intersectIntervals(a: readonly UtcInterval[], b: readonly UtcInterval[]): UtcInterval[] {
  const out: UtcInterval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    const start = Math.max(x.start, y.start);
    const end = Math.min(x.end, y.end);
    if (end > start) out.push({ start, end });
    if (x.end < y.end) i++;
    else j++;
  }
  return out;
}

/** `a` minus `b` (both merged): e.g. common time minus existing bookings. */
export function subtractIntervals(a: readonly UtcInterval[], b: readonly UtcInterval[]): UtcInterval[] {
  const out: UtcInterval[] = [];
  let j = 0;
  for (const x of a) {
    let cursor = x.start;
    while (j < b.length && b[j]!.end <= cursor) j++;
    let k = j;
    while (k < b.length && b[k]!.start < x.end) {
      const y = b[k]!;
      if (y.start > cursor) out.push({ start: cursor, end: y.start });
      cursor = Math.max(cursor, y.end);
      k++;
    }
    if (cursor < x.end) out.push({ start: cursor, end: x.end });
  }
  return out;
}

/** Restricts a merged list to [from, to). */
export function clipIntervals(intervals: readonly UtcInterval[], from: number, to: number): UtcInterval[] {
  const out: UtcInterval[] = [];
  for (const iv of intervals) {
    const start = Math.max(iv.start, from);
    const end = Math.min(iv.end, to);
    if (end > start) out.push({ start, end });
  }
  return out;
}

/** Keeps only intervals of at least `minMinutes` (a 20-minute sliver is not a meeting). */
export function atLeastMinutes(intervals: readonly UtcInterval[], minMinutes: number): UtcInterval[] {
  const min = minMinutes * MINUTE_MS;
  return intervals.filter((iv) => iv.end - iv.start >= min).map((iv) => ({ start: iv.start, end: iv.end }));
}

export function totalMinutes(intervals: readonly UtcInterval[]): number {
  let ms = 0;
  for (const iv of intervals) ms += iv.end - iv.start;
  return ms / MINUTE_MS;
}
