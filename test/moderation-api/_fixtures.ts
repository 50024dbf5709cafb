// Shared setup for the trust-and-safety API tests (not a test file): a stack without agent workers, members, live
// rooms, and what the agent and the moderation evaluator would have written (segments, classifications, flag
// cases, evidence clips), inserted straight into the database.
import crypto from 'node:crypto';
import test from 'ava';
import type pg from 'pg';
import { CaseStore } from '../../engine/cases/case-store.js';
import type { ApiClient } from '../support/api-client.js';
import { startTestStack, type TestStack } from '../support/stack.js';

export interface Member {
  client: ApiClient;
  memberId: string;
  email: string;
}

/** One stack per test file, stopped after it. */
export function useStack(env: Record<string, string> = {}): { readonly env: TestStack; readonly pool: pg.Pool } {
  let stack: TestStack | undefined;
  test.before(async () => {
    stack = await startTestStack({ workers: 0, env });
  });
  test.after.always(async () => {
    await stack?.stop();
  });
  return {
    get env(): TestStack {
      if (!stack) throw new Error('the test stack is not started yet');
      return stack;
    },
    get pool(): pg.Pool {
      if (!stack) throw new Error('the test stack is not started yet');
      return stack.stack.database.pool;
    },
  };
}

export async function member(env: TestStack, name: string): Promise<Member> {
  return env.api.signUp(name);
}

export async function staff(env: TestStack, name = 'Sam Safety', role: 'trust_safety' | 'admin' = 'trust_safety'): Promise<Member> {
  const m = await env.api.signUp(name);
  await env.stack.database.pool.query(`UPDATE members SET platform_roles = ARRAY['member', $2] WHERE id = $1`, [m.memberId, role]);
  return { ...m, client: await env.api.logIn(m.email) };
}

export async function liveRoom(host: Member, title = 'Safety test'): Promise<string> {
  const res = await host.client.post('/v1/rooms', { title });
  if (res.status !== 201) throw new Error(`create room: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

export async function joinRoom(m: Member, roomId: string): Promise<void> {
  const res = await m.client.post(`/v1/rooms/${roomId}/join`, { acceptTranscription: true });
  if (res.status !== 200) throw new Error(`join: ${res.status} ${JSON.stringify(res.body)}`);
}

/** A transcript segment as the agent stores it (and its classification when scores are given); returns its id. */
export async function segment(
  pool: pg.Pool,
  s: { roomId: string; speaker: string; text: string; at?: Date; scores?: Record<string, number>; categories?: string[] },
): Promise<string> {
  const at = s.at ?? new Date();
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO transcript_segments (room_id, segment_key, speaker_identity, track_sid, started_at, ended_at, text, model)
     VALUES ($1, $2, $3, 'TR_test', $4, $5, $6, 'moonshine-base-en') RETURNING id`,
    [s.roomId, crypto.randomUUID(), s.speaker, at, new Date(at.getTime() + 2000), s.text],
  );
  const id = String(rows[0]!.id);
  if (s.scores) {
    await pool.query(
      // evaluated_at set: as if the moderation evaluator had already acted on it (these tests open the cases themselves).
      `INSERT INTO segment_classifications (segment_id, room_id, speaker_identity, scores, categories, model_version, taxonomy_version, policy_version, evaluated_at)
       VALUES ($1, $2, $3, $4, $5, 'harm-head-v1', 'harm-taxonomy-v1', 'platform-v1', now())`,
      [id, s.roomId, s.speaker, JSON.stringify(s.scores), s.categories ?? []],
    );
  }
  return id;
}

/** A flag case as the moderation evaluator opens it for a flagged segment. */
export async function flagCase(pool: pg.Pool, f: { roomId: string; memberId: string; segmentId: string; category?: string; score?: number }): Promise<string> {
  const category = (f.category ?? 'threat') as 'threat';
  const score = f.score ?? 0.9;
  const opened = await new CaseStore(pool).openOrMerge({
    kind: 'flag',
    subjectMemberId: f.memberId,
    roomId: f.roomId,
    categories: [category],
    scores: { [category]: score },
    dedupeKey: `flag:${f.memberId}:${f.roomId}`,
    eventKey: `segment:${f.segmentId}`,
    actor: { kind: 'system' },
    detail: {
      segmentId: f.segmentId,
      scores: { [category]: score },
      categories: [category],
      modelVersion: 'harm-head-v1',
      taxonomyVersion: 'harm-taxonomy-v1',
      policyVersion: 'platform-v1',
      action: 'notify_host',
      step: 1,
    },
  });
  return opened.caseId;
}

/** An evidence clip for a segment, as the agent saves it; returns the clip id. */
export async function evidenceClip(pool: pg.Pool, segmentId: string, retainDays = 30): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO evidence_clips (segment_id, room_id, speaker_identity, media_type, audio, duration_ms, lead_ms, retain_until)
     SELECT id, room_id, speaker_identity, 'audio/flac', $2, 3000, 1000, now() + make_interval(days => $3::int) FROM transcript_segments WHERE id = $1
     RETURNING id`,
    [segmentId, Buffer.from('fLaC-test-audio-bytes'), retainDays],
  );
  return String(rows[0]!.id);
}

export { eventually } from '../stage-api/_fixtures.js';
