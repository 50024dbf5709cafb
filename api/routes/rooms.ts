// Rooms: create or schedule, discover, read, start, cancel, RSVP, invite, join (LiveKit URL + token),
// presence, and the safety transcript (trust-and-safety staff only).
import { z } from 'zod';
import { nonBlankText } from '../../core/text-schema.js';
import type { Principal } from '../../engine/identity/account-service.js';
import type { ApiServices } from '../context.js';
import { defineRoute, type RouteDef } from '../route.js';
import { Room, RoomIdParams } from './schemas.js';

const Topic = z.string().trim().min(1).max(40).regex(/^[\p{L}\p{N}][\p{L}\p{N} _-]*$/u, 'letters, digits, spaces, _ and - only');
const RoomCreate = z.object({
  title: nonBlankText(120),
  description: z.string().trim().max(1000).optional(),
  topics: z.array(Topic).max(10).optional(),
  groupId: z.uuid().nullable().optional(),
  visibility: z.enum(['open', 'connections_or_group', 'invite_only']).optional(),
  maxListeners: z.number().int().min(1).max(100_000).optional(),
  handRaisingEnabled: z.boolean().optional(),
  scheduledFor: z.iso.datetime({ offset: true }).nullable().optional(),
});
const RoomUpdate = z
  .strictObject({
    title: z.string().trim().min(1).max(120).optional(),
    description: z.string().trim().max(1000).optional(),
    topics: z.array(Topic).max(10).optional(),
  })
  .refine((v) => v.title !== undefined || v.description !== undefined || v.topics !== undefined, { message: 'give at least one of title, description, topics' });
const RoomList = z.object({
  status: z.enum(['live', 'scheduled']).default('live'),
  topic: Topic.optional(),
  groupId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().regex(/^(-?\d{1,16}_)?\d{1,18}$/, 'must be a cursor from a previous page').optional(),
  order: z.enum(['default', 'for_you']).default('default'),
});
const Join = z.object({
  acceptTranscription: z.literal(true, 'must be true: speech on stage is transcribed for safety'),
  quiet: z.boolean().optional(),
});
const Invite = z.object({ memberId: z.uuid() });
const JoinTicket = z.object({
  url: z.string(),
  token: z.string(),
  identity: z.string(),
  room: z.string(),
  role: z.enum(['host', 'co_host', 'speaker', 'listener']),
  canPublish: z.boolean(),
  quiet: z.boolean(),
});
const Segment = z.object({
  id: z.string(),
  roomId: z.uuid(),
  speakerIdentity: z.string(),
  trackSid: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string(),
  text: z.string(),
  model: z.string(),
});
const TranscriptQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  after: z.string().regex(/^\d{1,18}$/, 'must be a segment id').optional(),
});
const Presence = z.object({
  connected: z.array(z.object({ identity: z.string(), isAgent: z.boolean(), joinedAt: z.string() })),
  tracks: z.array(z.object({ trackSid: z.string(), identity: z.string(), source: z.string() })),
});

type P = z.infer<typeof RoomIdParams>;

