// One room's stage as an immutable value: who is in the room with which role, the hand queue, pending invites,
// the hand-raising switch and bans. Every command returns a NEW StageState plus the effects the
// gateway must carry out on LiveKit and the events to store; the old state is untouched, so the caller can persist
// the result (optimistically, by `version`) and only then act.
//
// Rules enforced here (on top of authorize()):
// - Two keys: a listener reaches the stage only by (raised hand + approval) or (invitation + acceptance).
// - Every check about the target reads the TARGET's entry in this state, never the caller's.
// - The host is always on stage: nobody moves them to the audience and they cannot demote themself.
// - When the host leaves (or is removed), the longest-serving co-host becomes host; with no co-host the room stays
//   hostless and the host gets the role back on rejoining.
// - A host or co-host who loses that role takes their pending invites with them (invite_cancelled).
// - Turning hand raising off clears the queue.
// - Repeating a command that is already in effect (raise a raised hand, join twice, ...) changes nothing:
//   same state, no effects, no events — safe for retries.
import { type Action, type PlatformRole, type RoomRole, type TargetFacts, authorize } from '../access/index.js';
import { DomainError } from './domain-error.js';
import { type Actor, requireActor, requireBoolean, requireIdentity, requireRecord, requireTime } from './guards.js';
import { type ReactionEmoji, normalizeReaction } from './reactions.js';
import type { StageEffect, StageEvent, StageJoinVia } from './stage-effects.js';
import { type HandRaise, type ParticipantRecord, type StageInvite, type StageSnapshot, parseStageSnapshot } from './stage-snapshot.js';

/** One reaction someone may send: who, which palette emoji, when (ms). */
export interface Reaction {
  identity: string;
  emoji: ReactionEmoji;
  at: number;
}

export interface StageCreateInput {
  roomId: string;
  hostId: string;
  /** Default true. */
  handRaisingEnabled?: boolean;
}

export interface StageJoinInput {
  identity: string;
  /** When the member accepted that speech on stage is transcribed for safety; joining is refused without it. */
  transcriptionConsentAt: number | null | undefined;
}

export interface StageResult {
  state: StageState;
  effects: StageEffect[];
  events: StageEvent[];
}

interface Outcome {
  effects: StageEffect[];
  events: StageEvent[];
}

const TARGET_CODES = new Set(['self_target', 'target_not_in_room', 'target_protected']);

// Commands build their successor from a draft they keep valid by construction; this token (never exported) lets
// them skip re-validating the whole snapshot, which would make every command O(room size) in parsing alone.
const TRUSTED = Symbol('trusted stage draft');

