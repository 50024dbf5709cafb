// Groups: create, discover, join (open) or accept an invitation (private), leave, roles, members, invitations.
import { z } from 'zod';
import { nonBlankText } from '../../core/text-schema.js';
import type { Principal } from '../../engine/identity/account-service.js';
import { GROUP_DESCRIPTION_MAX, GROUP_NAME_MAX } from '../../engine/social/index.js';
import type { ApiServices } from '../context.js';
import { defineRoute, type RouteDef } from '../route.js';
import { MemberSummary, PageQuery, paged } from './members.js';

const Visibility = z.enum(['open', 'private']);
const Role = z.enum(['owner', 'admin', 'member']);

const Group = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  visibility: Visibility,
  memberCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  myRole: Role.nullable(),
});
const GroupMember = z.object({ groupId: z.uuid(), member: MemberSummary, role: Role, joinedAt: z.string() });
const GroupInvitation = z.object({
  id: z.uuid(),
  group: z.object({ id: z.uuid(), name: z.string(), visibility: Visibility }),
  inviter: MemberSummary,
  invitee: MemberSummary,
  createdAt: z.string(),
});

const GroupCreate = z.strictObject({
  name: nonBlankText(GROUP_NAME_MAX),
  description: z.string().trim().max(GROUP_DESCRIPTION_MAX).optional(),
  visibility: Visibility.default('open'),
});
const GroupUpdate = z.strictObject({
  name: nonBlankText(GROUP_NAME_MAX).optional(),
  description: z.string().trim().max(GROUP_DESCRIPTION_MAX).optional(),
  visibility: Visibility.optional(),
});
const RoleChange = z.strictObject({ role: Role });
const InvitationCreate = z.strictObject({ memberId: z.uuid() });

const GroupIdParams = z.object({ groupId: z.uuid() });
const GroupMemberParams = z.object({ groupId: z.uuid(), memberId: z.uuid() });
const InvitationIdParams = z.object({ invitationId: z.uuid() });
const GroupListQuery = PageQuery.extend({ visibility: Visibility.optional() });

type GroupIdParams = z.infer<typeof GroupIdParams>;
type GroupMemberParams = z.infer<typeof GroupMemberParams>;
type InvitationIdParams = z.infer<typeof InvitationIdParams>;
type PageQuery = z.infer<typeof PageQuery>;

