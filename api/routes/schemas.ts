// Shapes shared by several route modules.
import { z } from 'zod';

export const Uuid = z.uuid();
export const RoomIdParams = z.object({ roomId: z.uuid() });

export const Room = z.object({
  id: z.uuid(),
  hostMemberId: z.uuid(),
  title: z.string(),
  description: z.string(),
  status: z.enum(['scheduled', 'live', 'ended']),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
});

export const SessionTokens = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int(),
  memberId: z.uuid(),
});
