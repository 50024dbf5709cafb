// Matching profiles: what a member says for suggestions (experience, goals, languages, time zone, availability),
// their photo (a face required) and recorded intro (at most 20 s, transcribed and classified), opt-in, and the
// gating status that says exactly what stands between them and being matched.
//
// For the suggestion engine: matchProfile(memberId), isMatchable(memberId), listMatchable({afterId, limit}) and
// onProfileChanged(listener), called after a profile, availability or intro change commits (the embeddings
// subscribe to re-embed). Listeners run after the caller has its answer; `idle()` waits for them.
//
// Visibility: a member's photo and intro are served to any signed-in member the owner has not blocked (the same
// rule as the public profile, engine/social/social-service.ts getProfile); otherwise "not found", so a block cannot
// be probed.
import type pg from 'pg';
import type { Logger } from '../../core/logger.js';
import type { Availability } from '../../matcher/availability.js';
import { FaceDetector } from '../../models/vision/face-detector.js';
import { EngineError } from '../engine-error.js';
import type { Restriction } from '../sanctions/sanction-store.js';
import { evaluateGating, type GatingResult, type GatingRules } from './gating.js';
import { processIntro, type IntroModels } from './intro-processing.js';
import { MatchingProfileStore, type MatchingProfileFields, type ProfileRow } from './matching-profile-store.js';
import { processPhoto } from './photo-processing.js';
import {
  AvailabilityInputSchema,
  checkAvailability,
  hasWeeklyTime,
  MatchingProfileInputSchema,
  type MatchingExperience,
} from './profile-schema.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface MatchingLimits extends GatingRules {
  photoMaxPixels: number;
  faceMinScore: number;
  introMaxSeconds: number;
}

export interface MatchingProfileServiceOptions {
  pool: pg.Pool;
  limits: MatchingLimits;
  /** Active suspension or ban (engine/sanctions/sanction-store.ts). */
  restrictions: {
    activeRestriction(memberId: string): Promise<Restriction | null>;
    /** Every active restriction at once (SanctionStore.activeRestrictions), for allMatchable. */
    activeRestrictions?(memberIds: null): Promise<ReadonlyMap<string, Restriction>>;
  };
  /** Whether `blockerId` blocked `blockedId` (engine/social SocialService). */
  blocks: { hasBlocked(blockerId: string, blockedId: string): Promise<boolean> };
  /** Loaded on the first intro, once per process. */
  introModels: () => Promise<IntroModels>;
  faceDetector?: FaceDetector;
  log?: Logger;
}

/** The texts the embeddings read (structurally engine/matching/embedder.ts ProfileTexts). */
export interface MatchingProfileTexts {
  headline: string;
  experience: MatchingExperience[];
  skills: string[];
  offers: string[];
  seeks: string[];
  introTranscript?: string;
}

export type ProfileChangeKind = 'profile' | 'availability' | 'intro' | 'opt_in';
export type ProfileChangeListener = (memberId: string, texts: MatchingProfileTexts, kind: ProfileChangeKind) => unknown;

/** What the suggestion engine reads about a member. */
export interface MatchingMember extends MatchingProfileFields {
  memberId: string;
  displayName: string;
  introTranscript: string | null;
  connectionCount: number;
  texts: MatchingProfileTexts;
}

export interface MatchingProfileView extends MatchingProfileFields {
  memberId: string;
  photo: { url: string; width: number; height: number; faceScore: number; uploadedAt: string } | null;
  intro: { url: string; mediaType: string; durationMs: number; transcript: string | null; uploadedAt: string } | null;
  updatedAt: string | null;
}

export interface MatchingStatus extends GatingResult {
  memberId: string;
}

function requireUuid(value: unknown, field: string): string {
  if (typeof value !== 'string' || !UUID.test(value)) throw new EngineError('invalid', 'invalid_id', `${field} must be a uuid`, field);
  return value;
}

