// Members: your profile, others' public profiles, connections (request, accept, decline, cancel, remove) and blocks.
import { z, type ZodType } from 'zod';
import type { Principal } from '../../engine/identity/account-service.js';
import { ProfilePatchSchema } from '../../engine/social/index.js';
import type { ApiServices } from '../context.js';
import { defineRoute, Pagination, type RouteDef } from '../route.js';

export const MemberSummary = z.object({
  id: z.uuid(),
  displayName: z.string(),
  headline: z.string(),
  company: z.string(),
  photoUrl: z.string().nullable(),
});

const Experience = z.object({
  title: z.string(),
  company: z.string(),
  startYear: z.number().int(),
  endYear: z.number().int().nullable(),
  description: z.string(),
});

const OwnProfile = MemberSummary.extend({
  email: z.string(),
  experience: z.array(Experience),
  connectionCount: z.number().int(),
  platformRoles: z.array(z.enum(['member', 'trust_safety', 'admin'])),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const PublicProfile = MemberSummary.extend({
  experience: z.array(Experience),
  connectionCount: z.number().int(),
  createdAt: z.string(),
  relationship: z.object({
    connection: z.enum(['self', 'none', 'connected', 'request_sent', 'request_received']),
    pendingRequestId: z.uuid().nullable(),
    blockedByYou: z.boolean(),
  }),
});

const ConnectionRequest = z.object({ id: z.uuid(), requester: MemberSummary, recipient: MemberSummary, createdAt: z.string() });
const Connection = z.object({ member: MemberSummary, connectedAt: z.string() });
const BlockedMember = z.object({ member: MemberSummary, blockedAt: z.string() });

/** `?limit&cursor`; the cursor is the opaque `nextCursor` of the previous page. */
export const PageQuery = Pagination.extend({
  cursor: z.string().regex(/^\d{1,18}$/, 'must be the nextCursor of a previous page').optional(),
});

export function paged<T extends ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

const MemberIdParams = z.object({ memberId: z.uuid() });
const RequestIdParams = z.object({ requestId: z.uuid() });
const RequestListQuery = PageQuery.extend({ direction: z.enum(['incoming', 'outgoing']).default('incoming') });

type MemberIdParams = z.infer<typeof MemberIdParams>;
type RequestIdParams = z.infer<typeof RequestIdParams>;
type PageQuery = z.infer<typeof PageQuery>;

export function memberRoutes(s: ApiServices): RouteDef[] {
  return [
    defineRoute<undefined, undefined, undefined, Principal>({
      method: 'get',
      path: '/v1/me',
      operationId: 'getMyProfile',
      summary: 'Your profile, with email and connection count',
      tag: 'members',
      auth: 'member',
      responses: { 200: { description: 'your profile', schema: OwnProfile } },
      handler: async ({ auth }) => ({ body: await s.social.getOwnProfile(auth.memberId) }),
    }),
    defineRoute<undefined, undefined, z.infer<typeof ProfilePatchSchema>, Principal>({
      method: 'patch',
      path: '/v1/me',
      operationId: 'updateMyProfile',
      summary: 'Change profile fields; `experience` replaces the whole list, `photoUrl: null` removes the photo',
      tag: 'members',
      auth: 'member',
      body: ProfilePatchSchema,
      responses: { 200: { description: 'the updated profile', schema: OwnProfile } },
      handler: async ({ auth, body }) => ({ body: await s.social.updateOwnProfile(auth.memberId, body) }),
    }),
    defineRoute<MemberIdParams, undefined, undefined, Principal>({
      method: 'get',
      path: '/v1/members/:memberId',
      operationId: 'getMember',
      summary: "A member's public profile, connection count and how you stand with them",
      tag: 'members',
      auth: 'member',
      params: MemberIdParams,
      responses: { 200: { description: 'public profile', schema: PublicProfile } },
      handler: async ({ auth, params }) => ({ body: await s.social.getProfile(auth.memberId, params.memberId) }),
    }),
    defineRoute<MemberIdParams, undefined, undefined, Principal>({
      method: 'post',
      path: '/v1/members/:memberId/connection-requests',
      operationId: 'requestConnection',
      quota: { name: 'invitation', per: 'member' },
      summary: 'Ask a member to connect; if they already asked you, you are connected at once (200)',
      tag: 'connections',
      auth: 'member',
      params: MemberIdParams,
      responses: {
        201: { description: 'request sent', schema: z.object({ status: z.literal('pending'), request: ConnectionRequest }) },
        200: { description: 'they had asked you: now connected', schema: z.object({ status: z.literal('connected'), connection: Connection }) },
      },
      handler: async ({ auth, params }) => {
        const outcome = await s.social.requestConnection(auth.memberId, params.memberId);
        return { status: outcome.status === 'pending' ? 201 : 200, body: outcome };
      },
    }),
    defineRoute<undefined, z.infer<typeof RequestListQuery>, undefined, Principal>({
      method: 'get',
      path: '/v1/me/connection-requests',
      operationId: 'listConnectionRequests',
      summary: 'Pending connection requests to you (incoming, default) or from you (outgoing), newest first',
      tag: 'connections',
      auth: 'member',
      query: RequestListQuery,
      responses: { 200: { description: 'requests', schema: paged(ConnectionRequest) } },
      handler: async ({ auth, query }) => ({ body: await s.social.listConnectionRequests(auth.memberId, query.direction, query) }),
    }),
    defineRoute<RequestIdParams, undefined, undefined, Principal>({
      method: 'post',
      path: '/v1/connection-requests/:requestId/accept',
      operationId: 'acceptConnectionRequest',
      summary: 'Accept a request sent to you; you are connected',
      tag: 'connections',
      auth: 'member',
      params: RequestIdParams,
      responses: { 201: { description: 'connected', schema: Connection } },
      handler: async ({ auth, params }) => ({ status: 201, body: await s.social.acceptConnectionRequest(auth.memberId, params.requestId) }),
    }),
    defineRoute<RequestIdParams, undefined, undefined, Principal>({
      method: 'post',
      path: '/v1/connection-requests/:requestId/decline',
      operationId: 'declineConnectionRequest',
      summary: 'Decline a request sent to you (the requester is not told)',
      tag: 'connections',
      auth: 'member',
      params: RequestIdParams,
      responses: { 204: { description: 'declined' } },
      handler: async ({ auth, params }) => {
        await s.social.declineConnectionRequest(auth.memberId, params.requestId);
        return { status: 204 };
      },
    }),
    defineRoute<RequestIdParams, undefined, undefined, Principal>({
      method: 'delete',
      path: '/v1/connection-requests/:requestId',
      operationId: 'cancelConnectionRequest',
      summary: 'Withdraw a request you sent',
      tag: 'connections',
      auth: 'member',
      params: RequestIdParams,
      responses: { 204: { description: 'cancelled' } },
      handler: async ({ auth, params }) => {
        await s.social.cancelConnectionRequest(auth.memberId, params.requestId);
        return { status: 204 };
      },
    }),
    defineRoute<undefined, PageQuery, undefined, Principal>({
      method: 'get',
      path: '/v1/me/connections',
      operationId: 'listMyConnections',
      summary: 'Your connections, newest first',
      tag: 'connections',
      auth: 'member',
      query: PageQuery,
      responses: { 200: { description: 'connections', schema: paged(Connection) } },
      handler: async ({ auth, query }) => ({ body: await s.social.listConnections(auth.memberId, query) }),
    }),
    defineRoute<MemberIdParams, undefined, undefined, Principal>({
      method: 'delete',
      path: '/v1/me/connections/:memberId',
      operationId: 'removeConnection',
      summary: 'Remove a connection (for both of you)',
      tag: 'connections',
      auth: 'member',
      params: MemberIdParams,
      responses: { 204: { description: 'removed' } },
      handler: async ({ auth, params }) => {
        await s.social.removeConnection(auth.memberId, params.memberId);
        return { status: 204 };
      },
    }),
    defineRoute<MemberIdParams, undefined, undefined, Principal>({
      method: 'post',
      path: '/v1/members/:memberId/block',
      operationId: 'blockMember',
      summary: "Block a member: removes your connection and pending requests; they can't connect or join rooms you host",
      tag: 'blocks',
      auth: 'member',
      params: MemberIdParams,
      responses: {
        201: { description: 'blocked', schema: BlockedMember },
        200: { description: 'already blocked', schema: BlockedMember },
      },
      handler: async ({ auth, params }) => {
        const { block, created } = await s.social.block(auth.memberId, params.memberId);
        return { status: created ? 201 : 200, body: block };
      },
    }),
    defineRoute<MemberIdParams, undefined, undefined, Principal>({
      method: 'delete',
      path: '/v1/members/:memberId/block',
      operationId: 'unblockMember',
      summary: 'Unblock a member (a removed connection does not come back)',
      tag: 'blocks',
      auth: 'member',
      params: MemberIdParams,
      responses: { 204: { description: 'unblocked' } },
      handler: async ({ auth, params }) => {
        await s.social.unblock(auth.memberId, params.memberId);
        return { status: 204 };
      },
    }),
    defineRoute<undefined, PageQuery, undefined, Principal>({
      method: 'get',
      path: '/v1/me/blocks',
      operationId: 'listMyBlocks',
      summary: 'Members you blocked, newest first',
      tag: 'blocks',
      auth: 'member',
      query: PageQuery,
      responses: { 200: { description: 'blocked members', schema: paged(BlockedMember) } },
      handler: async ({ auth, query }) => ({ body: await s.social.listBlocks(auth.memberId, query) }),
    }),
  ];
}
