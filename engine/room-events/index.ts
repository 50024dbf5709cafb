export {
  ROOM_EVENT_KINDS,
  ROOM_EVENTS_CHANNEL,
  RoomEventBus,
  type RoomEvent,
  type RoomEventBusOptions,
  type RoomEventKind,
  type RoomEventListener,
  type RoomEventRetention,
  type RoomSubscribeOptions,
} from './room-event-bus.js';
export { ROOM_EVENT_RETENTION, RoomEventSweeper, type RoomEventSweeperOptions } from './room-event-sweeper.js';
export type { CaptionEvent, ModerationFlagEvent, ModerationUndoneEvent, RoomFeedEvent } from './feed-events.js';
