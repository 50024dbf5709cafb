// Weekly availability in a member's own IANA time zone, and the pure time math on it: expansion to concrete UTC
// intervals, overlap of two members, their first common slot, and "Tue 09:00–10:30" descriptions for reasons.
//
// A member says when they are free as parts of the day (`weekday_mornings`, `{days: ['tue','thu'], part:
// 'evening'}`), as exact ranges (`{day: 'mon', start: '09:30', end: '11:00'}`), or both, plus whole dates off in
// their own zone. Decisions:
// - A range never crosses midnight: `end` must be after `start`, and `24:00` is allowed as an end. Someone free
//   22:00–01:00 says mon 22:00–24:00 plus tue 00:00–01:00; expansion merges the two into one window.
// - Weekday/weekend means Mon–Fri / Sat–Sun; other weeks are said per day.
// - DST: every boundary is local wall-clock time on that date (09:00 stays 09:00 across a change); gap and repeated
//   hours follow zone-time.ts (a start in a spring-forward gap moves to the end of the gap; ambiguous → earlier).
// - The clock is always an argument (fromUtc/toUtc/notBefore); nothing here reads the real time.
import { type FieldError, type InstantInput, requireInstant, requireNumber, requireObject } from './guards.js';
import {
  type UtcInterval,
  atLeastMinutes,
  clipIntervals,
  intersectIntervals,
  mergeIntervals,
  requireIntervals,
  subtractIntervals,
} from './interval.js';
import { inZone, localToUtc, requireZone, weekdayOfDate } from './zone-time.js';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const DAY_PARTS = ['morning', 'afternoon', 'evening'] as const;
export type DayPart = (typeof DAY_PARTS)[number];
export const PART_PRESETS = [
  'weekday_mornings',
  'weekday_afternoons',
  'weekday_evenings',
  'weekend_mornings',
  'weekend_afternoons',
  'weekend_evenings',
] as const;
export type PartPreset = (typeof PART_PRESETS)[number];

/** A part of the day on chosen weekdays ("Tue/Thu evenings"). */
export interface DaysPart {
  days: Weekday[];
  part: DayPart;
}
/** Local clock times `HH:MM`; `end` may be `24:00`. */
export interface ClockRange {
  start: string;
  end: string;
}
export interface ExactRange extends ClockRange {
  day: Weekday;
}

export interface Availability {
  parts?: (PartPreset | DaysPart)[];
  ranges?: ExactRange[];
  /** Whole local dates off (`YYYY-MM-DD` in the member's zone). */
  exceptions?: string[];
  /** The member's own idea of a morning etc.; missing parts use DEFAULT_PART_RANGES. */
  partRanges?: Partial<Record<DayPart, ClockRange>>;
}

/** A member's availability together with the zone it is said in. */
export interface Schedule {
  availability: Availability;
  zone: string;
}

export const DEFAULT_PART_RANGES: Readonly<Record<DayPart, Readonly<ClockRange>>> = Object.freeze({
  morning: Object.freeze({ start: '08:00', end: '12:00' }),
  afternoon: Object.freeze({ start: '12:00', end: '17:00' }),
  evening: Object.freeze({ start: '17:00', end: '21:00' }),
});

/** Size limits for API input (a week has 7 × 3 parts; a year 366 dates). */
export const AVAILABILITY_LIMITS = Object.freeze({ parts: 21, ranges: 70, exceptions: 366 });

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Longest span expandWindows accepts, so a bad argument cannot make it loop for years. */
const MAX_SPAN_DAYS = 400;

// ---------------------------------------------------------------------------------------------------------------
// Validation (member input → field errors for an API 400)

export type AvailabilityValidation = { ok: true; value: Availability } | { ok: false; errors: FieldError[] };

