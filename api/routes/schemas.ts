// Shapes shared by several route modules.
import { z } from 'zod';

export const Uuid = z.uuid();
export const RoomIdParams = z.object({ roomId: z.uuid() });

export const Room = z.object({
  id: z.uuid(),
  hostMemberId: z.uuid(),
  title: z.string(),
  description: z.string(),
  topics: z.array(z.string()),
  groupId: z.uuid().nullable(),
  visibility: z.enum(['open', 'connections_or_group', 'invite_only']),
  maxListeners: z.number().int(),
  handRaisingEnabled: z.boolean(),
  status: z.enum(['scheduled', 'live', 'ended']),
  scheduledFor: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  endedReason: z.enum(['host', 'empty', 'staff', 'cancelled']).nullable(),
  rsvpCount: z.number().int(),
  rsvpd: z.boolean(),
  transcriptionNotice: z.string(),
});

export const SessionTokens = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int(),
  memberId: z.uuid(),
});
