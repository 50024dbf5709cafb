// LiveKit's view of what happened (webhooks, already verified by the API) turned into engine state:
// presence and tracks are recorded, the stage learns who connected or left, and empty rooms end.
//
// Each delivery id is recorded only after its effects are applied: if handling throws, the API answers 5xx, LiveKit
// redelivers the same event, and it is handled then (recording first would answer the redelivery as a duplicate and
// lose the event). Two concurrent deliveries of one id may both apply it; every effect here is idempotent, and the
// id's primary key lets exactly one of them record it.
import { ParticipantInfo_Kind } from '@livekit/protocol';
import { TrackSource, type WebhookEvent } from 'livekit-server-sdk';
import type { Logger } from '../../core/logger.js';
import type { RoomService } from './room-service.js';

/** What the stage needs to hear from LiveKit (connections go through the room service's join policy). */
export interface StagePresencePort {
  participantLeft(roomId: string, identity: string): Promise<void>;
}

export class LiveKitEventHandler {
  constructor(
    private readonly rooms: RoomService,
    private readonly stage: StagePresencePort,
    private readonly log: Logger,
  ) {}

  /**
   * Returns false for a duplicate delivery (already handled) or an event about a room Roundtable does not know.
   * Throws when applying the event failed; nothing is recorded then, so LiveKit's redelivery is applied.
   */
  async handle(event: WebhookEvent): Promise<boolean> {
    const store = this.rooms.store;
    if (event.id && (await store.webhookHandled(event.id))) return false;
    const handled = await this.#apply(event);
    if (event.id) await store.recordWebhook(event.id, event.event, event.room?.name);
    return handled;
  }

  async #apply(event: WebhookEvent): Promise<boolean> {
    const store = this.rooms.store;
    const room = event.room?.name ? await store.findByLivekitName(event.room.name) : undefined;
    if (!room) return false;
    const at = new Date(Number(event.createdAt ?? 0n) * 1000 || Date.now());
    const p = event.participant;
    const isAgent = p?.kind === ParticipantInfo_Kind.AGENT;
    switch (event.event) {
      case 'room_finished':
        // LiveKit closes a room after its empty timeout; the room is over for Roundtable too.
        if (room.status === 'live') await this.rooms.end(room.id, 'empty');
        break;
      case 'participant_joined':
        if (!p) break;
        // A late redelivery of a session that already left (its participant_left was handled first) changes nothing.
        if (!(await store.participantJoined(room.id, { identity: p.identity, sid: p.sid, isAgent, at }))) break;
        // The join policy decides on every connection: a still-valid LiveKit token is not an admission.
        if (!isAgent) await this.rooms.participantConnected(room.id, p.identity, { canPublish: p.permission?.canPublish });
        break;
      case 'participant_left':
        if (!p) break;
        await store.participantLeft(room.id, { identity: p.identity, sid: p.sid, isAgent, at });
        // A reconnect can deliver the new session's "joined" before the old one's "left": leave only when none is open.
        if (!isAgent && !(await store.hasOpenSession(room.id, p.identity))) await this.stage.participantLeft(room.id, p.identity);
        break;
      case 'track_published':
        if (p && event.track) {
          const source = TrackSource[event.track.source] ?? String(event.track.source);
          await store.trackPublished(room.id, { trackSid: event.track.sid, identity: p.identity, source, at });
        }
        break;
      case 'track_unpublished':
        if (event.track) await store.trackUnpublished(room.id, event.track.sid, at);
        break;
      default:
        break;
    }
    this.log.debug({ event: event.event, room: room.id, identity: p?.identity }, 'LiveKit webhook handled');
    return true;
  }
}
