// Room use-cases the API calls: create or schedule, start, end, discover, RSVP, invite, and join with a token
// whose grants follow the member's role on the stage. Who may do what comes from engine/access; the stage itself
// (hands, invites, roles) is the StageService's.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { type Action, authorize, canJoin, canSee, grantsFor, type JoinCandidate, type JoinContext, type JoinDecision, type JoinRoomFacts, type PlatformRestriction, type Subject } from '../access/index.js';
import { isStaff, type PlatformRole, type RoomRole, type RoomVisibility } from '../access/roles.js';
import { EngineError } from '../engine-error.js';
import type { LiveKitGateway } from '../gateway/livekit-gateway.js';
import type { Principal } from '../identity/account-service.js';
import { DomainError } from '../stage/domain-error.js';
import { createRoomLifecycle, transitionRoom } from '../stage/room-lifecycle.js';
import { LiveRoomCapReached, RoomStore, type EndedReason, type LiveRoomCaps, type RoomRecord } from './room-store.js';

/** The join policy with every fact but the seat (listeners, ban) looked up; the stage applies it when it admits. */
export type AdmissionCheck = (seat: { listenerCount: number; isBanned: boolean }) => JoinDecision;

/** What the room needs from the stage: opening it, admitting members and connections, and counting listeners. */
export interface StagePort {
  open(room: { id: string; livekitName: string; hostId: string; handRaisingEnabled: boolean }): Promise<void>;
  admit(
    roomId: string,
    member: { memberId: string; platformRoles: PlatformRole[] },
    transcriptionConsentAt: number,
    check: AdmissionCheck,
  ): Promise<{ admitted: true; role: RoomRole } | { admitted: false; refusal: Extract<JoinDecision, { allowed: false }> }>;
  participantConnected(roomId: string, identity: string, connection: { check: AdmissionCheck; canPublish?: boolean }): Promise<boolean>;
  withholdPublish(roomId: string, identity: string): Promise<boolean>;
  roleOf(roomId: string, memberId: string): Promise<RoomRole | null>;
  isBanned(roomId: string, memberId: string): Promise<boolean>;
}

/** Facts about members the join policy needs, from the social graph. */
export interface SocialFacts {
  areConnected(a: string, b: string): Promise<boolean>;
  hasBlocked(blocker: string, blocked: string): Promise<boolean>;
  isGroupMember(groupId: string, memberId: string): Promise<boolean>;
}

/** A member's active platform suspension or ban (engine/sanctions SanctionStore.activeRestriction). */
export interface MemberRestrictions {
  activeRestriction(memberId: string): Promise<{ kind: 'suspend' | 'ban'; expiresAt: Date | null } | null>;
}

export interface RoomServiceOptions {
  emptyTimeoutSeconds: number;
  /** Suspended and banned members join, create, schedule and start no room. Absent: nobody is restricted. */
  restrictions?: MemberRestrictions;
  /** The LiveKit URL clients are given to connect to (a TLS proxy's wss:// address); defaults to the gateway's. */
  publicLiveKitUrl?: string;
  /**
   * Lifetime of LiveKit join tokens. They only authorise the connect (LiveKit keeps a connected session alive and
   * refreshes the client's token itself), so they are short: an unused or copied ticket soon stops working.
   */
  tokenTtlSeconds: number;
  /** Most live rooms at once per host and on the platform (each live room costs an agent job process). */
  liveRoomCaps: LiveRoomCaps;
  now?: () => number;
}

export interface CreateRoomInput {
  title: string;
  description?: string;
  topics?: string[];
  groupId?: string | null;
  visibility?: RoomVisibility;
  maxListeners?: number;
  handRaisingEnabled?: boolean;
  /** ISO time; absent means live now. */
  scheduledFor?: string | null;
}

/** What a room's details update may change; absent fields stay as they are. */
export interface RoomChanges {
  title?: string;
  description?: string;
  topics?: string[];
}

export interface RoomView extends Omit<RoomRecord, 'seq' | 'livekitName'> {
  rsvpCount: number;
  rsvpd: boolean;
  /** The notice every room carries: speech on stage is transcribed for safety; listeners are never recorded. */
  transcriptionNotice: string;
}

export interface JoinTicket {
  url: string;
  token: string;
  identity: string;
  room: string;
  role: RoomRole;
  canPublish: boolean;
  quiet: boolean;
}

export const TRANSCRIPTION_NOTICE =
  'Speech on stage in this room is transcribed by Roundtable for safety review. Listeners are never recorded.';

