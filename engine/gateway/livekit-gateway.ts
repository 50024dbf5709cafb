// The engine's only door to LiveKit's server API: rooms, permissions, moderation actions and tokens.
// Everything above it speaks in room names and identities; nothing else imports livekit-server-sdk clients.
import {
  AccessToken,
  AgentDispatchClient,
  DataPacket_Kind,
  RoomAgentDispatch,
  RoomServiceClient,
  TrackSource,
  type VideoGrant,
} from 'livekit-server-sdk';

export interface LiveKitGatewayOptions {
  /** ws(s):// URL of the LiveKit server, as clients use it. */
  url: string;
  apiKey: string;
  apiSecret: string;
  /** The moderation agent dispatched into every room. */
  agentName: string;
  /** Where the server API is reached when not at `url` (an internal address); default `url`. */
  apiUrl?: string;
  /** Bound on each server API call (default 5000 ms): a LiveKit that does not answer fails the call, retryably. */
  requestTimeoutMs?: number;
}

export interface TokenRequest {
  identity: string;
  name?: string;
  room: string;
  canPublish: boolean;
  canSubscribe?: boolean;
  canPublishData?: boolean;
  hidden?: boolean;
  metadata?: string;
  ttlSeconds?: number;
}

export interface ParticipantSnapshot {
  identity: string;
  sid: string;
  canPublish: boolean;
  tracks: { sid: string; source: string; muted: boolean }[];
}

export interface AgentDispatchSnapshot {
  id: string;
  jobs: { id: string; status: 'pending' | 'running' | 'ended'; workerId: string; participantIdentity: string }[];
}

export class LiveKitGateway {
  readonly url: string;
  readonly #rooms: RoomServiceClient;
  readonly #dispatch: AgentDispatchClient;
  readonly #options: LiveKitGatewayOptions;
  readonly #apiUrl: string;

  constructor(options: LiveKitGatewayOptions) {
    for (const k of ['url', 'apiKey', 'apiSecret', 'agentName'] as const) {
      if (typeof options?.[k] !== 'string' || options[k] === '') throw new TypeError(`LiveKitGateway: ${k} must be a non-empty string`);
    }
    if (options.apiUrl !== undefined && (typeof options.apiUrl !== 'string' || options.apiUrl === '')) throw new TypeError('LiveKitGateway: apiUrl must be a non-empty string');
    const timeoutMs = options.requestTimeoutMs ?? 5000;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new TypeError('LiveKitGateway: requestTimeoutMs must be a positive integer');
    this.#options = options;
    this.url = options.url;
    this.#apiUrl = toHttpUrl(options.apiUrl ?? options.url);
    const clientOptions = { requestTimeout: timeoutMs / 1000 };
    this.#rooms = new RoomServiceClient(this.#apiUrl, options.apiKey, options.apiSecret, clientOptions);
    this.#dispatch = new AgentDispatchClient(this.#apiUrl, options.apiKey, options.apiSecret, clientOptions);
  }

