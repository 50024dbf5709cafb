// Groups as working communities: create, discover, join, leave, roles and invitations.
//
// Decisions:
// - Open groups: anyone joins directly. Private groups: only by an invitation from a group admin or the owner,
//   which the invitee accepts (or joins the group, which uses the invitation). No join requests.
// - A group's name, description and member count are public (so an invitee knows what they join); the member
//   list of a private group is for its members (and trust-and-safety staff).
// - Roles rank owner > admin > member. Admins invite, edit the group and remove plain members; only the owner
//   changes roles. Making someone 'owner' transfers ownership (the old owner becomes an admin): there is exactly
//   one owner, and the owner cannot leave without transferring first.
// - Members who blocked each other (either way) cannot invite one another; invitee-blocked-inviter answers
//   "member not found", as elsewhere.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { authorizePlatform } from '../access/platform-access.js';
import { EngineError } from '../engine-error.js';
import { BlockStore } from './block-store.js';
import { GroupStore, type GroupFields } from './group-store.js';
import { requireOneOf, requirePage, requireUuid } from './guards.js';
import { ProfileStore } from './profile-store.js';
import { inTransaction, isUniqueViolation, type Queryable } from '../../db/queryable.js';
import {
  GROUP_ROLES,
  GROUP_VISIBILITIES,
  type Group,
  type GroupInvitation,
  type GroupMember,
  type GroupRole,
  type GroupVisibility,
  type Page,
  type PageRequest,
  type Viewer,
} from './types.js';

export const GROUP_NAME_MAX = 100;
export const GROUP_DESCRIPTION_MAX = 2000;

export interface GroupCreateInput {
  name: string;
  description?: string;
  visibility?: GroupVisibility;
}

export type GroupUpdateInput = Partial<GroupFields>;

const RANK: Readonly<Record<GroupRole, number>> = { owner: 2, admin: 1, member: 0 };

