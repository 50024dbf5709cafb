// Trust-and-safety cases as stored. Every change asks transition() first, then appends its case_events row and updates
// the moderation_cases row in ONE transaction, so the status never disagrees with the log. Sanctions are not applied
// here: decide() and resolveAppeal() take a callback that runs inside that same transaction, so the caller's sanction
// (the member_sanctions store) commits or rolls back together with the decision.
import crypto from 'node:crypto';
import type pg from 'pg';
import { inTransaction, isUniqueViolation, type Queryable } from '../../db/queryable.js';
import { isHarmCategory, type HarmCategory } from '../../models/classifier/taxonomy.js';
import { CaseError } from './case-error.js';
import { casePriority, DEFAULT_PRIORITY_WEIGHTS, validatePriorityWeights, type PriorityWeights } from './case-priority.js';
import {
  CASE_KINDS,
  CASE_STATUSES,
  DECISIONS,
  isCaseKind,
  isDecision,
  transition,
  type CaseEvent,
  type CaseEventType,
  type CaseKind,
  type CaseStatus,
  type Decision,
} from './case-transitions.js';

export type CaseActor = { kind: 'system' } | { kind: 'member'; memberId: string };

export interface CaseStoreOptions {
  /** How long a claim keeps other reviewers off a case. Default 600. */
  leaseSeconds?: number;
  /** The clock for every stored time (tests pass a fixed one). */
  now?: () => Date;
  priorityWeights?: PriorityWeights;
  /** The reviewer who made a decision may not resolve its appeal. Default true; a one-moderator install sets false. */
  independentAppeals?: boolean;
}

export interface CaseSummary {
  id: string;
  kind: CaseKind;
  status: CaseStatus;
  subjectMemberId: string | null;
  roomId: string | null;
  categories: HarmCategory[];
  scores: Partial<Record<HarmCategory, number>>;
  maxScore: number | null;
  priority: number;
  evidenceCount: number;
  dedupeKey: string | null;
  appealOfDecisionId: string | null;
  /** The reviewer holding the case, while the lease runs. */
  lease: { holder: string; expiresAt: string } | null;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  lastEventId: string | null;
}

export interface CaseEventRecord {
  id: string;
  caseId: string;
  at: string;
  actor: { kind: 'system' } | { kind: 'member'; memberId: string | null };
  type: CaseEventType;
  reason: string | null;
  durationSeconds: number | null;
  expiresAt: string | null;
  batchId: string | null;
  dedupeKey: string | null;
  visibleToSubject: boolean;
  detail: Record<string, unknown>;
}

export type AppealOutcome = 'upheld' | 'overturned';

/** A decision as staff see it (and as onDecided receives it). */
export interface DecisionRecord {
  id: string;
  caseId: string;
  eventId: string;
  subjectMemberId: string | null;
  decision: Decision;
  /** What the member is told. */
  memberReason: string;
  decidedBy: string | null;
  decidedAt: string;
  durationSeconds: number | null;
  /** Only for suspend. */
  expiresAt: string | null;
  batchId: string | null;
  appeal: { appealedAt: string; caseId: string | null; outcome: AppealOutcome | null; reason: string | null; resolvedAt: string | null } | null;
}

/** A decision as its member sees it: no reviewer, no internal reason, no internal notes. */
export interface MemberDecision {
  id: string;
  decision: Exclude<Decision, 'dismiss'>;
  reason: string;
  categories: HarmCategory[];
  roomId: string | null;
  decidedAt: string;
  expiresAt: string | null;
  canAppeal: boolean;
  appeal: { status: 'pending' | AppealOutcome; appealedAt: string; statement: string | null; reason: string | null; resolvedAt: string | null } | null;
  /** Staff notes marked visible to the member, on the case and its appeal. */
  messages: { at: string; text: string }[];
}

export interface OpenOrMergeInput {
  /** Appeals are opened by appeal(). */
  kind: Exclude<CaseKind, 'appeal'>;
  subjectMemberId?: string | null;
  roomId?: string | null;
  categories: readonly HarmCategory[];
  scores?: Readonly<Partial<Record<HarmCategory, number>>>;
  /** Defaults to the highest of `scores`. */
  maxScore?: number | null;
  /** An OPEN case with this key takes the new evidence instead of a new case opening (e.g. `flag:<member>:<room>`). */
  dedupeKey?: string;
  /** Makes the event idempotent: the same key on the same case is recorded once (e.g. `segment:<id>`). */
  eventKey?: string;
  actor: CaseActor;
  reason?: string;
  /** Plain JSON evidence (segment ids, model versions); `categories` and `scores` are set by the store. */
  detail?: Record<string, unknown>;
}

export interface OpenOrMergeResult {
  caseId: string;
  /** `duplicate`: the eventKey was already recorded on the open case; nothing changed. */
  outcome: 'opened' | 'merged' | 'duplicate';
  priority: number;
  eventId: string | null;
}

export interface QueueQuery {
  /** Default `open`. */
  status?: CaseStatus | 'any';
  kind?: CaseKind;
  category?: HarmCategory;
  roomId?: string;
  subjectMemberId?: string;
  /** Only cases nobody holds a live lease on. */
  unclaimedOnly?: boolean;
  /** created_at before / after. */
  olderThan?: Date;
  newerThan?: Date;
  limit: number;
  cursor?: string;
}

export interface DecideInput {
  decision: Decision;
  /** The reviewer's reason: in the staff log, and shown to the member unless memberMessage is given. */
  reason: string;
  memberMessage?: string;
  /** Required for suspend, refused otherwise. */
  durationSeconds?: number;
  batchId?: string;
  /** Runs inside the decision's transaction; throwing rolls the decision back. Write the sanction here. */
  onDecided?: (client: Queryable, decision: DecisionRecord) => Promise<void>;
}

