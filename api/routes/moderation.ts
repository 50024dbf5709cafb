// Trust-and-safety staff: the case queue, a case with its transcript and evidence, leases, notes, decisions (single
// and bulk), appeals, transcript search, evidence audio (every read audited) and the audit log. Route auth `staff`,
// then the service asks the platform table (moderation.review, audit.read).
import { z } from 'zod';
import type { Principal } from '../../engine/identity/account-service.js';
import type { ApiServices } from '../context.js';
import { ApiError } from '../errors.js';
import { defineRoute, type RouteDef } from '../route.js';
import {
  AuditEntry,
  AuditQuery,
  BatchResults,
  BulkDecideBody,
  CaseDetail,
  CaseIdParams,
  CaseSummary,
  ClipIdParams,
  DecideBody,
  DecisionRecord,
  EvidenceQuery,
  Labels,
  LabelsQuery,
  Lease,
  NoteBody,
  QueueQuery,
  ResolveAppealBody,
  TranscriptHit,
  TranscriptSearchQuery,
} from './moderation-schemas.js';

type CaseP = z.infer<typeof CaseIdParams>;
const date = (iso: string | undefined): Date | undefined => (iso === undefined ? undefined : new Date(iso));

export function moderationRoutes(s: ApiServices): RouteDef[] {
  return [
    defineRoute<undefined, z.infer<typeof QueueQuery>, undefined, Principal>({
      method: 'get',
      path: '/v1/moderation/cases',
      operationId: 'listModerationCases',
      summary: 'The review queue: highest priority first, then oldest; filter by status, kind, category, room, member and age',
      tag: 'moderation',
      auth: 'staff',
      query: QueueQuery,
      responses: { 200: { description: 'a page of cases', schema: z.object({ items: z.array(CaseSummary), nextCursor: z.string().nullable() }) } },
      handler: async ({ query, auth }) => {
        try {
          const page = await s.moderation.queue(auth, {
            status: query.status,
            kind: query.kind,
            category: query.category,
            roomId: query.roomId,
            subjectMemberId: query.memberId,
            olderThan: date(query.olderThan),
            newerThan: date(query.newerThan),
            unclaimedOnly: query.unclaimedOnly,
            limit: query.limit,
            cursor: query.cursor,
          });
          return { body: { items: page.cases, nextCursor: page.nextCursor } };
        } catch (err) {
          // A cursor this queue did not hand out (or one naming an impossible time) is the caller's mistake.
          if ((err instanceof TypeError && /cursor/.test(err.message)) || /^22/.test(String((err as { code?: unknown }).code ?? ''))) {
            throw ApiError.badRequest('validation_failed', 'invalid query.cursor: must be the nextCursor of a previous page', [{ field: 'query.cursor', message: 'not a cursor of this queue' }]);
          }
          throw err;
        }
      },
    }),
    defineRoute<CaseP, undefined, undefined, Principal>({
      method: 'get',
      path: '/v1/moderation/cases/:caseId',
      operationId: 'getModerationCase',
      summary: "A case with its event log, decisions, the room's transcript around it (all speakers, ±2 min) with scores, evidence clips and the member's history",
      tag: 'moderation',
      auth: 'staff',
      params: CaseIdParams,
      responses: { 200: { description: 'the case', schema: CaseDetail } },
      handler: async ({ params, auth }) => ({ body: await s.moderation.caseDetail(auth, params.caseId) }),
    }),
    defineRoute<undefined, z.infer<typeof LabelsQuery>, undefined, Principal>({
      method: 'get',
      path: '/v1/moderation/labels',
      operationId: 'getModerationLabels',
      summary: "Members' display names and rooms' titles for up to 200 ids each (comma-separated), so a staff page resolves its ids in one request; unknown ids are absent",
      tag: 'moderation',
      auth: 'staff',
      query: LabelsQuery,
      responses: { 200: { description: 'names by id', schema: Labels } },
      handler: async ({ query, auth }) => ({ body: await s.moderation.labels(auth, query.memberIds ?? [], query.roomIds ?? []) }),
    }),
    defineRoute<CaseP, undefined, undefined, Principal>({
      method: 'post',
      path: '/v1/moderation/cases/:caseId/claim',
      operationId: 'claimModerationCase',
      summary: 'Take the case for a while (CASE_LEASE_SECONDS); 409 lease_held while another reviewer holds it',
      tag: 'moderation',
      auth: 'staff',
      params: CaseIdParams,
      responses: { 200: { description: 'your lease', schema: Lease } },
      handler: async ({ params, auth }) => ({ body: await s.moderation.claim(auth, params.caseId) }),
    }),
    defineRoute<CaseP, undefined, undefined, Principal>({
      method: 'post',
      path: '/v1/moderation/cases/:caseId/lease/renew',
      operationId: 'renewModerationCaseLease',
      summary: 'Extend your lease on the case; 409 lease_not_held when you do not hold it',
      tag: 'moderation',
      auth: 'staff',
      params: CaseIdParams,
      responses: { 200: { description: 'your lease, extended', schema: Lease } },
      handler: async ({ params, auth }) => ({ body: await s.moderation.renewLease(auth, params.caseId) }),
    }),
    defineRoute<CaseP, undefined, undefined, Principal>({
      method: 'post',
      path: '/v1/moderation/cases/:caseId/release',
      operationId: 'releaseModerationCase',
      summary: 'Give the case back to the queue',
      tag: 'moderation',
      auth: 'staff',
      params: CaseIdParams,
      responses: { 200: { description: 'released', schema: z.object({ caseId: z.uuid(), released: z.literal(true) }) } },
      handler: async ({ params, auth }) => {
        await s.moderation.release(auth, params.caseId);
        return { body: { caseId: params.caseId, released: true } };
      },
    }),
    defineRoute<CaseP, undefined, z.infer<typeof NoteBody>, Principal>({
      method: 'post',
      path: '/v1/moderation/cases/:caseId/notes',
      operationId: 'addModerationCaseNote',
      summary: 'A note on the case: internal, or shown to the member with their decision (visibleToMember)',
      tag: 'moderation',
      auth: 'staff',
      params: CaseIdParams,
      body: NoteBody,
      responses: { 201: { description: 'noted', schema: z.object({ eventId: z.string() }) } },
      handler: async ({ params, body, auth }) => ({ status: 201, body: await s.moderation.addNote(auth, params.caseId, body.text, body.visibleToMember ?? false) }),
    }),
    defineRoute<CaseP, undefined, z.infer<typeof DecideBody>, Principal>({
      method: 'post',
      path: '/v1/moderation/cases/:caseId/decision',
      operationId: 'decideModerationCase',
      summary: 'Decide the case: dismiss, warn, suspend (durationSeconds) or ban; the sanction and audit record commit with it, and a suspended or banned member leaves every live room',
      tag: 'moderation',
      auth: 'staff',
      params: CaseIdParams,
      body: DecideBody,
      responses: { 200: { description: 'the decision', schema: DecisionRecord } },
      handler: async ({ params, body, auth }) => ({ body: await s.moderation.decide(auth, params.caseId, body) }),
    }),
    defineRoute<undefined, undefined, z.infer<typeof BulkDecideBody>, Principal>({
      method: 'post',
      path: '/v1/moderation/decisions',
      operationId: 'decideModerationCases',
      summary: 'The same decision on several cases under one batch id; each case succeeds or fails on its own',
      tag: 'moderation',
      auth: 'staff',
      body: BulkDecideBody,
      responses: { 200: { description: 'one result per case', schema: BatchResults } },
      handler: async ({ body, auth }) => {
        const { caseIds, ...input } = body;
        return { body: await s.moderation.decideMany(auth, caseIds, input) };
      },
    }),
    defineRoute<CaseP, undefined, z.infer<typeof ResolveAppealBody>, Principal>({
      method: 'post',
      path: '/v1/moderation/appeals/:caseId/resolve',
      operationId: 'resolveAppeal',
      summary: 'Close an appeal: upheld (the decision stands) or overturned (its sanction is lifted); not by the reviewer who decided',
      tag: 'moderation',
      auth: 'staff',
      params: CaseIdParams,
      body: ResolveAppealBody,
      responses: { 200: { description: 'the appealed decision with its outcome', schema: DecisionRecord } },
      handler: async ({ params, body, auth }) => ({ body: await s.moderation.resolveAppeal(auth, params.caseId, body.outcome, body.reason, body.memberMessage) }),
    }),
    defineRoute<undefined, z.infer<typeof TranscriptSearchQuery>, undefined, Principal>({
      method: 'get',
      path: '/v1/moderation/transcripts',
      operationId: 'searchTranscripts',
      summary: 'Full-text search over transcripts (web-search syntax, English stemming), newest first; page with before=<last id>',
      tag: 'moderation',
      auth: 'staff',
      query: TranscriptSearchQuery,
      responses: { 200: { description: 'matching segments', schema: z.object({ items: z.array(TranscriptHit), nextBefore: z.string().nullable() }) } },
      handler: async ({ query, auth }) => {
        const items = await s.moderation.searchTranscripts(auth, {
          q: query.q,
          speakerIdentity: query.speaker,
          roomId: query.roomId,
          since: date(query.since),
          until: date(query.until),
          flaggedOnly: query.flaggedOnly,
          limit: query.limit,
          beforeId: query.before,
        });
        return { body: { items, nextBefore: items.length === query.limit ? items[items.length - 1]!.id : null } };
      },
    }),
    defineRoute<z.infer<typeof ClipIdParams>, z.infer<typeof EvidenceQuery>, undefined, Principal>({
      method: 'get',
      path: '/v1/moderation/evidence/:clipId',
      operationId: 'getEvidenceClip',
      summary: 'The audio of an evidence clip (audio/flac); every read is recorded in the audit log',
      tag: 'moderation',
      auth: 'staff',
      params: ClipIdParams,
      query: EvidenceQuery,
      responses: { 200: { description: 'the clip audio', mediaType: 'audio/flac' } },
      handler: async ({ params, query, auth }) => {
        const clip = await s.moderation.readEvidence(auth, params.clipId, { ...(query.caseId ? { caseId: query.caseId } : {}), ...(query.reason !== undefined ? { reason: query.reason } : {}) });
        return {
          body: clip.audio,
          headers: { 'Content-Type': clip.mediaType, 'Cache-Control': 'no-store', 'X-Clip-Duration-Ms': String(clip.durationMs), 'X-Clip-Lead-Ms': String(clip.leadMs) },
        };
      },
    }),
    defineRoute<undefined, z.infer<typeof AuditQuery>, undefined, Principal>({
      method: 'get',
      path: '/v1/admin/audit',
      operationId: 'listAuditLog',
      summary: 'The audit log, newest first: decisions, automatic actions, evidence reads, policy changes; page with before=<last id>',
      tag: 'admin',
      auth: 'staff',
      query: AuditQuery,
      responses: { 200: { description: 'audit entries', schema: z.object({ items: z.array(AuditEntry), nextBefore: z.string().nullable() }) } },
      handler: async ({ query, auth }) => {
        const items = await s.moderation.listAudit(auth, {
          actorId: query.actorId,
          action: query.action,
          actionPrefix: query.actionPrefix,
          subject: query.subjectKind !== undefined && query.subjectId !== undefined ? { kind: query.subjectKind, id: query.subjectId } : undefined,
          roomId: query.roomId,
          since: date(query.since),
          until: date(query.until),
          beforeId: query.before,
          limit: query.limit,
        });
        return { body: { items, nextBefore: items.length === query.limit ? items[items.length - 1]!.id : null } };
      },
    }),
  ];
}