export class GroupService {
  readonly #pool: pg.Pool;
  readonly #groups: GroupStore;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
    this.#groups = new GroupStore(pool);
  }

  /** The creator becomes the owner. */
  async create(ownerId: string, input: GroupCreateInput): Promise<Group> {
    const owner = requireUuid(ownerId, 'ownerId');
    const fields = checkFields(input, true) as GroupFields;
    const id = randomUUID();
    await inTransaction(this.#pool, async (db) => {
      const groups = new GroupStore(db);
      await groups.insert(id, owner, fields);
      await groups.addMember(id, owner, 'owner');
    });
    return (await this.#groups.get(owner, id))!;
  }

  async get(viewerId: string, groupId: string): Promise<Group> {
    const group = await this.#groups.get(requireUuid(viewerId, 'viewerId'), requireUuid(groupId, 'groupId'));
    if (!group) throw groupNotFound();
    return group;
  }

  /** Newest first; every group is listed (private ones too: their name and description are public). */
  async list(viewerId: string, filter: { visibility?: GroupVisibility }, page: PageRequest): Promise<Page<Group>> {
    const viewer = requireUuid(viewerId, 'viewerId');
    const visibility = filter.visibility === undefined ? null : requireOneOf(filter.visibility, GROUP_VISIBILITIES, 'filter.visibility');
    return this.#groups.list(viewer, visibility, requirePage(page));
  }

  async listMyGroups(memberId: string, page: PageRequest): Promise<Page<Group>> {
    return this.#groups.listForMember(requireUuid(memberId, 'memberId'), requirePage(page));
  }

  async update(actorId: string, groupId: string, input: GroupUpdateInput): Promise<Group> {
    const actor = requireUuid(actorId, 'actorId');
    const id = requireUuid(groupId, 'groupId');
    const fields = checkFields(input, false);
    await this.#requireRank(id, actor, 'admin');
    await this.#groups.update(id, fields);
    return (await this.#groups.get(actor, id))!;
  }

  /** Joins an open group, or a private one the member holds an invitation to (the invitation is used up). */
  async join(memberId: string, groupId: string): Promise<GroupMember> {
    const me = requireUuid(memberId, 'memberId');
    const id = requireUuid(groupId, 'groupId');
    return this.#membershipChange(async (groups) => {
      const visibility = await groups.lock(id);
      if (!visibility) throw groupNotFound();
      if (await groups.isMember(id, me)) throw alreadyMember();
      const invitation = await groups.findInvitationFor(id, me);
      if (visibility === 'private' && !invitation) {
        throw new EngineError('forbidden', 'invitation_required', 'this group is private: a group admin must invite you', 'groupId');
      }
      if (invitation) await groups.deleteInvitation(invitation.id);
      return groups.addMember(id, me, 'member');
    });
  }

  async leave(memberId: string, groupId: string): Promise<void> {
    const me = requireUuid(memberId, 'memberId');
    const id = requireUuid(groupId, 'groupId');
    await inTransaction(this.#pool, async (db) => {
      const groups = new GroupStore(db);
      if (!(await groups.lock(id))) throw groupNotFound();
      const role = await groups.roleOf(id, me);
      if (!role) throw notAMember();
      if (role === 'owner') throw new EngineError('conflict', 'owner_cannot_leave', 'the owner cannot leave; make another member owner first', 'groupId');
      await groups.removeMember(id, me);
    });
  }

  /** The member list: anyone for an open group; members (and staff) only for a private one. Join order. */
  async listMembers(viewer: Viewer, groupId: string, page: PageRequest): Promise<Page<GroupMember>> {
    const me = requireUuid(viewer?.memberId, 'viewer.memberId');
    const id = requireUuid(groupId, 'groupId');
    const checked = requirePage(page);
    const group = await this.#groups.get(me, id);
    if (!group) throw groupNotFound();
    if (group.visibility === 'private' && group.myRole === null && !authorizePlatform(viewer.platformRoles, 'group.view_private_members').allowed) {
      throw new EngineError('forbidden', 'members_only', "only members can see a private group's members", 'groupId');
    }
    return this.#groups.listMembers(id, checked);
  }

  /** Owner only. Setting 'owner' transfers ownership; the previous owner becomes an admin. */
  async setRole(actorId: string, groupId: string, memberId: string, role: GroupRole): Promise<GroupMember> {
    const actor = requireUuid(actorId, 'actorId');
    const id = requireUuid(groupId, 'groupId');
    const target = requireUuid(memberId, 'memberId');
    const next = requireOneOf(role, GROUP_ROLES, 'role');
    if (actor === target) throw new EngineError('invalid', 'own_role', 'you cannot change your own role; make another member owner instead', 'memberId');
    return inTransaction(this.#pool, async (db) => {
      const groups = new GroupStore(db);
      if (!(await groups.lock(id))) throw groupNotFound();
      const actorRole = await groups.roleOf(id, actor);
      if (actorRole !== 'owner') throw new EngineError('forbidden', 'owner_only', 'only the group owner can change roles', 'groupId');
      if (!(await groups.roleOf(id, target))) throw notAMember('memberId');
      if (next === 'owner') await groups.setRole(id, actor, 'admin'); // first: the one-owner index is checked per statement
      await groups.setRole(id, target, next);
      return (await groups.getMember(id, target))!;
    });
  }

  /** Removing yourself is leaving. Otherwise an admin or the owner removes someone they outrank. */
  async removeMember(actorId: string, groupId: string, memberId: string): Promise<void> {
    const actor = requireUuid(actorId, 'actorId');
    const target = requireUuid(memberId, 'memberId');
    if (actor === target) return this.leave(actor, groupId);
    const id = requireUuid(groupId, 'groupId');
    await inTransaction(this.#pool, async (db) => {
      const groups = new GroupStore(db);
      if (!(await groups.lock(id))) throw groupNotFound();
      const actorRole = await groups.roleOf(id, actor);
      if (!actorRole || RANK[actorRole] < RANK.admin) throw notAdmin();
      const targetRole = await groups.roleOf(id, target);
      if (!targetRole) throw notAMember('memberId');
      if (RANK[targetRole] >= RANK[actorRole]) throw new EngineError('forbidden', 'target_outranks', `an ${actorRole} cannot remove an ${targetRole}`, 'memberId');
      await groups.removeMember(id, target);
    });
  }

  async invite(actorId: string, groupId: string, inviteeId: string): Promise<GroupInvitation> {
    const actor = requireUuid(actorId, 'actorId');
    const id = requireUuid(groupId, 'groupId');
    const invitee = requireUuid(inviteeId, 'memberId');
    return this.#membershipChange(async (groups, db) => {
      if (!(await groups.lock(id))) throw groupNotFound();
      const role = await groups.roleOf(id, actor);
      if (!role || RANK[role] < RANK.admin) throw notAdmin();
      const blocks = new BlockStore(db);
      if (!(await new ProfileStore(db).exists(invitee)) || (await blocks.hasBlocked(invitee, actor))) {
        throw new EngineError('not_found', 'member_not_found', 'member not found', 'memberId');
      }
      if (await blocks.hasBlocked(actor, invitee)) throw new EngineError('forbidden', 'member_blocked', 'you have blocked this member; unblock them first', 'memberId');
      if (await groups.isMember(id, invitee)) throw alreadyMember('memberId');
      if (await groups.findInvitationFor(id, invitee)) throw new EngineError('conflict', 'already_invited', 'this member is already invited', 'memberId');
      return groups.insertInvitation(randomUUID(), id, invitee, actor);
    });
  }

  async listMyInvitations(memberId: string, page: PageRequest): Promise<Page<GroupInvitation>> {
    return this.#groups.listInvitationsFor(requireUuid(memberId, 'memberId'), requirePage(page));
  }

  /** Pending invitations of a group, for its admins and owner. */
  async listGroupInvitations(actorId: string, groupId: string, page: PageRequest): Promise<Page<GroupInvitation>> {
    const actor = requireUuid(actorId, 'actorId');
    const id = requireUuid(groupId, 'groupId');
    const checked = requirePage(page);
    await this.#requireRank(id, actor, 'admin');
    return this.#groups.listInvitationsOf(id, checked);
  }

  async acceptInvitation(memberId: string, invitationId: string): Promise<GroupMember> {
    const me = requireUuid(memberId, 'memberId');
    const id = requireUuid(invitationId, 'invitationId');
    return this.#membershipChange(async (groups) => {
      const invitation = await groups.findInvitation(id);
      if (!invitation || invitation.inviteeId !== me) throw invitationNotFound();
      await groups.lock(invitation.groupId);
      if (!(await groups.deleteInvitation(id))) throw invitationNotFound();
      if (await groups.isMember(invitation.groupId, me)) throw alreadyMember();
      return groups.addMember(invitation.groupId, me, 'member');
    });
  }

  async declineInvitation(memberId: string, invitationId: string): Promise<void> {
    const me = requireUuid(memberId, 'memberId');
    const id = requireUuid(invitationId, 'invitationId');
    const invitation = await this.#groups.findInvitation(id);
    if (!invitation || invitation.inviteeId !== me) throw invitationNotFound();
    if (!(await this.#groups.deleteInvitation(id))) throw invitationNotFound();
  }

  /** Withdrawn by the group's admins or owner (including the inviter while they still are one). */
  async revokeInvitation(actorId: string, invitationId: string): Promise<void> {
    const actor = requireUuid(actorId, 'actorId');
    const id = requireUuid(invitationId, 'invitationId');
    const invitation = await this.#groups.findInvitation(id);
    if (!invitation) throw invitationNotFound();
    const role = await this.#groups.roleOf(invitation.groupId, actor);
    if (!role) throw invitationNotFound();
    if (RANK[role] < RANK.admin) throw notAdmin();
    if (!(await this.#groups.deleteInvitation(id))) throw invitationNotFound();
  }

  async #requireRank(groupId: string, memberId: string, least: GroupRole): Promise<GroupRole> {
    const role = await this.#groups.roleOf(groupId, memberId);
    if (role && RANK[role] >= RANK[least]) return role;
    if (!(await this.#groups.get(memberId, groupId))) throw groupNotFound();
    throw notAdmin();
  }

  /** A transaction that maps a racing duplicate membership or invitation (unique violation) to a conflict. */
  async #membershipChange<T>(work: (groups: GroupStore, db: Queryable) => Promise<T>): Promise<T> {
    try {
      return await inTransaction(this.#pool, (db) => work(new GroupStore(db), db));
    } catch (err) {
      if (isUniqueViolation(err)) throw new EngineError('conflict', 'already_member_or_invited', 'this member already belongs to or is invited to the group');
      throw err;
    }
  }
}

function checkFields(input: unknown, creating: boolean): Partial<GroupFields> {
  if (typeof input !== 'object' || input === null) throw new TypeError('input must be an object');
  const { name, description, visibility } = input as Record<string, unknown>;
  const out: Partial<GroupFields> = {};
  if (name !== undefined || creating) {
    if (typeof name !== 'string') throw new TypeError('name must be a string');
    const trimmed = name.trim();
    if (trimmed.length < 1 || trimmed.length > GROUP_NAME_MAX) {
      throw new EngineError('invalid', 'invalid_group_name', `name must be 1 to ${GROUP_NAME_MAX} characters`, 'name');
    }
    out.name = trimmed;
  }
  if (description !== undefined) {
    if (typeof description !== 'string') throw new TypeError('description must be a string');
    if (description.trim().length > GROUP_DESCRIPTION_MAX) {
      throw new EngineError('invalid', 'invalid_group_description', `description must be at most ${GROUP_DESCRIPTION_MAX} characters`, 'description');
    }
    out.description = description.trim();
  } else if (creating) out.description = '';
  if (visibility !== undefined) out.visibility = requireOneOf(visibility, GROUP_VISIBILITIES, 'visibility');
  else if (creating) out.visibility = 'open';
  return out;
}

function groupNotFound(): EngineError {
  return new EngineError('not_found', 'group_not_found', 'group not found', 'groupId');
}

function invitationNotFound(): EngineError {
  return new EngineError('not_found', 'group_invitation_not_found', 'group invitation not found', 'invitationId');
}

function notAMember(field = 'groupId'): EngineError {
  return new EngineError('not_found', 'membership_not_found', 'not a member of this group', field);
}

function alreadyMember(field = 'groupId'): EngineError {
  return new EngineError('conflict', 'already_member', 'already a member of this group', field);
}

function notAdmin(): EngineError {
  return new EngineError('forbidden', 'not_group_admin', 'only group admins and the owner can do this', 'groupId');
}