/** Freezes what is not frozen yet; already-frozen parts (shared with the previous state) are skipped. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

export class StageState {
  readonly #s: StageSnapshot;

  /** Rebuilds a stage from a snapshot (toJSON() output or stored rows); throws TypeError naming a bad field. */
  constructor(snapshot: StageSnapshot, trusted?: typeof TRUSTED) {
    this.#s = deepFreeze(trusted === TRUSTED ? snapshot : parseStageSnapshot(snapshot));
  }

  static create(input: StageCreateInput): StageState {
    const i = requireRecord(input, 'input');
    return new StageState({
      roomId: requireIdentity(i.roomId, 'input.roomId'),
      hostId: requireIdentity(i.hostId, 'input.hostId'),
      version: 0,
      handRaisingEnabled: i.handRaisingEnabled === undefined ? true : requireBoolean(i.handRaisingEnabled, 'input.handRaisingEnabled'),
      endedAt: null,
      participants: [],
      hands: [],
      invites: [],
      bans: [],
    });
  }

  static fromJSON(snapshot: unknown): StageState {
    return new StageState(snapshot as StageSnapshot);
  }

  /** A deep copy, safe to serialise, store or hand to the API. */
  toJSON(): StageSnapshot {
    return structuredClone(this.#s) as StageSnapshot;
  }

  // ---- Queries ----------------------------------------------------------------------------------------------------

  get roomId(): string {
    return this.#s.roomId;
  }
  get hostId(): string {
    return this.#s.hostId;
  }
  get version(): number {
    return this.#s.version;
  }
  get handRaisingEnabled(): boolean {
    return this.#s.handRaisingEnabled;
  }
  get endedAt(): number | null {
    return this.#s.endedAt;
  }
  get ended(): boolean {
    return this.#s.endedAt !== null;
  }
  get participants(): readonly Readonly<ParticipantRecord>[] {
    return this.#s.participants;
  }
  /** Oldest raise first. */
  get handQueue(): readonly Readonly<HandRaise>[] {
    return this.#s.hands;
  }
  get invites(): readonly Readonly<StageInvite>[] {
    return this.#s.invites;
  }
  get listenerCount(): number {
    return this.#s.participants.filter((p) => p.role === 'listener').length;
  }
  participant(identity: string): Readonly<ParticipantRecord> | undefined {
    return this.#s.participants.find((p) => p.identity === identity);
  }

  roleOf(identity: string): RoomRole | null {
    return this.participant(identity)?.role ?? null;
  }

  isBanned(identity: string): boolean {
    return this.#s.bans.includes(identity);
  }

  /** A host or co-host is present (else nobody in the room can moderate; the caller may choose to end it). */
  hasModerator(): boolean {
    return this.#s.participants.some((p) => p.role === 'host' || p.role === 'co_host');
  }

  // ---- Presence ---------------------------------------------------------------------------------------------------

  /**
   * Adds a member who passed canJoin(). The room's host joins as host (and is on stage at once); everyone else joins
   * as listener. No LiveKit effect: mint the token with grantsFor(state.roleOf(identity)).
   */
  join(input: StageJoinInput, now: number): StageResult {
    const at = requireTime(now, 'now');
    const i = requireRecord(input, 'input');
    const identity = requireIdentity(i.identity, 'input.identity');
    const consent = i.transcriptionConsentAt;
    if (consent !== undefined && consent !== null) {
      requireTime(consent, 'input.transcriptionConsentAt');
      if ((consent as number) > at) throw new TypeError('input.transcriptionConsentAt must not be later than now');
    }
    if (this.ended) throw new DomainError('room_ended', 'the room has ended');
    if (this.isBanned(identity)) throw new DomainError('banned', 'you were removed from this room and cannot rejoin', 'identity');
    if (consent === undefined || consent === null) {
      throw new DomainError(
        'consent_required',
        'joining needs your acceptance that speech on stage is transcribed for safety',
        'transcriptionConsentAt',
      );
    }
    if (this.participant(identity) !== undefined) return this.#unchanged();
    const consentAt = consent as number;
    return this.#change((d, out) => {
      const role: RoomRole = identity === d.hostId ? 'host' : 'listener';
      d.participants.push({ identity, role, joinedAt: at, transcriptionConsentAt: consentAt, roleSince: at });
      out.events.push({ type: 'participant_joined', identity, role, transcriptionConsentAt: consentAt, at });
      if (role === 'host') {
        out.events.push({ type: 'stage_joined', identity, via: 'host', by: identity, transcriptionConsentAt: consentAt, at });
      }
    });
  }

  /** The participant left (or LiveKit reports them gone). Unknown identities are a no-op. */
  leave(identity: string, now: number): StageResult {
    const at = requireTime(now, 'now');
    const who = requireIdentity(identity, 'identity');
    if (this.participant(who) === undefined) return this.#unchanged();
    return this.#change((d, out) => {
      out.events.push({ type: 'participant_left', identity: who, at });
      dropParticipant(d, who, at, out);
    });
  }

  // ---- Hands ------------------------------------------------------------------------------------------------------

  raiseHand(actor: Actor, now: number): StageResult {
    const at = requireTime(now, 'now');
    const me = this.#authorize(actor, 'stage.raise_hand');
    if (!this.#s.handRaisingEnabled) throw new DomainError('hand_raising_off', 'the host has turned hand raising off');
    if (this.#hand(me) !== undefined) return this.#unchanged();
    return this.#change((d, out) => {
      d.hands.push({ identity: me, raisedAt: at });
      d.hands.sort((a, b) => a.raisedAt - b.raisedAt); // stable: equal times keep raise order
      out.events.push({ type: 'hand_raised', identity: me, at });
    });
  }

  lowerHand(actor: Actor, now: number): StageResult {
    const at = requireTime(now, 'now');
    const me = this.#authorize(actor, 'stage.lower_hand');
    if (this.#hand(me) === undefined) return this.#unchanged();
    return this.#change((d, out) => {
      dropHand(d, me);
      out.events.push({ type: 'hand_lowered', identity: me, at });
    });
  }

  /** Second key of the hand path: the target's OWN raised hand is required. */
  approveHand(actor: Actor, target: string, now: number): StageResult {
    const at = requireTime(now, 'now');
    const { me, them } = this.#authorizeOn(actor, 'stage.approve_hand', target);
    if (them.role !== 'listener') throw new DomainError('not_a_listener', `${them.identity} is already on stage`, 'target');
    if (this.#hand(them.identity) === undefined) {
      throw new DomainError('no_raised_hand', `${them.identity} has not raised a hand`, 'target');
    }
    return this.#change((d, out) => bringOnStage(d, them.identity, 'hand', me, at, out));
  }

  dismissHand(actor: Actor, target: string, now: number): StageResult {
    const at = requireTime(now, 'now');
    const { me, them } = this.#authorizeOn(actor, 'stage.dismiss_hand', target);
    if (this.#hand(them.identity) === undefined) {
      throw new DomainError('no_raised_hand', `${them.identity} has not raised a hand`, 'target');
    }
    return this.#change((d, out) => {
      dropHand(d, them.identity);
      out.events.push({ type: 'hand_dismissed', identity: them.identity, by: me, at });
    });
  }

  setHandRaising(actor: Actor, enabled: boolean, now: number): StageResult {
    const at = requireTime(now, 'now');
    const on = requireBoolean(enabled, 'enabled');
    const me = this.#authorize(actor, 'room.set_hand_raising');
    if (on === this.#s.handRaisingEnabled) return this.#unchanged();
    return this.#change((d, out) => {
      const cleared = on ? [] : d.hands.map((h) => h.identity);
      d.handRaisingEnabled = on;
      if (!on) d.hands = [];
      out.events.push({ type: 'hand_raising_changed', enabled: on, by: me, cleared, at });
    });
  }

  // ---- Invitations ------------------------------------------------------------------------------------------------

  /** First key of the invite path. Only listeners can be invited. */
  invite(actor: Actor, target: string, now: number): StageResult {
    const at = requireTime(now, 'now');
    const { me, them } = this.#authorizeOn(actor, 'stage.invite', target);
    if (them.role !== 'listener') throw new DomainError('not_a_listener', `${them.identity} is not a listener`, 'target');
    if (this.#invite(them.identity) !== undefined) {
      throw new DomainError('already_invited', `${them.identity} already has a pending invitation`, 'target');
    }
    return this.#change((d, out) => {
      d.invites.push({ identity: them.identity, invitedBy: me, invitedAt: at });
      out.events.push({ type: 'invite_sent', identity: them.identity, by: me, at });
    });
  }

  /** Second key of the invite path: the invited listener accepts (on stage) or declines. */
  respondToInvite(actor: Actor, accept: boolean, now: number): StageResult {
    const at = requireTime(now, 'now');
    const yes = requireBoolean(accept, 'accept');
    const me = this.#authorize(actor, 'stage.respond_invite');
    const invite = this.#invite(me);
    if (invite === undefined) throw new DomainError('no_pending_invite', 'you have no pending invitation to the stage');
    return this.#change((d, out) => {
      if (yes) {
        bringOnStage(d, me, 'invite', invite.invitedBy, at, out);
      } else {
        d.invites = d.invites.filter((v) => v.identity !== me);
        out.events.push({ type: 'invite_declined', identity: me, invitedBy: invite.invitedBy, at });
      }
    });
  }

  // ---- Stage moderation -------------------------------------------------------------------------------------------

  moveToAudience(actor: Actor, target: string, now: number): StageResult {
    const at = requireTime(now, 'now');
    const { me, them } = this.#authorizeOn(actor, 'stage.move_to_audience', target);
    if (them.role === 'host') {
      throw new DomainError('target_protected', 'the host stays on stage; remove them or end the room instead', 'target');
    }
    if (them.role === 'listener') throw new DomainError('not_on_stage', `${them.identity} is not on stage`, 'target');
    return this.#change((d, out) => toAudience(d, them.identity, me, 'moved_to_audience', at, out));
  }

  /** A speaker or co-host steps down to the audience (a co-host loses the co-host role). */
  leaveStage(actor: Actor, now: number): StageResult {
    const at = requireTime(now, 'now');
    const me = this.#authorize(actor, 'stage.leave');
    return this.#change((d, out) => toAudience(d, me, me, 'left', at, out));
  }

  mute(actor: Actor, target: string, now: number): StageResult {
    const at = requireTime(now, 'now');
    const { me, them } = this.#authorizeOn(actor, 'participant.mute', target);
    if (them.role === 'listener') throw new DomainError('not_on_stage', `${them.identity} is not on stage`, 'target');
    return this.#change((_d, out) => {
      out.effects.push({ kind: 'mute_track', identity: them.identity });
      out.events.push({ type: 'participant_muted', identity: them.identity, by: me, at });
    });
  }

  /** Removes the participant from the room; with `ban` they cannot rejoin. */
  remove(actor: Actor, target: string, options: { ban: boolean }, now: number): StageResult {
    const at = requireTime(now, 'now');
    const ban = requireBoolean(requireRecord(options, 'options').ban, 'options.ban');
    const { me, them } = this.#authorizeOn(actor, 'participant.remove', target);
    return this.#change((d, out) => {
      out.effects.push({ kind: 'remove', identity: them.identity, ban });
      out.events.push({ type: 'participant_removed', identity: them.identity, by: me, ban, at });
      dropParticipant(d, them.identity, at, out);
      if (ban) d.bans = [...d.bans, them.identity].sort();
    });
  }

  /** Lifts a room ban (a moderator undoing a removal): the member may join again; nothing on LiveKit. */
  unban(actor: Actor, target: string, now: number): StageResult {
    const at = requireTime(now, 'now');
    const me = this.#authorize(actor, 'participant.unban');
    const identity = requireIdentity(target, 'target');
    if (!this.#s.bans.includes(identity)) return this.#unchanged();
    return this.#change((d, out) => {
      d.bans = d.bans.filter((b) => b !== identity);
      out.events.push({ type: 'participant_unbanned', identity, by: me, at });
    });
  }

  // ---- Roles ------------------------------------------------------------------------------------------------------

  /** Only a speaker can become co-host: a listener must come on stage first (two keys). */
  promoteCohost(actor: Actor, target: string, now: number): StageResult {
    const at = requireTime(now, 'now');
    const { me, them } = this.#authorizeOn(actor, 'role.promote_cohost', target);
    if (them.role === 'co_host') return this.#unchanged();
    if (them.role !== 'speaker') throw new DomainError('not_a_speaker', `${them.identity} must be on stage as a speaker first`, 'target');
    return this.#change((d, out) => {
      setRole(d, them.identity, 'co_host', at, out);
      out.events.push({ type: 'cohost_promoted', identity: them.identity, by: me, at });
    });
  }

  /** The host demotes a co-host, or a co-host steps down; either way they stay on stage as a speaker. */
  demoteCohost(actor: Actor, target: string, now: number): StageResult {
    const at = requireTime(now, 'now');
    const { me, them } = this.#authorizeOn(actor, 'role.demote_cohost', target);
    if (them.role === 'host') {
      throw new DomainError('last_host', 'the host cannot demote themself; leave the room (a co-host takes over) or end it', 'target');
    }
    if (them.role !== 'co_host') throw new DomainError('not_a_cohost', `${them.identity} is not a co-host`, 'target');
    return this.#change((d, out) => {
      cancelInvitesFrom(d, them.identity, at, out);
      setRole(d, them.identity, 'speaker', at, out);
      out.events.push({ type: 'cohost_demoted', identity: them.identity, by: me, at });
    });
  }

  // ---- Reactions and end ------------------------------------------------------------------------------------------

  /**
   * Whether `actor` may react now, and which palette emoji `emoji` stands for. A reaction does not change the stage:
   * reactions are frequent and carry no power, so the service counts them apart (one small upsert) and sends each as
   * a small event, instead of rewriting and rebroadcasting the whole stage for every clap.
   */
  react(actor: Actor, emoji: string, now: number): Reaction {
    const at = requireTime(now, 'now');
    const me = this.#authorize(actor, 'reaction.send');
    return { identity: me, emoji: normalizeReaction(emoji), at };
  }

  /** Ends the room: LiveKit must close it. Participants stay in the dump as the final roster. */
  end(actor: Actor, now: number): StageResult {
    const at = requireTime(now, 'now');
    const me = this.#authorize(actor, 'room.end');
    return this.#change((d, out) => {
      d.endedAt = at;
      d.hands = [];
      d.invites = [];
      out.effects.push({ kind: 'end_room' });
      out.events.push({ type: 'room_ended', by: me, at });
    });
  }

  // ---- Internals --------------------------------------------------------------------------------------------------

  #hand(identity: string): HandRaise | undefined {
    return this.#s.hands.find((h) => h.identity === identity);
  }

  #invite(identity: string): StageInvite | undefined {
    return this.#s.invites.find((v) => v.identity === identity);
  }

  #unchanged(): StageResult {
    return { state: this, effects: [], events: [] };
  }

  #change(build: (draft: StageSnapshot, out: Outcome) => void): StageResult {
    // Shallow copies: records stay shared (frozen) and helpers replace, never mutate, the ones they change.
    const s = this.#s;
    const draft: StageSnapshot = {
      ...s,
      participants: [...s.participants],
      hands: [...s.hands],
      invites: [...s.invites],
      bans: [...s.bans],
    };
    const out: Outcome = { effects: [], events: [] };
    build(draft, out);
    if (out.events.length === 0) return this.#unchanged();
    draft.version += 1;
    return { state: new StageState(draft, TRUSTED), effects: out.effects, events: out.events };
  }

  /** Authorizes an action without a target; returns the actor's identity. */
  #authorize(actor: Actor, action: Action): string {
    const who = requireActor(actor);
    this.#decide(who, action, undefined);
    return who.identity;
  }

  /** Authorizes an action on `target`, judging by the TARGET's role in this state (not the caller's). */
  #authorizeOn(actor: Actor, action: Action, target: string): { me: string; them: Readonly<ParticipantRecord> } {
    const who = requireActor(actor);
    const targetId = requireIdentity(target, 'target');
    const them = this.participant(targetId);
    this.#decide(who, action, { memberId: targetId, roomRole: them?.role ?? null });
    if (them === undefined) throw new DomainError('target_not_in_room', `${targetId} is not in the room`, 'target');
    return { me: who.identity, them };
  }

  #decide(who: { identity: string; platformRoles: readonly PlatformRole[] }, action: Action, target: TargetFacts | undefined): void {
    const decision = authorize(
      { memberId: who.identity, platformRoles: who.platformRoles, roomRole: this.roleOf(who.identity) },
      action,
      target === undefined ? { roomState: this.ended ? 'ended' : 'live' } : { roomState: this.ended ? 'ended' : 'live', target },
    );
    if (!decision.allowed) {
      throw new DomainError(decision.code, decision.reason, TARGET_CODES.has(decision.code) ? 'target' : undefined);
    }
  }
}