export interface ResolveAppealInput {
  /** What the member is told about the outcome; defaults to reason. */
  memberMessage?: string;
  /** Runs inside the transaction; an overturned appeal lifts the sanction here. */
  onResolved?: (client: Queryable, decision: DecisionRecord, outcome: AppealOutcome) => Promise<void>;
}

export type BatchResult = { caseId: string; ok: true; decision: DecisionRecord } | { caseId: string; ok: false; code: CaseError['code'] | 'error'; message: string };

interface CaseRow {
  id: string;
  kind: CaseKind;
  status: CaseStatus;
  subject_member_id: string | null;
  room_id: string | null;
  categories: HarmCategory[];
  scores: Partial<Record<HarmCategory, number>>;
  max_score: number | null;
  priority: number;
  evidence_count: number;
  dedupe_key: string | null;
  appeal_of_decision_id: string | null;
  lease_holder: string | null;
  lease_expires_at: Date | null;
  created_at: Date;
  created_key: string;
  updated_at: Date;
  resolved_at: Date | null;
  last_event_id: string | null;
}

interface EventRow {
  id: string;
  case_id: string;
  at: Date;
  actor_kind: 'system' | 'member';
  actor_id: string | null;
  type: CaseEventType;
  reason: string | null;
  duration_seconds: number | null;
  expires_at: Date | null;
  batch_id: string | null;
  dedupe_key: string | null;
  visible_to_subject: boolean;
  detail: Record<string, unknown>;
}

interface DecisionRow {
  id: string;
  case_id: string;
  event_id: string;
  subject_member_id: string | null;
  decision: Decision;
  member_reason: string;
  decided_by: string | null;
  decided_at: Date;
  duration_seconds: number | null;
  expires_at: Date | null;
  batch_id: string | null;
  appealed_at: Date | null;
  appeal_case_id: string | null;
  appeal_outcome: AppealOutcome | null;
  appeal_reason: string | null;
  appeal_resolved_at: Date | null;
}

// created_key: created_at as text, exact to the microsecond, for the keyset cursor (a JS Date keeps only ms).
const CASE_COLUMNS = `id, kind, status, subject_member_id, room_id, categories, scores, max_score, priority, evidence_count, dedupe_key,
  appeal_of_decision_id, lease_holder, lease_expires_at, created_at, created_at::text AS created_key, updated_at, resolved_at, last_event_id`;
const EVENT_COLUMNS = 'id, case_id, at, actor_kind, actor_id, type, reason, duration_seconds, expires_at, batch_id, dedupe_key, visible_to_subject, detail';
const DECISION_COLUMNS = `id, case_id, event_id, subject_member_id, decision, member_reason, decided_by, decided_at, duration_seconds, expires_at,
  batch_id, appealed_at, appeal_case_id, appeal_outcome, appeal_reason, appeal_resolved_at`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_TEXT = 10_000;
const MAX_KEY = 200;
const MAX_LIMIT = 200;
const MAX_BATCH = 500;
const MAX_DURATION_SECONDS = 10 * 366 * 24 * 3600;

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

function uuid(where: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || !UUID.test(value)) throw new TypeError(`${where}: ${name} must be a uuid`);
  return value;
}

function optionalUuid(where: string, name: string, value: unknown): string | null {
  return value === undefined || value === null ? null : uuid(where, name, value);
}

function text(where: string, name: string, value: unknown, max = MAX_TEXT): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) throw new TypeError(`${where}: ${name} must be a non-empty string of at most ${max} characters`);
  return value;
}

function optionalText(where: string, name: string, value: unknown, max = MAX_TEXT): string | null {
  return value === undefined || value === null ? null : text(where, name, value, max);
}

function actorOf(where: string, actor: unknown): CaseActor {
  const a = actor as CaseActor | undefined;
  if (!a || (a.kind !== 'system' && a.kind !== 'member')) throw new TypeError(`${where}: actor.kind must be "system" or "member"`);
  return a.kind === 'member' ? { kind: 'member', memberId: uuid(where, 'actor.memberId', a.memberId) } : { kind: 'system' };
}

function plainDetail(where: string, detail: unknown): Record<string, unknown> {
  if (detail === undefined) return {};
  if (!detail || typeof detail !== 'object' || Array.isArray(detail)) throw new TypeError(`${where}: detail must be a plain object`);
  return detail as Record<string, unknown>;
}

function toSummary(r: CaseRow): CaseSummary {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    subjectMemberId: r.subject_member_id,
    roomId: r.room_id,
    categories: r.categories,
    scores: r.scores,
    maxScore: r.max_score,
    priority: r.priority,
    evidenceCount: r.evidence_count,
    dedupeKey: r.dedupe_key,
    appealOfDecisionId: r.appeal_of_decision_id,
    lease: r.lease_holder && r.lease_expires_at ? { holder: r.lease_holder, expiresAt: r.lease_expires_at.toISOString() } : null,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    resolvedAt: iso(r.resolved_at),
    lastEventId: r.last_event_id === null ? null : String(r.last_event_id),
  };
}

function toEvent(r: EventRow): CaseEventRecord {
  return {
    id: String(r.id),
    caseId: r.case_id,
    at: r.at.toISOString(),
    actor: r.actor_kind === 'system' ? { kind: 'system' } : { kind: 'member', memberId: r.actor_id },
    type: r.type,
    reason: r.reason,
    durationSeconds: r.duration_seconds,
    expiresAt: iso(r.expires_at),
    batchId: r.batch_id,
    dedupeKey: r.dedupe_key,
    visibleToSubject: r.visible_to_subject,
    detail: r.detail,
  };
}

