// The shapes engine/social hands out. Member summaries never carry email or credentials.
import type { PlatformRole } from '../access/roles.js';

export interface MemberSummary {
  id: string;
  displayName: string;
  headline: string;
  company: string;
  photoUrl: string | null;
}

export interface ExperienceEntry {
  title: string;
  company: string;
  startYear: number;
  /** null while the position is current. */
  endYear: number | null;
  description: string;
}

/** How the viewer stands with a member whose profile they look at. */
export type ConnectionState = 'self' | 'none' | 'connected' | 'request_sent' | 'request_received';

export interface Relationship {
  connection: ConnectionState;
  /** The pending request between viewer and member, when there is one (to accept or cancel it). */
  pendingRequestId: string | null;
  blockedByYou: boolean;
}

export interface PublicProfile extends MemberSummary {
  experience: ExperienceEntry[];
  connectionCount: number;
  createdAt: string;
  relationship: Relationship;
}

export interface OwnProfile extends MemberSummary {
  email: string;
  experience: ExperienceEntry[];
  connectionCount: number;
  platformRoles: PlatformRole[];
  createdAt: string;
  updatedAt: string;
}

export interface ConnectionRequest {
  id: string;
  requester: MemberSummary;
  recipient: MemberSummary;
  createdAt: string;
}

export interface Connection {
  member: MemberSummary;
  connectedAt: string;
}

/** Asking someone who already asked you connects you at once instead of leaving two crossed requests. */
export type ConnectionRequestOutcome = { status: 'pending'; request: ConnectionRequest } | { status: 'connected'; connection: Connection };

export interface BlockedMember {
  member: MemberSummary;
  blockedAt: string;
}

export type GroupVisibility = 'open' | 'private';
export const GROUP_VISIBILITIES: readonly GroupVisibility[] = ['open', 'private'];

export type GroupRole = 'owner' | 'admin' | 'member';
export const GROUP_ROLES: readonly GroupRole[] = ['owner', 'admin', 'member'];

export interface Group {
  id: string;
  name: string;
  description: string;
  visibility: GroupVisibility;
  memberCount: number;
  createdAt: string;
  updatedAt: string;
  /** The viewer's role in the group, null when they are not a member. */
  myRole: GroupRole | null;
}

export interface GroupMember {
  groupId: string;
  member: MemberSummary;
  role: GroupRole;
  joinedAt: string;
}

export interface GroupInvitation {
  id: string;
  group: { id: string; name: string; visibility: GroupVisibility };
  inviter: MemberSummary;
  invitee: MemberSummary;
  createdAt: string;
}

export interface PageRequest {
  /** 1..200 */
  limit: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Who is looking, for reads where trust-and-safety staff see more than members. */
export interface Viewer {
  memberId: string;
  platformRoles: readonly PlatformRole[];
}