// ---- Draft helpers (mutate a fresh copy inside #change) -------------------------------------------------------------

function findIn(d: StageSnapshot, identity: string): ParticipantRecord {
  const p = d.participants.find((x) => x.identity === identity);
  if (p === undefined) throw new Error(`stage invariant: ${identity} is not a participant`);
  return p;
}

function setRole(d: StageSnapshot, identity: string, role: RoomRole, at: number, out: Outcome): void {
  d.participants = d.participants.map((p) => (p.identity === identity ? { ...p, role, roleSince: at } : p));
  out.effects.push({ kind: 'set_role', identity, role });
}

function dropHand(d: StageSnapshot, identity: string): void {
  d.hands = d.hands.filter((h) => h.identity !== identity);
}

function cancelInvitesFrom(d: StageSnapshot, inviter: string, at: number, out: Outcome): void {
  for (const v of d.invites.filter((x) => x.invitedBy === inviter)) {
    out.events.push({ type: 'invite_cancelled', identity: v.identity, invitedBy: inviter, at });
  }
  d.invites = d.invites.filter((x) => x.invitedBy !== inviter);
}

/** Both keys have turned: the listener becomes a speaker and may publish. */
function bringOnStage(d: StageSnapshot, identity: string, via: StageJoinVia, by: string, at: number, out: Outcome): void {
  dropHand(d, identity);
  d.invites = d.invites.filter((v) => v.identity !== identity);
  out.effects.push({ kind: 'grant_publish', identity });
  setRole(d, identity, 'speaker', at, out);
  const consent = findIn(d, identity).transcriptionConsentAt;
  out.events.push({ type: 'stage_joined', identity, via, by, transcriptionConsentAt: consent, at });
}

