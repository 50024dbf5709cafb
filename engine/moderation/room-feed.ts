// What moderation tells a room's live clients through the API's event stream: captions of every stored utterance,
// and flags for the room's moderators. The same events go out on LiveKit data topics. With a room event bus (the
// API processes), they are appended to it, so every process's streams carry them in order with the stage's
// changes and a reconnecting stream replays them; without one (unit tests), they reach this process's
// subscribers directly.
import type { Logger } from '../../core/logger.js';
import type { RoomEventBus } from '../room-events/index.js';
import type { CaptionEvent, ModerationFlagEvent, RoomFeedEvent } from '../room-events/index.js';

export type { CaptionEvent, ModerationFlagEvent, RoomFeedEvent };
export type RoomFeedListener = (event: RoomFeedEvent) => void;

export interface RoomFeedOptions {
  /** The room event bus the stage stream reads (cli/stack.ts passes the stage service's). */
  events: RoomEventBus;
  log: Logger;
}

export class RoomFeed {
  readonly #listeners = new Map<string, Set<RoomFeedListener>>();
  readonly #bus: RoomFeedOptions | undefined;
  /** Appends of one room, one after another, so a caption and its flag keep their order. */
  readonly #appending = new Map<string, Promise<void>>();

  constructor(options?: RoomFeedOptions) {
    if (options !== undefined && (typeof options.events?.append !== 'function' || typeof options.log?.warn !== 'function')) {
      throw new TypeError('RoomFeed: options must carry the room event bus (events) and a logger (log)');
    }
    this.#bus = options;
  }

  subscribe(roomId: string, listener: RoomFeedListener): () => void {
    if (typeof roomId !== 'string' || roomId === '') throw new TypeError('RoomFeed.subscribe: roomId must be a non-empty string');
    if (typeof listener !== 'function') throw new TypeError('RoomFeed.subscribe: listener must be a function');
    if (this.#bus !== undefined) {
      return this.#bus.events.subscribe(roomId, (e) => {
        if (e.kind === 'caption' || e.kind === 'moderation_flag' || e.kind === 'moderation_undone') listener(e.payload as RoomFeedEvent);
      });
    }
    let set = this.#listeners.get(roomId);
    if (!set) this.#listeners.set(roomId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(roomId);
    };
  }

  /**
   * Delivers to every subscriber of the room (with a bus: in every API process); a throwing subscriber does not stop
   * the others. Best effort and never rejects: the segment and its case are stored either way.
   */
  publish(event: RoomFeedEvent): void {
    const bus = this.#bus;
    if (bus !== undefined) {
      const previous = this.#appending.get(event.roomId) ?? Promise.resolve();
      const next = previous
        .then(() => bus.events.append(event.roomId, event.type, event))
        .then(
          () => undefined,
          (err: unknown) => bus.log.warn({ err, roomId: event.roomId, type: event.type }, 'room feed: could not append the event'),
        );
      this.#appending.set(event.roomId, next);
      void next.finally(() => {
        if (this.#appending.get(event.roomId) === next) this.#appending.delete(event.roomId);
      });
      return;
    }
    for (const listener of [...(this.#listeners.get(event.roomId) ?? [])]) {
      try {
        listener(event);
      } catch {
        // a broken stream is the stream's problem; the next subscriber still hears the event
      }
    }
  }
}
