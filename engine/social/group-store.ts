// Groups, their members (with a role each) and pending invitations.
import type { CheckedPage } from './guards.js';
import { summaryColumns, summaryFrom } from './member-summary.js';
import { toPage } from './page.js';
import type { Queryable } from '../../db/queryable.js';
import type { Group, GroupInvitation, GroupMember, GroupRole, GroupVisibility, Page } from './types.js';

export interface GroupFields {
  name: string;
  description: string;
  visibility: GroupVisibility;
}

export interface InvitationRecord {
  id: string;
  groupId: string;
  inviteeId: string;
  inviterId: string;
}

interface GroupRow {
  id: string;
  seq: string;
  name: string;
  description: string;
  visibility: GroupVisibility;
  member_count: number;
  created_at: Date;
  updated_at: Date;
  my_role: GroupRole | null;
}

interface MemberRow extends Record<string, unknown> {
  group_id: string;
  seq: string;
  role: GroupRole;
  joined_at: Date;
}

interface InvitationRow extends Record<string, unknown> {
  id: string;
  seq: string;
  created_at: Date;
  group_id: string;
  group_name: string;
  group_visibility: GroupVisibility;
}

/** $1 is always the viewer, whose role is reported as my_role. */
const GROUP_SELECT = `SELECT g.id, g.seq, g.name, g.description, g.visibility, g.created_at, g.updated_at,
    (SELECT count(*)::int FROM group_members c WHERE c.group_id = g.id) AS member_count,
    (SELECT v.role FROM group_members v WHERE v.group_id = g.id AND v.member_id = $1) AS my_role
  FROM groups g`;

const MEMBER_SELECT = `SELECT gm.group_id, gm.seq, gm.role, gm.joined_at, ${summaryColumns('m', 'm_')}
  FROM group_members gm JOIN members m ON m.id = gm.member_id`;

const INVITATION_SELECT = `SELECT i.id, i.seq, i.created_at, g.id AS group_id, g.name AS group_name, g.visibility AS group_visibility,
    ${summaryColumns('s', 's_')}, ${summaryColumns('t', 't_')}
  FROM group_invitations i JOIN groups g ON g.id = i.group_id JOIN members s ON s.id = i.inviter_id JOIN members t ON t.id = i.invitee_id`;

export class GroupStore {
  constructor(private readonly db: Queryable) {}

  async insert(id: string, createdBy: string, fields: GroupFields): Promise<void> {
    await this.db.query('INSERT INTO groups (id, name, description, visibility, created_by) VALUES ($1, $2, $3, $4, $5)', [
      id,
      fields.name,
      fields.description,
      fields.visibility,
      createdBy,
    ]);
  }

  async get(viewerId: string, groupId: string): Promise<Group | undefined> {
    const { rows } = await this.db.query<GroupRow>(`${GROUP_SELECT} WHERE g.id = $2`, [viewerId, groupId]);
    return rows[0] && toGroup(rows[0]);
  }

  /** Locks the group row so membership changes on one group apply one at a time; returns its visibility. */
  async lock(groupId: string): Promise<GroupVisibility | undefined> {
    const { rows } = await this.db.query<{ visibility: GroupVisibility }>('SELECT visibility FROM groups WHERE id = $1 FOR UPDATE', [groupId]);
    return rows[0]?.visibility;
  }

  async update(groupId: string, fields: Partial<GroupFields>): Promise<void> {
    const sets: string[] = [];
    const values: unknown[] = [groupId];
    for (const key of ['name', 'description', 'visibility'] as const) {
      if (fields[key] === undefined) continue;
      values.push(fields[key]);
      sets.push(`${key} = $${values.length}`);
    }
    sets.push('updated_at = now()');
    await this.db.query(`UPDATE groups SET ${sets.join(', ')} WHERE id = $1`, values);
  }

  /** Newest groups first, optionally one visibility only. */
  async list(viewerId: string, visibility: GroupVisibility | null, page: CheckedPage): Promise<Page<Group>> {
    const { rows } = await this.db.query<GroupRow>(
      `${GROUP_SELECT} WHERE ($2::text IS NULL OR g.visibility = $2::text) AND ($3::bigint IS NULL OR g.seq < $3::bigint) ORDER BY g.seq DESC LIMIT $4`,
      [viewerId, visibility, page.after, page.limit + 1],
    );
    return toPage(rows, page.limit, toGroup);
  }

  /** The member's groups, most recently joined first; the cursor is the membership's seq. */
  async listForMember(memberId: string, page: CheckedPage): Promise<Page<Group>> {
    const { rows } = await this.db.query<GroupRow & { membership_seq: string }>(
      `SELECT q.*, gm.seq AS membership_seq FROM group_members gm
       JOIN LATERAL (${GROUP_SELECT} WHERE g.id = gm.group_id) q ON true
       WHERE gm.member_id = $1 AND ($2::bigint IS NULL OR gm.seq < $2::bigint) ORDER BY gm.seq DESC LIMIT $3`,
      [memberId, page.after, page.limit + 1],
    );
    return toPage(
      rows.map((r) => ({ ...r, seq: r.membership_seq })),
      page.limit,
      toGroup,
    );
  }

  async roleOf(groupId: string, memberId: string): Promise<GroupRole | null> {
    const { rows } = await this.db.query<{ role: GroupRole }>('SELECT role FROM group_members WHERE group_id = $1 AND member_id = $2', [groupId, memberId]);
    return rows[0]?.role ?? null;
  }