function toDecision(r: DecisionRow): DecisionRecord {
  return {
    id: r.id,
    caseId: r.case_id,
    eventId: String(r.event_id),
    subjectMemberId: r.subject_member_id,
    decision: r.decision,
    memberReason: r.member_reason,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at.toISOString(),
    durationSeconds: r.duration_seconds,
    expiresAt: iso(r.expires_at),
    batchId: r.batch_id,
    appeal: r.appealed_at
      ? { appealedAt: r.appealed_at.toISOString(), caseId: r.appeal_case_id, outcome: r.appeal_outcome, reason: r.appeal_reason, resolvedAt: iso(r.appeal_resolved_at) }
      : null,
  };
}

interface NewEvent {
  actor: CaseActor;
  type: CaseEventType;
  reason?: string | null;
  durationSeconds?: number | null;
  expiresAt?: Date | null;
  batchId?: string | null;
  dedupeKey?: string | null;
  visibleToSubject?: boolean;
  detail?: Record<string, unknown>;
}

/** Columns of moderation_cases a change may set (besides updated_at and last_event_id, always set). */
type CaseChange = Partial<{
  status: CaseStatus;
  categories: string[];
  scores: string;
  max_score: number | null;
  priority: number;
  evidence_count: number;
  lease_holder: string | null;
  lease_expires_at: Date | null;
  resolved_at: Date | null;
}>;

export class CaseStore {
  readonly #leaseSeconds: number;
  readonly #now: () => Date;
  readonly #weights: PriorityWeights;
  readonly #independentAppeals: boolean;

  constructor(
    private readonly pool: pg.Pool,
    options: CaseStoreOptions = {},
  ) {
    const leaseSeconds = options.leaseSeconds ?? 600;
    if (!Number.isInteger(leaseSeconds) || leaseSeconds < 1 || leaseSeconds > 86_400) throw new TypeError('CaseStore: leaseSeconds must be an integer in [1, 86400]');
    if (options.now !== undefined && typeof options.now !== 'function') throw new TypeError('CaseStore: now must be a function returning a Date');
    if (options.priorityWeights !== undefined) validatePriorityWeights(options.priorityWeights);
    this.#leaseSeconds = leaseSeconds;
    this.#now = options.now ?? (() => new Date());
    this.#weights = options.priorityWeights ?? DEFAULT_PRIORITY_WEIGHTS;
    this.#independentAppeals = options.independentAppeals ?? true;
  }

  /**
   * Opens a case, or, when an OPEN case has the same dedupeKey, merges the new evidence into it (evidence_added):
   * categories are united, per-category scores keep their maximum and the priority rises with the repeat count.
   * Safe under concurrency: the open case is locked, and a racing insert loses to the partial unique index.
   */
  async openOrMerge(input: OpenOrMergeInput): Promise<OpenOrMergeResult> {
    const where = 'CaseStore.openOrMerge';
    if (!input || typeof input !== 'object') throw new TypeError(`${where}: input must be an object`);
    if (!isCaseKind(input.kind) || (input.kind as CaseKind) === 'appeal') throw new TypeError(`${where}: kind must be flag, report or wellbeing (appeals are opened by appeal())`);
    const subject = optionalUuid(where, 'subjectMemberId', input.subjectMemberId);
    const room = optionalUuid(where, 'roomId', input.roomId);
    if (subject === null && room === null) throw new TypeError(`${where}: a case needs a subjectMemberId or a roomId`);
    if (!Array.isArray(input.categories)) throw new TypeError(`${where}: categories must be an array of harm categories`);
    for (const c of input.categories) if (!isHarmCategory(c)) throw new TypeError(`${where}: categories has ${String(c)}, not a harm category`);
    const categories = [...new Set(input.categories)];
    const scores = this.#scores(where, input.scores ?? {}, categories);
    const values = Object.values(scores) as number[];
    let maxScore = values.length ? Math.max(...values) : null;
    if (input.maxScore !== undefined && input.maxScore !== null) {
      if (typeof input.maxScore !== 'number' || !Number.isFinite(input.maxScore) || input.maxScore < 0 || input.maxScore > 1) throw new TypeError(`${where}: maxScore must be a number in [0, 1]`);
      maxScore = input.maxScore;
    }
    const dedupeKey = optionalText(where, 'dedupeKey', input.dedupeKey, MAX_KEY);
    const eventKey = optionalText(where, 'eventKey', input.eventKey, MAX_KEY);
    const actor = actorOf(where, input.actor);
    const reason = optionalText(where, 'reason', input.reason);
    const detail = { ...plainDetail(where, input.detail), categories, scores };

    return inTransaction(this.pool, async (q) => {
      // Normally one pass; a second one only when a racing open committed between our look and our insert.
      for (let attempt = 0; attempt < 3; attempt++) {
        const now = this.#now();
        if (dedupeKey !== null) {
          const { rows } = await q.query<CaseRow>(`SELECT ${CASE_COLUMNS} FROM moderation_cases WHERE dedupe_key = $1 AND status = 'open' FOR UPDATE`, [dedupeKey]);
          const open = rows[0];
          if (open) {
            if (eventKey !== null) {
              const dup = await q.query('SELECT 1 FROM case_events WHERE case_id = $1 AND dedupe_key = $2', [open.id, eventKey]);
              if (dup.rows.length) return { caseId: open.id, outcome: 'duplicate', priority: open.priority, eventId: null };
            }
            if (open.kind !== input.kind) throw new CaseError('conflict', `the open case with this dedupe key is a ${open.kind} case, not a ${input.kind} case`);
            this.#check(open, { type: 'evidence_added' });
            const mergedScores: Partial<Record<HarmCategory, number>> = { ...open.scores };
            for (const [c, s] of Object.entries(scores) as [HarmCategory, number][]) mergedScores[c] = Math.max(mergedScores[c] ?? 0, s);
            const mergedCategories = [...new Set([...open.categories, ...categories])];
            const evidenceCount = open.evidence_count + 1;
            const priority = Math.max(
              open.priority,
              casePriority({ kind: open.kind, categories: mergedCategories, scores: mergedScores, repeatCount: evidenceCount - 1 }, this.#weights),
            );
            const mergedMax = open.max_score === null ? maxScore : maxScore === null ? open.max_score : Math.max(open.max_score, maxScore);
            const eventId = await this.#append(q, open.id, now, { actor, type: 'evidence_added', reason, dedupeKey: eventKey, detail });
            await this.#update(q, open.id, now, eventId, {
              categories: mergedCategories,
              scores: JSON.stringify(mergedScores),
              max_score: mergedMax,
              priority,
              evidence_count: evidenceCount,
            });
            return { caseId: open.id, outcome: 'merged', priority, eventId };
          }
        }
        this.#check({ kind: input.kind, status: 'none' }, { type: 'opened' });
        const priority = casePriority({ kind: input.kind, categories, scores, repeatCount: 0 }, this.#weights);
        const { rows } = await q.query<{ id: string }>(
          `INSERT INTO moderation_cases (kind, subject_member_id, room_id, categories, scores, max_score, priority, dedupe_key, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
           ON CONFLICT (dedupe_key) WHERE status = 'open' AND dedupe_key IS NOT NULL DO NOTHING RETURNING id`,
          [input.kind, subject, room, categories, JSON.stringify(scores), maxScore, priority, dedupeKey, now],
        );
        const id = rows[0]?.id;
        if (id === undefined) continue; // lost the race: merge into the winner's case
        const eventId = await this.#append(q, id, now, { actor, type: 'opened', reason, dedupeKey: eventKey, detail });
        await this.#update(q, id, now, eventId, {});
        return { caseId: id, outcome: 'opened', priority, eventId };
      }
      throw new CaseError('conflict', 'the open case with this dedupe key kept changing; try again');
    });
  }

