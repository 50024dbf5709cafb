// Trust-and-safety review over the case store: the queue, a case with the transcript around it, leases, notes,
// decisions (single and bulk) with their sanctions, appeals. Every decision imposes its sanction and writes its audit
// record in the decision's own transaction; after the commit a suspension or a ban takes the member out of the live
// rooms they are in (SanctionEnforcer). Members see their own decisions and appeal each once.
import type pg from 'pg';
import type { Queryable } from '../../db/queryable.js';
import type { AuditLog } from '../audit/audit-log.js';
import { CaseError } from '../cases/case-error.js';
import type { AppealOutcome, BatchResult, CaseEventRecord, CaseStore, CaseSummary, DecisionRecord, MemberDecision, QueueQuery } from '../cases/case-store.js';
import type { Decision } from '../cases/case-transitions.js';
import { EngineError } from '../engine-error.js';
import type { EvidenceClipMetadata, EvidenceStore } from '../evidence/evidence-store.js';
import type { SanctionStore } from '../sanctions/sanction-store.js';
import type { SanctionEnforcer } from './sanction-enforcer.js';

/** How far around a flagged or reported segment the case view shows the room's transcript (all speakers). */
export const TRANSCRIPT_CONTEXT_MS = 2 * 60_000;
const MAX_TRANSCRIPT_LINES = 1000;
const SEGMENT_ID = /^[1-9][0-9]{0,18}$/;

export interface TranscriptLine {
  segmentId: string;
  roomId: string;
  speakerIdentity: string;
  startedAt: string;
  endedAt: string;
  text: string;
  /** The segment is one the case is about (a flag's segment, or a report's). */
  inCase: boolean;
  /** The classifier's verdict, when the segment was classified. */
  classification: { scores: Record<string, number>; categories: string[]; modelVersion: string; taxonomyVersion: string; policyVersion: string | null } | null;
}

export interface SanctionView {
  id: string;
  kind: 'warn' | 'suspend' | 'ban';
  reason: string;
  caseId: string | null;
  decisionId: string | null;
  startsAt: string;
  expiresAt: string | null;
  liftedAt: string | null;
  liftReason: string | null;
}

export interface CaseDetail {
  case: CaseSummary;
  events: CaseEventRecord[];
  decisions: DecisionRecord[];
  transcript: TranscriptLine[];
  evidence: EvidenceClipMetadata[];
  /** The subject member's other cases, decisions and sanctions; null for a case about a room. */
  history: { cases: CaseSummary[]; decisions: DecisionRecord[]; sanctions: SanctionView[] } | null;
}

export interface DecisionInput {
  decision: Decision;
  reason: string;
  memberMessage?: string;
  durationSeconds?: number;
}

export interface CaseReviewDeps {
  pool: pg.Pool;
  cases: CaseStore;
  sanctions: SanctionStore;
  evidence: EvidenceStore;
  audit: AuditLog;
  enforcer: SanctionEnforcer;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** Segment ids an event's detail names: `segmentId` (flags) and `segmentIds` (reports). */
export function segmentIdsOf(events: readonly { detail: Record<string, unknown> }[]): string[] {
  const ids = new Set<string>();
  const add = (v: unknown) => {
    const s = typeof v === 'number' ? String(v) : v;
    if (typeof s === 'string' && SEGMENT_ID.test(s)) ids.add(s);
  };
  for (const e of events) {
    add(e.detail?.segmentId);
    const many = e.detail?.segmentIds;
    if (Array.isArray(many)) for (const v of many) add(v);
  }
  return [...ids].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
}

export class CaseReviewService {
  constructor(private readonly d: CaseReviewDeps) {}

  queue(query: QueueQuery): Promise<{ cases: CaseSummary[]; nextCursor: string | null }> {
    return this.d.cases.queue(query);
  }

  async detail(caseId: string): Promise<CaseDetail> {
    const found = await this.d.cases.get(caseId);
    if (!found) throw new CaseError('not_found', 'no such case');
    const segmentIds = await this.#segmentIdsOfCase(this.d.pool, found.case, found.events);
    const subject = found.case.subjectMemberId;
    const [transcript, evidence, history, sanctions] = await Promise.all([
      this.#transcriptAround(segmentIds),
      this.d.evidence.metadataForSegments(segmentIds),
      subject ? this.d.cases.history(subject, { limit: 50 }) : Promise.resolve(null),
      subject ? this.d.sanctions.listFor(subject, { limit: 50 }) : Promise.resolve([]),
    ]);
    return {
      ...found,
      transcript,
      evidence,
      history: history
        ? {
            cases: history.cases.filter((c) => c.id !== caseId),
            decisions: history.decisions.filter((x) => x.caseId !== caseId),
            sanctions: sanctions.map((s) => ({
              id: s.id,
              kind: s.kind,
              reason: s.reason,
              caseId: s.caseId,
              decisionId: s.decisionId,
              startsAt: s.startsAt.toISOString(),
              expiresAt: iso(s.expiresAt),
              liftedAt: iso(s.liftedAt),
              liftReason: s.liftReason,
            })),
          }
        : null,
    };
  }

