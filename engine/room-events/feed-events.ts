// What moderation tells a room's live clients besides the stage: captions of every stored utterance, and flags for
// the room's moderators. Defined here, with the bus that carries them, so the stage stream and the moderation feed
// share one definition.

export interface CaptionEvent {
  type: 'caption';
  roomId: string;
  segmentId: string;
  speaker: string;
  /** null when the utterance was flagged for enforcement: a caption must not repeat what moderation acts on. */
  text: string | null;
  withheld: boolean;
  startedAt: string;
  endedAt: string;
}

export interface ModerationFlagEvent {
  type: 'moderation_flag';
  roomId: string;
  segmentId: string;
  speaker: string;
  categories: string[];
  action: string;
  step: number;
  caseId: string | null;
  /** The automatic action's audit record: what a host names to undo it (POST …/moderation/actions/:actionId/undo). */
  actionId: string | null;
  reason: string;
}

/** A host (co-host, staff) undid an automatic action: everyone in the room hears it, the speaker may speak again. */
export interface ModerationUndoneEvent {
  type: 'moderation_undone';
  roomId: string;
  /** The automatic action's audit record (the moderation_flag notice's actionId). */
  actionId: string;
  undone: 'remove' | 'move_to_audience' | 'mute';
  speaker: string;
  /** What it took: the room ban lifted, an invitation back on stage, or the speaker may unmute. */
  effect: 'unbanned' | 'invited_back' | 'may_unmute';
  /** Whether LiveKit's publish permission, taken by the action, was given back. */
  publishRestored: boolean;
  by: string;
  at: string;
}

export type RoomFeedEvent = CaptionEvent | ModerationFlagEvent | ModerationUndoneEvent;
