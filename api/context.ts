// What route handlers receive: the engine's services, never its stores or clients directly.
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import type { AccountService, Principal } from '../engine/identity/account-service.js';
import type { Quotas } from '../engine/quotas/index.js';
import type { RoomService } from '../engine/rooms/room-service.js';
import type { GroupService, SocialService } from '../engine/social/index.js';
import type { StageService } from '../engine/stage-service/index.js';
import type { TranscriptStore } from '../engine/transcripts/transcript-store.js';
import type { ModerationService } from '../engine/moderation/moderation-service.js';
import type { RoomFeed } from '../engine/moderation/room-feed.js';
import type { MatchingProfileService } from '../engine/matching/matching-profile-service.js';
import type { EmbeddingService } from '../engine/matching/embedding-service.js';
import type { NotificationService } from '../engine/matching/notification-service.js';
import type { RoomsForYou } from '../engine/matching/rooms-for-you.js';
import type { SuggestionService } from '../engine/matching/suggestion-service.js';
import type { HealthCheck } from './health-check.js';

export interface ApiServices {
  config: Config;
  log: Logger;
  accounts: AccountService;
  rooms: RoomService;
  stage: StageService;
  social: SocialService;
  groups: GroupService;
  transcripts: TranscriptStore;
  health: HealthCheck;
  /** Captions and moderation flags for a room's event stream (published by the moderation evaluator). */
  feed: RoomFeed;
  /** Trust and safety: cases, decisions, appeals, reports, room policies, transcript search, evidence, audit log. */
  moderation: ModerationService;
  /** Rate limits routes spend (RouteDef.quota). */
  quotas: Quotas;
  /** Matching profiles: profile, availability, opt-in, gating status, photo and intro uploads. */
  matchingProfiles: MatchingProfileService;
  /** Matching embeddings (member_embeddings + the in-process hnswlib index), re-embedded on profile changes. */
  embeddings: EmbeddingService;
  /** Suggestions with reasons, accept / decline / snooze, match rooms. */
  matchingSuggestions: SuggestionService;
  /** The in-app notification feed. */
  notifications: NotificationService;
  /** GET /v1/rooms?order=for_you. */
  roomsForYou: RoomsForYou;
}

export type { Principal };