export function roomRoutes(s: ApiServices): RouteDef[] {
  return [
    defineRoute<undefined, undefined, z.infer<typeof RoomCreate>, Principal>({
      method: 'post',
      path: '/v1/rooms',
      operationId: 'createRoom',
      quota: { name: 'room_create', per: 'member' },
      summary: 'Create a live room hosted by you, or schedule one with scheduledFor; the moderation agent joins live rooms',
      tag: 'rooms',
      auth: 'member',
      body: RoomCreate,
      idempotent: true,
      responses: { 201: { description: 'room created', schema: Room } },
      handler: async ({ body, auth }) => ({ status: 201, body: await s.rooms.create(auth, body) }),
    }),
    defineRoute<undefined, z.infer<typeof RoomList>, undefined, Principal>({
      method: 'get',
      path: '/v1/rooms',
      operationId: 'listRooms',
      summary:
        'Discover live rooms (newest first) or upcoming ones (soonest first) you may see, by topic or group; order=for_you ranks live and upcoming rooms together by your matching profile (status and cursor are ignored, one page)',
      tag: 'rooms',
      auth: 'member',
      query: RoomList,
      responses: { 200: { description: 'a page of rooms', schema: z.object({ items: z.array(Room), nextCursor: z.string().nullable() }) } },
      handler: async ({ query, auth }) => {
        const { order, ...q } = query;
        if (order === 'for_you') return { body: await s.roomsForYou.rank(auth, { topic: q.topic, groupId: q.groupId, limit: q.limit }) };
        return { body: await s.rooms.discover(auth, q) };
      },
    }),
    defineRoute<P, undefined, undefined, Principal>({
      method: 'get',
      path: '/v1/rooms/:roomId',
      operationId: 'getRoom',
      summary: 'One room (404 when it does not exist or you may not see it)',
      tag: 'rooms',
      auth: 'member',
      params: RoomIdParams,
      responses: { 200: { description: 'the room', schema: Room } },
      handler: async ({ params, auth }) => ({ body: await s.rooms.get(auth, params.roomId) }),
    }),
    defineRoute<P, undefined, z.infer<typeof RoomUpdate>, Principal>({
      method: 'patch',
      path: '/v1/rooms/:roomId',
      operationId: 'updateRoom',
      summary: 'Change the title, description or topics of a room that has not ended (the host; admins)',
      tag: 'rooms',
      auth: 'member',
      params: RoomIdParams,
      body: RoomUpdate,
      responses: { 200: { description: 'the room, updated', schema: Room } },
      handler: async ({ params, body, auth }) => ({ body: await s.rooms.update(auth, params.roomId, body) }),
    }),
    defineRoute<P, undefined, undefined, Principal>({
      method: 'post',
      path: '/v1/rooms/:roomId/start',
      operationId: 'startRoom',
      summary: 'The host opens a scheduled room (early is fine)',
      tag: 'rooms',
      auth: 'member',
      params: RoomIdParams,
      responses: { 200: { description: 'the room, now live', schema: Room } },
      handler: async ({ params, auth }) => ({ body: await s.rooms.start(auth, params.roomId) }),
    }),
    defineRoute<P, undefined, undefined, Principal>({
      method: 'post',
      path: '/v1/rooms/:roomId/cancel',
      operationId: 'cancelRoom',
      summary: 'The host cancels a scheduled room',
      tag: 'rooms',
      auth: 'member',
      params: RoomIdParams,
      responses: { 200: { description: 'the room, cancelled', schema: Room } },
      handler: async ({ params, auth }) => ({ body: await s.rooms.cancel(auth, params.roomId) }),
    }),
    defineRoute<P, undefined, undefined, Principal>({
      method: 'put',
      path: '/v1/rooms/:roomId/rsvp',
      operationId: 'rsvpRoom',
      summary: 'RSVP to a scheduled room',
      tag: 'rooms',
      auth: 'member',
      params: RoomIdParams,
      responses: { 200: { description: 'the room with your RSVP', schema: Room } },
      handler: async ({ params, auth }) => ({ body: await s.rooms.rsvp(auth, params.roomId, true) }),
    }),
    defineRoute<P, undefined, undefined, Principal>({
      method: 'delete',
      path: '/v1/rooms/:roomId/rsvp',
      operationId: 'cancelRsvp',
      summary: 'Withdraw your RSVP',
      tag: 'rooms',
      auth: 'member',
      params: RoomIdParams,
      responses: { 200: { description: 'the room without your RSVP', schema: Room } },
      handler: async ({ params, auth }) => ({ body: await s.rooms.rsvp(auth, params.roomId, false) }),
    }),
    defineRoute<P, undefined, z.infer<typeof Invite>, Principal>({
      method: 'post',
      path: '/v1/rooms/:roomId/invitations',
      operationId: 'inviteToRoom',
      quota: { name: 'invitation', per: 'member' },
      summary: 'Host or co-host invites a member into the room (needed for invite-only rooms)',
      tag: 'rooms',
      auth: 'member',
      params: RoomIdParams,
      body: Invite,
      responses: { 201: { description: 'invited', schema: z.object({ invited: z.boolean() }) } },
      handler: async ({ params, body, auth }) => ({ status: 201, body: await s.rooms.invite(auth, params.roomId, body.memberId) }),
    }),
    defineRoute<P, undefined, z.infer<typeof Join>, Principal>({
      method: 'post',
      path: '/v1/rooms/:roomId/join',
      operationId: 'joinRoom',
      summary: 'Join: accept the transcription notice and get the LiveKit URL and a token whose grants follow your role',
      tag: 'rooms',
      auth: 'member',
      params: RoomIdParams,
      body: Join,
      responses: { 200: { description: 'join ticket', schema: JoinTicket } },
      handler: async ({ params, body, auth }) => ({ body: await s.rooms.join(auth, params.roomId, body) }),
    }),
    defineRoute<P, undefined, undefined, Principal>({
      method: 'get',
      path: '/v1/rooms/:roomId/presence',
      operationId: 'getRoomPresence',
      summary: 'Who is connected to the room media and which tracks are published, as LiveKit reports it',
      tag: 'rooms',
      auth: 'member',
      params: RoomIdParams,
      responses: { 200: { description: 'presence', schema: Presence } },
      handler: async ({ params, auth }) => ({ body: await s.rooms.presence(auth, params.roomId) }),
    }),
    defineRoute<P, z.infer<typeof TranscriptQuery>, undefined, Principal>({
      method: 'get',
      path: '/v1/rooms/:roomId/transcript',
      operationId: 'getRoomTranscript',
      summary: 'Safety transcript of speech on stage, oldest first (trust-and-safety staff and admins only)',
      tag: 'rooms',
      auth: 'member',
      params: RoomIdParams,
      query: TranscriptQuery,
      responses: { 200: { description: 'segments', schema: z.object({ items: z.array(Segment), nextAfter: z.string().nullable() }) } },
      handler: async ({ params, query, auth }) => {
        await s.rooms.assertCanReadTranscript(auth, params.roomId);
        const items = await s.transcripts.listByRoom(params.roomId, { afterId: query.after, limit: query.limit });
        return { body: { items, nextAfter: items.length === query.limit ? (items.at(-1)?.id ?? null) : null } };
      },
    }),
  ];
}
