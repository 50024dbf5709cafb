// LiveKit video-grant fields per room role. Pure data: the gateway copies them into AccessToken.addGrant() or
// RoomServiceClient.updateParticipant(..., { permission }) and maps source names to the SDK's TrackSource enum
// (microphone -> TrackSource.MICROPHONE).
//
// Decisions: rooms are audio-only, so stage roles may publish the microphone and nothing else. Listeners can never
// publish media or data: reactions go through the API, where they are checked (StageState.react), rate-limited and counted.
import type { RoomRole } from './roles.js';
import { isRoomRole } from './roles.js';

/** Track source names as livekit-server-sdk's trackSourceToString() spells them. */
export type TrackSourceName = 'camera' | 'microphone' | 'screen_share' | 'screen_share_audio';

export interface RoomGrant {
  roomJoin: true;
  canPublish: boolean;
  canSubscribe: boolean;
  canPublishData: boolean;
  hidden: boolean;
  canPublishSources: TrackSourceName[];
  canUpdateOwnMetadata: false;
}

export interface AgentGrant extends Omit<RoomGrant, 'canPublish'> {
  canPublish: false;
  agent: true;
}

const STAGE: RoomGrant = {
  roomJoin: true,
  canPublish: true,
  canSubscribe: true,
  canPublishData: true,
  hidden: false,
  canPublishSources: ['microphone'],
  canUpdateOwnMetadata: false,
};

const LISTENER: RoomGrant = {
  roomJoin: true,
  canPublish: false,
  canSubscribe: true,
  canPublishData: false,
  hidden: false,
  canPublishSources: [],
  canUpdateOwnMetadata: false,
};

/** Grant for a participant holding `role`. A fresh object each call, so callers may add `room` etc. */
export function grantsFor(role: RoomRole): RoomGrant {
  if (!isRoomRole(role)) throw new TypeError('role must be host, co_host, speaker or listener');
  const grant = role === 'listener' ? LISTENER : STAGE;
  return { ...grant, canPublishSources: [...grant.canPublishSources] };
}

/** Grant for the moderation agent: hears everyone, publishes no media, invisible in participant lists. */
export function moderatorAgentGrants(): AgentGrant {
  return { ...LISTENER, canPublishData: true, hidden: true, agent: true, canPublish: false, canPublishSources: [] };
}