export class RoomService {
  readonly #store: RoomStore;
  readonly #now: () => number;
  /** Called once a room has ended (by host, staff or LiveKit's empty timeout). */
  onEnded: ((room: RoomRecord) => Promise<void> | void) | undefined;

  constructor(
    pool: pg.Pool,
    private readonly livekit: LiveKitGateway,
    private readonly stage: StagePort,
    private readonly social: SocialFacts,
    private readonly options: RoomServiceOptions,
  ) {
    this.#store = new RoomStore(pool);
    this.#now = options.now ?? Date.now;
  }

  get store(): RoomStore {
    return this.#store;
  }

  async create(host: Principal, input: CreateRoomInput): Promise<RoomView> {
    await this.#assertNotRestricted(host.memberId);
    const now = this.#now();
    const lifecycle = createRoomLifecycle({ scheduledFor: input.scheduledFor ? Date.parse(input.scheduledFor) : null }, now);
    if (input.groupId && !(await this.social.isGroupMember(input.groupId, host.memberId))) {
      throw new EngineError('forbidden', 'not_group_member', 'you can only host rooms in groups you belong to', 'groupId');
    }
    const id = randomUUID();
    const room = await this.#capped(() => this.#store.insert({
      id,
      livekitName: id,
      hostMemberId: host.memberId,
      title: input.title,
      description: input.description ?? '',
      topics: normalizeTopics(input.topics ?? []),
      groupId: input.groupId ?? null,
      visibility: input.visibility ?? 'open',
      maxListeners: input.maxListeners ?? 500,
      handRaisingEnabled: input.handRaisingEnabled ?? true,
      status: lifecycle.state,
      scheduledFor: lifecycle.scheduledFor === null ? null : new Date(lifecycle.scheduledFor),
      startedAt: lifecycle.startedAt === null ? null : new Date(lifecycle.startedAt),
    }, this.options.liveRoomCaps));
    if (room.status === 'live') await this.#goLive(room);
    return this.#view(room, host.memberId);
  }

  /** The host opens a scheduled room (early is fine). */
  async start(member: Principal, roomId: string): Promise<RoomView> {
    const room = await this.#visible(member, roomId);
    await this.#authorize(member, room, 'room.start');
    await this.#assertNotRestricted(member.memberId);
    const next = transitionRoom(lifecycleOf(room), { type: 'start' }, this.#now());
    const updated = await this.#capped(() =>
      this.#store.transition(room.id, 'scheduled', { status: 'live', startedAt: new Date(next.startedAt!) }, { caps: this.options.liveRoomCaps, hostMemberId: room.hostMemberId }),
    );
    if (!updated) throw new DomainError('already_live', 'the room is already live');
    await this.#goLive(updated);
    return this.#view(updated, member.memberId);
  }

  /** Ends a room for everyone; a scheduled room ends as cancelled. Idempotent for the 'empty' reason. */
  async end(roomId: string, reason: EndedReason): Promise<RoomRecord | undefined> {
    const room = await this.#get(roomId);
    if (room.status === 'ended') {
      if (reason === 'empty') return undefined;
      throw new DomainError('already_ended', 'the room has already ended');
    }
    const next = transitionRoom(lifecycleOf(room), { type: 'end' }, this.#now());
    const updated = await this.#store.transition(room.id, room.status, {
      status: 'ended',
      endedAt: new Date(next.endedAt!),
      endedReason: room.status === 'scheduled' ? 'cancelled' : reason,
    });
    if (!updated) return undefined; // someone else ended it first
    if (room.status === 'live') await this.livekit.deleteRoom(room.livekitName);
    await this.onEnded?.(updated);
    return updated;
  }

  /** The host cancels a scheduled room (a live room is ended through the stage, which the host controls). */
  async cancel(member: Principal, roomId: string): Promise<RoomView> {
    const room = await this.#visible(member, roomId);
    await this.#authorize(member, room, 'room.cancel');
    const ended = await this.end(roomId, 'cancelled');
    return this.#view(ended ?? (await this.#get(roomId)), member.memberId);
  }

  async get(member: Principal, roomId: string): Promise<RoomView> {
    const room = await this.#visible(member, roomId);
    return this.#view(room, member.memberId);
  }

  /** Details of a room that has not ended: title, description, topics (the host; admins). */
  async update(member: Principal, roomId: string, changes: RoomChanges): Promise<RoomView> {
    const room = await this.#visible(member, roomId);
    await this.#authorize(member, room, 'room.update');
    const updated = await this.#store.updateDetails(room.id, {
      title: changes.title,
      description: changes.description,
      topics: changes.topics === undefined ? undefined : normalizeTopics(changes.topics),
    });
    if (!updated) throw new DomainError('room_ended', 'the room has ended');
    return this.#view(updated, member.memberId);
  }

  /** Live rooms (newest first) or upcoming ones (soonest first) this member may see. */
  async discover(
    member: Principal,
    q: { status: 'live' | 'scheduled'; topic?: string; groupId?: string; limit: number; cursor?: string },
  ): Promise<{ items: RoomView[]; nextCursor: string | null }> {
    const items: RoomView[] = [];
    let cursor = q.cursor;
    // Visibility is decided per room by the join policy, so filter in batches until the page is full.
    for (let batch = 0; batch < 10 && items.length < q.limit; batch++) {
      const rows = await this.#store.list({ status: q.status, topic: q.topic?.toLowerCase(), groupId: q.groupId, ...decodeRoomCursor(q.status, cursor), limit: q.limit * 2 });
      for (const room of rows) {
        cursor = encodeRoomCursor(room);
        if (await this.#maySee(member, room)) items.push(await this.#view(room, member.memberId));
        if (items.length === q.limit) break;
      }
      if (rows.length < q.limit * 2) {
        if (items.length < q.limit) cursor = undefined;
        break;
      }
    }
    return { items, nextCursor: items.length === q.limit ? (cursor ?? null) : null };
  }

  async rsvp(member: Principal, roomId: string, going: boolean): Promise<RoomView> {
    const room = await this.get(member, roomId);
    if (room.status !== 'scheduled') throw new DomainError('not_scheduled', 'RSVP is for scheduled rooms');
    if (going) await this.#store.addRsvp(roomId, member.memberId);
    else await this.#store.removeRsvp(roomId, member.memberId);
    return this.get(member, roomId);
  }

  /** Host or co-host invites a member into an invite-only (or any) room. */
  async invite(member: Principal, roomId: string, inviteeId: string): Promise<{ invited: boolean }> {
    const room = await this.#visible(member, roomId);
    await this.#authorize(member, room, 'room.invite');
    if (inviteeId === member.memberId) throw new EngineError('invalid', 'self_invite', 'you cannot invite yourself', 'memberId');
    try {
      return { invited: await this.#store.addInvitation(roomId, inviteeId, member.memberId) };
    } catch (err) {
      if ((err as { code?: string }).code === '23503') throw new EngineError('not_found', 'member_not_found', 'no member with that id', 'memberId');
      throw err;
    }
  }

  /**
   * Admits the member through the join policy and the stage, and mints a short-lived LiveKit token for their role.
   * Capacity is decided by the stage together with the admission (atomic across API processes); the other rules are
   * checked first so a refused member learns why before being asked for consent.
   */
  async join(member: Principal, roomId: string, opts: { acceptTranscription: boolean; quiet?: boolean }): Promise<JoinTicket> {
    const room = await this.#get(roomId);
    await this.#authorize(member, room, 'room.join');
    const facts = joinFacts(room);
    const ctx = await this.#joinContext(room, member.memberId);
    const candidate = { memberId: member.memberId, platformRoles: member.platformRoles };
    const first = canJoin(candidate, facts, { ...ctx, listenerCount: 0 });
    if (!first.allowed) throw refusalError(first);
    if (!opts.acceptTranscription) {
      throw new EngineError('invalid', 'consent_required', `joining needs acceptTranscription: true. ${TRANSCRIPTION_NOTICE}`, 'acceptTranscription');
    }
    const admission = await this.stage.admit(room.id, candidate, this.#now(), (seat) => canJoin(candidate, facts, { ...ctx, ...seat }));
    if (!admission.admitted) throw refusalError(admission.refusal);
    const role = admission.role;
    const grant = grantsFor(role);
    const quiet = (opts.quiet ?? false) && role === 'listener';
    const token = await this.livekit.mintToken({
      identity: member.memberId,
      room: room.livekitName,
      canPublish: grant.canPublish,
      canSubscribe: grant.canSubscribe,
      canPublishData: grant.canPublishData,
      // A quiet listener's app shows no "joined" announcement; they stay visible in the audience list.
      metadata: JSON.stringify({ quiet }),
      ttlSeconds: this.options.tokenTtlSeconds,
    });
    return { url: this.options.publicLiveKitUrl ?? this.livekit.url, token, identity: member.memberId, room: room.livekitName, role, canPublish: grant.canPublish, quiet };
  }

  /**
   * LiveKit reports `identity` connected to the room's media (participant_joined): the join policy runs again with
   * today's facts (platform roles, blocks, visibility, invitations) and the stage admits the connection or removes
   * it from LiveKit. `canPublish` is LiveKit's permission as the webhook reported it. Returns whether it was admitted.
   */
  async participantConnected(roomId: string, identity: string, live: { canPublish?: boolean } = {}): Promise<boolean> {
    // First, before any policy lookup: no publishing unless the stage holds them in a speaking role right now.
    const withheld = live.canPublish !== false && (await this.stage.withholdPublish(roomId, identity));
    const room = await this.#get(roomId);
    const platformRoles = await this.#store.platformRolesOf(identity);
    let check: AdmissionCheck;
    if (platformRoles === undefined) {
      check = () => ({ allowed: false, code: 'not_invited', reason: 'no member has this identity' });
    } else {
      const candidate: JoinCandidate = { memberId: identity, platformRoles };
      const facts = joinFacts(room);
      const ctx = await this.#joinContext(room, identity);
      check = (seat) => canJoin(candidate, facts, { ...ctx, ...seat });
    }
    return this.stage.participantConnected(room.id, identity, { check, canPublish: withheld ? false : live.canPublish });
  }

  /** Transcripts are safety evidence: only trust-and-safety staff and admins read them (the table's transcript.read). */
  async assertCanReadTranscript(member: Principal, roomId: string): Promise<void> {
    await this.#authorize(member, await this.#visible(member, roomId), 'transcript.read');
  }

  async presence(member: Principal, roomId: string): ReturnType<RoomStore['presence']> {
    await this.#visible(member, roomId);
    return this.#store.presence(roomId);
  }

  /** A write that would pass a live-room cap becomes the quota refusal every quota gives (429 rate_limited). */
  async #capped<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      if (!(err instanceof LiveRoomCapReached)) throw err;
      const message =
        err.which === 'member'
          ? `you already host ${err.cap} live room(s), the most at once; end one first`
          : `the platform is at its limit of ${err.cap} live rooms; try again later`;
      // A live room lasts minutes to hours: a minute is an honest first guess at when to ask again.
      throw new EngineError('rate_limited', 'rate_limited', message, undefined, 60);
    }
  }

  async #goLive(room: RoomRecord): Promise<void> {
    await this.livekit.createRoom(room.livekitName, {
      emptyTimeoutSeconds: this.options.emptyTimeoutSeconds,
      metadata: JSON.stringify({ roomId: room.id }),
    });
    await this.stage.open({ id: room.id, livekitName: room.livekitName, hostId: room.hostMemberId, handRaisingEnabled: room.handRaisingEnabled });
  }

  /** Who `member` is for `room`: the rooms table's host is host; otherwise their role on the live stage, if any. */
  async #subject(member: Principal, room: RoomRecord): Promise<Subject> {
    const roomRole = room.hostMemberId === member.memberId ? 'host' : room.status === 'live' ? await this.stage.roleOf(room.id, member.memberId) : null;
    return { memberId: member.memberId, platformRoles: member.platformRoles, roomRole };
  }

  /** The one authorization table decides; a refusal is the stage's DomainError with the table's code. */
  async #authorize(member: Principal, room: RoomRecord, action: Action): Promise<void> {
    const decision = authorize(await this.#subject(member, room), action, { roomState: room.status });
    if (!decision.allowed) throw new DomainError(decision.code, decision.reason);
  }

  /** room.view in the table, then the listing policy (visibility, bans, blocks). */
  async #maySee(member: Principal, room: RoomRecord): Promise<boolean> {
    if (!authorize(await this.#subject(member, room), 'room.view', { roomState: room.status }).allowed) return false;
    return canSee(member, joinFacts(room), await this.#joinContext(room, member.memberId)).allowed;
  }

  /** The room if `member` may see it; not visible reads as not found, so invite-only rooms do not leak their existence. */
  async #visible(member: Principal, roomId: string): Promise<RoomRecord> {
    const room = await this.#get(roomId);
    if (!(await this.#maySee(member, room))) throw new EngineError('not_found', 'room_not_found', 'room not found', 'roomId');
    return room;
  }

  async #get(roomId: string): Promise<RoomRecord> {
    const room = await this.#store.get(roomId);
    if (!room) throw new EngineError('not_found', 'room_not_found', 'room not found', 'roomId');
    return room;
  }

  /** A suspended or banned member hosts nothing: creating, scheduling and starting rooms are refused (403). */
  async #assertNotRestricted(memberId: string): Promise<void> {
    const restriction = await this.#restriction(memberId);
    if (restriction === null) return;
    const reason = restriction.kind === 'ban' ? 'your account is banned from Roundtable' : `your account is suspended until ${restriction.expiresAt}`;
    throw new EngineError('forbidden', 'account_restricted', `${reason}: you cannot host rooms`);
  }

  async #restriction(memberId: string): Promise<PlatformRestriction | null> {
    const r = await this.options.restrictions?.activeRestriction(memberId);
    return r ? { kind: r.kind, expiresAt: r.expiresAt ? r.expiresAt.toISOString() : null } : null;
  }

  async #joinContext(room: RoomRecord, memberId: string): Promise<Omit<JoinContext, 'listenerCount'> & { listenerCount: number }> {
    if (memberId === room.hostMemberId) {
      return { listenerCount: 0, isBanned: false, restriction: await this.#restriction(memberId), hostBlockedMember: false, memberBlockedHost: false };
    }
    const [restriction, banned, hostBlockedMember, memberBlockedHost, isConnectedToHost, isGroupMember, isInvited] = await Promise.all([
      this.#restriction(memberId),
      this.#isBanned(room, memberId),
      this.social.hasBlocked(room.hostMemberId, memberId),
      this.social.hasBlocked(memberId, room.hostMemberId),
      room.visibility === 'connections_or_group' ? this.social.areConnected(memberId, room.hostMemberId) : Promise.resolve(false),
      room.groupId ? this.social.isGroupMember(room.groupId, memberId) : Promise.resolve(false),
      this.#store.isInvited(room.id, memberId),
    ]);
    return { listenerCount: 0, isBanned: banned, restriction, hostBlockedMember, memberBlockedHost, isConnectedToHost, isGroupMember, isInvited };
  }

  async #isBanned(room: RoomRecord, memberId: string): Promise<boolean> {
    // A scheduled room has no stage yet, so nobody is banned from it.
    return room.status === 'scheduled' ? false : this.stage.isBanned(room.id, memberId);
  }

  async #view(room: RoomRecord, memberId: string): Promise<RoomView> {
    const { seq: _seq, livekitName: _name, ...rest } = room;
    const rsvp = await this.#store.rsvpInfo(room.id, memberId);
    return { ...rest, rsvpCount: rsvp.count, rsvpd: rsvp.mine, transcriptionNotice: TRANSCRIPTION_NOTICE };
  }
}

