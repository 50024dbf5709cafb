// What a profile may hold. One zod schema serves the API (400 naming the field) and the service (direct callers
// such as the matcher get the same rules). Limits keep a profile small enough to embed and render.
import { z } from 'zod';
import { nonBlankText } from '../../core/text-schema.js';
import { EngineError } from '../engine-error.js';
import type { ExperienceEntry } from './types.js';

export const PROFILE_LIMITS = {
  displayName: 100,
  headline: 200,
  company: 200,
  photoUrl: 2048,
  experienceEntries: 30,
  experienceTitle: 120,
  experienceCompany: 120,
  experienceDescription: 2000,
  /** Years are bounded by constants rather than "now" so validation never reads the clock. */
  minYear: 1900,
  maxYear: 2100,
} as const;

const Year = z.number().int().min(PROFILE_LIMITS.minYear).max(PROFILE_LIMITS.maxYear);

/**
 * Only https with a real domain name: the photo is fetched by other members' clients, so no plain http, no IP
 * address, no port and no credentials. The rule is one pattern, so the OpenAPI document states exactly what is
 * checked; labels are letters and digits joined by single hyphens, which also keeps out malformed punycode
 * (`xn--zz`) that URL parsers refuse.
 */
export const PHOTO_URL_PATTERN = /^https:\/\/(?:[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\.)+[A-Za-z]{2,63}(?:[/?#][\x21-\x7E]*)?$/;

export const PhotoUrlSchema = z
  .string()
  .max(PROFILE_LIMITS.photoUrl)
  .regex(PHOTO_URL_PATTERN, 'must be an https:// URL with a domain name, no port and no credentials')
  .meta({ format: 'uri' });

export const ExperienceEntrySchema = z
  .strictObject({
    title: nonBlankText(PROFILE_LIMITS.experienceTitle),
    company: nonBlankText(PROFILE_LIMITS.experienceCompany),
    startYear: Year,
    endYear: Year.nullable().default(null),
    description: z.string().trim().max(PROFILE_LIMITS.experienceDescription).default(''),
  })
  .refine((e) => e.endYear === null || e.endYear >= e.startYear, { path: ['endYear'], error: 'must not be before startYear' });

export const ProfilePatchSchema = z.strictObject({
  displayName: nonBlankText(PROFILE_LIMITS.displayName).optional(),
  headline: z.string().trim().max(PROFILE_LIMITS.headline).optional(),
  company: z.string().trim().max(PROFILE_LIMITS.company).optional(),
  /** null removes the photo. */
  photoUrl: PhotoUrlSchema.nullable().optional(),
  /** Replaces the whole list, in the order given. */
  experience: z.array(ExperienceEntrySchema).max(PROFILE_LIMITS.experienceEntries).optional(),
});

export type ProfilePatchInput = z.input<typeof ProfilePatchSchema>;
export interface ProfilePatch {
  displayName?: string;
  headline?: string;
  company?: string;
  photoUrl?: string | null;
  experience?: ExperienceEntry[];
}

/** Validates and normalises a patch; the EngineError names the first offending field, e.g. `experience.2.endYear`. */
export function parseProfilePatch(input: unknown): ProfilePatch {
  const result = ProfilePatchSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join('.') || 'profile';
  throw new EngineError('invalid', 'invalid_profile', `invalid ${field}: ${issue.message}`, field);
}
