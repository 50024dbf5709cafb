// The one trust-and-safety facade the API calls: every method takes the caller and decides who may do it through the
// access tables (platform: moderation.review, audit.read; room: room.report, room.view_moderation_policy,
// room.moderation_policy), then delegates: cases and appeals to CaseReviewService, reports to ReportService, the
// stores for policy, transcript search, evidence and the audit log.
import type pg from 'pg';
import type { Logger } from '../../core/logger.js';
import { inTransaction } from '../../db/queryable.js';
import { authorize, authorizePlatform, type Action, type PlatformAction } from '../access/index.js';
import { AuditLog, type AuditEntry, type AuditQuery } from '../audit/audit-log.js';
import { CaseStore, type AppealOutcome, type BatchResult, type CaseSummary, type DecisionRecord, type MemberDecision, type QueueQuery } from '../cases/case-store.js';
import { EngineError } from '../engine-error.js';
import { EvidenceStore, type EvidenceClip } from '../evidence/evidence-store.js';
import type { Principal } from '../identity/account-service.js';
import type { RoomService } from '../rooms/room-service.js';
import type { SanctionStore } from '../sanctions/sanction-store.js';
import type { StageService } from '../stage-service/index.js';
import { DomainError } from '../stage/domain-error.js';
import { TranscriptSearch, type TranscriptHit, type TranscriptSearchQuery } from '../transcripts/transcript-search.js';
import { CaseReviewService, type CaseDetail, type DecisionInput } from './case-review-service.js';
import { ReportService, type ReportInput } from './report-service.js';
import type { PolicyFieldError, RoomPolicy, RoomPolicyOverride } from './room-policy.js';
import { PLATFORM_DEFAULT_POLICY, PLATFORM_FLOOR_CATEGORIES } from './room-policy.js';
import { RoomPolicyStore } from './room-policy-store.js';
import { SanctionEnforcer, type MediaRemover } from './sanction-enforcer.js';
import type { LiveKitGateway } from '../gateway/livekit-gateway.js';
import { MODERATION_NOTICE_TOPIC } from './moderation-evaluator.js';
import type { RoomFeed } from './room-feed.js';
import type { ModerationUndoneEvent } from '../room-events/index.js';
import { AutoActionUndo, type UndoResult } from './auto-action-undo.js';

export interface ModerationServiceOptions {
  pool: pg.Pool;
  rooms: RoomService;
  stage: StageService;
  /**
   * LiveKit's server API (the engine's gateway): enforcement disconnects sanctioned members it lists; an undone mute
   * gives back a publish permission the mute took and tells the speaker.
   */
  livekit: MediaRemover & UndoMessenger;
  /** Where the room hears that an automatic action was undone (its stage event stream). */
  feed: Pick<RoomFeed, 'publish'>;
  sanctions: SanctionStore;
  audit?: AuditLog;
  log: Logger;
  caseLeaseSeconds: number;
  evidenceRetentionDays: number;
  extendedRetentionDays: number;
  /** How often sanctioned members still in live rooms are swept out. */
  enforceIntervalMs: number;
  platformPolicy?: RoomPolicy;
}

