// The stage of every live room, persisted: each command loads the room's StageState, applies the pure command with
// the injected clock, stores the result only if nobody wrote in between (retrying on a lost race), appends the
// events as evidence, and then carries out the effects on LiveKit and pushes the new state to the room (LiveKit
// data topic) and to the room event bus (the API's server-sent events, in every API process).
//
// Decisions:
// - The rooms table is the truth about the room's lifecycle; this service only reads it. A room that ended by any
//   path (host, staff, empty timeout) refuses stage commands, whether or not its stage recorded the end.
// - Effects on LiveKit (grant/revoke publishing, mute, remove) are queued in the stage_effects outbox in the same
//   transaction as the change, and carried out by the effect worker (effect-outbox.ts) with retries, in decision
//   order per participant. A command waits a short while (effects.waitMs) for its effects and answers with their
//   true status: applied, or still pending (LiveKit unreachable: retried), or failed. Pending and failed effects
//   show in the moderator view and on the event stream, so a host knows when a ban has not taken hold on LiveKit.
// - Broadcasts of the stage state stay best effort: they carry no decision (clients read the state by version, and
//   GET /stage and the event stream always have it).
// - Admission is decided against the stage it changes: the join policy's seat facts (listeners, bans) are read from
//   the very state the admission commits over (version check), so concurrent joins in any number of API processes
//   cannot overfill a room. The same policy runs on every connection LiveKit reports, so a still-valid LiveKit
//   token (LiveKit itself refreshes connected clients' tokens for 10 minutes) never bypasses it.
// - set_role effects need no LiveKit call: clients learn roles from the stage_state broadcast.
// - Every committed change is appended to the room event bus in its own transaction (the full state, the room's
//   facts and reaction counts), so a stream in any API process, or one that reconnects, gets it exactly once;
//   effect status changes and room endings by other paths are appended right after they happen.
import crypto from 'node:crypto';
import type pg from 'pg';
import type { Logger } from '../../core/logger.js';
import type { Queryable } from '../../db/queryable.js';
import { authorize, isStaff, type JoinDecision, type PlatformRole, type RoomRole } from '../access/index.js';
import { EngineError } from '../engine-error.js';
import type { LiveKitGateway } from '../gateway/livekit-gateway.js';
import { type RoomEvent, RoomEventBus, type RoomFeedEvent } from '../room-events/index.js';
import { type Actor, DomainError, type StageEffect, type StageEvent, type StageResult, StageState } from '../stage/index.js';
import { EffectOutbox, type EffectOutboxOptions } from './effect-outbox.js';
import { EffectStore, type LiveKitEffectKind, type NewEffect, type StageEffectRecord } from './effect-store.js';
import { KeyedMutex } from './keyed-mutex.js';
import { type PublicStageState, type ReactionCounts, type StageRoomFacts, type StageViewer, isModeratorView, mayViewStage, publicStageView, stageViewDecision } from './public-stage.js';
import { StageStore } from './stage-store.js';

/** LiveKit data topic carrying `{ type: 'stage_state', state: PublicStageState }` (the audience view). */
export const STAGE_TOPIC = 'roundtable.stage';
/**
 * LiveKit data topic carrying `{ type: 'reaction', identity, emoji, at }` for each reaction. A reaction is only this
 * small event: it changes no stage version and sends no stage_state (counts are in the next stage view).
 */
export const REACTIONS_TOPIC = 'roundtable.reactions';

/** The part of LiveKitGateway the stage drives. */
export type StageGateway = Pick<LiveKitGateway, 'setCanPublish' | 'muteTracks' | 'removeParticipant' | 'broadcast' | 'getParticipant'>;

export interface StageMember {
  memberId: string;
  platformRoles: readonly PlatformRole[];
}

/**
 * A change as the stage stream carries it: the full state (build a view with publicStageView), the room and its
 * reaction counts. With `effect`, the change is to an effect on LiveKit (applied, retried, failed), not to the stage.
 */
export interface StageChange {
  state: StageState;
  room: StageRoomFacts;
  reactions: ReactionCounts;
  effect?: StageEffectRecord;
}

/**
 * One event of a room's stream, in the order of the room event bus; `id` is its event id (the SSE `id:`). `gap`:
 * events after the subscriber's starting point were swept by retention; read the stage afresh.
 */
export type RoomStreamEvent =
  | { id: number; kind: 'stage_state'; change: StageChange }
  | { id: number; kind: 'stage_effect'; change: StageChange & { effect: StageEffectRecord } }
  | { id: number; kind: 'caption' | 'moderation_flag' | 'moderation_undone'; feed: RoomFeedEvent }
  | { id: number; kind: 'gap' };

