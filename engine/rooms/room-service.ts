// Room use-cases the API calls: create a room (persisted, then opened on LiveKit with the moderation agent),
// read it, and join it with a token whose grants follow the member's role in the room.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { isStaff } from '../access/roles.js';
import type { Principal } from '../identity/account-service.js';
import { EngineError } from '../engine-error.js';
import type { LiveKitGateway } from '../gateway/livekit-gateway.js';
import { RoomStore, type RoomRecord } from './room-store.js';

export interface RoomServiceOptions {
  emptyTimeoutSeconds: number;
}

export interface JoinTicket {
  url: string;
  token: string;
  identity: string;
  role: 'host' | 'listener';
  canPublish: boolean;
}

export class RoomService {
  readonly #store: RoomStore;

  constructor(
    pool: pg.Pool,
    private readonly livekit: LiveKitGateway,
    private readonly options: RoomServiceOptions,
  ) {
    this.#store = new RoomStore(pool);
  }

  async create(host: Principal, input: { title: string; description?: string }): Promise<RoomRecord> {
    const id = randomUUID();
    const room = await this.#store.insert({
      id,
      livekitName: id,
      hostMemberId: host.memberId,
      title: input.title,
      description: input.description ?? '',
      status: 'live',
      startedAt: new Date(),
    });
    await this.livekit.createRoom(room.livekitName, { emptyTimeoutSeconds: this.options.emptyTimeoutSeconds, metadata: JSON.stringify({ roomId: id }) });
    return room;
  }

  async get(id: string): Promise<RoomRecord> {
    const room = await this.#store.get(id);
    if (!room) throw new EngineError('not_found', 'room_not_found', 'room not found', 'roomId');
    return room;
  }

  /** Transcripts are safety evidence: the host and trust-and-safety staff read them, nobody else. */
  async assertCanReadTranscript(member: Principal, id: string): Promise<void> {
    const room = await this.get(id);
    if (room.hostMemberId === member.memberId || isStaff(member.platformRoles)) return;
    throw new EngineError('forbidden', 'transcript_forbidden', 'only the host and trust-and-safety staff can read this transcript');
  }

  async join(member: Principal, id: string): Promise<JoinTicket> {
    const room = await this.get(id);
    if (room.status === 'ended') throw new EngineError('conflict', 'room_ended', 'room has ended', 'roomId');
    const isHost = room.hostMemberId === member.memberId;
    const token = await this.livekit.mintToken({ identity: member.memberId, room: room.livekitName, canPublish: isHost });
    return { url: this.livekit.url, token, identity: member.memberId, role: isHost ? 'host' : 'listener', canPublish: isHost };
  }
}
