// Shapes of the trust-and-safety routes (staff, members, rooms): inputs validated here, outputs documented.
import { z } from 'zod';
import { nonBlankText } from '../../core/text-schema.js';
import { CASE_KINDS, CASE_STATUSES, DECISIONS } from '../../engine/cases/case-transitions.js';
import { POLICY_ACTIONS, MAX_ESCALATION_WINDOW_SECONDS } from '../../engine/moderation/room-policy.js';
import { MAX_SUSPENSION_SECONDS } from '../../engine/sanctions/sanction-store.js';
import { HARM_CATEGORIES } from '../../models/classifier/taxonomy.js';

/** A bigserial id as a string; at most 18 digits so it always fits PostgreSQL's bigint. */
export const SerialId = z.string().regex(/^[1-9][0-9]{0,17}$/, 'must be a positive integer id');
const Time = z.iso.datetime({ offset: true });
const Flag = z.enum(['true', 'false']).transform((v) => v === 'true');
const Limit = z.coerce.number().int().min(1).max(200).default(50);
const Scores = z.record(z.string(), z.number());
const Detail = z.record(z.string(), z.unknown());

export const CaseIdParams = z.object({ caseId: z.uuid() });
export const DecisionIdParams = z.object({ decisionId: z.uuid() });
export const ClipIdParams = z.object({ clipId: SerialId });

export const QueueQuery = z.object({
  status: z.enum([...CASE_STATUSES, 'any']).default('open'),
  kind: z.enum(CASE_KINDS).optional(),
  category: z.enum(HARM_CATEGORIES).optional(),
  roomId: z.uuid().optional(),
  memberId: z.uuid().optional(),
  olderThan: Time.optional(),
  newerThan: Time.optional(),
  unclaimedOnly: Flag.optional(),
  limit: Limit,
  cursor: z.string().min(1).max(300).optional(),
});

const decisionFields = {
  decision: z.enum(DECISIONS),
  reason: nonBlankText(2000),
  memberMessage: nonBlankText(2000).optional(),
  durationSeconds: z.number().int().min(1).max(MAX_SUSPENSION_SECONDS).optional(),
};

function durationOnlyForSuspend(v: { decision: string; durationSeconds?: number | undefined }, ctx: z.RefinementCtx): void {
  if (v.decision === 'suspend' && v.durationSeconds === undefined) ctx.addIssue({ code: 'custom', path: ['durationSeconds'], message: 'required for suspend' });
  if (v.decision !== 'suspend' && v.durationSeconds !== undefined) ctx.addIssue({ code: 'custom', path: ['durationSeconds'], message: 'applies to suspend only' });
}

export const DecideBody = z.strictObject(decisionFields).superRefine(durationOnlyForSuspend);
export const BulkDecideBody = z
  .strictObject({ caseIds: z.array(z.uuid()).min(1).max(100), ...decisionFields })
  .superRefine((v, ctx) => {
    durationOnlyForSuspend(v, ctx);
    if (new Set(v.caseIds).size !== v.caseIds.length) ctx.addIssue({ code: 'custom', path: ['caseIds'], message: 'has duplicates' });
  });
/** Comma-separated uuids in one query parameter (at most 200), e.g. ?memberIds=a,b. */
const IdList = z
  .string()
  .max(200 * 37)
  .transform((v) => [...new Set(v.split(',').map((id) => id.trim()).filter(Boolean))])
  .pipe(z.array(z.uuid('must be a comma-separated list of uuids')).max(200));
export const LabelsQuery = z.object({ memberIds: IdList.optional(), roomIds: IdList.optional() });
export const Labels = z.object({
  members: z.record(z.string(), z.string()).describe('member id → display name'),
  rooms: z.record(z.string(), z.string()).describe('room id → title'),
});
export const NoteBody = z.strictObject({ text: nonBlankText(10_000), visibleToMember: z.boolean().optional() });
export const ResolveAppealBody = z.strictObject({ outcome: z.enum(['upheld', 'overturned']), reason: nonBlankText(2000), memberMessage: nonBlankText(2000).optional() });
export const AppealBody = z.strictObject({ text: nonBlankText(10_000) });