  /** Throws the unique-violation error when the member already belongs to the group. */
  async addMember(groupId: string, memberId: string, role: GroupRole): Promise<GroupMember> {
    await this.db.query('INSERT INTO group_members (group_id, member_id, role) VALUES ($1, $2, $3)', [groupId, memberId, role]);
    return (await this.getMember(groupId, memberId))!;
  }

  async getMember(groupId: string, memberId: string): Promise<GroupMember | undefined> {
    const { rows } = await this.db.query<MemberRow>(`${MEMBER_SELECT} WHERE gm.group_id = $1 AND gm.member_id = $2`, [groupId, memberId]);
    return rows[0] && toMember(rows[0]);
  }

  async setRole(groupId: string, memberId: string, role: GroupRole): Promise<void> {
    await this.db.query('UPDATE group_members SET role = $3 WHERE group_id = $1 AND member_id = $2', [groupId, memberId, role]);
  }

  async removeMember(groupId: string, memberId: string): Promise<boolean> {
    const res = await this.db.query('DELETE FROM group_members WHERE group_id = $1 AND member_id = $2', [groupId, memberId]);
    return res.rowCount === 1;
  }

  /** In join order (the owner who created it first). */
  async listMembers(groupId: string, page: CheckedPage): Promise<Page<GroupMember>> {
    const { rows } = await this.db.query<MemberRow>(
      `${MEMBER_SELECT} WHERE gm.group_id = $1 AND ($2::bigint IS NULL OR gm.seq > $2::bigint) ORDER BY gm.seq ASC LIMIT $3`,
      [groupId, page.after, page.limit + 1],
    );
    return toPage(rows, page.limit, toMember);
  }

  async isMember(groupId: string, memberId: string): Promise<boolean> {
    return (await this.roleOf(groupId, memberId)) !== null;
  }

  /** Throws the unique-violation error when the member is already invited. */
  async insertInvitation(id: string, groupId: string, inviteeId: string, inviterId: string): Promise<GroupInvitation> {
    await this.db.query('INSERT INTO group_invitations (id, group_id, invitee_id, inviter_id) VALUES ($1, $2, $3, $4)', [id, groupId, inviteeId, inviterId]);
    const { rows } = await this.db.query<InvitationRow>(`${INVITATION_SELECT} WHERE i.id = $1`, [id]);
    return toInvitation(rows[0]!);
  }

  async findInvitation(id: string): Promise<InvitationRecord | undefined> {
    const { rows } = await this.db.query<{ id: string; group_id: string; invitee_id: string; inviter_id: string }>(
      'SELECT id, group_id, invitee_id, inviter_id FROM group_invitations WHERE id = $1',
      [id],
    );
    const r = rows[0];
    return r && { id: r.id, groupId: r.group_id, inviteeId: r.invitee_id, inviterId: r.inviter_id };
  }

  async findInvitationFor(groupId: string, inviteeId: string): Promise<InvitationRecord | undefined> {
    const { rows } = await this.db.query<{ id: string; group_id: string; invitee_id: string; inviter_id: string }>(
      'SELECT id, group_id, invitee_id, inviter_id FROM group_invitations WHERE group_id = $1 AND invitee_id = $2',
      [groupId, inviteeId],
    );
    const r = rows[0];
    return r && { id: r.id, groupId: r.group_id, inviteeId: r.invitee_id, inviterId: r.inviter_id };
  }

  async deleteInvitation(id: string): Promise<boolean> {
    const res = await this.db.query('DELETE FROM group_invitations WHERE id = $1', [id]);
    return res.rowCount === 1;
  }

  /** Invitations one of the pair sent the other (a block withdraws them). */
  async deleteInvitationsBetween(a: string, b: string): Promise<number> {
    const res = await this.db.query(
      'DELETE FROM group_invitations WHERE (inviter_id = $1 AND invitee_id = $2) OR (inviter_id = $2 AND invitee_id = $1)',
      [a, b],
    );
    return res.rowCount ?? 0;
  }

  /** Newest first. */
  async listInvitationsFor(inviteeId: string, page: CheckedPage): Promise<Page<GroupInvitation>> {
    const { rows } = await this.db.query<InvitationRow>(
      `${INVITATION_SELECT} WHERE i.invitee_id = $1 AND ($2::bigint IS NULL OR i.seq < $2::bigint) ORDER BY i.seq DESC LIMIT $3`,
      [inviteeId, page.after, page.limit + 1],
    );
    return toPage(rows, page.limit, toInvitation);
  }

  /** Newest first. */
  async listInvitationsOf(groupId: string, page: CheckedPage): Promise<Page<GroupInvitation>> {
    const { rows } = await this.db.query<InvitationRow>(
      `${INVITATION_SELECT} WHERE i.group_id = $1 AND ($2::bigint IS NULL OR i.seq < $2::bigint) ORDER BY i.seq DESC LIMIT $3`,
      [groupId, page.after, page.limit + 1],
    );
    return toPage(rows, page.limit, toInvitation);
  }
}

function toGroup(r: GroupRow): Group {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    visibility: r.visibility,
    memberCount: r.member_count,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    myRole: r.my_role,
  };
}

function toMember(r: MemberRow): GroupMember {
  return { groupId: r.group_id, member: summaryFrom(r, 'm_'), role: r.role, joinedAt: r.joined_at.toISOString() };
}

function toInvitation(r: InvitationRow): GroupInvitation {
  return {
    id: r.id,
    group: { id: r.group_id, name: r.group_name, visibility: r.group_visibility },
    inviter: summaryFrom(r, 's_'),
    invitee: summaryFrom(r, 't_'),
    createdAt: r.created_at.toISOString(),
  };
}
