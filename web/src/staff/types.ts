// What the trust-and-safety routes answer (api/routes/moderation-schemas.ts is the source; these mirror its
// output shapes for the pages). The enumerations come from the engine's own pure modules, so they cannot drift.
export { CASE_KINDS, CASE_STATUSES, DECISIONS, type CaseKind, type CaseStatus, type Decision } from '../../../engine/cases/case-transitions.js';
export { HARM_CATEGORIES } from '../../../models/classifier/taxonomy.js';
import type { CaseKind, CaseStatus, Decision } from '../../../engine/cases/case-transitions.js';

export type Scores = Record<string, number>;
export interface Actor {
  kind: 'system' | 'member';
  memberId?: string | null;
}

export interface CaseSummary {
  id: string;
  kind: CaseKind;
  status: CaseStatus;
  subjectMemberId: string | null;
  roomId: string | null;
  categories: string[];
  scores: Scores;
  maxScore: number | null;
  priority: number;
  evidenceCount: number;
  dedupeKey: string | null;
  appealOfDecisionId: string | null;
  lease: { holder: string; expiresAt: string } | null;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  lastEventId: string | null;
}

export interface CasePage {
  items: CaseSummary[];
  nextCursor: string | null;
}

export interface CaseEvent {
  id: string;
  caseId: string;
  at: string;
  actor: Actor;
  type: string;
  reason: string | null;
  durationSeconds: number | null;
  expiresAt: string | null;
  batchId: string | null;
  visibleToSubject: boolean;
  detail: Record<string, unknown>;
}

export interface DecisionRecord {
  id: string;
  caseId: string;
  subjectMemberId: string | null;
  decision: Decision;
  memberReason: string;
  decidedBy: string | null;
  decidedAt: string;
  durationSeconds: number | null;
  expiresAt: string | null;
  appeal: { appealedAt: string; caseId: string | null; outcome: 'upheld' | 'overturned' | null; reason: string | null; resolvedAt: string | null } | null;
}

export interface TranscriptLine {
  segmentId: string;
  roomId: string;
  speakerIdentity: string;
  startedAt: string;
  endedAt: string;
  text: string;
  inCase: boolean;
  classification: { scores: Scores; categories: string[]; modelVersion: string; taxonomyVersion: string; policyVersion: string | null } | null;
}

export interface ClipMetadata {
  id: string;
  segmentId: string;
  roomId: string;
  speakerIdentity: string;
  mediaType: string;
  bytes: number;
  durationMs: number;
  leadMs: number;
  createdAt: string;
  retainUntil: string;
}

export interface Sanction {
  id: string;
  kind: 'warn' | 'suspend' | 'ban';
  reason: string;
  caseId: string | null;
  startsAt: string;
  expiresAt: string | null;
  liftedAt: string | null;
  liftReason: string | null;
}

export interface CaseDetail {
  case: CaseSummary;
  events: CaseEvent[];
  decisions: DecisionRecord[];
  transcript: TranscriptLine[];
  evidence: ClipMetadata[];
  history: { cases: CaseSummary[]; decisions: DecisionRecord[]; sanctions: Sanction[] } | null;
}

export interface Lease {
  caseId: string;
  holder: string;
  expiresAt: string;
}

export interface TranscriptHit {
  id: string;
  roomId: string;
  speakerIdentity: string;
  startedAt: string;
  endedAt: string;
  text: string;
  headline: string;
  flagged: boolean;
  categories: string[];
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: Actor;
  action: string;
  subject: { kind: string; id: string } | null;
  roomId: string | null;
  detail: Record<string, unknown>;
}

/** POST /v1/moderation/decisions: one batch id, one result per case (a refusal names its code and why). */
export interface BatchResults {
  batchId: string;
  results: { caseId: string; ok: boolean; decision?: DecisionRecord; code?: string; message?: string }[];
}