/** A policy override the platform floors refuse: each offending field, as `categories.threat.threshold`. */
export class PolicyRejected extends Error {
  constructor(readonly errors: PolicyFieldError[]) {
    super(`the policy would loosen the platform's floors: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
    this.name = 'PolicyRejected';
  }
}

/** What telling a room about an undone action takes from LiveKit. */
export type UndoMessenger = Pick<LiveKitGateway, 'sendTo' | 'getParticipant' | 'setCanPublish'>;

export interface RoomPolicyView {
  roomId: string;
  /** What the room runs under: the platform policy with the host's override merged in. */
  policy: RoomPolicy;
  version: string;
  /** The host's stored override, or null (the platform policy). */
  override: RoomPolicyOverride | null;
  updatedBy: string | null;
  updatedAt: string | null;
  /** Stored fields the platform no longer allows (a floor tightened since); the platform's values apply. */
  ignored: PolicyFieldError[];
  /** The platform policy the override tightens, and the categories whose values are floors (never loosened). */
  platform: RoomPolicy;
  floorCategories: string[];
}

export class ModerationService {
  readonly #pool: pg.Pool;
  readonly #rooms: RoomService;
  readonly #stage: StageService;
  readonly #audit: AuditLog;
  readonly #evidence: EvidenceStore;
  readonly #policies: RoomPolicyStore;
  readonly #platformPolicy: RoomPolicy;
  readonly #search: TranscriptSearch;
  readonly #enforcer: SanctionEnforcer;
  readonly #review: CaseReviewService;
  readonly #reports: ReportService;
  readonly #undo: AutoActionUndo;
  readonly #livekit: MediaRemover & UndoMessenger;
  readonly #feed: Pick<RoomFeed, 'publish'>;
  readonly #log: Logger;

  constructor(o: ModerationServiceOptions) {
    this.#pool = o.pool;
    this.#rooms = o.rooms;
    this.#stage = o.stage;
    this.#audit = o.audit ?? new AuditLog(o.pool);
    const cases = new CaseStore(o.pool, { leaseSeconds: o.caseLeaseSeconds });
    this.#evidence = new EvidenceStore(o.pool, { retentionDays: o.evidenceRetentionDays, extendedRetentionDays: o.extendedRetentionDays });
    this.#platformPolicy = o.platformPolicy ?? PLATFORM_DEFAULT_POLICY;
    this.#policies = new RoomPolicyStore(o.pool, this.#platformPolicy);
    this.#search = new TranscriptSearch(o.pool);
    this.#enforcer = new SanctionEnforcer(o.pool, o.stage, o.livekit, { log: o.log, intervalMs: o.enforceIntervalMs });
    this.#review = new CaseReviewService({ pool: o.pool, cases, sanctions: o.sanctions, evidence: this.#evidence, audit: this.#audit, enforcer: this.#enforcer });
    this.#reports = new ReportService({ pool: o.pool, cases, evidence: this.#evidence, rooms: o.rooms, stage: o.stage });
    this.#undo = new AutoActionUndo({ pool: o.pool, rooms: o.rooms, stage: o.stage, audit: this.#audit });
    this.#livekit = o.livekit;
    this.#feed = o.feed;
    this.#log = o.log;
  }

  /** The periodic sweep of sanctioned members still in live rooms. */
  start(): void {
    this.#enforcer.start();
  }

  /** Stops the sweep and waits for removals in flight. */
  stop(): Promise<void> {
    return this.#enforcer.stop();
  }

  // ---- Staff: cases ----------------------------------------------------------------------------------------------

  queue(staff: Principal, query: QueueQuery): Promise<{ cases: CaseSummary[]; nextCursor: string | null }> {
    this.#staff(staff, 'moderation.review');
    return this.#review.queue(query);
  }

  caseDetail(staff: Principal, caseId: string): Promise<CaseDetail> {
    this.#staff(staff, 'moderation.review');
    return this.#review.detail(caseId);
  }

  /** Names for the ids the staff pages show (members' display names, rooms' titles) in one read; unknown ids are absent. */
  async labels(staff: Principal, memberIds: readonly string[], roomIds: readonly string[]): Promise<{ members: Record<string, string>; rooms: Record<string, string> }> {
    this.#staff(staff, 'moderation.review');
    const [members, rooms] = await Promise.all([
      memberIds.length ? this.#pool.query<{ id: string; label: string }>('SELECT id, display_name AS label FROM members WHERE id = ANY($1::uuid[])', [memberIds]) : { rows: [] },
      roomIds.length ? this.#pool.query<{ id: string; label: string }>('SELECT id, title AS label FROM rooms WHERE id = ANY($1::uuid[])', [roomIds]) : { rows: [] },
    ]);
    return { members: Object.fromEntries(members.rows.map((r) => [r.id, r.label])), rooms: Object.fromEntries(rooms.rows.map((r) => [r.id, r.label])) };
  }

  claim(staff: Principal, caseId: string): Promise<{ caseId: string; holder: string; expiresAt: string }> {
    this.#staff(staff, 'moderation.review');
    return this.#review.claim(caseId, staff.memberId);
  }

  renewLease(staff: Principal, caseId: string): Promise<{ caseId: string; holder: string; expiresAt: string }> {
    this.#staff(staff, 'moderation.review');
    return this.#review.renew(caseId, staff.memberId);
  }

  release(staff: Principal, caseId: string): Promise<void> {
    this.#staff(staff, 'moderation.review');
    return this.#review.release(caseId, staff.memberId);
  }

  addNote(staff: Principal, caseId: string, text: string, visibleToMember: boolean): Promise<{ eventId: string }> {
    this.#staff(staff, 'moderation.review');
    return this.#review.addNote(caseId, staff.memberId, text, visibleToMember);
  }

  decide(staff: Principal, caseId: string, input: DecisionInput): Promise<DecisionRecord> {
    this.#staff(staff, 'moderation.review');
    return this.#review.decide(caseId, staff.memberId, input);
  }

  decideMany(staff: Principal, caseIds: string[], input: DecisionInput): Promise<{ batchId: string; results: BatchResult[] }> {
    this.#staff(staff, 'moderation.review');
    return this.#review.decideMany(caseIds, staff.memberId, input);
  }

  resolveAppeal(staff: Principal, appealCaseId: string, outcome: AppealOutcome, reason: string, memberMessage?: string): Promise<DecisionRecord> {
    this.#staff(staff, 'moderation.review');
    return this.#review.resolveAppeal(appealCaseId, staff.memberId, outcome, reason, memberMessage);
  }

  // ---- Staff: transcripts, evidence, audit ----------------------------------------------------------------------

  searchTranscripts(staff: Principal, query: TranscriptSearchQuery): Promise<TranscriptHit[]> {
    this.#staff(staff, 'moderation.review');
    return this.#search.search(query);
  }

  /** The clip's audio; the read is recorded in the audit log in the same transaction. */
  async readEvidence(staff: Principal, clipId: string, context: { caseId?: string; reason?: string }): Promise<EvidenceClip> {
    this.#staff(staff, 'moderation.review');
    const clip = await this.#evidence.read(clipId, { memberId: staff.memberId, ...context }, this.#audit);
    if (!clip) throw new EngineError('not_found', 'clip_not_found', 'no evidence clip with that id (it may have passed its retention)', 'clipId');
    return clip;
  }

  listAudit(staff: Principal, query: AuditQuery): Promise<AuditEntry[]> {
    this.#staff(staff, 'audit.read');
    return this.#audit.list(query);
  }

  // ---- Members ---------------------------------------------------------------------------------------------------

  decisionsFor(member: Principal): Promise<MemberDecision[]> {
    return this.#review.decisionsFor(member.memberId);
  }

  appeal(member: Principal, decisionId: string, text: string): Promise<{ appealCaseId: string; decisionId: string }> {
    return this.#review.appeal(decisionId, member.memberId, text);
  }

  report(member: Principal, roomId: string, input: ReportInput): Promise<{ caseId: string }> {
    return this.#reports.report(member, roomId, input);
  }

  /**
   * A host, co-host or staff member undoes an automatic action in their room (engine/moderation/auto-action-undo.ts:
   * the stage side and the audit record), then the people concerned learn it (#announceUndo).
   */
  async undoAutomaticAction(member: Principal, roomId: string, actionId: string): Promise<UndoResult> {
    const result = await this.#undo.undo(member, roomId, actionId);
    await this.#announceUndo(member, roomId, result);
    return result;
  }

  /**
   * After an undo is recorded: a speaker whose mute is lifted gets back a LiveKit publish permission the action took
   * (an automatic mute mutes the track and leaves the permission, but a permission found revoked while their role is
   * on stage is restored), and the speaker (a LiveKit data message on the moderation topic, addressed to them) and
   * the room (`event: moderation_undone` on the stage stream, every API process) are told. Unmuting stays the
   * speaker's own act: nobody's microphone goes live from the server. Best effort: the undo stands either way, and
   * a failure is logged.
   */
  async #announceUndo(by: Principal, roomId: string, result: UndoResult): Promise<void> {
    const room = await this.#rooms.store.get(roomId); // the undo already checked that the caller may see it
    if (room === undefined) return;
    let publishRestored = false;
    if (result.undone === 'mute' && room.status === 'live') {
      try {
        const [role, participant] = await Promise.all([this.#stage.roleOf(roomId, result.speaker), this.#livekit.getParticipant(room.livekitName, result.speaker)]);
        const onStage = role !== null && role !== 'listener';
        if (onStage && participant !== undefined && !participant.canPublish) publishRestored = await this.#livekit.setCanPublish(room.livekitName, result.speaker, true);
      } catch (err) {
        this.#log.warn({ err, roomId, speaker: result.speaker }, 'undo: could not restore the publish permission');
      }
    }
    const event: ModerationUndoneEvent = { type: 'moderation_undone', roomId, ...result, publishRestored, by: by.memberId, at: new Date().toISOString() };
    this.#feed.publish(event);
    if (room.status !== 'live') return;
    await this.#livekit.sendTo(room.livekitName, MODERATION_NOTICE_TOPIC, event, [result.speaker]).catch((err: unknown) => {
      this.#log.warn({ err, roomId, speaker: result.speaker }, 'undo: could not tell the speaker over LiveKit');
    });
  }

  // ---- Room policy -----------------------------------------------------------------------------------------------

  async roomPolicy(member: Principal, roomId: string): Promise<RoomPolicyView> {
    await this.#room(member, roomId, 'room.view_moderation_policy');
    return this.#policyView(roomId);
  }

  /** Saves the host's override (tighten-only) and audits the change in one transaction; PolicyRejected names each loosened field. */
  async setRoomPolicy(member: Principal, roomId: string, override: unknown): Promise<RoomPolicyView> {
    await this.#room(member, roomId, 'room.moderation_policy');
    await inTransaction(this.#pool, async (q) => {
      const before = await this.#policies.get(roomId, q);
      const result = await this.#policies.put(q, roomId, override, member.memberId);
      if (!result.ok) throw new PolicyRejected(result.errors);
      await this.#audit.record(
        {
          actor: { kind: 'member', memberId: member.memberId },
          action: 'room.moderation_policy_changed',
          subject: { kind: 'room', id: roomId },
          roomId,
          detail: { version: result.policy.version, override: result.override, previousVersion: before?.version ?? null },
        },
        q,
      );
    });
    return this.#policyView(roomId);
  }

  async #policyView(roomId: string): Promise<RoomPolicyView> {
    const [effective, stored] = await Promise.all([this.#policies.effective(roomId), this.#policies.get(roomId)]);
    return {
      roomId,
      policy: effective.policy,
      version: effective.policy.version,
      override: stored?.override ?? null,
      updatedBy: stored?.updatedBy ?? null,
      updatedAt: stored ? stored.updatedAt.toISOString() : null,
      ignored: effective.ignored,
      platform: this.#platformPolicy,
      floorCategories: [...PLATFORM_FLOOR_CATEGORIES],
    };
  }

  /** The room if `member` may see it (else not found), and the room table's decision on `action`. */
  async #room(member: Principal, roomId: string, action: Action): Promise<void> {
    const room = await this.#rooms.get(member, roomId);
    const roomRole = room.hostMemberId === member.memberId ? 'host' : room.status === 'live' ? await this.#stage.roleOf(roomId, member.memberId) : null;
    const decision = authorize({ memberId: member.memberId, platformRoles: member.platformRoles, roomRole }, action, { roomState: room.status });
    if (!decision.allowed) throw new DomainError(decision.code, decision.reason);
  }

  #staff(principal: Principal, action: PlatformAction): void {
    const decision = authorizePlatform(principal.platformRoles, action);
    if (!decision.allowed) throw new EngineError('forbidden', 'staff_only', decision.reason);
  }
}