/** The first zod issue as an EngineError naming its field (direct callers; the API validates before). */
function invalid(prefix: string, issues: readonly { path: readonly PropertyKey[]; message: string }[]): EngineError {
  const issue = issues[0]!;
  const field = [prefix, ...issue.path.map(String)].join('.');
  return new EngineError('invalid', 'validation_failed', `invalid ${field}: ${issue.message}`, field);
}

export class MatchingProfileService {
  readonly #store: MatchingProfileStore;
  readonly #limits: MatchingLimits;
  readonly #restrictions: MatchingProfileServiceOptions['restrictions'];
  readonly #blocks: MatchingProfileServiceOptions['blocks'];
  readonly #introModels: () => Promise<IntroModels>;
  readonly #faces: FaceDetector;
  readonly #log: Logger | undefined;
  readonly #listeners = new Set<ProfileChangeListener>();
  readonly #running = new Set<Promise<void>>();
  #models: Promise<IntroModels> | undefined;

  constructor(o: MatchingProfileServiceOptions) {
    this.#store = new MatchingProfileStore(o.pool);
    this.#limits = o.limits;
    this.#restrictions = o.restrictions;
    this.#blocks = o.blocks;
    this.#introModels = o.introModels;
    this.#faces = o.faceDetector ?? new FaceDetector();
    this.#log = o.log;
  }

  // ---- for the suggestion engine ----