export function groupRoutes(s: ApiServices): RouteDef[] {
  return [
    defineRoute<undefined, undefined, z.infer<typeof GroupCreate>, Principal>({
      method: 'post',
      path: '/v1/groups',
      operationId: 'createGroup',
      summary: 'Create a group (open: anyone joins; private: by invitation); you become its owner',
      tag: 'groups',
      auth: 'member',
      body: GroupCreate,
      idempotent: true,
      responses: { 201: { description: 'group created', schema: Group } },
      handler: async ({ auth, body }) => ({ status: 201, body: await s.groups.create(auth.memberId, body) }),
    }),
    defineRoute<undefined, z.infer<typeof GroupListQuery>, undefined, Principal>({
      method: 'get',
      path: '/v1/groups',
      operationId: 'listGroups',
      summary: 'Discover groups, newest first (private groups show their name and description too)',
      tag: 'groups',
      auth: 'member',
      query: GroupListQuery,
      responses: { 200: { description: 'groups', schema: paged(Group) } },
      handler: async ({ auth, query }) => ({ body: await s.groups.list(auth.memberId, { visibility: query.visibility }, query) }),
    }),
    defineRoute<GroupIdParams, undefined, undefined, Principal>({
      method: 'get',
      path: '/v1/groups/:groupId',
      operationId: 'getGroup',
      summary: 'One group, with its member count and your role in it',
      tag: 'groups',
      auth: 'member',
      params: GroupIdParams,
      responses: { 200: { description: 'the group', schema: Group } },
      handler: async ({ auth, params }) => ({ body: await s.groups.get(auth.memberId, params.groupId) }),
    }),
    defineRoute<GroupIdParams, undefined, z.infer<typeof GroupUpdate>, Principal>({
      method: 'patch',
      path: '/v1/groups/:groupId',
      operationId: 'updateGroup',
      summary: "Change a group's name, description or visibility (admins and the owner)",
      tag: 'groups',
      auth: 'member',
      params: GroupIdParams,
      body: GroupUpdate,
      responses: { 200: { description: 'the updated group', schema: Group } },
      handler: async ({ auth, params, body }) => ({ body: await s.groups.update(auth.memberId, params.groupId, body) }),
    }),
    defineRoute<GroupIdParams, undefined, undefined, Principal>({
      method: 'post',
      path: '/v1/groups/:groupId/join',
      operationId: 'joinGroup',
      summary: 'Join an open group, or a private group you are invited to',
      tag: 'groups',
      auth: 'member',
      params: GroupIdParams,
      responses: { 201: { description: 'joined', schema: GroupMember } },
      handler: async ({ auth, params }) => ({ status: 201, body: await s.groups.join(auth.memberId, params.groupId) }),
    }),
    defineRoute<GroupIdParams, undefined, undefined, Principal>({
      method: 'post',
      path: '/v1/groups/:groupId/leave',
      operationId: 'leaveGroup',
      summary: 'Leave a group (the owner transfers ownership first)',
      tag: 'groups',
      auth: 'member',
      params: GroupIdParams,
      responses: { 204: { description: 'left' } },
      handler: async ({ auth, params }) => {
        await s.groups.leave(auth.memberId, params.groupId);
        return { status: 204 };
      },
    }),
    defineRoute<GroupIdParams, PageQuery, undefined, Principal>({
      method: 'get',
      path: '/v1/groups/:groupId/members',
      operationId: 'listGroupMembers',
      summary: "A group's members in join order (a private group's list is for its members)",
      tag: 'groups',
      auth: 'member',
      params: GroupIdParams,
      query: PageQuery,
      responses: { 200: { description: 'members', schema: paged(GroupMember) } },
      handler: async ({ auth, params, query }) => ({ body: await s.groups.listMembers(auth, params.groupId, query) }),
    }),
    defineRoute<GroupMemberParams, undefined, z.infer<typeof RoleChange>, Principal>({
      method: 'patch',
      path: '/v1/groups/:groupId/members/:memberId',
      operationId: 'setGroupMemberRole',
      summary: "Change a member's role (owner only); role 'owner' transfers ownership and makes you an admin",
      tag: 'groups',
      auth: 'member',
      params: GroupMemberParams,
      body: RoleChange,
      responses: { 200: { description: 'the member with the new role', schema: GroupMember } },
      handler: async ({ auth, params, body }) => ({ body: await s.groups.setRole(auth.memberId, params.groupId, params.memberId, body.role) }),
    }),
    defineRoute<GroupMemberParams, undefined, undefined, Principal>({
      method: 'delete',
      path: '/v1/groups/:groupId/members/:memberId',
      operationId: 'removeGroupMember',
      summary: 'Remove a member you outrank (admins and the owner); removing yourself leaves the group',
      tag: 'groups',
      auth: 'member',
      params: GroupMemberParams,
      responses: { 204: { description: 'removed' } },
      handler: async ({ auth, params }) => {
        await s.groups.removeMember(auth.memberId, params.groupId, params.memberId);
        return { status: 204 };
      },
    }),
    defineRoute<GroupIdParams, undefined, z.infer<typeof InvitationCreate>, Principal>({
      method: 'post',
      path: '/v1/groups/:groupId/invitations',
      operationId: 'inviteToGroup',
      quota: { name: 'invitation', per: 'member' },
      summary: 'Invite a member to the group (admins and the owner); they accept to join',
      tag: 'groups',
      auth: 'member',
      params: GroupIdParams,
      body: InvitationCreate,
      responses: { 201: { description: 'invited', schema: GroupInvitation } },
      handler: async ({ auth, params, body }) => ({ status: 201, body: await s.groups.invite(auth.memberId, params.groupId, body.memberId) }),
    }),
    defineRoute<GroupIdParams, PageQuery, undefined, Principal>({
      method: 'get',
      path: '/v1/groups/:groupId/invitations',
      operationId: 'listGroupInvitations',
      summary: "A group's pending invitations, newest first (admins and the owner)",
      tag: 'groups',
      auth: 'member',
      params: GroupIdParams,
      query: PageQuery,
      responses: { 200: { description: 'invitations', schema: paged(GroupInvitation) } },
      handler: async ({ auth, params, query }) => ({ body: await s.groups.listGroupInvitations(auth.memberId, params.groupId, query) }),
    }),
    defineRoute<undefined, PageQuery, undefined, Principal>({
      method: 'get',
      path: '/v1/me/groups',
      operationId: 'listMyGroups',
      summary: 'Groups you belong to, most recently joined first',
      tag: 'groups',
      auth: 'member',
      query: PageQuery,
      responses: { 200: { description: 'your groups', schema: paged(Group) } },
      handler: async ({ auth, query }) => ({ body: await s.groups.listMyGroups(auth.memberId, query) }),
    }),
    defineRoute<undefined, PageQuery, undefined, Principal>({
      method: 'get',
      path: '/v1/me/group-invitations',
      operationId: 'listMyGroupInvitations',
      summary: 'Group invitations waiting for your answer, newest first',
      tag: 'groups',
      auth: 'member',
      query: PageQuery,
      responses: { 200: { description: 'invitations', schema: paged(GroupInvitation) } },
      handler: async ({ auth, query }) => ({ body: await s.groups.listMyInvitations(auth.memberId, query) }),
    }),
    defineRoute<InvitationIdParams, undefined, undefined, Principal>({
      method: 'post',
      path: '/v1/group-invitations/:invitationId/accept',
      operationId: 'acceptGroupInvitation',
      summary: 'Accept an invitation sent to you: you join the group',
      tag: 'groups',
      auth: 'member',
      params: InvitationIdParams,
      responses: { 201: { description: 'joined', schema: GroupMember } },
      handler: async ({ auth, params }) => ({ status: 201, body: await s.groups.acceptInvitation(auth.memberId, params.invitationId) }),
    }),
    defineRoute<InvitationIdParams, undefined, undefined, Principal>({
      method: 'post',
      path: '/v1/group-invitations/:invitationId/decline',
      operationId: 'declineGroupInvitation',
      summary: 'Decline an invitation sent to you',
      tag: 'groups',
      auth: 'member',
      params: InvitationIdParams,
      responses: { 204: { description: 'declined' } },
      handler: async ({ auth, params }) => {
        await s.groups.declineInvitation(auth.memberId, params.invitationId);
        return { status: 204 };
      },
    }),
    defineRoute<InvitationIdParams, undefined, undefined, Principal>({
      method: 'delete',
      path: '/v1/group-invitations/:invitationId',
      operationId: 'revokeGroupInvitation',
      summary: "Withdraw a pending invitation (the group's admins and owner)",
      tag: 'groups',
      auth: 'member',
      params: InvitationIdParams,
      responses: { 204: { description: 'revoked' } },
      handler: async ({ auth, params }) => {
        await s.groups.revokeInvitation(auth.memberId, params.invitationId);
        return { status: 204 };
      },
    }),
  ];
}
