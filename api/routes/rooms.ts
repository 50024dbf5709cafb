// Rooms: create, read, join (LiveKit URL + token) and the transcript the moderation agent keeps.
import { z } from 'zod';
import type { Principal } from '../../engine/identity/account-service.js';
import type { ApiServices } from '../context.js';
import { defineRoute, type RouteDef } from '../route.js';
import { Room, RoomIdParams } from './schemas.js';

const RoomCreate = z.object({
  title: z.string().trim().min(1).max(120),
  description: z.string().trim().max(1000).optional(),
});
const JoinTicket = z.object({
  url: z.string(),
  token: z.string(),
  identity: z.string(),
  role: z.enum(['host', 'co_host', 'speaker', 'listener']),
  canPublish: z.boolean(),
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
  after: z.string().regex(/^\d+$/, 'must be a segment id').optional(),
});

export function roomRoutes(s: ApiServices): RouteDef[] {
  return [
    defineRoute<undefined, undefined, z.infer<typeof RoomCreate>, Principal>({
      method: 'post',
      path: '/v1/rooms',
      operationId: 'createRoom',
      summary: 'Create a live room hosted by you; the moderation agent joins it',
      tag: 'rooms',
      auth: 'member',
      body: RoomCreate,
      idempotent: true,
      responses: { 201: { description: 'room created', schema: Room } },
      handler: async ({ body, auth }) => ({ status: 201, body: await s.rooms.create(auth, body) }),
    }),
    defineRoute<z.infer<typeof RoomIdParams>, undefined, undefined, Principal>({
      method: 'get',
      path: '/v1/rooms/:roomId',
      operationId: 'getRoom',
      summary: 'One room',
      tag: 'rooms',
      auth: 'member',
      params: RoomIdParams,
      responses: { 200: { description: 'the room', schema: Room } },
      handler: async ({ params }) => ({ body: await s.rooms.get(params.roomId) }),
    }),
    defineRoute<z.infer<typeof RoomIdParams>, undefined, undefined, Principal>({
      method: 'post',
      path: '/v1/rooms/:roomId/join',
      operationId: 'joinRoom',
      summary: 'LiveKit URL and a token whose grants follow your role in the room',
      tag: 'rooms',
      auth: 'member',
      params: RoomIdParams,
      responses: { 200: { description: 'join ticket', schema: JoinTicket } },
      handler: async ({ params, auth }) => ({ body: await s.rooms.join(auth, params.roomId) }),
    }),
    defineRoute<z.infer<typeof RoomIdParams>, z.infer<typeof TranscriptQuery>, undefined, Principal>({
      method: 'get',
      path: '/v1/rooms/:roomId/transcript',
      operationId: 'getRoomTranscript',
      summary: 'Transcript segments of speech on stage, oldest first (host and trust-and-safety staff)',
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
