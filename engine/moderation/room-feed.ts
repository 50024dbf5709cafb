// What moderation tells a room's live clients through the API's event stream, in this process: captions of every
// stored utterance, and flags for the room's moderators. The same events go out on LiveKit data topics; this is the
// in-process half for SSE subscribers (one API process; a cluster needs a shared bus, like the stage stream).

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

export type RoomFeedEvent = CaptionEvent | ModerationFlagEvent;
export type RoomFeedListener = (event: RoomFeedEvent) => void;

export class RoomFeed {
  readonly #listeners = new Map<string, Set<RoomFeedListener>>();

  subscribe(roomId: string, listener: RoomFeedListener): () => void {
    if (typeof roomId !== 'string' || roomId === '') throw new TypeError('RoomFeed.subscribe: roomId must be a non-empty string');
    if (typeof listener !== 'function') throw new TypeError('RoomFeed.subscribe: listener must be a function');
    let set = this.#listeners.get(roomId);
    if (!set) this.#listeners.set(roomId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(roomId);
    };
  }

  /** Delivers to every subscriber of the room; a throwing subscriber does not stop the others. */
  publish(event: RoomFeedEvent): void {
    for (const listener of [...(this.#listeners.get(event.roomId) ?? [])]) {
      try {
        listener(event);
      } catch {
        // a broken stream is the stream's problem; the next subscriber still hears the event
      }
    }
  }
}