const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function clockMinutes(value: string): number | null {
  if (value === '24:00') return 1440;
  const m = CLOCK.exec(value);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

function isCalendarDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unknownKeys(obj: Record<string, unknown>, allowed: readonly string[], path: string, errors: FieldError[]): void {
  for (const k of Object.keys(obj)) if (!allowed.includes(k)) errors.push({ field: `${path}.${k}`, message: 'is not a known field' });
}

function checkClockRange(v: unknown, path: string, allowed: readonly string[], errors: FieldError[]): ClockRange | null {
  if (!isPlainObject(v)) {
    errors.push({ field: path, message: 'must be an object with start and end (HH:MM)' });
    return null;
  }
  unknownKeys(v, allowed, path, errors);
  const start = typeof v.start === 'string' && v.start !== '24:00' ? clockMinutes(v.start) : null;
  const end = typeof v.end === 'string' ? clockMinutes(v.end) : null;
  if (start === null) errors.push({ field: `${path}.start`, message: 'must be a time HH:MM between 00:00 and 23:59' });
  if (end === null) errors.push({ field: `${path}.end`, message: 'must be a time HH:MM between 00:01 and 24:00' });
  if (start === null || end === null) return null;
  if (end <= start) {
    errors.push({
      field: `${path}.end`,
      message: 'must be after start (a range cannot cross midnight: end it at 24:00 and continue on the next day)',
    });
    return null;
  }
  return { start: v.start as string, end: v.end as string };
}

function checkDays(v: unknown, path: string, errors: FieldError[]): Weekday[] | null {
  if (!Array.isArray(v) || v.length === 0) {
    errors.push({ field: path, message: `must be a non-empty list of ${WEEKDAYS.join(', ')}` });
    return null;
  }
  let ok = true;
  v.forEach((d: unknown, i) => {
    if (!(WEEKDAYS as readonly unknown[]).includes(d)) {
      errors.push({ field: `${path}[${i}]`, message: `must be one of ${WEEKDAYS.join(', ')}` });
      ok = false;
    } else if (v.indexOf(d) !== i) {
      errors.push({ field: `${path}[${i}]`, message: 'is listed twice' });
      ok = false;
    }
  });
  return ok ? (v as Weekday[]).slice() : null;
}

function checkList(v: unknown, path: string, limit: number, errors: FieldError[]): unknown[] | null {
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    errors.push({ field: path, message: 'must be a list' });
    return null;
  }
  if (v.length > limit) {
    errors.push({ field: path, message: `must have at most ${limit} entries` });
    return null;
  }
  return v;
}

/**
 * Checks member input and returns a normalised copy, or every problem with its field path (`availability.ranges[0].end`).
 * `field` is the path of the availability object itself in the request body.
 */
export function validateAvailability(input: unknown, field = 'availability'): AvailabilityValidation {
  const errors: FieldError[] = [];
  if (!isPlainObject(input)) return { ok: false, errors: [{ field, message: 'must be an object' }] };
  unknownKeys(input, ['parts', 'ranges', 'exceptions', 'partRanges'], field, errors);
  const value: Availability = {};

  const parts = checkList(input.parts, `${field}.parts`, AVAILABILITY_LIMITS.parts, errors);
  if (parts && input.parts !== undefined) {
    value.parts = [];
    parts.forEach((p, i) => {
      const path = `${field}.parts[${i}]`;
      if (typeof p === 'string') {
        if ((PART_PRESETS as readonly string[]).includes(p)) value.parts!.push(p as PartPreset);
        else errors.push({ field: path, message: `must be one of ${PART_PRESETS.join(', ')}, or {days, part}` });
        return;
      }
      if (!isPlainObject(p)) {
        errors.push({ field: path, message: 'must be a preset name or {days, part}' });
        return;
      }
      unknownKeys(p, ['days', 'part'], path, errors);
      const days = checkDays(p.days, `${path}.days`, errors);
      const partOk = (DAY_PARTS as readonly unknown[]).includes(p.part);
      if (!partOk) errors.push({ field: `${path}.part`, message: `must be one of ${DAY_PARTS.join(', ')}` });
      if (days && partOk) value.parts!.push({ days, part: p.part as DayPart });
    });
  }

  const ranges = checkList(input.ranges, `${field}.ranges`, AVAILABILITY_LIMITS.ranges, errors);
  if (ranges && input.ranges !== undefined) {
    value.ranges = [];
    ranges.forEach((r, i) => {
      const path = `${field}.ranges[${i}]`;
      const clock = checkClockRange(r, path, ['day', 'start', 'end'], errors);
      const day = isPlainObject(r) ? r.day : undefined;
      const dayOk = (WEEKDAYS as readonly unknown[]).includes(day);
      if (isPlainObject(r) && !dayOk) errors.push({ field: `${path}.day`, message: `must be one of ${WEEKDAYS.join(', ')}` });
      if (clock && dayOk) value.ranges!.push({ day: day as Weekday, ...clock });
    });
  }

  const exceptions = checkList(input.exceptions, `${field}.exceptions`, AVAILABILITY_LIMITS.exceptions, errors);
  if (exceptions && input.exceptions !== undefined) {
    value.exceptions = [];
    exceptions.forEach((d, i) => {
      if (typeof d === 'string' && isCalendarDate(d)) value.exceptions!.push(d);
      else errors.push({ field: `${field}.exceptions[${i}]`, message: 'must be a calendar date YYYY-MM-DD' });
    });
  }

  if (input.partRanges !== undefined) {
    const path = `${field}.partRanges`;
    if (!isPlainObject(input.partRanges)) errors.push({ field: path, message: 'must be an object' });
    else {
      const pr = input.partRanges;
      unknownKeys(pr, DAY_PARTS, path, errors);
      value.partRanges = {};
      for (const part of DAY_PARTS) {
        if (pr[part] === undefined) continue;
        const clock = checkClockRange(pr[part], `${path}.${part}`, ['start', 'end'], errors);
        if (clock) value.partRanges[part] = clock;
      }
    }
  }

  return errors.length > 0 ? { ok: false, errors } : { ok: true, value };
}

