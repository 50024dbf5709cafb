// A member's side of trust and safety: the decisions addressed to them (what they are told, never the reviewer or
// internal notes) and one appeal per decision.
import { z } from 'zod';
import type { Principal } from '../../engine/identity/account-service.js';
import type { ApiServices } from '../context.js';
import { defineRoute, type RouteDef } from '../route.js';
import { AppealBody, DecisionIdParams, MemberDecision } from './moderation-schemas.js';

export function decisionRoutes(s: ApiServices): RouteDef[] {
  return [
    defineRoute<undefined, undefined, undefined, Principal>({
      method: 'get',
      path: '/v1/me/decisions',
      operationId: 'listMyDecisions',
      summary: 'Moderation decisions about you (warnings, suspensions, bans), newest first, with messages staff addressed to you and your appeals',
      tag: 'moderation',
      auth: 'member',
      responses: { 200: { description: 'your decisions', schema: z.object({ items: z.array(MemberDecision) }) } },
      handler: async ({ auth }) => ({ body: { items: await s.moderation.decisionsFor(auth) } }),
    }),
    defineRoute<z.infer<typeof DecisionIdParams>, undefined, z.infer<typeof AppealBody>, Principal>({
      method: 'post',
      path: '/v1/me/decisions/:decisionId/appeal',
      operationId: 'appealDecision',
      summary: 'Appeal a decision about you, once (409 already_appealed); a reviewer other than the one who decided resolves it',
      tag: 'moderation',
      auth: 'member',
      params: DecisionIdParams,
      body: AppealBody,
      responses: { 201: { description: 'appeal opened', schema: z.object({ appealCaseId: z.uuid(), decisionId: z.uuid() }) } },
      handler: async ({ params, body, auth }) => ({ status: 201, body: await s.moderation.appeal(auth, params.decisionId, body.text) }),
    }),
  ];
}
