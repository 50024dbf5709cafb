// Safety inside a room: reporting a speaker (or the room) to trust-and-safety, and the room's moderation policy
// (the host tightens the platform's; host, co-hosts and staff read it).
import { z } from 'zod';
import type { Principal } from '../../engine/identity/account-service.js';
import { PolicyRejected } from '../../engine/moderation/moderation-service.js';
import type { ApiServices } from '../context.js';
import { ApiError } from '../errors.js';
import { defineRoute, type RouteDef } from '../route.js';
import { PolicyOverrideBody, ReportBody, RoomPolicyView } from './moderation-schemas.js';
import { RoomIdParams } from './schemas.js';

type P = z.infer<typeof RoomIdParams>;
const ActionParams = RoomIdParams.extend({ actionId: z.string().regex(/^[1-9][0-9]{0,17}$/, 'must be an action id from a moderation_flag notice') });
const UndoResult = z.object({
  actionId: z.string(),
  undone: z.enum(['remove', 'move_to_audience', 'mute']),
  speaker: z.string(),
  effect: z.enum(['unbanned', 'invited_back', 'may_unmute']),
});

export function roomSafetyRoutes(s: ApiServices): RouteDef[] {
  return [
    defineRoute<z.infer<typeof ActionParams>, undefined, undefined, Principal>({
      method: 'post',
      path: '/v1/rooms/:roomId/moderation/actions/:actionId/undo',
      operationId: 'undoAutomaticModerationAction',
      summary:
        'Undo an automatic moderation action in your room (host, co-hosts; staff), once: a removal lifts the room ban, a move to ' +
        'the audience invites the speaker back on stage, a mute lets them unmute. `actionId` comes with the moderation_flag notice. Audited.',
      tag: 'moderation',
      auth: 'member',
      params: ActionParams,
      responses: { 200: { description: 'undone', schema: UndoResult } },
      handler: async ({ params, auth }) => ({ body: await s.moderation.undoAutomaticAction(auth, params.roomId, params.actionId) }),
    }),
    defineRoute<P, undefined, z.infer<typeof ReportBody>, Principal>({
      method: 'post',
      path: '/v1/rooms/:roomId/reports',
      operationId: 'reportInRoom',
      quota: { name: 'report', per: 'member' },
      summary: "Report a speaker (memberId) or the room to trust-and-safety; the last minutes of the room's transcript go with it",
      tag: 'moderation',
      auth: 'member',
      params: RoomIdParams,
      body: ReportBody,
      responses: { 201: { description: 'reported', schema: z.object({ caseId: z.uuid() }) } },
      handler: async ({ params, body, auth }) => ({
        status: 201,
        body: await s.moderation.report(auth, params.roomId, {
          reason: body.reason,
          ...(body.memberId !== undefined ? { memberId: body.memberId } : {}),
          ...(body.text !== undefined ? { text: body.text } : {}),
        }),
      }),
    }),
    defineRoute<P, undefined, undefined, Principal>({
      method: 'get',
      path: '/v1/rooms/:roomId/moderation-policy',
      operationId: 'getRoomModerationPolicy',
      summary: "The room's effective moderation policy, its version and the host's stored override (host, co-hosts, staff)",
      tag: 'moderation',
      auth: 'member',
      params: RoomIdParams,
      responses: { 200: { description: 'the policy', schema: RoomPolicyView } },
      handler: async ({ params, auth }) => ({ body: await s.moderation.roomPolicy(auth, params.roomId) }),
    }),
    defineRoute<P, undefined, z.infer<typeof PolicyOverrideBody>, Principal>({
      method: 'put',
      path: '/v1/rooms/:roomId/moderation-policy',
      operationId: 'setRoomModerationPolicy',
      summary: "Replace the room's policy override (host; admins): tighten only, 400 naming each field that would loosen a platform floor",
      tag: 'moderation',
      auth: 'member',
      params: RoomIdParams,
      body: PolicyOverrideBody,
      responses: { 200: { description: 'the policy now', schema: RoomPolicyView } },
      handler: async ({ params, body, auth }) => {
        try {
          return { body: await s.moderation.setRoomPolicy(auth, params.roomId, body) };
        } catch (err) {
          if (!(err instanceof PolicyRejected)) throw err;
          const details = err.errors.map((e) => ({ field: e.field ? `body.${e.field}` : 'body', message: e.message }));
          throw ApiError.badRequest('invalid_policy', `invalid ${details.map((d) => d.field).join(', ')}: ${err.errors[0]?.message ?? 'loosens the platform policy'}`, details);
        }
      },
    }),
  ];
}