  /** Creates the LiveKit room with the moderation agent dispatched into it. */
  async createRoom(name: string, opts: { emptyTimeoutSeconds: number; maxParticipants?: number; metadata?: string }): Promise<void> {
    await this.#rooms.createRoom({
      name,
      emptyTimeout: opts.emptyTimeoutSeconds,
      departureTimeout: opts.emptyTimeoutSeconds,
      maxParticipants: opts.maxParticipants ?? 0,
      metadata: opts.metadata ?? '',
      agents: [new RoomAgentDispatch({ agentName: this.#options.agentName })],
    });
  }

  /** Dispatches the agent explicitly, for rooms LiveKit created on its own (first join) without the dispatch. */
  async ensureAgent(room: string): Promise<void> {
    const existing = await this.#dispatch.listDispatch(room);
    if (existing.some((d) => d.agentName === this.#options.agentName)) return;
    await this.#dispatch.createDispatch(room, this.#options.agentName);
  }

  /** The moderation agent's dispatches in a room with their jobs (engine/agent-supervision reads them). */
  async agentDispatches(room: string): Promise<AgentDispatchSnapshot[]> {
    const all = await this.#dispatch.listDispatch(room).catch((err: unknown) => {
      if (isNotFound(err)) return [];
      throw err;
    });
    return all
      .filter((d) => d.agentName === this.#options.agentName)
      .map((d) => ({
        id: d.id,
        jobs: (d.state?.jobs ?? []).map((j) => ({
          id: j.id,
          // JobStatus: 0 pending, 1 running, 2 success, 3 failed.
          status: j.state?.status === 0 ? 'pending' : j.state?.status === 1 ? 'running' : 'ended',
          workerId: j.state?.workerId ?? '',
          participantIdentity: j.state?.participantIdentity ?? '',
        })),
      }));
  }

  /** A new dispatch of the moderation agent, even when the room already has one (whose worker may be gone). */
  async dispatchAgent(room: string): Promise<string> {
    return (await this.#dispatch.createDispatch(room, this.#options.agentName)).id;
  }

  async deleteAgentDispatch(room: string, dispatchId: string): Promise<void> {
    await this.#dispatch.deleteDispatch(dispatchId, room).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }

  /** Identities of everyone connected to the room, hidden agents included; undefined when LiveKit has no such room. */
  async participantIdentities(room: string): Promise<string[] | undefined> {
    try {
      return (await this.#rooms.listParticipants(room)).map((p) => p.identity);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async deleteRoom(name: string): Promise<void> {
    await this.#rooms.deleteRoom(name).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }

  async getParticipant(room: string, identity: string): Promise<ParticipantSnapshot | undefined> {
    try {
      const p = await this.#rooms.getParticipant(room, identity);
      return {
        identity: p.identity,
        sid: p.sid,
        canPublish: p.permission?.canPublish ?? false,
        tracks: p.tracks.map((t) => ({ sid: t.sid, source: TrackSource[t.source] ?? String(t.source), muted: t.muted })),
      };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /**
   * Grants or revokes publishing for a connected participant; LiveKit unpublishes its tracks on revoke. Data
   * follows the microphone: people on stage may publish data, listeners may not (engine/access grantsFor).
   */
  async setCanPublish(room: string, identity: string, canPublish: boolean): Promise<boolean> {
    try {
      await this.#rooms.updateParticipant(room, identity, {
        permission: {
          canPublish,
          canSubscribe: true,
          canPublishData: canPublish,
          canPublishSources: canPublish ? [TrackSource.MICROPHONE] : [],
        },
      });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false; // not connected now: the next token carries the grant
      throw err;
    }
  }

  async muteTracks(room: string, identity: string): Promise<number> {
    const p = await this.getParticipant(room, identity);
    if (!p) return 0;
    let muted = 0;
    for (const t of p.tracks) {
      if (t.muted) continue;
      await this.#rooms.mutePublishedTrack(room, identity, t.sid, true);
      muted += 1;
    }
    return muted;
  }

  async removeParticipant(room: string, identity: string): Promise<void> {
    await this.#rooms.removeParticipant(room, identity).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }

  async broadcast(room: string, topic: string, payload: unknown): Promise<void> {
    const data = new TextEncoder().encode(JSON.stringify(payload));
    await this.#rooms.sendData(room, data, DataPacket_Kind.RELIABLE, { topic }).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }

  /** Like broadcast, but only the given participants receive it (LiveKit drops identities not in the room). */
  async sendTo(room: string, topic: string, payload: unknown, identities: readonly string[]): Promise<void> {
    if (identities.length === 0) return;
    const data = new TextEncoder().encode(JSON.stringify(payload));
    await this.#rooms.sendData(room, data, DataPacket_Kind.RELIABLE, { topic, destinationIdentities: [...identities] }).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }

  async mintToken(req: TokenRequest): Promise<string> {
    const at = new AccessToken(this.#options.apiKey, this.#options.apiSecret, {
      identity: req.identity,
      name: req.name,
      metadata: req.metadata,
      ttl: req.ttlSeconds ?? 3600,
    });
    const grant: VideoGrant = {
      room: req.room,
      roomJoin: true,
      canPublish: req.canPublish,
      canPublishSources: req.canPublish ? [TrackSource.MICROPHONE] : [],
      canSubscribe: req.canSubscribe ?? true,
      canPublishData: req.canPublishData ?? true,
      hidden: req.hidden ?? false,
    };
    at.addGrant(grant);
    return at.toJwt();
  }

  /** LiveKit answers `OK` on GET / once it is ready. */
  async ping(timeoutMs = 2000): Promise<void> {
    const res = await fetch(this.#apiUrl, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    if (!res.ok || text.trim() !== 'OK') throw new Error(`LiveKit at ${this.url} answered ${res.status} ${text.slice(0, 80)}`);
  }
}

export function toHttpUrl(url: string): string {
  return url.replace(/^ws(s?):\/\//, 'http$1://');
}

/**
 * What a failed server API call means for a retry: `retryable` when LiveKit could not be reached, did not answer in
 * time or failed on its side (5xx, Twirp unavailable/internal/deadline_exceeded/resource_exhausted); `permanent`
 * when it refused the request itself (other 4xx: bad credentials, invalid argument), which no retry changes.
 */
export function liveKitFailureKind(err: unknown): 'retryable' | 'permanent' {
  const e = err as { status?: unknown; code?: unknown; name?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  if (['unavailable', 'internal', 'deadline_exceeded', 'resource_exhausted', 'unknown', 'aborted'].includes(code)) return 'retryable';
  if (typeof e?.status === 'number' && e.status > 0) return e.status >= 500 || e.status === 429 || e.status === 408 ? 'retryable' : 'permanent';
  // No HTTP answer at all: connection refused or reset, DNS, the request timeout (TimeoutError / AbortError).
  return 'retryable';
}

function isNotFound(err: unknown): boolean {
  const e = err as { status?: number; code?: string; message?: string };
  return e?.status === 404 || e?.code === 'not_found' || /not.?found|does not exist/i.test(e?.message ?? '');
}