  /** Cases by priority (highest first), then oldest first; keyset-paged by the returned cursor. */
  async queue(query: QueueQuery): Promise<{ cases: CaseSummary[]; nextCursor: string | null }> {
    const where = 'CaseStore.queue';
    if (!query || typeof query !== 'object') throw new TypeError(`${where}: query must be an object`);
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_LIMIT) throw new TypeError(`${where}: limit must be an integer in [1, ${MAX_LIMIT}]`);
    const status = query.status ?? 'open';
    if (status !== 'any' && !(CASE_STATUSES as readonly string[]).includes(status)) throw new TypeError(`${where}: status must be any or one of ${CASE_STATUSES.join(', ')}`);
    if (query.kind !== undefined && !isCaseKind(query.kind)) throw new TypeError(`${where}: kind must be one of ${CASE_KINDS.join(', ')}`);
    if (query.category !== undefined && !isHarmCategory(query.category)) throw new TypeError(`${where}: category must be a harm category`);
    for (const key of ['olderThan', 'newerThan'] as const) {
      const d = query[key];
      if (d !== undefined && !(d instanceof Date && Number.isFinite(d.getTime()))) throw new TypeError(`${where}: ${key} must be a valid Date`);
    }

    const conditions: string[] = [];
    const values: unknown[] = [];
    const add = (sql: string, ...vs: unknown[]) => {
      let s = sql;
      for (const v of vs) {
        values.push(v);
        s = s.replace('?', `$${values.length}`);
      }
      conditions.push(s);
    };
    if (status !== 'any') add('status = ?', status);
    if (query.kind !== undefined) add('kind = ?', query.kind);
    if (query.category !== undefined) add('categories @> ARRAY[?]::text[]', query.category);
    if (query.roomId !== undefined) add('room_id = ?', uuid(where, 'roomId', query.roomId));
    if (query.subjectMemberId !== undefined) add('subject_member_id = ?', uuid(where, 'subjectMemberId', query.subjectMemberId));
    if (query.unclaimedOnly) add('(lease_holder IS NULL OR lease_expires_at <= ?)', this.#now());
    if (query.olderThan !== undefined) add('created_at < ?', query.olderThan);
    if (query.newerThan !== undefined) add('created_at > ?', query.newerThan);
    if (query.cursor !== undefined) {
      const [priority, createdKey, id] = decodeCursor(query.cursor);
      add('(priority < ? OR (priority = ? AND (created_at, id) > (?::timestamptz, ?::uuid)))', priority, priority, createdKey, id);
    }
    values.push(query.limit + 1);
    const { rows } = await this.pool.query<CaseRow>(
      `SELECT ${CASE_COLUMNS} FROM moderation_cases ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
       ORDER BY priority DESC, created_at ASC, id ASC LIMIT $${values.length}`,
      values,
    );
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return { cases: page.map(toSummary), nextCursor: rows.length > query.limit && last ? encodeCursor([last.priority, last.created_key, last.id]) : null };
  }