function requireAvailability(availability: unknown, name: string): Availability {
  const v = validateAvailability(availability, name);
  if (!v.ok) {
    const e = v.errors[0]!;
    throw new TypeError(`${e.field} ${e.message} (validate member input with validateAvailability first)`);
  }
  return v.value;
}

// ---------------------------------------------------------------------------------------------------------------
// Expansion

/** Minutes-of-day windows per JS weekday (0 = Sunday), merged within each day. */
type WeeklyTemplate = [number, number][][];

const JS_DAY: Record<Weekday, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const WEEKDAY_SET: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];
const WEEKEND_SET: Weekday[] = ['sat', 'sun'];
const PRESET: Record<PartPreset, DaysPart> = {
  weekday_mornings: { days: WEEKDAY_SET, part: 'morning' },
  weekday_afternoons: { days: WEEKDAY_SET, part: 'afternoon' },
  weekday_evenings: { days: WEEKDAY_SET, part: 'evening' },
  weekend_mornings: { days: WEEKEND_SET, part: 'morning' },
  weekend_afternoons: { days: WEEKEND_SET, part: 'afternoon' },
  weekend_evenings: { days: WEEKEND_SET, part: 'evening' },
};

function weeklyTemplate(av: Availability): WeeklyTemplate {
  const days: [number, number][][] = [[], [], [], [], [], [], []];
  const partRange = (part: DayPart): ClockRange => av.partRanges?.[part] ?? DEFAULT_PART_RANGES[part];
  for (const p of av.parts ?? []) {
    const dp = typeof p === 'string' ? PRESET[p] : p;
    const r = partRange(dp.part);
    for (const d of dp.days) days[JS_DAY[d]]!.push([clockMinutes(r.start)!, clockMinutes(r.end)!]);
  }
  for (const r of av.ranges ?? []) days[JS_DAY[r.day]]!.push([clockMinutes(r.start)!, clockMinutes(r.end)!]);
  return days.map((list) => {
    list.sort((x, y) => x[0] - y[0]);
    const out: [number, number][] = [];
    for (const [s, e] of list) {
      const last = out[out.length - 1];
      if (last && s <= last[1]) last[1] = Math.max(last[1], e);
      else out.push([s, e]);
    }
    return out;
  });
}

