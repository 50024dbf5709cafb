// Matching profile: your profile, availability, opt-in and gating status; photo and intro uploads (raw bodies,
// size-capped, processed locally); other members' photos and intros for those who may see them.
import { z } from 'zod';
import type { Principal } from '../../engine/identity/account-service.js';
import { GATING_CRITERIA } from '../../engine/matching/gating.js';
import { INTRO_MEDIA_TYPES } from '../../engine/matching/intro-processing.js';
import { MediaError } from '../../engine/matching/media-error.js';
import { PHOTO_MEDIA_TYPES } from '../../engine/matching/photo-processing.js';
import { AvailabilityInputSchema, checkAvailability, MatchingProfileInputSchema } from '../../engine/matching/profile-schema.js';
import { readRawBody } from '../body.js';
import type { ApiServices } from '../context.js';
import { ApiError } from '../errors.js';
import { defineRoute, type RouteDef } from '../route.js';

const Experience = z.object({ role: z.string(), company: z.string(), years: z.number(), description: z.string() });
const ClockRange = z.object({ start: z.string(), end: z.string() });
const AvailabilityOut = z.object({
  parts: z.array(z.union([z.string(), z.object({ days: z.array(z.string()), part: z.string() })])).optional(),
  ranges: z.array(z.object({ day: z.string(), start: z.string(), end: z.string() })).optional(),
  exceptions: z.array(z.string()).optional(),
  partRanges: z.object({ morning: ClockRange.optional(), afternoon: ClockRange.optional(), evening: ClockRange.optional() }).optional(),
});
const PhotoInfo = z.object({ url: z.string(), width: z.number().int(), height: z.number().int(), faceScore: z.number(), uploadedAt: z.string() });
const IntroInfo = z.object({ url: z.string(), mediaType: z.string(), durationMs: z.number().int(), transcript: z.string().nullable(), uploadedAt: z.string() });
const MatchingProfile = z.object({
  memberId: z.uuid(),
  headline: z.string(),
  experience: z.array(Experience),
  skills: z.array(z.string()),
  offers: z.array(z.string()),
  seeks: z.array(z.string()),
  languages: z.array(z.string()),
  timeZone: z.string().nullable(),
  availability: AvailabilityOut.nullable(),
  optedIn: z.boolean(),
  photo: PhotoInfo.nullable(),
  intro: IntroInfo.nullable(),
  updatedAt: z.string().nullable(),
});
const MatchingStatus = z.object({
  memberId: z.uuid(),
  matchable: z.boolean(),
  criteria: z.array(z.object({ criterion: z.enum(GATING_CRITERIA), met: z.boolean(), reason: z.string(), fix: z.string().nullable() })),
});
const MemberIdParams = z.object({ memberId: z.uuid() });
type MemberIdParams = z.infer<typeof MemberIdParams>;

const MEDIA_STATUS = { invalid: 400, too_large: 413, unsupported_type: 415, unprocessable: 422 } as const;

/** The engine's media refusals in the one error shape. */
async function media<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof MediaError)) throw err;
    const categories = Array.isArray(err.detail.categories) ? (err.detail.categories as string[]) : [];
    const details = categories.length > 0 ? categories.map((c) => ({ field: err.field, message: `flagged: ${c}` })) : [{ field: err.field, message: err.message }];
    throw new ApiError(MEDIA_STATUS[err.kind], err.code, err.message, details);
  }
}

/** The Content-Type must be one of `types` (parameters such as `codecs=opus` allowed): checked before reading the body. */
function requireMediaType(contentType: string, types: readonly string[], aliases: readonly string[] = []): void {
  const base = contentType.split(';')[0]!.trim().toLowerCase();
  if (!types.includes(base) && !aliases.includes(base)) {
    throw new ApiError(415, 'unsupported_media_type', `invalid header.Content-Type: must be one of ${types.join(', ')}; got ${contentType || 'none'}`, [{ field: 'header.Content-Type', message: `must be one of ${types.join(', ')}` }]);
  }
}