export const TranscriptSearchQuery = z
  .object({
    q: nonBlankText(500),
    speaker: z.string().min(1).max(256).optional(),
    roomId: z.uuid().optional(),
    since: Time.optional(),
    until: Time.optional(),
    flaggedOnly: Flag.optional(),
    limit: Limit,
    before: SerialId.optional(),
  })
  .refine((v) => !v.since || !v.until || Date.parse(v.since) <= Date.parse(v.until), { path: ['until'], message: 'must not be before since' });

export const EvidenceQuery = z.object({ caseId: z.uuid().optional(), reason: z.string().max(500).optional() });

export const AuditQuery = z
  .object({
    actorId: z.uuid().optional(),
    action: z.string().max(100).regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'must be a dotted verb like case.decided').optional(),
    actionPrefix: z.string().min(1).max(100).regex(/^[a-z0-9_.]+$/, 'lower-case letters, digits, _ and . only').optional(),
    subjectKind: z.string().min(1).max(50).optional(),
    subjectId: z.string().min(1).max(200).optional(),
    roomId: z.uuid().optional(),
    since: Time.optional(),
    until: Time.optional(),
    before: SerialId.optional(),
    limit: Limit,
  })
  .refine((v) => (v.subjectKind === undefined) === (v.subjectId === undefined), { path: ['subjectId'], message: 'subjectKind and subjectId go together' });

export const ReportBody = z.strictObject({
  memberId: z.uuid().optional(),
  reason: z.enum([...HARM_CATEGORIES, 'other']),
  text: nonBlankText(2000).optional(),
});

const CategoryOverride = z.strictObject({
  threshold: z.number().gt(0).max(1).optional(),
  action: z.enum([...POLICY_ACTIONS, 'care']).optional(),
});
export const PolicyOverrideBody = z.strictObject({
  categories: z.strictObject(Object.fromEntries(HARM_CATEGORIES.map((c) => [c, CategoryOverride.optional()])) as Record<(typeof HARM_CATEGORIES)[number], z.ZodOptional<typeof CategoryOverride>>).optional(),
  escalation: z
    .strictObject({
      windowSeconds: z.number().int().min(1).max(MAX_ESCALATION_WINDOW_SECONDS).optional(),
      ladder: z.array(z.enum(POLICY_ACTIONS)).min(1).max(POLICY_ACTIONS.length).optional(),
    })
    .optional(),
});

// ---- Outputs

export const CaseSummary = z.object({
  id: z.uuid(),
  kind: z.enum(CASE_KINDS),
  status: z.enum(CASE_STATUSES),
  subjectMemberId: z.string().nullable(),
  roomId: z.string().nullable(),
  categories: z.array(z.string()),
  scores: Scores,
  maxScore: z.number().nullable(),
  priority: z.number(),
  evidenceCount: z.number().int(),
  dedupeKey: z.string().nullable(),
  appealOfDecisionId: z.string().nullable(),
  lease: z.object({ holder: z.string(), expiresAt: z.string() }).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  resolvedAt: z.string().nullable(),
  lastEventId: z.string().nullable(),
});

export const CaseEvent = z.object({
  id: z.string(),
  caseId: z.string(),
  at: z.string(),
  actor: z.object({ kind: z.enum(['system', 'member']), memberId: z.string().nullable().optional() }),
  type: z.string(),
  reason: z.string().nullable(),
  durationSeconds: z.number().nullable(),
  expiresAt: z.string().nullable(),
  batchId: z.string().nullable(),
  dedupeKey: z.string().nullable(),
  visibleToSubject: z.boolean(),
  detail: Detail,
});

export const DecisionRecord = z.object({
  id: z.string(),
  caseId: z.string(),
  eventId: z.string(),
  subjectMemberId: z.string().nullable(),
  decision: z.enum(DECISIONS),
  memberReason: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string(),
  durationSeconds: z.number().nullable(),
  expiresAt: z.string().nullable(),
  batchId: z.string().nullable(),
  appeal: z
    .object({ appealedAt: z.string(), caseId: z.string().nullable(), outcome: z.enum(['upheld', 'overturned']).nullable(), reason: z.string().nullable(), resolvedAt: z.string().nullable() })
    .nullable(),
});