/** The stored form of stage_state and stage_effect events. */
interface StagePayload {
  state: unknown;
  room: StageRoomFacts;
  reactions: ReactionCounts;
  effect?: StageEffectRecord;
}

function decodeRoomEvent(event: RoomEvent): RoomStreamEvent {
  if (event.kind === 'caption' || event.kind === 'moderation_flag' || event.kind === 'moderation_undone') return { id: event.id, kind: event.kind, feed: event.payload as RoomFeedEvent };
  const p = event.payload as StagePayload;
  const change: StageChange = { state: StageState.fromJSON(p.state), room: p.room, reactions: p.reactions };
  if (event.kind === 'stage_effect' && p.effect !== undefined) return { id: event.id, kind: 'stage_effect', change: { ...change, effect: p.effect } };
  return { id: event.id, kind: 'stage_state', change };
}

/** A stage command's answer: the stage as the caller may see it, and the command's effects on LiveKit as they stand. */
export type StageCommandResult = PublicStageState & { effects: StageEffectRecord[] };

export type StageListener = (event: RoomStreamEvent) => void;

/** What the join policy needs from the stage, read at the moment of admission. */
export interface SeatFacts {
  /** Listeners holding a place, not counting the member being decided on. */
  listenerCount: number;
  isBanned: boolean;
}

/** The join policy for one member, with every fact but the seat already looked up (RoomService builds it). */
export type AdmissionCheck = (seat: SeatFacts) => JoinDecision;

export type Refusal = Extract<JoinDecision, { allowed: false }>;

export type Admission = { admitted: true; role: RoomRole } | { admitted: false; refusal: Refusal };

/** Thrown inside a stage step to abandon an admission the policy refused (caught in this module). */
class AdmissionRefused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.reason);
  }
}

function seatFacts(state: StageState, identity: string): SeatFacts {
  const self = state.roleOf(identity) === 'listener' ? 1 : 0;
  return { listenerCount: state.listenerCount - self, isBanned: state.isBanned(identity) };
}

/** A step that admits `identity` only if `check` allows it against the state it is applied to. */
function admitStep(identity: string, consentAt: number, check: AdmissionCheck) {
  return (s: StageState, now: number): StageResult => {
    const decision = check(seatFacts(s, identity));
    if (!decision.allowed) throw new AdmissionRefused(decision);
    return s.join({ identity, transcriptionConsentAt: consentAt }, Math.max(now, consentAt));
  };
}

export interface StageServiceOptions {
  /** The host (or staff) ended the room on stage: the room service marks it ended and closes it on LiveKit. */
  onRoomEnded?: (roomId: string, endedBy: { memberId: string; staff: boolean }) => Promise<void> | void;
  /** Milliseconds since epoch; injected so tests and replays control time. */
  now?: () => number;
  /** Attempts per command when another writer keeps winning the version race (default 5). */
  maxAttempts?: number;
  /** The effect worker's retry policy, lease and poll, and how long a command waits for its effects (default 1500 ms). */
  effects?: Omit<EffectOutboxOptions, 'onChange'> & { waitMs?: number };
  /** Where changes are published (cli/stack.ts: one bus per process, listening); default a bus of this process only. */
  events?: RoomEventBus;
}

const LIVEKIT_EFFECTS: ReadonlySet<string> = new Set<LiveKitEffectKind>(['grant_publish', 'revoke_publish', 'mute_track', 'remove']);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function requireUuid(value: unknown, field: string): string {
  if (typeof value !== 'string' || !UUID.test(value)) throw new TypeError(`${field} must be a UUID string`);
  return value;
}

function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 256) throw new TypeError(`${field} must be a non-empty string of at most 256 characters`);
  return value;
}

function requireMember(value: unknown, field: string): StageMember {
  if (typeof value !== 'object' || value === null) throw new TypeError(`${field} must be an object`);
  const m = value as Partial<StageMember>;
  requireText(m.memberId, `${field}.memberId`);
  if (!Array.isArray(m.platformRoles)) throw new TypeError(`${field}.platformRoles must be an array of platform roles`);
  return m as StageMember;
}

function toActor(member: StageMember): Actor {
  return { identity: member.memberId, platformRoles: member.platformRoles };
}

