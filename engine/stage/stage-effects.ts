// What a stage command asks the outside world to do (effects, carried out on LiveKit by the gateway) and what it
// records as having happened (events, stored and pushed to clients). Both are plain data.
import type { RoomRole } from '../access/index.js';
import type { ReactionEmoji } from './reactions.js';

export type StageEffect =
  /** updateParticipant(permission = grantsFor('speaker')): the participant may now publish the microphone. */
  | { kind: 'grant_publish'; identity: string }
  /** updateParticipant(permission = grantsFor('listener')): publishing stops, tracks are unpublished. */
  | { kind: 'revoke_publish'; identity: string }
  /** mutePublishedTrack on the participant's microphone track. */
  | { kind: 'mute_track'; identity: string }
  /** removeParticipant; with ban the member is also kept out of later joins (canJoin ctx.isBanned). */
  | { kind: 'remove'; identity: string; ban: boolean }
  /** Update the participant's role attribute/metadata so clients show it. */
  | { kind: 'set_role'; identity: string; role: RoomRole }
  /** deleteRoom: disconnect everyone. */
  | { kind: 'end_room' };

export type StageJoinVia = 'host' | 'hand' | 'invite';

export type StageEvent =
  | { type: 'participant_joined'; identity: string; role: RoomRole; transcriptionConsentAt: number; at: number }
  | { type: 'participant_left'; identity: string; at: number }
  | { type: 'participant_removed'; identity: string; by: string; ban: boolean; at: number }
  | { type: 'participant_unbanned'; identity: string; by: string; at: number }
  | { type: 'host_transferred'; from: string; to: string; at: number }
  | { type: 'hand_raised'; identity: string; at: number }
  | { type: 'hand_lowered'; identity: string; at: number }
  | { type: 'hand_dismissed'; identity: string; by: string; at: number }
  | { type: 'hand_raising_changed'; enabled: boolean; by: string; cleared: string[]; at: number }
  | { type: 'invite_sent'; identity: string; by: string; at: number }
  | { type: 'invite_declined'; identity: string; invitedBy: string; at: number }
  | { type: 'invite_cancelled'; identity: string; invitedBy: string; at: number }
  /** Coming on stage starts transcription of this speaker: the consent time is recorded with the event. */
  | { type: 'stage_joined'; identity: string; via: StageJoinVia; by: string; transcriptionConsentAt: number; at: number }
  | { type: 'stage_left'; identity: string; by: string; reason: 'left' | 'moved_to_audience'; at: number }
  | { type: 'participant_muted'; identity: string; by: string; at: number }
  | { type: 'cohost_promoted'; identity: string; by: string; at: number }
  | { type: 'cohost_demoted'; identity: string; by: string; at: number }
  /** Only in event logs written before migration 0009: reactions are counted apart from the stage now. */
  | { type: 'reaction_sent'; identity: string; emoji: ReactionEmoji; at: number }
  | { type: 'room_ended'; by: string; at: number };
