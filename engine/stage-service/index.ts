// Public surface of engine/stage-service: the persisted, LiveKit-driving stage of each live room, and the views of
// it that people may see.
export { REACTIONS_TOPIC, STAGE_TOPIC, StageService } from './stage-service.js';
export type { StageChange, StageGateway, StageListener, StageMember, StageServiceOptions } from './stage-service.js';
export { isModeratorView, mayViewStage, publicStageView, stageViewDecision } from './public-stage.js';
export type { ModeratorView, OnStageMember, PublicStageState, ReactionCounts, StageRoomFacts, StageViewer, ViewerStanding } from './public-stage.js';
