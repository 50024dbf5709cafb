// What a matching profile and its availability may hold. One zod schema per request serves the API (400 naming the
// field, the OpenAPI document) and the service (direct callers get the same rules). Availability's finer rules
// (an end after its start, real calendar dates) are matcher/availability.ts `validateAvailability`, run after the
// shape here; `checkAvailability` turns its findings into field-named errors.
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { nonBlankText } from '../../core/text-schema.js';
import { AVAILABILITY_LIMITS, DAY_PARTS, PART_PRESETS, WEEKDAYS, validateAvailability, type Availability } from '../../matcher/availability.js';

export const MATCHING_LIMITS = {
  headline: 200,
  experienceEntries: 30,
  role: 120,
  company: 120,
  maxYears: 80,
  description: 2000,
  skills: 50,
  skill: 80,
  goals: 20,
  goal: 300,
  languages: 10,
  timeZone: 64,
} as const;

/** BCP 47 language tags as browsers send them (`en`, `pt-BR`, `zh-Hant-TW`); Intl decides the rest. */
const LANGUAGE_TAG = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;

export function isLanguageTag(value: string): boolean {
  if (!LANGUAGE_TAG.test(value)) return false;
  try {
    return Intl.getCanonicalLocales(value).length === 1;
  } catch {
    return false;
  }
}

export const TimeZoneSchema = z
  .string()
  .max(MATCHING_LIMITS.timeZone)
  .regex(/^[A-Za-z][A-Za-z0-9_+\-/]*$/, 'must be an IANA time zone such as Europe/Rome')
  .refine((zone) => IANAZone.isValidZone(zone), { error: 'is not a known IANA time zone (e.g. America/New_York)' });

export const MatchingExperienceSchema = z.strictObject({
  role: nonBlankText(MATCHING_LIMITS.role),
  company: nonBlankText(MATCHING_LIMITS.company),
  /** Years in the role (halves allowed). */
  years: z.number().min(0).max(MATCHING_LIMITS.maxYears).multipleOf(0.5),
  description: z.string().trim().max(MATCHING_LIMITS.description).default(''),
});

const goalList = z.array(nonBlankText(MATCHING_LIMITS.goal)).max(MATCHING_LIMITS.goals).default([]);

/** PUT /v1/me/matching/profile: replaces every field given a default; `timeZone` left out keeps the current one. */
export const MatchingProfileInputSchema = z.strictObject({
  headline: z.string().trim().max(MATCHING_LIMITS.headline).default(''),
  experience: z.array(MatchingExperienceSchema).max(MATCHING_LIMITS.experienceEntries).default([]),
  skills: z.array(nonBlankText(MATCHING_LIMITS.skill)).max(MATCHING_LIMITS.skills).default([]),
  /** "I can help with…" */
  offers: goalList,
  /** "I'm looking for…" */
  seeks: goalList,
  languages: z
    .array(z.string().max(35).regex(LANGUAGE_TAG, 'must be a BCP 47 language tag such as en or pt-BR').refine(isLanguageTag, { error: 'is not a valid BCP 47 language tag' }))
    .max(MATCHING_LIMITS.languages)
    .default([]),
  timeZone: TimeZoneSchema.optional(),
});

const Day = z.enum(WEEKDAYS);
const Clock = z.string().regex(/^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be a time HH:MM (24:00 allowed as an end)');
const ClockRangeSchema = z.strictObject({ start: Clock, end: Clock });

/** The shape of matcher/availability.ts `Availability`; its finer rules run after (checkAvailability). */
export const AvailabilitySchema = z.strictObject({
  parts: z
    .array(z.union([z.enum(PART_PRESETS), z.strictObject({ days: z.array(Day).min(1).max(7), part: z.enum(DAY_PARTS) })]))
    .max(AVAILABILITY_LIMITS.parts)
    .optional(),
  ranges: z.array(z.strictObject({ day: Day, start: Clock, end: Clock })).max(AVAILABILITY_LIMITS.ranges).optional(),
  exceptions: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')).max(AVAILABILITY_LIMITS.exceptions).optional(),
  partRanges: z.strictObject({ morning: ClockRangeSchema.optional(), afternoon: ClockRangeSchema.optional(), evening: ClockRangeSchema.optional() }).optional(),
});

/** PUT /v1/me/matching/availability: the weekly windows and the zone they are said in. */
export const AvailabilityInputSchema = z.strictObject({
  timeZone: TimeZoneSchema,
  availability: AvailabilitySchema,
});

export type MatchingProfileInput = z.infer<typeof MatchingProfileInputSchema>;
export type MatchingExperience = z.infer<typeof MatchingExperienceSchema>;
export type AvailabilityInput = z.infer<typeof AvailabilityInputSchema>;

export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * matcher/availability.ts's own checks on a shape-valid availability, with fields named from `prefix` in the API's
 * dotted style (`body.availability.ranges.0.end`). Returns the normalised value or the problems.
 */
export function checkAvailability(input: unknown, prefix: string): { ok: true; value: Availability } | { ok: false; errors: FieldProblem[] } {
  const result = validateAvailability(input, prefix);
  if (result.ok) return result;
  return { ok: false, errors: result.errors.map((e) => ({ field: e.field.replace(/\[(\d+)\]/g, '.$1'), message: e.message })) };
}

/** Whether an availability says any weekly time at all. */
export function hasWeeklyTime(a: Availability | null | undefined): boolean {
  return !!a && ((a.parts?.length ?? 0) > 0 || (a.ranges?.length ?? 0) > 0);
}
