// Suggestions with reasons, mutual opt-in (accept / decline / snooze), scheduled match rooms and the notification
// feed. Every route is `matching.participate` in the platform access table; whose row it is, is checked on the row
// (someone else's suggestion or notification is 404, like one that does not exist).
import { z } from 'zod';
import { authorizePlatform } from '../../engine/access/index.js';
import type { Principal } from '../../engine/identity/account-service.js';
import type { ApiServices } from '../context.js';
import { ApiError } from '../errors.js';
import { defineRoute, type RouteDef } from '../route.js';

const MemberCard = z.object({ memberId: z.uuid(), displayName: z.string(), headline: z.string(), photoUrl: z.string(), introUrl: z.string() });
const Suggestion = z.object({
  id: z.uuid(),
  candidate: MemberCard,
  score: z.number(),
  reasons: z.array(z.string()),
  overlap: z.array(z.object({ start: z.string(), end: z.string() })),
  status: z.enum(['pending', 'accepted', 'declined', 'snoozed', 'expired', 'matched']),
  createdAt: z.string(),
  expiresAt: z.string(),
  snoozedUntil: z.string().nullable(),
  respondedAt: z.string().nullable(),
});
const Match = z.object({
  matchId: z.uuid(),
  roomId: z.uuid(),
  partner: MemberCard,
  youHost: z.boolean(),
  scheduledFor: z.string(),
  endsAt: z.string(),
  roomStatus: z.enum(['scheduled', 'live', 'ended']),
  createdAt: z.string(),
});
const Notification = z.object({ id: z.uuid(), kind: z.string(), payload: z.record(z.string(), z.unknown()), createdAt: z.string(), readAt: z.string().nullable() });
const IdParams = z.object({ id: z.uuid() });
const Snooze = z.strictObject({ days: z.number().int().min(1).max(30) });
const NotificationList = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().regex(/^\d{1,18}$/, 'must be a cursor from a previous page').optional(),
  unread: z.enum(['true', 'false']).optional(),
});
type IdParams = z.infer<typeof IdParams>;

function participate(auth: Principal): void {
  const d = authorizePlatform(auth.platformRoles, 'matching.participate');
  if (!d.allowed) throw new ApiError(403, d.code, d.reason);
}

export function matchingSuggestionRoutes(s: ApiServices): RouteDef[] {
  const svc = () => s.matchingSuggestions;
  return [
    defineRoute<undefined, undefined, undefined, Principal>({
      method: 'get',
      path: '/v1/me/matching/suggestions',
      operationId: 'listMySuggestions',
      summary: 'Your suggested partners with reasons (pending best first, then the ones you accepted and wait on); expired ones are replaced on read',
      tag: 'matching',
      auth: 'member',
      responses: { 200: { description: 'your open suggestions; matchable false (and no items) until GET /v1/me/matching/status is all met', schema: z.object({ matchable: z.boolean(), items: z.array(Suggestion) }) } },
      handler: async ({ auth }) => {
        participate(auth);
        return { body: await svc().list(auth.memberId) };
      },
    }),
    defineRoute<IdParams, undefined, undefined, Principal>({
      method: 'post',
      path: '/v1/me/matching/suggestions/:id/accept',
      operationId: 'acceptSuggestion',
      summary: 'Say yes; when the other member says yes too, a private invite-only room is scheduled at your first common free slot and both are notified',
      tag: 'matching',
      auth: 'member',
      params: IdParams,
      responses: {
        200: {
          description: 'accepted; match is the scheduled room once both said yes, waiting says what is missing otherwise',
          schema: z.object({ suggestion: Suggestion, match: Match.nullable(), waiting: z.enum(['other_member', 'no_common_slot']).nullable() }),
        },
        404: { description: 'no such suggestion of yours' },
        409: { description: 'the suggestion expired or was declined' },
      },
      handler: async ({ params, auth }) => {
        participate(auth);
        return { body: await svc().accept(auth.memberId, params.id) };
      },
    }),
    defineRoute<IdParams, undefined, undefined, Principal>({
      method: 'post',
      path: '/v1/me/matching/suggestions/:id/decline',
      operationId: 'declineSuggestion',
      summary: 'Say no: the pair is never suggested again (the other member is not told)',
      tag: 'matching',
      auth: 'member',
      params: IdParams,
      responses: { 200: { description: 'declined', schema: Suggestion }, 404: { description: 'no such suggestion of yours' }, 409: { description: 'already a scheduled match' } },
      handler: async ({ params, auth }) => {
        participate(auth);
        return { body: await svc().decline(auth.memberId, params.id) };
      },
    }),
    defineRoute<IdParams, undefined, z.infer<typeof Snooze>, Principal>({
      method: 'post',
      path: '/v1/me/matching/suggestions/:id/snooze',
      operationId: 'snoozeSuggestion',
      summary: 'Hide a pending suggestion for `days` (1–30); it comes back with a fresh week to answer',
      tag: 'matching',
      auth: 'member',
      params: IdParams,
      body: Snooze,
      responses: { 200: { description: 'snoozed', schema: Suggestion }, 404: { description: 'no such suggestion of yours' }, 409: { description: 'not pending' } },
      handler: async ({ params, body, auth }) => {
        participate(auth);
        return { body: await svc().snooze(auth.memberId, params.id, body.days) };
      },
    }),
    defineRoute<undefined, undefined, undefined, Principal>({
      method: 'get',
      path: '/v1/me/matching/matches',
      operationId: 'listMyMatches',
      summary: 'Your scheduled match rooms (newest first): join them with POST /v1/rooms/{roomId}/join; the host starts them',
      tag: 'matching',
      auth: 'member',
      responses: { 200: { description: 'your matches', schema: z.object({ items: z.array(Match) }) } },
      handler: async ({ auth }) => {
        participate(auth);
        return { body: { items: await svc().matches(auth.memberId) } };
      },
    }),
    defineRoute<undefined, z.infer<typeof NotificationList>, undefined, Principal>({
      method: 'get',
      path: '/v1/me/notifications',
      operationId: 'listMyNotifications',
      summary: 'Your notifications, newest first (e.g. match_scheduled)',
      tag: 'matching',
      auth: 'member',
      query: NotificationList,
      responses: { 200: { description: 'a page of notifications', schema: z.object({ items: z.array(Notification), nextCursor: z.string().nullable(), unread: z.number().int() }) } },
      handler: async ({ query, auth }) => {
        participate(auth);
        const page = await s.notifications.list(auth.memberId, { limit: query.limit, cursor: query.cursor, unreadOnly: query.unread === 'true' });
        return { body: { ...page, items: page.items.map(({ memberId: _m, ...n }) => n) } };
      },
    }),
    defineRoute<IdParams, undefined, undefined, Principal>({
      method: 'post',
      path: '/v1/me/notifications/:id/read',
      operationId: 'markNotificationRead',
      summary: 'Mark one of your notifications read (idempotent)',
      tag: 'matching',
      auth: 'member',
      params: IdParams,
      responses: { 200: { description: 'the notification', schema: Notification }, 404: { description: 'no such notification of yours' } },
      handler: async ({ params, auth }) => {
        participate(auth);
        const { memberId: _m, ...n } = await s.notifications.markRead(auth.memberId, params.id);
        return { body: n };
      },
    }),
  ];
}