export function matchingProfileRoutes(s: ApiServices): RouteDef[] {
  const m = () => s.matchingProfiles;
  const limits = s.config.matching;
  return [
    defineRoute<undefined, undefined, undefined, Principal>({
      method: 'get',
      path: '/v1/me/matching/profile',
      operationId: 'getMyMatchingProfile',
      summary: 'Your matching profile: experience, goals, languages, time zone, availability, photo, intro, opt-in',
      tag: 'matching',
      auth: 'member',
      responses: { 200: { description: 'your matching profile (defaults when never saved)', schema: MatchingProfile } },
      handler: async ({ auth }) => ({ body: await m().getProfile(auth.memberId) }),
    }),
    defineRoute<undefined, undefined, z.infer<typeof MatchingProfileInputSchema>, Principal>({
      method: 'put',
      path: '/v1/me/matching/profile',
      operationId: 'putMyMatchingProfile',
      summary: 'Replace your matching profile (headline, experience, skills, offers, seeks, languages); timeZone left out is kept',
      tag: 'matching',
      auth: 'member',
      body: MatchingProfileInputSchema,
      responses: { 200: { description: 'the saved profile', schema: MatchingProfile } },
      handler: async ({ auth, body }) => ({ body: await m().putProfile(auth.memberId, body) }),
    }),
    defineRoute<undefined, undefined, z.infer<typeof AvailabilityInputSchema>, Principal>({
      method: 'put',
      path: '/v1/me/matching/availability',
      operationId: 'putMyAvailability',
      summary: 'Set your time zone and when you are free: parts of the day (weekday_mornings, {days, part}), exact ranges, dates off',
      tag: 'matching',
      auth: 'member',
      body: AvailabilityInputSchema,
      responses: { 200: { description: 'the saved profile', schema: MatchingProfile } },
      handler: async ({ auth, body }) => {
        const checked = checkAvailability(body.availability, 'body.availability');
        if (!checked.ok) throw ApiError.badRequest('validation_failed', `invalid ${checked.errors.map((e) => e.field).join(', ')}: ${checked.errors[0]!.message}`, checked.errors);
        return { body: await m().putAvailability(auth.memberId, body) };
      },
    }),
    defineRoute<undefined, undefined, undefined, Principal>({
      method: 'post',
      path: '/v1/me/matching/opt-in',
      operationId: 'optInToMatching',
      summary: 'Ask to be matched; the answer is your gating status (what is still missing, if anything)',
      tag: 'matching',
      auth: 'member',
      responses: { 200: { description: 'your gating status', schema: MatchingStatus } },
      handler: async ({ auth }) => ({ body: await m().setOptIn(auth.memberId, true) }),
    }),
    defineRoute<undefined, undefined, undefined, Principal>({
      method: 'post',
      path: '/v1/me/matching/opt-out',
      operationId: 'optOutOfMatching',
      summary: 'Stop being matched (your profile, photo and intro are kept)',
      tag: 'matching',
      auth: 'member',
      responses: { 200: { description: 'your gating status', schema: MatchingStatus } },
      handler: async ({ auth }) => ({ body: await m().setOptIn(auth.memberId, false) }),
    }),
    defineRoute<undefined, undefined, undefined, Principal>({
      method: 'get',
      path: '/v1/me/matching/status',
      operationId: 'getMyMatchingStatus',
      summary: 'Whether you are matchable, and each criterion (photo, connections, experience, intro, availability…) with reason and fix',
      tag: 'matching',
      auth: 'member',
      responses: { 200: { description: 'your gating status', schema: MatchingStatus } },
      handler: async ({ auth }) => ({ body: await m().status(auth.memberId) }),
    }),
    defineRoute<undefined, undefined, undefined, Principal>({
      method: 'post',
      path: '/v1/me/matching/photo',
      operationId: 'uploadMyMatchingPhoto',
      summary: `Upload your photo as the raw body (JPEG, PNG or WebP, at most ${Math.round(limits.photoMaxBytes / 1024 / 1024)} MB); a face must be visible`,
      tag: 'matching',
      auth: 'member',
      rawBody: true,
      uploadMediaTypes: PHOTO_MEDIA_TYPES,
      quota: { name: 'media_upload', per: 'member' },
      responses: {
        201: { description: 'stored (re-encoded as JPEG without metadata)', schema: PhotoInfo.extend({ detectMs: z.number().int() }) },
        413: { description: 'the body is larger than the limit' },
        415: { description: 'not image/jpeg, image/png or image/webp' },
        422: { description: 'no face found (no_face) or the image is too small' },
      },
      handler: async ({ auth, ctx }) => {
        requireMediaType(ctx.get('content-type'), PHOTO_MEDIA_TYPES);
        const bytes = await readRawBody(ctx, limits.photoMaxBytes);
        return { status: 201, body: await media(() => m().uploadPhoto(auth.memberId, bytes, ctx.get('content-type'))) };
      },
    }),
    defineRoute<undefined, undefined, undefined, Principal>({
      method: 'post',
      path: '/v1/me/matching/intro',
      operationId: 'uploadMyMatchingIntro',
      summary: `Upload your spoken intro as the raw body (WAV, FLAC, Ogg/Opus or WebM/Opus, at most ${limits.introMaxSeconds} s); transcribed and checked before anyone hears it`,
      tag: 'matching',
      auth: 'member',
      rawBody: true,
      uploadMediaTypes: INTRO_MEDIA_TYPES,
      quota: { name: 'media_upload', per: 'member' },
      responses: {
        201: { description: 'accepted and stored, with its transcript (null when this server cannot decode the format)', schema: IntroInfo },
        413: { description: 'the body is larger than the limit' },
        415: { description: 'not audio/wav, audio/flac, audio/ogg or audio/webm' },
        422: { description: 'too long (intro_too_long) or refused by the safety classifier (intro_refused)' },
      },
      handler: async ({ auth, ctx }) => {
        requireMediaType(ctx.get('content-type'), INTRO_MEDIA_TYPES, ['audio/wave', 'audio/x-wav', 'audio/vnd.wave', 'audio/x-flac', 'audio/opus']);
        const bytes = await readRawBody(ctx, limits.introMaxBytes);
        return { status: 201, body: await media(() => m().uploadIntro(auth.memberId, bytes, ctx.get('content-type'))) };
      },
    }),
    defineRoute<MemberIdParams, undefined, undefined, Principal>({
      method: 'get',
      path: '/v1/members/:memberId/photo',
      operationId: 'getMemberPhoto',
      summary: "A member's matching photo (image/jpeg), for members they have not blocked",
      tag: 'matching',
      auth: 'member',
      params: MemberIdParams,
      responses: { 200: { description: 'the photo', mediaType: 'image/jpeg' } },
      handler: async ({ auth, params }) => {
        const photo = await m().photo(auth.memberId, params.memberId);
        return { body: photo.bytes, headers: { 'Content-Type': photo.mediaType, 'Cache-Control': 'private, no-cache', 'X-Content-Type-Options': 'nosniff', 'Last-Modified': photo.createdAt.toUTCString() } };
      },
    }),
    defineRoute<MemberIdParams, undefined, undefined, Principal>({
      method: 'get',
      path: '/v1/members/:memberId/intro',
      operationId: 'getMemberIntro',
      summary: "A member's recorded intro (its own audio type), for members they have not blocked",
      tag: 'matching',
      auth: 'member',
      params: MemberIdParams,
      responses: { 200: { description: 'the intro audio (audio/wav, audio/flac, audio/ogg or audio/webm)', mediaType: 'audio/*' } },
      handler: async ({ auth, params }) => {
        const intro = await m().intro(auth.memberId, params.memberId);
        return { body: intro.audio, headers: { 'Content-Type': intro.mediaType, 'Cache-Control': 'private, no-cache', 'X-Content-Type-Options': 'nosniff', 'X-Intro-Duration-Ms': String(intro.durationMs) } };
      },
    }),
  ];
}