export class StageService {
  readonly #store: StageStore;
  readonly #gateway: StageGateway;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #maxAttempts: number;
  readonly #onRoomEnded: StageServiceOptions['onRoomEnded'];
  readonly #queue = new KeyedMutex();
  readonly #events: RoomEventBus;
  readonly #effects: EffectStore;
  readonly #outbox: EffectOutbox;
  readonly #effectWaitMs: number;

  constructor(pool: pg.Pool, gateway: StageGateway, log: Logger, options: StageServiceOptions = {}) {
    if (pool === null || typeof pool !== 'object') throw new TypeError('pool must be a pg Pool');
    if (gateway === null || typeof gateway !== 'object') throw new TypeError('gateway must be a LiveKitGateway');
    this.#store = new StageStore(pool);
    this.#gateway = gateway;
    this.#log = log;
    this.#now = options.now ?? Date.now;
    this.#maxAttempts = options.maxAttempts ?? 5;
    this.#onRoomEnded = options.onRoomEnded;
    this.#events = options.events ?? new RoomEventBus(pool, { log });
    const { waitMs, ...outbox } = options.effects ?? {};
    this.#effectWaitMs = waitMs ?? 1500;
    if (!Number.isInteger(this.#effectWaitMs) || this.#effectWaitMs < 0) throw new TypeError('effects.waitMs must be a non-negative integer');
    this.#effects = new EffectStore(pool);
    this.#outbox = new EffectOutbox(this.#effects, gateway, log, { ...outbox, onChange: (effect) => void this.#notifyEffect(effect) });
  }

  // ---- The effect worker -----------------------------------------------------------------------------------------

  /** Starts the effect worker's own schedule (retries, effects left by an earlier run). Commands kick it anyway. */
  startEffects(): void {
    this.#outbox.start();
  }

  /** Stops the effect worker after the drain under way; queued effects stay in the table for the next start. */
  async stop(): Promise<void> {
    await this.#outbox.stop();
  }

  /**
   * One effect of this room on LiveKit, for those who see the moderator view (host, co-hosts, staff). Others are
   * refused with DomainError role_forbidden; an id this room does not have is not found.
   */
  async effect(roomId: string, viewer: StageViewer, effectId: string): Promise<StageEffectRecord> {
    requireUuid(roomId, 'roomId');
    requireMember(viewer, 'viewer');
    requireUuid(effectId, 'effectId');
    const room = await this.#room(roomId, { allowEnded: true });
    const state = await this.#stage(room);
    if (!mayViewStage(state, room, viewer)) throw new DomainError('not_in_room', 'the stage is visible to people in the room');
    if (!isModeratorView(state, room, viewer)) throw new DomainError('role_forbidden', 'effects on LiveKit are shown to the host, co-hosts and staff');
    const found = await this.#effects.get(roomId, effectId);
    if (found === undefined) throw new EngineError('not_found', 'effect_not_found', 'this room has no such effect', 'effectId');
    return found;
  }

  // ---- Called by the room service and the webhook handler --------------------------------------------------------

  /** Creates the room's empty stage when it goes live. Idempotent: an existing stage is kept as it is. */
  async open(room: { id: string; livekitName: string; hostId: string; handRaisingEnabled: boolean }): Promise<void> {
    if (room === null || typeof room !== 'object') throw new TypeError('room must be an object');
    requireUuid(room.id, 'room.id');
    requireText(room.livekitName, 'room.livekitName');
    requireText(room.hostId, 'room.hostId');
    if (typeof room.handRaisingEnabled !== 'boolean') throw new TypeError('room.handRaisingEnabled must be a boolean');
    const state = StageState.create({ roomId: room.id, hostId: room.hostId, handRaisingEnabled: room.handRaisingEnabled });
    await this.#store.insertIfMissing(state, this.#now());
  }

  /**
   * Puts a member into the room (StageState.join) if `check` (the join policy) allows it against the stage as it is
   * when the admission commits, and returns their current role, so the join token's grants follow it. Joining again
   * returns the role they hold; their own place does not count against capacity. Refuses banned members.
   */
  async admit(roomId: string, member: StageMember, transcriptionConsentAt: number, check: AdmissionCheck): Promise<Admission> {
    requireUuid(roomId, 'roomId');
    const m = requireMember(member, 'member');
    if (typeof transcriptionConsentAt !== 'number' || !Number.isFinite(transcriptionConsentAt)) {
      throw new TypeError('transcriptionConsentAt must be a number of milliseconds since epoch');
    }
    if (typeof check !== 'function') throw new TypeError('check must be a function (the join policy)');
    try {
      const { state } = await this.#command(roomId, admitStep(m.memberId, transcriptionConsentAt, check));
      const role = state.roleOf(m.memberId);
      if (role === null) throw new Error(`stage invariant: ${m.memberId} admitted but has no role`);
      return { admitted: true, role };
    } catch (err) {
      if (err instanceof AdmissionRefused) return { admitted: false, refusal: err.refusal };
      throw err;
    }
  }

  /**
   * LiveKit reports the participant connected (every participant_joined): the join policy decides again. Someone
   * it refuses (banned or removed since, blocked by the host since, the room full, ended or not live, never
   * admitted) is removed from LiveKit and from the stage. Someone the stage no longer holds (they left, then came
   * back with a still-valid token) is re-admitted with the consent they gave before, capacity permitting. Then their
   * publish permission is made to match their role now, so an older token minted on stage does not restore
   * publishing. `canPublish` is LiveKit's permission as the webhook reported it (read from LiveKit when absent).
   * Returns whether the connection was admitted. Call for standard participants, not agents.
   */
  async participantConnected(roomId: string, identity: string, connection: { check: AdmissionCheck; canPublish?: boolean }): Promise<boolean> {
    requireUuid(roomId, 'roomId');
    requireText(identity, 'identity');
    if (connection === null || typeof connection !== 'object' || typeof connection.check !== 'function') {
      throw new TypeError('connection.check must be a function (the join policy)');
    }
    return this.#queue.run(roomId, async () => {
      const found = await this.#store.room(roomId);
      if (found === undefined) return false;
      const room = toFacts(found);
      const refuse = async (why: string): Promise<false> => {
        this.#log.info({ roomId, identity, why }, 'stage: connection refused by the join policy; removing it from LiveKit');
        // Through the outbox: a removal LiveKit could not take now is retried, never only logged.
        await this.#queueEffect(room, 'remove', identity);
        return false;
      };
      if (found.status !== 'live') return refuse(`room_${found.status}`);
      let state = await this.#stage(room);
      if (state.ended) return refuse('room_ended');
      if (state.isBanned(identity)) return refuse('banned');
      if (state.participant(identity) !== undefined) {
        const decision = connection.check(seatFacts(state, identity));
        if (!decision.allowed) {
          const result = await this.#apply(room, (s, now) => s.leave(identity, now));
          await this.#afterCommit(result, room);
          return refuse(decision.code);
        }
      } else {
        const last = await this.#store.lastAdmission(roomId, identity);
        if (last === null) return refuse('never_admitted');
        if (last.removed) return refuse('removed');
        try {
          const result = await this.#apply(room, admitStep(identity, last.consentAt, connection.check));
          state = result.state;
          await this.#afterCommit(result, room);
        } catch (err) {
          if (err instanceof AdmissionRefused) return refuse(err.refusal.code);
          throw err;
        }
      }
      const role = state.roleOf(identity);
      const mayPublish = role !== null && role !== 'listener';
      const current =
        connection.canPublish ??
        (
          await this.#gateway.getParticipant(room.livekitName, identity).catch((err: unknown) => {
            this.#log.warn({ err, roomId, identity }, 'stage: could not read participant from LiveKit');
            return undefined;
          })
        )?.canPublish;
      if (current !== undefined && current !== mayPublish) {
        await this.#queueEffect(room, mayPublish ? 'grant_publish' : 'revoke_publish', identity, state.version);
      }
      return true;
    });
  }

  /**
   * The first thing done when LiveKit reports a connection that may publish: unless `identity` holds a speaking role
   * on the stage right now, take LiveKit's publish grant away at once, before the join policy is consulted (that
   * takes several queries and may wait for this room's queue). A client reconnecting with a token minted while on
   * stage could otherwise get audio to listeners for that long. Re-admission never grants publishing, so this only
   * anticipates its outcome; participantConnected grants again if a concurrent approval made them a speaker.
   * Returns whether it revoked.
   */
  async withholdPublish(roomId: string, identity: string): Promise<boolean> {
    requireUuid(roomId, 'roomId');
    requireText(identity, 'identity');
    const [stored, room] = await Promise.all([this.#store.load(roomId), this.#store.room(roomId)]);
    if (room === undefined) return false;
    const role = stored?.state.roleOf(identity) ?? null;
    if (room.status === 'live' && role !== null && role !== 'listener') return false;
    await this.#attempt('withhold publish', () => this.#gateway.setCanPublish(room.livekitName, identity, false));
    return true;
  }

  /** LiveKit reports the participant gone: they leave the stage (a leaving host hands over to a co-host). */
  async participantLeft(roomId: string, identity: string): Promise<void> {
    requireUuid(roomId, 'roomId');
    requireText(identity, 'identity');
    const room = await this.#store.room(roomId);
    if (room === undefined || room.status !== 'live') return;
    await this.#command(roomId, (s, now) => s.leave(identity, now));
  }

  /**
   * Drops members admitted before `admittedBefore` (ms) who have no media session open, so join tickets that were
   * never used stop counting against the room's capacity. The host keeps their place. Someone dropped here who
   * connects later is re-admitted by participantConnected (join policy permitting). Returns who was dropped.
   */
  async dropUnconnected(roomId: string, connected: ReadonlySet<string>, admittedBefore: number): Promise<string[]> {
    requireUuid(roomId, 'roomId');
    if (!(connected instanceof Set)) throw new TypeError('connected must be a Set of identities');
    if (typeof admittedBefore !== 'number' || !Number.isFinite(admittedBefore)) throw new TypeError('admittedBefore must be milliseconds since epoch');
    const state = (await this.#store.load(roomId))?.state;
    if (state === undefined || state.ended) return [];
    const stale = state.participants
      .filter((p) => p.identity !== state.hostId && !connected.has(p.identity) && p.joinedAt < admittedBefore)
      .map((p) => p.identity);
    for (const identity of stale) await this.participantLeft(roomId, identity);
    return stale;
  }

  async roleOf(roomId: string, memberId: string): Promise<RoomRole | null> {
    requireUuid(roomId, 'roomId');
    requireText(memberId, 'memberId');
    return (await this.#store.load(roomId))?.state.roleOf(memberId) ?? null;
  }

  /** Identities of the room's host and co-hosts as the stage knows them now (empty when there is no stage). */
  async moderatorsOf(roomId: string): Promise<string[]> {
    const stored = await this.#store.load(requireUuid(roomId, 'roomId'));
    return (stored?.state.participants ?? []).filter((p) => p.role === 'host' || p.role === 'co_host').map((p) => p.identity);
  }

  async listenerCount(roomId: string): Promise<number> {
    requireUuid(roomId, 'roomId');
    return (await this.#store.load(roomId))?.state.listenerCount ?? 0;
  }

  async isBanned(roomId: string, memberId: string): Promise<boolean> {
    requireUuid(roomId, 'roomId');
    requireText(memberId, 'memberId');
    return (await this.#store.load(roomId))?.state.isBanned(memberId) ?? false;
  }

  /**
   * The stage as `viewer` may see it (see public-stage.ts); without a viewer, the audience view. With a viewer who is
   * not in the room (and neither its host nor staff) this refuses with DomainError not_in_room.
   */
  async snapshot(roomId: string, viewer?: StageViewer): Promise<PublicStageState> {
    requireUuid(roomId, 'roomId');
    if (viewer !== undefined) requireMember(viewer, 'viewer');
    const room = await this.#room(roomId, { allowEnded: true });
    const state = await this.#stage(room);
    if (viewer !== undefined) {
      const decision = stageViewDecision(state, room, viewer);
      if (!decision.allowed) throw new DomainError(decision.code, decision.code === 'not_in_room' ? 'the stage is visible to people in the room' : decision.reason);
    }
    return this.#withOpenEffects(publicStageView(state, room, viewer, await this.#store.reactionCounts(roomId)));
  }

  /**
   * Every event of this room's stream (stage changes, effects, captions, flags) after event `options.after` (absent:
   * from now), in order, each once, whichever API process committed it. Returns unsubscribe.
   */
  subscribe(roomId: string, listener: StageListener, options: { after?: number } = {}): () => void {
    requireUuid(roomId, 'roomId');
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    return this.#events.subscribe(
      roomId,
      (event) => {
        let decoded: RoomStreamEvent;
        try {
          decoded = decodeRoomEvent(event);
        } catch (err) {
          this.#log.error({ err, roomId, id: event.id }, 'stage: an event of the room stream could not be read; skipped');
          return;
        }
        listener(decoded);
      },
      { after: options.after, onGap: () => listener({ id: 0, kind: 'gap' }) },
    );
  }

  /** The id of the room's last stream event: a stream whose first state is read after this misses nothing after it. */
  async lastEventId(roomId: string): Promise<number> {
    return this.#events.head(requireUuid(roomId, 'roomId'));
  }

  /** The room event bus this stage publishes to (the moderation feed appends captions and flags to the same one). */
  get events(): RoomEventBus {
    return this.#events;
  }

  /** How many subscribers a room has in this process (operational insight; the SSE route's cleanup is tested by it). */
  subscriberCount(roomId: string): number {
    return this.#events.subscriberCount(roomId);
  }

  /** The room ended by another path (empty timeout, staff): the stream hears the final state so streams can close. */
  async roomEnded(roomId: string): Promise<void> {
    requireUuid(roomId, 'roomId');
    const room = await this.#store.room(roomId);
    const stored = await this.#store.load(roomId);
    if (room === undefined || stored === undefined) return;
    const payload: StagePayload = { state: stored.state.toJSON(), room: toFacts(room), reactions: await this.#store.reactionCounts(roomId) };
    await this.#events.append(roomId, 'stage_state', payload);
  }

  // ---- Stage commands (the API) ----------------------------------------------------------------------------------

  raiseHand(roomId: string, by: StageMember): Promise<StageCommandResult> {
    return this.#act(roomId, by, (s, a, now) => s.raiseHand(a, now));
  }

  lowerHand(roomId: string, by: StageMember): Promise<StageCommandResult> {
    return this.#act(roomId, by, (s, a, now) => s.lowerHand(a, now));
  }

  approveHand(roomId: string, by: StageMember, memberId: string): Promise<StageCommandResult> {
    return this.#act(roomId, by, (s, a, now) => s.approveHand(a, requireText(memberId, 'memberId'), now));
  }

  dismissHand(roomId: string, by: StageMember, memberId: string): Promise<StageCommandResult> {
    return this.#act(roomId, by, (s, a, now) => s.dismissHand(a, requireText(memberId, 'memberId'), now));
  }

  setHandRaising(roomId: string, by: StageMember, enabled: boolean): Promise<StageCommandResult> {
    return this.#act(roomId, by, (s, a, now) => s.setHandRaising(a, enabled, now));
  }

  invite(roomId: string, by: StageMember, memberId: string): Promise<StageCommandResult> {
    return this.#act(roomId, by, (s, a, now) => s.invite(a, requireText(memberId, 'memberId'), now));
  }

  respondToInvite(roomId: string, by: StageMember, accept: boolean): Promise<StageCommandResult> {
    return this.#act(roomId, by, (s, a, now) => s.respondToInvite(a, accept, now));
  }

  moveToAudience(roomId: string, by: StageMember, memberId: string): Promise<StageCommandResult> {
    return this.#act(roomId, by, (s, a, now) => s.moveToAudience(a, requireText(memberId, 'memberId'), now));
  }

  leaveStage(roomId: string, by: StageMember): Promise<StageCommandResult> {
    return this.#act(roomId, by, (s, a, now) => s.leaveStage(a, now));
  }

  mute(roomId: string, by: StageMember, memberId: string): Promise<StageCommandResult> {
    return this.#act(roomId, by, (s, a, now) => s.mute(a, requireText(memberId, 'memberId'), now));
  }

  remove(roomId: string, by: StageMember, memberId: string, options: { ban: boolean }): Promise<StageCommandResult> {
    return this.#act(roomId, by, (s, a, now) => s.remove(a, requireText(memberId, 'memberId'), options, now));
  }

  unban(roomId: string, by: StageMember, memberId: string): Promise<StageCommandResult> {
    return this.#act(roomId, by, (s, a, now) => s.unban(a, requireText(memberId, 'memberId'), now));
  }

  promoteCohost(roomId: string, by: StageMember, memberId: string): Promise<StageCommandResult> {
    return this.#act(roomId, by, (s, a, now) => s.promoteCohost(a, requireText(memberId, 'memberId'), now));
  }

  demoteCohost(roomId: string, by: StageMember, memberId: string): Promise<StageCommandResult> {
    return this.#act(roomId, by, (s, a, now) => s.demoteCohost(a, requireText(memberId, 'memberId'), now));
  }

  /**
   * Counts a reaction and sends it to the room as one small event on REACTIONS_TOPIC. The stage snapshot is read,
   * never written: no version bump, no stage_state broadcast, no subscriber notification, no effect on LiveKit.
   */
  async react(roomId: string, by: StageMember, emoji: string): Promise<StageCommandResult> {
    requireUuid(roomId, 'roomId');
    const member = requireMember(by, 'by');
    const room = await this.#room(roomId);
    const state = await this.#stage(room);
    const reaction = state.react(toActor(member), emoji, this.#now());
    const counts = await this.#store.addReaction(roomId, reaction.emoji);
    const payload = { type: 'reaction', identity: reaction.identity, emoji: reaction.emoji, at: reaction.at };
    await this.#attempt('broadcast reaction', () => this.#gateway.broadcast(room.livekitName, REACTIONS_TOPIC, payload));
    return { ...publicStageView(state, room, member, counts), effects: [] };
  }

  /**
   * The host (or staff) ends the room for everyone: onRoomEnded closes it. If an earlier end was recorded on the
   * stage but closing the room failed (the room is still live), ending again by the host or staff retries the close.
   */
  async end(roomId: string, by: StageMember): Promise<StageCommandResult> {
    try {
      return await this.#act(roomId, by, (s, a, now) => s.end(a, now));
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== 'room_ended' || this.#onRoomEnded === undefined) throw err;
      const room = await this.#room(roomId, { allowEnded: true });
      const state = await this.#stage(room);
      const staff = isStaff(by.platformRoles);
      // Who may end is the table's room.end row, judged as the room's host or as staff (the stage is already ended).
      const subject = { memberId: by.memberId, platformRoles: by.platformRoles, roomRole: by.memberId === state.hostId ? ('host' as const) : null };
      if (room.status !== 'live' || !state.ended || !authorize(subject, 'room.end', { roomState: 'live' }).allowed) throw err;
      this.#log.warn({ roomId }, 'stage: the stage ended but the room did not close; closing it again');
      await this.#onRoomEnded(roomId, { memberId: by.memberId, staff: staff && by.memberId !== state.hostId });
      return { ...publicStageView(state, { ...room, status: 'ended' }, by, await this.#store.reactionCounts(roomId)), effects: [] };
    }
  }

  // ---- Internals --------------------------------------------------------------------------------------------------

  async #act(roomId: string, by: StageMember, step: (s: StageState, actor: Actor, now: number) => StageResult): Promise<StageCommandResult> {
    requireUuid(roomId, 'roomId');
    const member = requireMember(by, 'by');
    const actor = toActor(member);
    const { state, room, effectIds } = await this.#command(roomId, (s, now) => step(s, actor, now));
    // Outside the room's queue: a slow LiveKit delays this answer, not the room's next command.
    const effects = await this.#outbox.waitFor(effectIds, this.#effectWaitMs);
    return { ...(await this.#withOpenEffects(publicStageView(state, room, member, await this.#store.reactionCounts(roomId)))), effects };
  }

  /** The moderator view also lists the room's pending and failed effects on LiveKit. */
  async #withOpenEffects(view: PublicStageState): Promise<PublicStageState> {
    if (view.moderation !== undefined) view.moderation.effects = await this.#effects.open(view.roomId);
    return view;
  }

  /** An effect changed: the room's stream hears it with the stage as it stands. */
  async #notifyEffect(effect: StageEffectRecord): Promise<void> {
    try {
      const room = await this.#store.room(effect.roomId);
      const stored = await this.#store.load(effect.roomId);
      if (room === undefined || stored === undefined) return;
      const payload: StagePayload = { state: stored.state.toJSON(), room: toFacts(room), reactions: await this.#store.reactionCounts(effect.roomId), effect };
      await this.#events.append(effect.roomId, 'stage_effect', payload);
    } catch (err) {
      this.#log.warn({ err, roomId: effect.roomId }, 'stage: could not tell subscribers about an effect');
    }
  }

  /** One command, in this room's queue: apply and commit, then effects and notifications; end_room last. */
  async #command(roomId: string, step: (s: StageState, now: number) => StageResult): Promise<{ state: StageState; room: StageRoomFacts; effectIds: string[] }> {
    let ended: { memberId: string; staff: boolean } | undefined;
    const outcome = await this.#queue.run(roomId, async () => {
      const room = await this.#room(roomId);
      const result = await this.#apply(room, step);
      await this.#afterCommit(result, room);
      if (result.effects.some((e) => e.kind === 'end_room')) {
        const event = result.events.find((e): e is Extract<StageEvent, { type: 'room_ended' }> => e.type === 'room_ended');
        const by = event?.by ?? '';
        ended = { memberId: by, staff: by !== room.hostMemberId && by !== result.state.hostId };
      }
      return { state: result.state, room, effectIds: result.effectIds };
    });
    // Outside the queue: the room service may call back into this service while it closes the room.
    if (ended !== undefined && this.#onRoomEnded !== undefined) await this.#onRoomEnded(roomId, ended);
    return outcome;
  }

  /** Load, apply, commit with the version check (queueing the LiveKit effects with it); on a lost race reload and apply again. */
  async #apply(room: StageRoomFacts, step: (s: StageState, now: number) => StageResult): Promise<StageResult & { effectIds: string[] }> {
    for (let attempt = 1; ; attempt++) {
      const stored = await this.#store.load(room.id);
      const current = stored?.state ?? (await this.#stage(room));
      const version = stored?.version ?? current.version;
      const now = this.#now();
      const result = step(current, now);
      if (result.events.length === 0) return { ...result, effectIds: [] }; // already in effect: nothing to store or do
      const queued: NewEffect[] = result.effects
        .filter((e): e is Extract<StageEffect, { kind: LiveKitEffectKind }> => LIVEKIT_EFFECTS.has(e.kind))
        .map((e) => ({ id: crypto.randomUUID(), kind: e.kind, identity: e.identity, livekitRoom: room.livekitName }));
      // The stream's event commits with the change (same transaction), so no stream can miss it or see it undone.
      const publish = async (client: Queryable): Promise<void> => {
        const payload: StagePayload = { state: result.state.toJSON(), room: toFacts(room), reactions: await this.#store.reactionCounts(room.id, client) };
        await this.#events.append(room.id, 'stage_state', payload, client);
      };
      if (await this.#store.commit(version, result.state, result.events, now, queued, publish)) return { ...result, effectIds: queued.map((e) => e.id) };
      if (attempt >= this.#maxAttempts) {
        throw new EngineError('unavailable', 'stage_busy', 'the stage changed too often to apply this; try again', undefined, 1);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 20 * attempt)));
    }
  }

  /** An effect decided outside a stage commit, queued in the outbox like every other and carried out by its worker. */
  async #queueEffect(room: StageRoomFacts, kind: LiveKitEffectKind, identity: string, stageVersion = 0): Promise<void> {
    await this.#effects.queue(room.id, stageVersion, [{ id: crypto.randomUUID(), kind, identity, livekitRoom: room.livekitName }], this.#now());
    this.#outbox.kick();
  }

  async #afterCommit(result: StageResult, room: StageRoomFacts): Promise<void> {
    if (result.events.length === 0) return;
    if (result.effects.some((e) => LIVEKIT_EFFECTS.has(e.kind))) this.#outbox.kick();
    this.#events.kick(room.id);
    const reactions = await this.#store.reactionCounts(room.id);
    const state = publicStageView(result.state, room, undefined, reactions);
    await this.#attempt('broadcast stage state', () => this.#gateway.broadcast(room.livekitName, STAGE_TOPIC, { type: 'stage_state', state }));
  }

  async #attempt(what: string, call: () => Promise<unknown>): Promise<void> {
    try {
      await call();
    } catch (err) {
      this.#log.error({ err }, `stage: ${what} failed on LiveKit`);
    }
  }

  /** The room from the rooms table; refuses unknown rooms, scheduled ones and (unless allowed) ended ones. */
  async #room(roomId: string, options: { allowEnded?: boolean } = {}): Promise<StageRoomFacts> {
    const room = await this.#store.room(roomId);
    if (room === undefined) throw new EngineError('not_found', 'room_not_found', 'room not found', 'roomId');
    if (room.status === 'scheduled') throw new DomainError('room_not_live', 'the room has not started yet');
    if (room.status === 'ended' && options.allowEnded !== true) throw new DomainError('room_ended', 'the room has ended');
    return toFacts(room);
  }

  /**
   * The room's current stage. A live room without a stage row (it went live before stages were stored, or open()
   * was never called) gets an empty one, so nothing depends on the order the room service does things in.
   */
  async #stage(room: StageRoomFacts): Promise<StageState> {
    let stored = await this.#store.load(room.id);
    if (stored === undefined && room.status === 'live') {
      const full = await this.#store.room(room.id);
      if (full !== undefined) {
        await this.open({ id: full.id, livekitName: full.livekitName, hostId: full.hostMemberId, handRaisingEnabled: full.handRaisingEnabled });
      }
      stored = await this.#store.load(room.id);
    }
    if (stored === undefined) throw new EngineError('not_found', 'stage_not_found', 'this room has no stage', 'roomId');
    return stored.state;
  }
}

function toFacts(room: StageRoomFacts): StageRoomFacts {
  return { id: room.id, livekitName: room.livekitName, hostMemberId: room.hostMemberId, status: room.status };
}
