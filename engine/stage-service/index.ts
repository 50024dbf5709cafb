// Public surface of engine/stage-service: the persisted, LiveKit-driving stage of each live room, and the views of
// it that people may see.
export { REACTIONS_TOPIC, STAGE_TOPIC, StageService } from './stage-service.js';
export type { RoomStreamEvent, StageChange, StageCommandResult, StageGateway, StageListener, StageMember, StageServiceOptions } from './stage-service.js';
export type { EffectOutcome, EffectStatus, LiveKitEffectKind, StageEffectRecord } from './effect-store.js';
export { DEFAULT_RETRY_POLICY, afterFailure, retryDelayMs } from './effect-outbox.js';
export { isModeratorView, mayViewStage, publicStageView, stageViewDecision } from './public-stage.js';
export type { ModeratorView, OnStageMember, PublicStageState, ReactionCounts, StageRoomFacts, StageViewer, ViewerStanding } from './public-stage.js';
