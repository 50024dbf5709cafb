// Shared setup for the suggestion tests (not a test file). Members sign up through the API; their matching profile,
// availability and opt-in go through MatchingProfileService (so the embeddings are computed by the real local encoder
// through the stack's onProfileChanged hook). The gating facts that are not the point here — a photo with a face,
// an accepted intro, enough connections — are SET STRAIGHT IN THE DATABASE as setup: the upload paths have their
// own tests in test/matching-profile.
import crypto from 'node:crypto';
import type { Availability } from '../../matcher/availability.js';
import { SuggestionService, type SuggestionSettings } from '../../engine/matching/suggestion-service.js';
import type { ApiClient } from '../support/api-client.js';
import type { TestStack } from '../support/stack.js';

export const DESCRIPTION = 'Led a team of twelve engineers building the platform behind billing, fraud detection and reporting for years.';

export interface Persona {
  name: string;
  headline: string;
  offers: string[];
  seeks: string[];
  skills?: string[];
  languages?: string[];
  timeZone: string;
  availability: Availability;
  /** false leaves the member out of matching (not opted in). */
  optIn?: boolean;
}

export interface TestMember {
  memberId: string;
  client: ApiClient;
  email: string;
  name: string;
}

export async function gatingFactsInDb(env: TestStack, memberId: string): Promise<void> {
  const db = env.stack.database.pool;
  // Setup, not the behaviour under test: a stored photo (as if the face detector had accepted it), an accepted intro
  // and the connection count gating asks for.
  await db.query(
    `INSERT INTO member_photos (member_id, bytes, media_type, width, height, face_score, face_detector) VALUES ($1, $2, 'image/jpeg', 64, 64, 0.95, 'test-fixture')
     ON CONFLICT (member_id) DO NOTHING`,
    [memberId, Buffer.from([0xff, 0xd8, 0xff, 0xd9])],
  );
  await db.query(
    `INSERT INTO member_intros (member_id, audio, media_type, duration_ms, transcript) VALUES ($1, $2, 'audio/wav', 12000, NULL) ON CONFLICT (member_id) DO NOTHING`,
    [memberId, Buffer.from('RIFF')],
  );
  await db.query('UPDATE matching_profiles SET imported_connections = 10 WHERE member_id = $1', [memberId]);
}

export async function makeMember(env: TestStack, p: Persona): Promise<TestMember> {
  const m = await env.api.signUp(p.name);
  const profiles = env.stack.services.matchingProfiles;
  await profiles.putProfile(m.memberId, {
    headline: p.headline,
    experience: [
      { role: p.headline.slice(0, 60), company: 'Acme', years: 5, description: `${p.headline}. ${DESCRIPTION}` },
      { role: 'Earlier role', company: 'Initech', years: 3, description: DESCRIPTION },
    ],
    skills: p.skills ?? [],
    offers: p.offers,
    seeks: p.seeks,
    languages: p.languages ?? ['en'],
  });
  await profiles.putAvailability(m.memberId, { timeZone: p.timeZone, availability: p.availability });
  await gatingFactsInDb(env, m.memberId);
  if (p.optIn !== false) await profiles.setOptIn(m.memberId, true);
  await profiles.idle();
  return { memberId: m.memberId, client: m.client, email: m.email, name: p.name };
}

/** A suggestion service on the stack's profiles, embeddings and notifications with its own clock and settings. */
export function serviceAt(env: TestStack, clock: { now: number }, settings: Partial<SuggestionSettings> = {}): SuggestionService {
  const s = env.stack.services;
  return new SuggestionService({ pool: env.stack.database.pool, profiles: s.matchingProfiles, embeddings: s.embeddings, notifications: s.notifications, settings, now: () => clock.now });
}

export const FOUNDER: Omit<Persona, 'name' | 'timeZone' | 'availability'> = {
  headline: 'Founder and CEO of a seed-stage climate software startup',
  offers: ['Customer discovery interviews and early B2B sales'],
  seeks: ['Advice on raising a seed round from venture capital investors'],
  skills: ['sales', 'product management'],
};
export const INVESTOR: Omit<Persona, 'name' | 'timeZone' | 'availability'> = {
  headline: 'Partner at an early-stage venture capital fund',
  offers: ['I help founders prepare fundraising pitches and raise seed rounds'],
  seeks: ['Learning how B2B startups run customer discovery and early sales'],
  skills: ['sales', 'fundraising'],
};
export const SRE: Omit<Persona, 'name' | 'timeZone' | 'availability'> = {
  headline: 'Staff site reliability engineer',
  offers: ['Kubernetes operations, incident response and on-call practices'],
  seeks: ['A mentor for moving into engineering management'],
  skills: ['kubernetes'],
};

export const WEEKDAY_MORNINGS: Availability = { parts: ['weekday_mornings'] };
export const WEEKDAY_EVENINGS: Availability = { parts: ['weekday_evenings'] };

export function uuid(): string {
  return crypto.randomUUID();
}

export async function countRows(env: TestStack, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await env.stack.database.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${sql}) x`, params);
  return rows[0]!.n;
}