function refusalError(refusal: Extract<JoinDecision, { allowed: false }>): EngineError {
  const kind = refusal.code === 'room_ended' || refusal.code === 'room_not_live' || refusal.code === 'room_full' ? 'conflict' : 'forbidden';
  // account_restricted is about the member, not the room: no roomId field.
  if (refusal.code === 'account_restricted') return new EngineError(kind, refusal.code, refusal.reason);
  return new EngineError(kind, refusal.code, refusal.reason, 'roomId');
}

function joinFacts(room: RoomRecord): JoinRoomFacts {
  return { hostId: room.hostMemberId, state: room.status, visibility: room.visibility, maxListeners: room.maxListeners, groupId: room.groupId };
}

function lifecycleOf(room: RoomRecord) {
  return {
    state: room.status,
    scheduledFor: room.scheduledFor ? Date.parse(room.scheduledFor) : null,
    startedAt: room.startedAt ? Date.parse(room.startedAt) : null,
    endedAt: room.endedAt ? Date.parse(room.endedAt) : null,
  };
}

/** Topics are tags: lower-case, trimmed, unique, in the order given. */
export function normalizeTopics(topics: readonly string[]): string[] {
  return [...new Set(topics.map((t) => t.trim().toLowerCase()).filter((t) => t.length > 0))];
}

/**
 * Listing cursors: live rooms page by seq ("123"); scheduled rooms by (scheduled_for, seq) ("1767225600000_123",
 * epoch milliseconds first), so a page boundary stays exact in time order.
 */
function encodeRoomCursor(room: RoomRecord): string {
  return room.status === 'scheduled' && room.scheduledFor ? `${Date.parse(room.scheduledFor)}_${room.seq}` : room.seq;
}

function decodeRoomCursor(status: 'live' | 'scheduled', cursor: string | undefined): { afterSeq?: string; afterScheduledFor?: Date } {
  if (cursor === undefined) return {};
  const m = /^(?:(-?\d{1,16})_)?(\d{1,18})$/.exec(cursor);
  const at = m?.[1] === undefined ? undefined : new Date(Number(m[1]));
  if (!m || (status === 'scheduled') !== (at !== undefined) || (at && Number.isNaN(at.getTime()))) {
    throw new EngineError('invalid', 'invalid_cursor', 'cursor must be the nextCursor of a previous page of this listing', 'cursor');
  }
  return at ? { afterSeq: m[2], afterScheduledFor: at } : { afterSeq: m[2] };
}