function toAudience(d: StageSnapshot, identity: string, by: string, reason: 'left' | 'moved_to_audience', at: number, out: Outcome): void {
  if (findIn(d, identity).role === 'co_host') cancelInvitesFrom(d, identity, at, out);
  out.effects.push({ kind: 'revoke_publish', identity });
  setRole(d, identity, 'listener', at, out);
  out.events.push({ type: 'stage_left', identity, by, reason, at });
}

/** Takes a participant out of the room with everything that hangs on them, and hands the room on if they hosted. */
function dropParticipant(d: StageSnapshot, identity: string, at: number, out: Outcome): void {
  const wasModerator = ['host', 'co_host'].includes(findIn(d, identity).role);
  if (wasModerator) cancelInvitesFrom(d, identity, at, out);
  d.participants = d.participants.filter((p) => p.identity !== identity);
  dropHand(d, identity);
  d.invites = d.invites.filter((v) => v.identity !== identity);
  if (identity !== d.hostId || d.endedAt !== null) return;
  const successor = d.participants
    .filter((p) => p.role === 'co_host')
    .reduce<ParticipantRecord | undefined>((best, p) => (best === undefined || p.roleSince < best.roleSince ? p : best), undefined);
  if (successor === undefined) return;
  d.hostId = successor.identity;
  setRole(d, successor.identity, 'host', at, out);
  out.events.push({ type: 'host_transferred', from: identity, to: successor.identity, at });
}
