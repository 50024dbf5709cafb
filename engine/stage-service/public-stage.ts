// What of a stage each person may see. Pure: the service and the API build views with these functions.
//
// Decisions:
// - Everyone in the room sees who is on stage (with roles), how many listen, how many hands are up, the reaction
//   counts and the hand-raising switch. This "audience view" is also what goes out on the LiveKit data topic, so it
//   stays small however large the audience is (listeners are in LiveKit's own participant list anyway).
// - Only moderators (host, co-hosts) and trust-and-safety staff see the hand queue, all pending invitations, the
//   ban list and the audience list: a raised hand is a request to the moderators, not a public signal, and a ban
//   list read by everyone would shame the banned.
// - A viewer always sees their own standing (role, raised hand, pending invitation).
// - Consent times are evidence for staff (stored with the events), not part of any view.
import { type Decision, type PlatformRole, type RoomRole, authorize } from '../access/index.js';
import type { HandRaise, ReactionEmoji, StageInvite, StageState } from '../stage/index.js';
import type { StageEffectRecord } from './effect-store.js';

export interface StageViewer {
  memberId: string;
  platformRoles: readonly PlatformRole[];
}

export interface OnStageMember {
  identity: string;
  role: Exclude<RoomRole, 'listener'>;
  /** When they got this role (ms since epoch). */
  since: number;
}

export interface ViewerStanding {
  role: RoomRole | null;
  handRaised: boolean;
  /** Who invited the viewer on stage, when an invitation is pending. */
  invitedBy: string | null;
}

export interface ModeratorView {
  /** Oldest raise first. */
  hands: HandRaise[];
  invites: StageInvite[];
  bans: string[];
  /** Listeners in join order. */
  audience: string[];
  /**
   * Effects on LiveKit not (yet) carried out: pending ones and failed ones no later effect made moot. Filled in by
   * the stage service from the outbox; the pure view leaves it out.
   */
  effects?: StageEffectRecord[];
}

export interface PublicStageState {
  roomId: string;
  hostId: string;
  /** Grows by one with every change: clients drop updates older than what they have. */
  version: number;
  ended: boolean;
  endedAt: number | null;
  handRaisingEnabled: boolean;
  /** Host, co-hosts and speakers, in join order. */
  onStage: OnStageMember[];
  listenerCount: number;
  raisedHandCount: number;
  reactions: Partial<Record<ReactionEmoji, number>>;
  /** Present when the view was built for a signed-in viewer. */
  you?: ViewerStanding;
  /** Present for the room's host and co-hosts and for trust-and-safety staff. */
  moderation?: ModeratorView;
}

/** The room as the stage service knows it from the rooms table. */
export interface StageRoomFacts {
  id: string;
  livekitName: string;
  hostMemberId: string;
  status: 'scheduled' | 'live' | 'ended';
}

/**
 * The viewer's role for stage views: their role on the stage, or host when they host the room (by the rooms table or
 * the stage) without being connected to it: the host sees and moderates their room before and between connections.
 */
function viewerRole(state: StageState, room: StageRoomFacts, viewer: StageViewer): RoomRole | null {
  return state.roleOf(viewer.memberId) ?? (viewer.memberId === room.hostMemberId || viewer.memberId === state.hostId ? 'host' : null);
}

/** authorize() on stage.view: participants, the room's host and staff may read the stage. */
export function stageViewDecision(state: StageState, room: StageRoomFacts, viewer: StageViewer): Decision {
  const subject = { memberId: viewer.memberId, platformRoles: viewer.platformRoles, roomRole: viewerRole(state, room, viewer) };
  return authorize(subject, 'stage.view', { roomState: room.status });
}

export function mayViewStage(state: StageState, room: StageRoomFacts, viewer: StageViewer): boolean {
  return stageViewDecision(state, room, viewer).allowed;
}

/** authorize() on stage.view_moderation: the host, co-hosts and staff see the hand queue, invitations, bans, audience. */
export function isModeratorView(state: StageState, room: StageRoomFacts, viewer: StageViewer): boolean {
  const subject = { memberId: viewer.memberId, platformRoles: viewer.platformRoles, roomRole: viewerRole(state, room, viewer) };
  return authorize(subject, 'stage.view_moderation', { roomState: room.status }).allowed;
}

/** Reaction counts per palette emoji, in palette order; emoji never sent are absent. Kept apart from the stage. */
export type ReactionCounts = Partial<Record<ReactionEmoji, number>>;

/** The stage as `viewer` may see it; without a viewer, the audience view that is broadcast to the room. */
export function publicStageView(state: StageState, room: StageRoomFacts, viewer: StageViewer | undefined, reactions: ReactionCounts): PublicStageState {
  const onStage: OnStageMember[] = [];
  for (const p of state.participants) {
    if (p.role !== 'listener') onStage.push({ identity: p.identity, role: p.role, since: p.roleSince });
  }
  const ended = state.ended || room.status === 'ended';
  const view: PublicStageState = {
    roomId: state.roomId,
    hostId: state.hostId,
    version: state.version,
    ended,
    endedAt: state.endedAt,
    handRaisingEnabled: state.handRaisingEnabled,
    onStage,
    listenerCount: state.listenerCount,
    raisedHandCount: state.handQueue.length,
    reactions: { ...reactions },
  };
  if (viewer === undefined) return view;
  view.you = {
    role: state.roleOf(viewer.memberId),
    handRaised: state.handQueue.some((h) => h.identity === viewer.memberId),
    invitedBy: state.invites.find((v) => v.identity === viewer.memberId)?.invitedBy ?? null,
  };
  if (isModeratorView(state, room, viewer)) {
    const snapshot = state.toJSON();
    view.moderation = {
      hands: snapshot.hands,
      invites: snapshot.invites,
      bans: snapshot.bans,
      audience: state.participants.filter((p) => p.role === 'listener').map((p) => p.identity),
    };
  }
  return view;
}