  /** Takes the case for `leaseSeconds`. Refused with lease_held while another reviewer's lease runs; an expired one is taken over. */
  async claim(caseId: string, reviewerId: string): Promise<{ caseId: string; holder: string; expiresAt: string }> {
    const where = 'CaseStore.claim';
    uuid(where, 'caseId', caseId);
    uuid(where, 'reviewerId', reviewerId);
    return this.#change(caseId, async (q, row, now) => {
      this.#check(row, { type: 'claimed' });
      this.#assertNotHeldByOther(row, reviewerId, now);
      if (row.subject_member_id === reviewerId) throw new CaseError('forbidden', 'a reviewer cannot review a case about themselves');
      const expiresAt = new Date(now.getTime() + this.#leaseSeconds * 1000);
      const previous = row.lease_holder && row.lease_holder !== reviewerId ? { previousHolder: row.lease_holder } : {};
      const eventId = await this.#append(q, caseId, now, { actor: { kind: 'member', memberId: reviewerId }, type: 'claimed', expiresAt, detail: previous });
      await this.#update(q, caseId, now, eventId, { lease_holder: reviewerId, lease_expires_at: expiresAt });
      return { caseId, holder: reviewerId, expiresAt: expiresAt.toISOString() };
    });
  }

  /** Extends the caller's lease; lease_not_held when someone else has the case (or nobody). */
  async renew(caseId: string, reviewerId: string): Promise<{ caseId: string; holder: string; expiresAt: string }> {
    const where = 'CaseStore.renew';
    uuid(where, 'caseId', caseId);
    uuid(where, 'reviewerId', reviewerId);
    return this.#change(caseId, async (q, row, now) => {
      this.#check(row, { type: 'lease_renewed' });
      // An expired lease nobody took over is still the holder's to renew.
      if (row.lease_holder !== reviewerId) throw new CaseError('lease_not_held', 'renew needs the caller to hold the case');
      const expiresAt = new Date(now.getTime() + this.#leaseSeconds * 1000);
      const eventId = await this.#append(q, caseId, now, { actor: { kind: 'member', memberId: reviewerId }, type: 'lease_renewed', expiresAt });
      await this.#update(q, caseId, now, eventId, { lease_expires_at: expiresAt });
      return { caseId, holder: reviewerId, expiresAt: expiresAt.toISOString() };
    });
  }

  async release(caseId: string, reviewerId: string): Promise<void> {
    const where = 'CaseStore.release';
    uuid(where, 'caseId', caseId);
    uuid(where, 'reviewerId', reviewerId);
    await this.#change(caseId, async (q, row, now) => {
      this.#check(row, { type: 'released' });
      if (row.lease_holder !== reviewerId) throw new CaseError('lease_not_held', 'release needs the caller to hold the case');
      const eventId = await this.#append(q, caseId, now, { actor: { kind: 'member', memberId: reviewerId }, type: 'released' });
      await this.#update(q, caseId, now, eventId, { lease_holder: null, lease_expires_at: null });
    });
  }

  /** A note on the case; internal unless visibleToSubject (then the member sees it with their decisions). No lease needed. */
  async addNote(caseId: string, actor: CaseActor, note: string, options: { visibleToSubject?: boolean; eventKey?: string } = {}): Promise<string> {
    const where = 'CaseStore.addNote';
    uuid(where, 'caseId', caseId);
    const a = actorOf(where, actor);
    text(where, 'text', note);
    if (options.visibleToSubject !== undefined && typeof options.visibleToSubject !== 'boolean') throw new TypeError(`${where}: visibleToSubject must be a boolean`);
    const eventKey = optionalText(where, 'eventKey', options.eventKey, MAX_KEY);
    return this.#change(caseId, async (q, row, now) => {
      this.#check(row, { type: 'note_added' });
      if (eventKey !== null) {
        const dup = await q.query<{ id: string }>('SELECT id FROM case_events WHERE case_id = $1 AND dedupe_key = $2', [caseId, eventKey]);
        if (dup.rows[0]) return String(dup.rows[0].id);
      }
      const eventId = await this.#append(q, caseId, now, { actor: a, type: 'note_added', reason: note, dedupeKey: eventKey, visibleToSubject: options.visibleToSubject ?? false });
      await this.#update(q, caseId, now, eventId, {});
      return eventId;
    });
  }

  /**
   * Decides an open case. The caller must hold the lease, or nobody may hold a live one (deciding needs no prior
   * claim; it ends any lease). Records the `decided` event, the member-facing decision and the case's new status,
   * then runs onDecided(client, decision) in the same transaction: the sanction is the caller's, written there.
   */
  async decide(caseId: string, reviewerId: string, input: DecideInput): Promise<DecisionRecord> {
    const where = 'CaseStore.decide';
    uuid(where, 'caseId', caseId);
    uuid(where, 'reviewerId', reviewerId);
    const checked = this.#decideInput(where, input);
    return inTransaction(this.pool, (q) => this.#decide(q, caseId, reviewerId, checked, input.onDecided));
  }

  /** Decides several cases with one batch id, each in its own transaction; one refusal does not stop the others. */
  async decideMany(caseIds: readonly string[], reviewerId: string, input: DecideInput): Promise<{ batchId: string; results: BatchResult[] }> {
    const where = 'CaseStore.decideMany';
    if (!Array.isArray(caseIds) || caseIds.length === 0 || caseIds.length > MAX_BATCH) throw new TypeError(`${where}: caseIds must be an array of 1 to ${MAX_BATCH} case ids`);
    for (const id of caseIds) uuid(where, 'caseIds[]', id);
    if (new Set(caseIds).size !== caseIds.length) throw new TypeError(`${where}: caseIds has duplicates`);
    uuid(where, 'reviewerId', reviewerId);
    const checked = this.#decideInput(where, { ...input, batchId: input?.batchId ?? crypto.randomUUID() });
    const results: BatchResult[] = [];
    for (const caseId of caseIds) {
      try {
        const decision = await inTransaction(this.pool, (q) => this.#decide(q, caseId, reviewerId, checked, input.onDecided));
        results.push({ caseId, ok: true, decision });
      } catch (err) {
        results.push({ caseId, ok: false, code: err instanceof CaseError ? err.code : 'error', message: (err as Error).message });
      }
    }
    return { batchId: checked.batchId!, results };
  }

  /** Reopens a resolved (non-appeal) case, e.g. on new evidence. The earlier decision stands until a new one is made. */
  async reopen(caseId: string, actor: CaseActor, reason: string): Promise<void> {
    const where = 'CaseStore.reopen';
    uuid(where, 'caseId', caseId);
    const a = actorOf(where, actor);
    text(where, 'reason', reason);
    try {
      await this.#change(caseId, async (q, row, now) => {
        this.#check(row, { type: 'reopened' });
        const eventId = await this.#append(q, caseId, now, { actor: a, type: 'reopened', reason });
        await this.#update(q, caseId, now, eventId, { status: 'open', resolved_at: null });
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new CaseError('conflict', 'another open case has the same dedupe key; add to that one instead');
      throw err;
    }
  }

  /** Decisions addressed to the member (not dismissals), newest first, with member-visible fields only. */
  async decisionsFor(memberId: string): Promise<MemberDecision[]> {
    uuid('CaseStore.decisionsFor', 'memberId', memberId);
    const { rows } = await this.pool.query<DecisionRow & { categories: HarmCategory[]; room_id: string | null; statement: string | null }>(
      `SELECT ${DECISION_COLUMNS.replace(/(\w+)/g, 'd.$1')}, c.categories, c.room_id,
              (SELECT e.reason FROM case_events e WHERE e.case_id = d.appeal_case_id AND e.type = 'opened' AND e.visible_to_subject ORDER BY e.id LIMIT 1) AS statement
       FROM case_decisions d JOIN moderation_cases c ON c.id = d.case_id
       WHERE d.subject_member_id = $1 AND d.decision <> 'dismiss'
       ORDER BY d.decided_at DESC, d.event_id DESC`,
      [memberId],
    );
    if (rows.length === 0) return [];
    const caseIds = [...new Set(rows.flatMap((r) => [r.case_id, ...(r.appeal_case_id ? [r.appeal_case_id] : [])]))];
    const notes = await this.pool.query<{ case_id: string; at: Date; reason: string }>(
      `SELECT case_id, at, reason FROM case_events WHERE case_id = ANY($1::uuid[]) AND type = 'note_added' AND visible_to_subject ORDER BY id`,
      [caseIds],
    );
    return rows.map((r) => ({
      id: r.id,
      decision: r.decision as Exclude<Decision, 'dismiss'>,
      reason: r.member_reason,
      categories: r.categories,
      roomId: r.room_id,
      decidedAt: r.decided_at.toISOString(),
      expiresAt: iso(r.expires_at),
      canAppeal: r.appealed_at === null,
      appeal: r.appealed_at
        ? { status: r.appeal_outcome ?? 'pending', appealedAt: r.appealed_at.toISOString(), statement: r.statement, reason: r.appeal_reason, resolvedAt: iso(r.appeal_resolved_at) }
        : null,
      messages: notes.rows.filter((n) => n.case_id === r.case_id || n.case_id === r.appeal_case_id).map((n) => ({ at: n.at.toISOString(), text: n.reason })),
    }));
  }

  /**
   * The member appeals a decision addressed to them: opens an `appeal` case linked to it. Once per decision
   * (already_appealed); only its subject may appeal (forbidden); a dismissal is not appealable.
   */
  async appeal(
    decisionId: string,
    memberId: string,
    statement: string,
    options: { onAppealed?: (client: Queryable, appeal: { appealCaseId: string; decision: DecisionRecord }) => Promise<void> } = {},
  ): Promise<{ appealCaseId: string; decisionId: string }> {
    const where = 'CaseStore.appeal';
    uuid(where, 'decisionId', decisionId);
    uuid(where, 'memberId', memberId);
    text(where, 'text', statement);
    if (options.onAppealed !== undefined && typeof options.onAppealed !== 'function') throw new TypeError(`${where}: onAppealed must be a function`);
    try {
      return await inTransaction(this.pool, async (q) => {
        const now = this.#now();
        const { rows } = await q.query<DecisionRow & { room_id: string | null; categories: HarmCategory[]; scores: Partial<Record<HarmCategory, number>>; max_score: number | null; priority: number }>(
          `SELECT ${DECISION_COLUMNS.replace(/(\w+)/g, 'd.$1')}, c.room_id, c.categories, c.scores, c.max_score, c.priority
           FROM case_decisions d JOIN moderation_cases c ON c.id = d.case_id WHERE d.id = $1 FOR UPDATE OF d`,
          [decisionId],
        );
        const d = rows[0];
        if (!d) throw new CaseError('not_found', 'no such decision');
        if (d.subject_member_id !== memberId) throw new CaseError('forbidden', 'only the member the decision is about may appeal it');
        if (d.decision === 'dismiss') throw new CaseError('not_appealable', 'a dismissal is not a decision against the member');
        if (d.appealed_at !== null) throw new CaseError('already_appealed', 'this decision was already appealed');
        this.#check({ kind: 'appeal', status: 'none' }, { type: 'opened' });
        // As urgent as the case it appeals, and never below a participant report.
        const priority = Math.max(d.priority, this.#weights.reportBase);
        const inserted = await q.query<{ id: string }>(
          `INSERT INTO moderation_cases (kind, subject_member_id, room_id, categories, scores, max_score, priority, appeal_of_decision_id, created_at, updated_at)
           VALUES ('appeal', $1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
          [memberId, d.room_id, d.categories, JSON.stringify(d.scores), d.max_score, priority, decisionId, now],
        );
        const appealCaseId = inserted.rows[0]!.id;
        const eventId = await this.#append(q, appealCaseId, now, {
          actor: { kind: 'member', memberId },
          type: 'opened',
          reason: statement,
          visibleToSubject: true,
          detail: { appealOfDecisionId: decisionId, decision: d.decision, originalCaseId: d.case_id },
        });
        await this.#update(q, appealCaseId, now, eventId, {});
        await q.query('UPDATE case_decisions SET appealed_at = $2, appeal_case_id = $3 WHERE id = $1', [decisionId, now, appealCaseId]);
        // In the same transaction (e.g. holding the evidence for the appeal); throwing rolls the appeal back.
        if (options.onAppealed) await options.onAppealed(q, { appealCaseId, decision: toDecision({ ...d, appealed_at: now, appeal_case_id: appealCaseId }) });
        return { appealCaseId, decisionId };
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new CaseError('already_appealed', 'this decision was already appealed');
      throw err;
    }
  }

  /**
   * Closes an appeal as upheld (the decision stands) or overturned (it is reversed: lift the sanction in onResolved,
   * same transaction). Lease rules as for decide().
   */
  async resolveAppeal(appealCaseId: string, reviewerId: string, outcome: AppealOutcome, reason: string, input: ResolveAppealInput = {}): Promise<DecisionRecord> {
    const where = 'CaseStore.resolveAppeal';
    uuid(where, 'appealCaseId', appealCaseId);
    uuid(where, 'reviewerId', reviewerId);
    if (outcome !== 'upheld' && outcome !== 'overturned') throw new TypeError(`${where}: outcome must be upheld or overturned`);
    text(where, 'reason', reason);
    const memberMessage = optionalText(where, 'memberMessage', input.memberMessage);
    if (input.onResolved !== undefined && typeof input.onResolved !== 'function') throw new TypeError(`${where}: onResolved must be a function`);
    return this.#change(appealCaseId, async (q, row, now) => {
      const next = this.#check(row, { type: outcome === 'upheld' ? 'appeal_upheld' : 'appeal_overturned' });
      this.#assertNotHeldByOther(row, reviewerId, now);
      if (row.subject_member_id === reviewerId) throw new CaseError('forbidden', 'a reviewer cannot review a case about themselves');
      const { rows } = await q.query<DecisionRow>(`SELECT ${DECISION_COLUMNS} FROM case_decisions WHERE id = $1 FOR UPDATE`, [row.appeal_of_decision_id]);
      const d = rows[0];
      if (!d) throw new CaseError('not_found', 'the appealed decision no longer exists');
      if (this.#independentAppeals && d.decided_by === reviewerId) throw new CaseError('forbidden', 'the reviewer who made a decision cannot resolve its appeal');
      const eventId = await this.#append(q, appealCaseId, now, {
        actor: { kind: 'member', memberId: reviewerId },
        type: outcome === 'upheld' ? 'appeal_upheld' : 'appeal_overturned',
        reason,
        detail: { decisionId: d.id, ...(memberMessage !== null ? { memberMessage } : {}) },
      });
      await this.#update(q, appealCaseId, now, eventId, { status: next, resolved_at: now, lease_holder: null, lease_expires_at: null });
      const updated = await q.query<DecisionRow>(
        `UPDATE case_decisions SET appeal_outcome = $2, appeal_reason = $3, appeal_resolved_at = $4 WHERE id = $1 RETURNING ${DECISION_COLUMNS}`,
        [d.id, outcome, memberMessage ?? reason, now],
      );
      const decision = toDecision(updated.rows[0]!);
      if (input.onResolved) await input.onResolved(q, decision, outcome);
      return decision;
    });
  }

  /** The case with its full event log and decisions: the staff view. */
  async get(caseId: string): Promise<{ case: CaseSummary; events: CaseEventRecord[]; decisions: DecisionRecord[] } | undefined> {
    uuid('CaseStore.get', 'caseId', caseId);
    const { rows } = await this.pool.query<CaseRow>(`SELECT ${CASE_COLUMNS} FROM moderation_cases WHERE id = $1`, [caseId]);
    if (!rows[0]) return undefined;
    const events = await this.pool.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM case_events WHERE case_id = $1 ORDER BY id`, [caseId]);
    const decisions = await this.pool.query<DecisionRow>(`SELECT ${DECISION_COLUMNS} FROM case_decisions WHERE case_id = $1 ORDER BY event_id`, [caseId]);
    return { case: toSummary(rows[0]), events: events.rows.map(toEvent), decisions: decisions.rows.map(toDecision) };
  }

  /** The member's earlier cases (any kind, newest first) and every decision about them: context for a reviewer. */
  async history(memberId: string, options: { limit?: number } = {}): Promise<{ cases: CaseSummary[]; decisions: DecisionRecord[] }> {
    const where = 'CaseStore.history';
    uuid(where, 'memberId', memberId);
    const limit = options.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new TypeError(`${where}: limit must be an integer in [1, ${MAX_LIMIT}]`);
    const cases = await this.pool.query<CaseRow>(
      `SELECT ${CASE_COLUMNS} FROM moderation_cases WHERE subject_member_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
      [memberId, limit],
    );
    const decisions = await this.pool.query<DecisionRow>(
      `SELECT ${DECISION_COLUMNS} FROM case_decisions WHERE subject_member_id = $1 ORDER BY decided_at DESC, event_id DESC LIMIT $2`,
      [memberId, limit],
    );
    return { cases: cases.rows.map(toSummary), decisions: decisions.rows.map(toDecision) };
  }

  // --- internals

  #scores(where: string, scores: unknown, categories: readonly HarmCategory[]): Partial<Record<HarmCategory, number>> {
    if (!scores || typeof scores !== 'object' || Array.isArray(scores)) throw new TypeError(`${where}: scores must be an object of category to score`);
    const out: Partial<Record<HarmCategory, number>> = {};
    for (const [key, s] of Object.entries(scores)) {
      if (!isHarmCategory(key)) throw new TypeError(`${where}: scores.${key} is not a harm category`);
      if (typeof s !== 'number' || !Number.isFinite(s) || s < 0 || s > 1) throw new TypeError(`${where}: scores.${key} must be a number in [0, 1]`);
      // Only the flagged categories count; the rest of a classifier's output is noise for the queue.
      if (categories.includes(key)) out[key] = s;
    }
    return out;
  }

  #decideInput(where: string, input: DecideInput): DecideInput {
    if (!input || typeof input !== 'object') throw new TypeError(`${where}: input must be an object`);
    if (!isDecision(input.decision)) throw new TypeError(`${where}: decision must be one of ${DECISIONS.join(', ')}`);
    text(where, 'reason', input.reason);
    optionalText(where, 'memberMessage', input.memberMessage);
    if (input.decision === 'suspend') {
      if (!Number.isInteger(input.durationSeconds) || input.durationSeconds! < 1 || input.durationSeconds! > MAX_DURATION_SECONDS) {
        throw new TypeError(`${where}: durationSeconds must be an integer in [1, ${MAX_DURATION_SECONDS}] for suspend`);
      }
    } else if (input.durationSeconds !== undefined) {
      throw new TypeError(`${where}: durationSeconds applies only to suspend`);
    }
    optionalUuid(where, 'batchId', input.batchId);
    if (input.onDecided !== undefined && typeof input.onDecided !== 'function') throw new TypeError(`${where}: onDecided must be a function`);
    return input;
  }

  async #decide(q: Queryable, caseId: string, reviewerId: string, input: DecideInput, onDecided: DecideInput['onDecided']): Promise<DecisionRecord> {
    const row = await this.#lock(q, caseId);
    const now = this.#now();
    const next = this.#check(row, { type: 'decided', decision: input.decision });
    this.#assertNotHeldByOther(row, reviewerId, now);
    if (row.subject_member_id === reviewerId) throw new CaseError('forbidden', 'a reviewer cannot decide a case about themselves');
    if (row.subject_member_id === null && input.decision !== 'dismiss') throw new CaseError('invalid_transition', 'a case without a subject member can only be dismissed');
    const expiresAt = input.decision === 'suspend' ? new Date(now.getTime() + input.durationSeconds! * 1000) : null;
    const eventId = await this.#append(q, caseId, now, {
      actor: { kind: 'member', memberId: reviewerId },
      type: 'decided',
      reason: input.reason,
      durationSeconds: input.durationSeconds ?? null,
      expiresAt,
      batchId: input.batchId ?? null,
      detail: { decision: input.decision, ...(input.memberMessage !== undefined ? { memberMessage: input.memberMessage } : {}) },
    });
    const { rows } = await q.query<DecisionRow>(
      `INSERT INTO case_decisions (case_id, event_id, subject_member_id, decision, member_reason, decided_by, decided_at, duration_seconds, expires_at, batch_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${DECISION_COLUMNS}`,
      [caseId, eventId, row.subject_member_id, input.decision, input.memberMessage ?? input.reason, reviewerId, now, input.durationSeconds ?? null, expiresAt, input.batchId ?? null],
    );
    await this.#update(q, caseId, now, eventId, { status: next, resolved_at: now, lease_holder: null, lease_expires_at: null });
    const decision = toDecision(rows[0]!);
    if (onDecided) await onDecided(q, decision);
    return decision;
  }

  /** Runs `work` on the locked case row in one transaction. */
  #change<T>(caseId: string, work: (q: Queryable, row: CaseRow, now: Date) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, async (q) => {
      const row = await this.#lock(q, caseId);
      return work(q, row, this.#now());
    });
  }

  async #lock(q: Queryable, caseId: string): Promise<CaseRow> {
    const { rows } = await q.query<CaseRow>(`SELECT ${CASE_COLUMNS} FROM moderation_cases WHERE id = $1 FOR UPDATE`, [caseId]);
    if (!rows[0]) throw new CaseError('not_found', 'no such case');
    return rows[0];
  }

  #check(row: { kind: CaseKind; status: CaseStatus | 'none' }, event: CaseEvent): CaseStatus {
    const result = transition({ kind: row.kind, status: row.status }, event);
    if (!result.ok) throw new CaseError('invalid_transition', result.reason);
    return result.next;
  }

  #assertNotHeldByOther(row: CaseRow, reviewerId: string, now: Date): void {
    if (row.lease_holder !== null && row.lease_holder !== reviewerId && row.lease_expires_at !== null && row.lease_expires_at.getTime() > now.getTime()) {
      throw new CaseError('lease_held', `another reviewer holds this case until ${row.lease_expires_at.toISOString()}`);
    }
  }

  async #append(q: Queryable, caseId: string, at: Date, e: NewEvent): Promise<string> {
    const { rows } = await q.query<{ id: string }>(
      `INSERT INTO case_events (case_id, at, actor_kind, actor_id, type, reason, duration_seconds, expires_at, batch_id, dedupe_key, visible_to_subject, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
      [
        caseId,
        at,
        e.actor.kind,
        e.actor.kind === 'member' ? e.actor.memberId : null,
        e.type,
        e.reason ?? null,
        e.durationSeconds ?? null,
        e.expiresAt ?? null,
        e.batchId ?? null,
        e.dedupeKey ?? null,
        e.visibleToSubject ?? false,
        JSON.stringify(e.detail ?? {}),
      ],
    );
    return String(rows[0]!.id);
  }

  async #update(q: Queryable, caseId: string, now: Date, eventId: string, change: CaseChange): Promise<void> {
    const sets = ['updated_at = $2', 'last_event_id = $3'];
    const values: unknown[] = [caseId, now, eventId];
    for (const [column, value] of Object.entries(change)) {
      values.push(value);
      sets.push(`${column} = $${values.length}`);
    }
    await q.query(`UPDATE moderation_cases SET ${sets.join(', ')} WHERE id = $1`, values);
  }
}

function encodeCursor(key: [number, string, string]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: unknown): [number, string, string] {
  if (typeof cursor === 'string' && cursor.length <= 300) {
    try {
      const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
      if (Array.isArray(key) && key.length === 3 && typeof key[0] === 'number' && Number.isFinite(key[0]) && typeof key[1] === 'string'
          && /^[0-9: .+-]+$/.test(key[1]) && typeof key[2] === 'string' && UUID.test(key[2])) {
        return key as [number, string, string];
      }
    } catch {
      // fall through
    }
  }
  throw new TypeError('CaseStore.queue: cursor is not one this queue returned');
}