  claim(caseId: string, reviewerId: string) {
    return this.d.cases.claim(caseId, reviewerId);
  }

  renew(caseId: string, reviewerId: string) {
    return this.d.cases.renew(caseId, reviewerId);
  }

  release(caseId: string, reviewerId: string): Promise<void> {
    return this.d.cases.release(caseId, reviewerId);
  }

  async addNote(caseId: string, reviewerId: string, text: string, visibleToMember: boolean): Promise<{ eventId: string }> {
    const eventId = await this.d.cases.addNote(caseId, { kind: 'member', memberId: reviewerId }, text, { visibleToSubject: visibleToMember });
    return { eventId };
  }

  async decide(caseId: string, reviewerId: string, input: DecisionInput): Promise<DecisionRecord> {
    const decision = await this.d.cases.decide(caseId, reviewerId, { ...input, onDecided: (q, dec) => this.#onDecided(q, dec, reviewerId) });
    this.#enforce(decision);
    return decision;
  }

  async decideMany(caseIds: string[], reviewerId: string, input: DecisionInput): Promise<{ batchId: string; results: BatchResult[] }> {
    const out = await this.d.cases.decideMany(caseIds, reviewerId, { ...input, onDecided: (q, dec) => this.#onDecided(q, dec, reviewerId) });
    for (const r of out.results) if (r.ok) this.#enforce(r.decision);
    return out;
  }

  /** Upheld: the decision stands. Overturned: its sanction is lifted in the same transaction. Audited either way. */
  resolveAppeal(appealCaseId: string, reviewerId: string, outcome: AppealOutcome, reason: string, memberMessage?: string): Promise<DecisionRecord> {
    return this.d.cases.resolveAppeal(appealCaseId, reviewerId, outcome, reason, {
      ...(memberMessage !== undefined ? { memberMessage } : {}),
      onResolved: async (q, decision, result) => {
        const lifted: string[] = [];
        if (result === 'overturned') {
          const { rows } = await q.query<{ id: string }>('SELECT id FROM member_sanctions WHERE decision_id = $1 AND lifted_at IS NULL', [decision.id]);
          for (const { id } of rows) if (await this.d.sanctions.lift(id, reviewerId, 'decision overturned on appeal', q)) lifted.push(id);
        }
        await this.d.audit.record(
          {
            actor: { kind: 'member', memberId: reviewerId },
            action: 'appeal.resolved',
            subject: { kind: 'case', id: appealCaseId },
            detail: { decisionId: decision.id, originalCaseId: decision.caseId, outcome: result, reason, liftedSanctionIds: lifted },
          },
          q,
        );
      },
    });
  }

  decisionsFor(memberId: string): Promise<MemberDecision[]> {
    return this.d.cases.decisionsFor(memberId);
  }

  /**
   * The member appeals a decision about them, once. The evidence of the decided case is held for the appeal window
   * (EvidenceStore.extendForSegments) and the appeal audited, in the appeal's transaction. Someone else's decision
   * reads as not found.
   */
  async appeal(decisionId: string, memberId: string, text: string): Promise<{ appealCaseId: string; decisionId: string }> {
    try {
      return await this.d.cases.appeal(decisionId, memberId, text, {
        onAppealed: async (q, { appealCaseId, decision }) => {
          const events = await q.query<{ detail: Record<string, unknown> }>('SELECT detail FROM case_events WHERE case_id = $1', [decision.caseId]);
          const segmentIds = segmentIdsOf(events.rows);
          const held = await this.d.evidence.extendForSegments(segmentIds, undefined, q);
          await this.d.audit.record(
            {
              actor: { kind: 'member', memberId },
              action: 'case.appealed',
              subject: { kind: 'case', id: appealCaseId },
              detail: { decisionId, originalCaseId: decision.caseId, heldEvidenceClips: held },
            },
            q,
          );
        },
      });
    } catch (err) {
      if (err instanceof CaseError && (err.code === 'not_found' || err.code === 'forbidden')) {
        throw new EngineError('not_found', 'decision_not_found', 'no decision with that id is addressed to you', 'decisionId');
      }
      throw err;
    }
  }

  /** Inside the decision's transaction: the sanction (not for dismiss) and the `case.decided` audit record. */
  async #onDecided(q: Queryable, decision: DecisionRecord, reviewerId: string): Promise<void> {
    let sanctionId: string | null = null;
    if (decision.decision !== 'dismiss' && decision.subjectMemberId !== null) {
      const sanction = await this.d.sanctions.impose(q, {
        memberId: decision.subjectMemberId,
        kind: decision.decision,
        reason: decision.memberReason,
        caseId: decision.caseId,
        decisionId: decision.id,
        ...(decision.decision === 'suspend' ? { durationSeconds: decision.durationSeconds! } : {}),
      });
      sanctionId = sanction.id;
    }
    const room = await q.query<{ room_id: string | null }>('SELECT room_id FROM moderation_cases WHERE id = $1', [decision.caseId]);
    const roomId = room.rows[0]?.room_id ?? null;
    await this.d.audit.record(
      {
        actor: { kind: 'member', memberId: reviewerId },
        action: 'case.decided',
        subject: { kind: 'case', id: decision.caseId },
        ...(roomId ? { roomId } : {}),
        detail: {
          decisionId: decision.id,
          decision: decision.decision,
          subjectMemberId: decision.subjectMemberId,
          durationSeconds: decision.durationSeconds,
          expiresAt: decision.expiresAt,
          batchId: decision.batchId,
          sanctionId,
        },
      },
      q,
    );
  }

  #enforce(decision: DecisionRecord): void {
    if ((decision.decision === 'suspend' || decision.decision === 'ban') && decision.subjectMemberId !== null) this.d.enforcer.kick(decision.subjectMemberId);
  }

  /** The case's own segments; an appeal's are those of the case it appeals. */
  async #segmentIdsOfCase(q: Queryable, summary: CaseSummary, events: readonly CaseEventRecord[]): Promise<string[]> {
    if (summary.kind !== 'appeal') return segmentIdsOf(events);
    const originalCaseId = events.find((e) => e.type === 'opened')?.detail?.originalCaseId;
    if (typeof originalCaseId !== 'string') return [];
    const original = await q.query<{ detail: Record<string, unknown> }>('SELECT detail FROM case_events WHERE case_id = $1', [originalCaseId]);
    return segmentIdsOf(original.rows);
  }

  /** Every speaker's segments within TRANSCRIPT_CONTEXT_MS of the case's segments, in time order, with classifications. */
  async #transcriptAround(segmentIds: string[]): Promise<TranscriptLine[]> {
    if (segmentIds.length === 0) return [];
    const { rows } = await this.d.pool.query<{
      id: string;
      room_id: string;
      speaker_identity: string;
      started_at: Date;
      ended_at: Date;
      text: string;
      in_case: boolean;
      scores: Record<string, number> | null;
      categories: string[] | null;
      model_version: string | null;
      taxonomy_version: string | null;
      policy_version: string | null;
    }>(
      `WITH anchors AS (SELECT room_id, started_at, ended_at FROM transcript_segments WHERE id = ANY($1::bigint[]))
       SELECT s.id, s.room_id, s.speaker_identity, s.started_at, s.ended_at, s.text, s.id = ANY($1::bigint[]) AS in_case,
              c.scores, c.categories, c.model_version, c.taxonomy_version, c.policy_version
         FROM transcript_segments s
         LEFT JOIN segment_classifications c ON c.segment_id = s.id
        WHERE EXISTS (SELECT 1 FROM anchors a WHERE a.room_id = s.room_id
                        AND s.started_at >= a.started_at - make_interval(secs => $2::int / 1000.0)
                        AND s.started_at <= a.ended_at + make_interval(secs => $2::int / 1000.0))
        ORDER BY s.started_at, s.id LIMIT $3`,
      [segmentIds, TRANSCRIPT_CONTEXT_MS, MAX_TRANSCRIPT_LINES],
    );
    return rows.map((r) => ({
      segmentId: String(r.id),
      roomId: r.room_id,
      speakerIdentity: r.speaker_identity,
      startedAt: r.started_at.toISOString(),
      endedAt: r.ended_at.toISOString(),
      text: r.text,
      inCase: r.in_case,
      classification:
        r.model_version === null
          ? null
          : { scores: r.scores ?? {}, categories: r.categories ?? [], modelVersion: r.model_version, taxonomyVersion: r.taxonomy_version ?? '', policyVersion: r.policy_version },
    }));
  }
}
