// Suggestions with reasons, mutual opt-in (accept / decline / snooze), scheduled match rooms and the notification
// feed. Every route is `matching.participate` in the platform access table; whose row it is, is checked on the row
// (someone else's suggestion or notification is 404, like one that does not exist).
import { z } from 'zod';
import { authorizePlatform } from '../../engine/access/index.js';
import type { Principal } from '../../engine/identity/account-service.js';
import type { ApiServices } from '../context.js';
import { ApiError } from '../errors.js';
import { defineRoute, type RouteDef } from '../route.js';
import { watchSession } from '../session-watch.js';
import { StreamSlots } from '../stream-slots.js';
import { lastEventIdHeader } from './stage.js';
import type { NotificationService, NotificationStreamEvent } from '../../engine/matching/notification-service.js';
import type { ServerResponse } from 'node:http';

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

const HEARTBEAT_MS = 15_000;
/** Open notification streams per member in one process (a few tabs); one more is 429 with Retry-After. */
const NOTIFICATION_STREAMS_PER_MEMBER = 5;

export function matchingSuggestionRoutes(s: ApiServices): RouteDef[] {
  const svc = () => s.matchingSuggestions;
  const streamSlots = new StreamSlots(NOTIFICATION_STREAMS_PER_MEMBER, HEARTBEAT_MS / 1000);
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
    defineRoute<undefined, undefined, undefined, Principal>({
      method: 'get',
      path: '/v1/me/notifications/events',
      operationId: 'streamMyNotifications',
      summary: 'Server-sent events (text/event-stream) of your new notifications, from every API process',
      tag: 'matching',
      auth: 'member',
      responses: {
        200: {
          description:
            'A text/event-stream. The first event is `event: ready` with `data: {"unread": N}` (your unread count as the ' +
            'stream starts); then one `event: notification` per new notification, `data:` the same object GET ' +
            '/v1/me/notifications lists. Every event carries `id:`, your stream\'s event id (the same in every API process). ' +
            'Reconnecting with the `Last-Event-ID` header replays every notification after that id, then goes on live: ' +
            'nothing missed, nothing twice, and no ready event (an id this stream never gave starts afresh with ready). ' +
            'When the notifications after that id are past the event retention, `event: notifications_reset` says to ' +
            'read GET /v1/me/notifications again. `: keep-alive` comments every 15 s. The stream ends with ' +
            '`event: stream_closed` and `data: {"reason": …}` when your session ends (`session_ended`) or your access ' +
            'token expires (`session_expired`: open a new stream with a fresh token). More than ' +
            `${NOTIFICATION_STREAMS_PER_MEMBER} open streams of one member are answered 429 too_many_streams with Retry-After.`,
        },
        406: { description: 'not_acceptable: the request must accept text/event-stream (EventSource does; so must a fetch reader)' },
      },
      handler: async ({ auth, ctx }) => {
        participate(auth);
        // Only a client that asked for a stream gets one: a plain JSON client (or a crawler) would hang on it.
        if (!/text\/event-stream/i.test(ctx.get('accept'))) {
          throw new ApiError(406, 'not_acceptable', 'this endpoint answers only text/event-stream; send Accept: text/event-stream', [
            { field: 'header.Accept', message: 'must include text/event-stream' },
          ]);
        }
        const resumeAfter = lastEventIdHeader(ctx.get('last-event-id'));
        const releaseSlot = streamSlots.acquire(auth.memberId);
        let head: number;
        let unread: number;
        try {
          // The head before the count: a notification committed in between is counted and also comes as an event
          // (the client re-reads on each event), never lost.
          head = await s.notifications.lastEventId(auth.memberId);
          unread = resumeAfter !== undefined && resumeAfter <= head ? 0 : await s.notifications.unreadCount(auth.memberId);
        } catch (err) {
          releaseSlot();
          throw err;
        }
        const resume = resumeAfter !== undefined && resumeAfter <= head ? resumeAfter : undefined;
        const stream = notificationStream(s.notifications, auth.memberId, releaseSlot);
        // Written straight to the socket (ctx.respond = false), as the stage stream: Koa's piping would report every
        // client that goes away as a server error.
        ctx.respond = false;
        ctx.req.socket.setTimeout(0);
        ctx.res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' });
        ctx.res.once('close', stream.close);
        stream.start(ctx.res, resume === undefined ? { ready: { unread }, id: head } : { after: resume });
        stream.onClose(watchSession(s.accounts, auth, { ended: stream.end, changed: () => undefined }, { recheckMs: HEARTBEAT_MS, log: s.log }));
        return { status: 200 };
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

interface NotificationEventStream {
  start(sink: ServerResponse, from: { ready: { unread: number }; id: number } | { after: number }): void;
  /** Sends `event: stream_closed` with `reason`, then ends the stream. */
  end(reason: string): void;
  /** Runs `cleanup` when the stream closes (at once if it already has). */
  onClose(cleanup: () => void): void;
  close(): void;
}

/** One client's stream of a member's notifications (the room event bus, through the notification service). */
function notificationStream(notifications: NotificationService, memberId: string, releaseSlot: () => void): NotificationEventStream {
  let sink: ServerResponse | undefined;
  let closed = false;
  let unsubscribe: () => void = () => undefined;
  const cleanups: (() => void)[] = [releaseSlot];
  const write = (chunk: string): void => {
    if (!closed && sink !== undefined && !sink.writableEnded) sink.write(chunk);
  };
  const close = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
    for (const cleanup of cleanups.splice(0)) cleanup();
    if (sink !== undefined && !sink.writableEnded) sink.end();
  };
  const onEvent = (e: NotificationStreamEvent): void => {
    if (e.kind === 'gap') {
      write(`event: notifications_reset\ndata: ${JSON.stringify({ reason: 'past_retention' })}\n\n`);
      return;
    }
    const { memberId: _m, ...n } = e.notification;
    write(`event: notification\nid: ${e.id}\ndata: ${JSON.stringify(n)}\n\n`);
  };
  const heartbeat = setInterval(() => write(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  return {
    close,
    end(reason) {
      write(`event: stream_closed\ndata: ${JSON.stringify({ reason })}\n\n`);
      close();
    },
    onClose(cleanup) {
      if (closed) cleanup();
      else cleanups.push(cleanup);
    },
    start(target, from) {
      sink = target;
      if (closed) {
        target.end();
        return;
      }
      let after: number;
      if ('ready' in from) {
        write(`event: ready\nid: ${from.id}\ndata: ${JSON.stringify(from.ready)}\n\n`);
        after = from.id;
      } else {
        after = from.after;
      }
      unsubscribe = notifications.subscribeStream(memberId, onEvent, { after });
    },
  };
}