export const Lease = z.object({ caseId: z.uuid(), holder: z.string(), expiresAt: z.string() });

const TranscriptLine = z.object({
  segmentId: z.string(),
  roomId: z.string(),
  speakerIdentity: z.string(),
  startedAt: z.string(),
  endedAt: z.string(),
  text: z.string(),
  inCase: z.boolean(),
  classification: z
    .object({ scores: Scores, categories: z.array(z.string()), modelVersion: z.string(), taxonomyVersion: z.string(), policyVersion: z.string().nullable() })
    .nullable(),
});

const ClipMetadata = z.object({
  id: z.string(),
  segmentId: z.string(),
  roomId: z.string(),
  speakerIdentity: z.string(),
  mediaType: z.string(),
  bytes: z.number(),
  durationMs: z.number(),
  leadMs: z.number(),
  createdAt: z.string(),
  retainUntil: z.string(),
});

const Sanction = z.object({
  id: z.string(),
  kind: z.enum(['warn', 'suspend', 'ban']),
  reason: z.string(),
  caseId: z.string().nullable(),
  decisionId: z.string().nullable(),
  startsAt: z.string(),
  expiresAt: z.string().nullable(),
  liftedAt: z.string().nullable(),
  liftReason: z.string().nullable(),
});

export const CaseDetail = z.object({
  case: CaseSummary,
  events: z.array(CaseEvent),
  decisions: z.array(DecisionRecord),
  transcript: z.array(TranscriptLine),
  evidence: z.array(ClipMetadata),
  history: z.object({ cases: z.array(CaseSummary), decisions: z.array(DecisionRecord), sanctions: z.array(Sanction) }).nullable(),
});

export const BatchResults = z.object({
  batchId: z.string(),
  results: z.array(
    z.object({ caseId: z.string(), ok: z.boolean(), decision: DecisionRecord.optional(), code: z.string().optional(), message: z.string().optional() }),
  ),
});

export const TranscriptHit = z.object({
  id: z.string(),
  roomId: z.string(),
  speakerIdentity: z.string(),
  trackSid: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string(),
  text: z.string(),
  headline: z.string(),
  flagged: z.boolean(),
  categories: z.array(z.string()),
});

export const AuditEntry = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.object({ kind: z.enum(['system', 'member']), memberId: z.string().nullable().optional() }),
  action: z.string(),
  subject: z.object({ kind: z.string(), id: z.string() }).nullable(),
  roomId: z.string().nullable(),
  detail: Detail,
});

export const MemberDecision = z.object({
  id: z.string(),
  decision: z.enum(['warn', 'suspend', 'ban']),
  reason: z.string(),
  categories: z.array(z.string()),
  roomId: z.string().nullable(),
  decidedAt: z.string(),
  expiresAt: z.string().nullable(),
  canAppeal: z.boolean(),
  appeal: z
    .object({
      status: z.enum(['pending', 'upheld', 'overturned']),
      appealedAt: z.string(),
      statement: z.string().nullable(),
      reason: z.string().nullable(),
      resolvedAt: z.string().nullable(),
    })
    .nullable(),
  messages: z.array(z.object({ at: z.string(), text: z.string() })),
});

const PolicyShape = z.object({
  version: z.string(),
  categories: z.record(z.string(), z.object({ threshold: z.number(), action: z.string() })),
  escalation: z.object({ windowSeconds: z.number(), ladder: z.array(z.string()) }),
});

export const RoomPolicyView = z.object({
  roomId: z.uuid(),
  policy: PolicyShape,
  version: z.string(),
  override: Detail.nullable(),
  updatedBy: z.string().nullable(),
  updatedAt: z.string().nullable(),
  ignored: z.array(z.object({ field: z.string(), message: z.string() })),
  /** The platform policy a room override tightens; floorCategories' threshold and action, and the escalation, may not be loosened. */
  platform: PolicyShape,
  floorCategories: z.array(z.string()),
});