function requireSpan(fromUtc: InstantInput, toUtc: InstantInput): [number, number] {
  const from = requireInstant(fromUtc, 'fromUtc');
  const to = requireInstant(toUtc, 'toUtc');
  if (to <= from) throw new TypeError('toUtc must be after fromUtc');
  if (to - from > MAX_SPAN_DAYS * DAY_MS) throw new TypeError(`toUtc must be at most ${MAX_SPAN_DAYS} days after fromUtc`);
  return [from, to];
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function expandValid(av: Availability, zone: string, from: number, to: number): UtcInterval[] {
  const template = weeklyTemplate(av);
  const off = new Set(av.exceptions ?? []);
  const out: UtcInterval[] = [];
  // Every local date that can touch [from, to): zone offsets lie within ±14 h, so a day of margin each side suffices.
  const firstDay = Math.floor(from / DAY_MS) - 1;
  const lastDay = Math.floor(to / DAY_MS) + 1;
  for (let dayNumber = firstDay; dayNumber <= lastDay; dayNumber++) {
    const date = new Date(dayNumber * DAY_MS);
    const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    const windows = template[weekdayOfDate(y, m, d)]!;
    if (windows.length === 0 || off.has(`${y}-${pad(m)}-${pad(d)}`)) continue;
    for (const [s, e] of windows) {
      const start = localToUtc(zone, y, m, d, s);
      const end = localToUtc(zone, y, m, d, e);
      if (end > start) out.push({ start, end }); // a window entirely inside a spring-forward gap vanishes
    }
  }
  return clipIntervals(mergeIntervals(out), from, to);
}

/**
 * The member's free time between fromUtc and toUtc as sorted, merged UTC intervals (clipped to the span).
 * Throws TypeError for an invalid availability (validate member input first), zone or span (at most 400 days).
 */
export function expandWindows(
  availability: Availability,
  zone: string,
  fromUtc: InstantInput,
  toUtc: InstantInput,
): UtcInterval[] {
  const av = requireAvailability(availability, 'availability');
  requireZone(zone, 'zone');
  const [from, to] = requireSpan(fromUtc, toUtc);
  return expandValid(av, zone, from, to);
}

function requireSchedule(s: unknown, name: string): Schedule {
  const o = requireObject(s, name);
  requireZone(o.zone, `${name}.zone`);
  return { availability: requireAvailability(o.availability, `${name}.availability`), zone: o.zone as string };
}

/**
 * Common free time of two members between fromUtc and toUtc: merged, sorted UTC intervals of at least
 * `minMinutes` (default 30) each.
 */
export function overlap(
  a: Schedule,
  b: Schedule,
  fromUtc: InstantInput,
  toUtc: InstantInput,
  { minMinutes = 30 }: { minMinutes?: number } = {},
): UtcInterval[] {
  const sa = requireSchedule(a, 'a');
  const sb = requireSchedule(b, 'b');
  const [from, to] = requireSpan(fromUtc, toUtc);
  requireNumber(minMinutes, 'minMinutes', { min: 0 });
  const common = intersectIntervals(expandValid(sa.availability, sa.zone, from, to), expandValid(sb.availability, sb.zone, from, to));
  return atLeastMinutes(common, minMinutes);
}

export interface SlotOptions {
  /** Length of the meeting (default 30). */
  durationMinutes?: number;
  /** How far ahead of fromUtc to look (default 14 days). */
  horizonDays?: number;
  /** Earliest start, e.g. fromUtc plus some notice; defaults to fromUtc. */
  notBefore?: InstantInput;
  /** Times either member is already booked; a slot never overlaps them (no double booking). */
  busy?: readonly UtcInterval[];
  /** Preferred start granularity in minutes (default 15: every zone's offset is a multiple of 15 min, so a
   *  UTC-aligned start is also on the quarter hour locally). Used when it fits; otherwise the window's own start. */
  alignMinutes?: number;
}

/** The earliest common slot of `durationMinutes` for two members, or null when none lies within the horizon. */
export function firstCommonSlot(a: Schedule, b: Schedule, fromUtc: InstantInput, options: SlotOptions = {}): UtcInterval | null {
  const sa = requireSchedule(a, 'a');
  const sb = requireSchedule(b, 'b');
  const from = requireInstant(fromUtc, 'fromUtc');
  const duration = requireNumber(options.durationMinutes ?? 30, 'durationMinutes', { min: 1, max: 24 * 60 }) * MINUTE_MS;
  const horizon = requireNumber(options.horizonDays ?? 14, 'horizonDays', { min: 1, max: 366 });
  const align = requireNumber(options.alignMinutes ?? 15, 'alignMinutes', { min: 1, max: 24 * 60, integer: true }) * MINUTE_MS;
  const notBefore = options.notBefore === undefined ? from : requireInstant(options.notBefore, 'notBefore');
  const busy = mergeIntervals(options.busy === undefined ? [] : requireIntervals(options.busy, 'busy'));
  const to = from + horizon * DAY_MS;
  const earliest = Math.max(from, notBefore);
  if (earliest >= to) return null;
  const common = intersectIntervals(expandValid(sa.availability, sa.zone, from, to), expandValid(sb.availability, sb.zone, from, to));
  for (const iv of clipIntervals(subtractIntervals(common, busy), earliest, to)) {
    const aligned = Math.ceil(iv.start / align) * align;
    if (aligned + duration <= iv.end) return { start: aligned, end: aligned + duration };
    if (iv.start + duration <= iv.end) return { start: iv.start, end: iv.start + duration };
  }
  return null;
}

/** describeInZone's answers, keyed by interval and zone (bounded: cleared at 50,000). */
const described = new Map<string, string>();

/**
 * An interval as the zone's clock reads it, for reasons text: "Tue 09:00–10:30"; "Tue 22:00–24:00" when it ends at
 * the next local midnight; "Tue 23:00–Wed 01:00" when it spans days.
 */
export function describeInZone(intervalUtc: UtcInterval, zone: string): string {
  const [iv] = requireIntervals([intervalUtc], 'intervalUtc');
  requireZone(zone, 'zone');
  // Memoised (pure): a round describes the same few common windows for thousands of members, ~50 µs each in Luxon.
  const key = `${iv!.start}|${iv!.end}|${zone}`;
  let text = described.get(key);
  if (text === undefined) {
    const s = inZone(iv!.start, zone);
    const e = inZone(iv!.end, zone);
    const head = s.toFormat('ccc HH:mm');
    if (e.hasSame(s, 'day')) text = `${head}–${e.toFormat('HH:mm')}`;
    else if (e.hour === 0 && e.minute === 0 && e.minus({ days: 1 }).hasSame(s, 'day')) text = `${head}–24:00`;
    else text = `${head}–${e.toFormat('ccc HH:mm')}`;
    if (described.size >= 50_000) described.clear();
    described.set(key, text);
  }
  return text;
}
