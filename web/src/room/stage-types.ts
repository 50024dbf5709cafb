// The shapes of the room API the room page reads (api/routes/rooms.ts, stage.ts, room-safety.ts; engine/moderation
// /room-feed.ts for captions and flags), as the browser receives them.

export type RoomRole = 'host' | 'co_host' | 'speaker' | 'listener';
export type StageRole = Exclude<RoomRole, 'listener'>;

export interface RoomRecord {
  id: string;
  hostMemberId: string;
  title: string;
  description: string;
  topics: string[];
  status: 'scheduled' | 'live' | 'ended';
  handRaisingEnabled: boolean;
  transcriptionNotice: string;
  endedReason: string | null;
}

export interface JoinTicket {
  url: string;
  token: string;
  identity: string;
  room: string;
  role: RoomRole;
  canPublish: boolean;
  quiet: boolean;
}

export interface StageEffect {
  id: string;
  kind: 'grant_publish' | 'revoke_publish' | 'mute_track' | 'remove';
  identity: string;
  status: 'pending' | 'applied' | 'failed';
  outcome: string | null;
  lastError: string | null;
}

export interface StageView {
  roomId: string;
  hostId: string;
  version: number;
  ended: boolean;
  handRaisingEnabled: boolean;
  onStage: { identity: string; role: StageRole; since: number }[];
  listenerCount: number;
  raisedHandCount: number;
  reactions: Record<string, number>;
  you?: { role: RoomRole | null; handRaised: boolean; invitedBy: string | null };
  moderation?: {
    hands: { identity: string; raisedAt: number }[];
    invites: { identity: string; invitedBy: string; invitedAt: number }[];
    bans: string[];
    audience: string[];
    effects?: StageEffect[];
  };
}

export interface CaptionEvent {
  segmentId: string;
  speaker: string;
  /** null when moderation withheld it. */
  text: string | null;
  withheld: boolean;
  startedAt: string;
  endedAt: string;
}

export interface ModerationFlagEvent {
  segmentId: string;
  speaker: string;
  categories: string[];
  action: string;
  step: number;
  caseId: string | null;
  /** The automatic action's id: what undo names. */
  actionId: string | null;
  reason: string;
}

export const isModerator = (role: RoomRole | null | undefined): boolean => role === 'host' || role === 'co_host';
export const isOnStage = (role: RoomRole | null | undefined): boolean => role === 'host' || role === 'co_host' || role === 'speaker';

export const ROLE_LABEL: Record<RoomRole, string> = { host: 'Host', co_host: 'Co-host', speaker: 'Speaker', listener: 'Listener' };