  /** Called after a profile, availability, intro or opt-in change commits. Returns an unsubscribe function. */
  onProfileChanged(listener: ProfileChangeListener): () => void {
    if (typeof listener !== 'function') throw new TypeError('onProfileChanged: listener must be a function');
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves when every listener call started so far has finished. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  /** The member's matching data, or null when there is no such member. */
  async matchProfile(memberId: string): Promise<MatchingMember | null> {
    const row = await this.#store.get(requireUuid(memberId, 'memberId'));
    return row ? toMember(row) : null;
  }

  async isMatchable(memberId: string): Promise<boolean> {
    return (await this.status(memberId)).matchable;
  }

  /** Matchable members after `afterId` (exclusive) in id order; `nextAfterId` is null at the end. */
  async listMatchable(page: { afterId?: string | null; limit?: number } = {}): Promise<{ items: MatchingMember[]; nextAfterId: string | null }> {
    const limit = page.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new EngineError('invalid', 'invalid_limit', 'limit must be an integer from 1 to 1000', 'limit');
    let after = page.afterId == null ? null : requireUuid(page.afterId, 'afterId');
    const items: MatchingMember[] = [];
    for (;;) {
      const batch = await this.#store.listCandidates(after, limit);
      for (const row of batch) {
        after = row.memberId;
        if ((await this.#gate(row)).matchable) items.push(toMember(row));
        if (items.length === limit) return { items, nextAfterId: after };
      }
      if (batch.length < limit) return { items, nextAfterId: null };
    }
  }

  /**
   * Every matchable member, in id order, in one SQL pass plus one query for all active restrictions (a round over
   * the whole community); the same gating as listMatchable.
   */
  async allMatchable(): Promise<MatchingMember[]> {
    const [rows, restricted] = await Promise.all([this.#store.listAllCandidates(), this.#restrictions.activeRestrictions?.(null)]);
    const items: MatchingMember[] = [];
    for (const row of rows) {
      const gate = restricted ? this.#gateWith(row, restricted.get(row.memberId) ?? null) : await this.#gate(row);
      if (gate.matchable) items.push(toMember(row));
    }
    return items;
  }

  // ---- the member's own profile ----

  async getProfile(memberId: string): Promise<MatchingProfileView> {
    return toView(await this.#row(memberId));
  }

  async putProfile(memberId: string, input: unknown): Promise<MatchingProfileView> {
    const id = requireUuid(memberId, 'memberId');
    const parsed = MatchingProfileInputSchema.safeParse(input);
    if (!parsed.success) throw invalid('profile', parsed.error.issues);
    await this.#row(id);
    await this.#store.saveProfile(id, parsed.data);
    return this.#changed(id, 'profile');
  }

  async putAvailability(memberId: string, input: unknown): Promise<MatchingProfileView> {
    const id = requireUuid(memberId, 'memberId');
    const parsed = AvailabilityInputSchema.safeParse(input);
    if (!parsed.success) throw invalid('availability', parsed.error.issues);
    const checked = checkAvailability(parsed.data.availability, 'availability');
    if (!checked.ok) {
      const e = checked.errors[0]!;
      throw new EngineError('invalid', 'validation_failed', `invalid ${e.field}: ${e.message}`, e.field);
    }
    await this.#row(id);
    await this.#store.saveAvailability(id, parsed.data.timeZone, checked.value);
    return this.#changed(id, 'availability');
  }

  /** Opting in is allowed before the profile is complete: the status says what is still missing. */
  async setOptIn(memberId: string, optedIn: boolean): Promise<MatchingStatus> {
    const id = requireUuid(memberId, 'memberId');
    await this.#row(id);
    await this.#store.setOptedIn(id, optedIn);
    await this.#changed(id, 'opt_in');
    return this.status(id);
  }

  async status(memberId: string): Promise<MatchingStatus> {
    const row = await this.#row(memberId);
    return { memberId: row.memberId, ...(await this.#gate(row)) };
  }

  async uploadPhoto(memberId: string, bytes: Buffer, contentType: string): Promise<NonNullable<MatchingProfileView['photo']> & { detectMs: number }> {
    const id = requireUuid(memberId, 'memberId');
    await this.#row(id);
    const photo = await processPhoto(bytes, contentType, this.#faces, { maxPixels: this.#limits.photoMaxPixels, faceMinScore: this.#limits.faceMinScore });
    this.#log?.info({ memberId: id, faceScore: photo.faceScore, detectMs: Math.round(photo.detectMs), bytes: photo.bytes.length }, 'matching photo accepted');
    const at = await this.#store.savePhoto(id, photo);
    return { url: photoUrl(id), width: photo.width, height: photo.height, faceScore: photo.faceScore, uploadedAt: at.toISOString(), detectMs: Math.round(photo.detectMs) };
  }

  async photo(viewerId: string, memberId: string): Promise<{ bytes: Buffer; mediaType: string; createdAt: Date }> {
    const id = await this.#visible(viewerId, memberId);
    const photo = await this.#store.photo(id);
    if (!photo) throw new EngineError('not_found', 'photo_not_found', 'this member has no photo', 'memberId');
    return photo;
  }

  async uploadIntro(memberId: string, bytes: Buffer, contentType: string): Promise<NonNullable<MatchingProfileView['intro']>> {
    const id = requireUuid(memberId, 'memberId');
    await this.#row(id);
    const intro = await processIntro(bytes, contentType, { transcribe: async (pcm) => (await this.#loadModels()).transcribe(pcm), classify: async (t) => (await this.#loadModels()).classify(t) }, { maxSeconds: this.#limits.introMaxSeconds });
    const at = await this.#store.saveIntro(id, { audio: bytes, ...intro });
    await this.#changed(id, 'intro');
    return { url: introUrl(id), mediaType: intro.mediaType, durationMs: intro.durationMs, transcript: intro.transcript, uploadedAt: at.toISOString() };
  }

  async intro(viewerId: string, memberId: string): Promise<{ audio: Buffer; mediaType: string; durationMs: number }> {
    const id = await this.#visible(viewerId, memberId);
    const intro = await this.#store.intro(id);
    if (!intro) throw new EngineError('not_found', 'intro_not_found', 'this member has no intro', 'memberId');
    return intro;
  }

  async close(): Promise<void> {
    await this.idle();
    await this.#faces.close();
    const models = this.#models;
    this.#models = undefined;
    await models?.then((m) => m.close?.()).catch(() => undefined);
  }

  // ---- internals ----

  #loadModels(): Promise<IntroModels> {
    if (!this.#models) {
      this.#models = this.#introModels();
      // A failed load (a model missing from the cache) is tried again on the next intro.
      this.#models.catch(() => (this.#models = undefined));
    }
    return this.#models;
  }

  async #row(memberId: string): Promise<ProfileRow> {
    const row = await this.#store.get(requireUuid(memberId, 'memberId'));
    if (!row) throw new EngineError('not_found', 'member_not_found', 'member not found', 'memberId');
    return row;
  }

  async #visible(viewerId: string, memberId: string): Promise<string> {
    const viewer = requireUuid(viewerId, 'viewerId');
    const id = requireUuid(memberId, 'memberId');
    const exists = await this.#store.memberExists(id);
    if (!exists || (viewer !== id && (await this.#blocks.hasBlocked(id, viewer)))) throw new EngineError('not_found', 'member_not_found', 'member not found', 'memberId');
    return id;
  }

  async #gate(row: ProfileRow): Promise<GatingResult> {
    return this.#gateWith(row, await this.#restrictions.activeRestriction(row.memberId));
  }

  #gateWith(row: ProfileRow, restriction: Restriction | null): GatingResult {
    return evaluateGating(
      {
        photo: row.photo,
        connectionCount: row.connectionCount,
        experience: row.experience,
        intro: row.intro,
        timeZone: row.timeZone,
        hasAvailability: hasWeeklyTime(row.availability),
        restriction,
        optedIn: row.optedIn,
      },
      this.#limits,
    );
  }

  async #changed(memberId: string, kind: ProfileChangeKind): Promise<MatchingProfileView> {
    const row = await this.#row(memberId);
    const texts = toMember(row).texts;
    for (const listener of this.#listeners) {
      const run = Promise.resolve()
        .then(() => listener(memberId, texts, kind))
        .then(
          () => undefined,
          (err: unknown) => this.#log?.warn({ err, memberId, kind }, 'a matching profile listener failed'),
        );
      this.#running.add(run);
      void run.finally(() => this.#running.delete(run));
    }
    return toView(row);
  }
}

export function photoUrl(memberId: string): string {
  return `/v1/members/${memberId}/photo`;
}

export function introUrl(memberId: string): string {
  return `/v1/members/${memberId}/intro`;
}

function toMember(r: ProfileRow): MatchingMember {
  const transcript = r.intro?.transcript ?? null;
  return {
    memberId: r.memberId,
    displayName: r.displayName,
    headline: r.headline,
    experience: r.experience,
    skills: r.skills,
    offers: r.offers,
    seeks: r.seeks,
    languages: r.languages,
    timeZone: r.timeZone,
    availability: r.availability,
    introTranscript: transcript,
    optedIn: r.optedIn,
    connectionCount: r.connectionCount,
    texts: {
      headline: r.headline,
      experience: r.experience,
      skills: r.skills,
      offers: r.offers,
      seeks: r.seeks,
      ...(transcript ? { introTranscript: transcript } : {}),
    },
  };
}

function toView(r: ProfileRow): MatchingProfileView {
  return {
    memberId: r.memberId,
    headline: r.headline,
    experience: r.experience,
    skills: r.skills,
    offers: r.offers,
    seeks: r.seeks,
    languages: r.languages,
    timeZone: r.timeZone,
    availability: r.availability,
    optedIn: r.optedIn,
    photo: r.photo && { url: photoUrl(r.memberId), width: r.photo.width, height: r.photo.height, faceScore: r.photo.faceScore, uploadedAt: r.photo.createdAt.toISOString() },
    intro: r.intro && { url: introUrl(r.memberId), mediaType: r.intro.mediaType, durationMs: r.intro.durationMs, transcript: r.intro.transcript, uploadedAt: r.intro.createdAt.toISOString() },
    updatedAt: r.updatedAt?.toISOString() ?? null,
  };
}
