// The plain, JSON-safe form of one room's stage: what toJSON() returns, what the API serves, and what the lead
// stores (as JSONB, or rows rebuilt into this shape). parseStageSnapshot() checks every field and every invariant,
// so a corrupt row fails loudly (TypeError naming the field) instead of producing an impossible stage.
import { type RoomRole, isRoomRole } from '../access/index.js';
import { requireArray, requireBoolean, requireIdentity, requireRecord, requireTime } from './guards.js';

export interface ParticipantRecord {
  identity: string;
  role: RoomRole;
  joinedAt: number;
  /** When this participant accepted that speech on stage is transcribed for safety (required to join). */
  transcriptionConsentAt: number;
  /** When they got their current role (used to pick the longest-serving co-host as next host). */
  roleSince: number;
}

export interface HandRaise {
  identity: string;
  raisedAt: number;
}

export interface StageInvite {
  identity: string;
  invitedBy: string;
  invitedAt: number;
}

export interface StageSnapshot {
  roomId: string;
  /** The current host (changes when the host leaves and a co-host takes over). */
  hostId: string;
  /** +1 on every change: use it for optimistic concurrency (UPDATE ... WHERE version = $old). */
  version: number;
  handRaisingEnabled: boolean;
  endedAt: number | null;
  /** In join order. */
  participants: ParticipantRecord[];
  /** The hand queue, oldest raise first (ties keep raise order). */
  hands: HandRaise[];
  invites: StageInvite[];
  /** Identities removed with a ban, sorted. */
  bans: string[];
  // Reaction counts are not part of the stage (they are counted apart, see StageState.react); snapshots stored
  // before migration 0009 still carry a `reactions` field, which parsing ignores (0009 moved the counts).
}

function count(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new TypeError(`${field} must be a non-negative integer`);
  return value;
}

export function parseStageSnapshot(value: unknown): StageSnapshot {
  const s = requireRecord(value, 'snapshot');
  const roomId = requireIdentity(s.roomId, 'snapshot.roomId');
  const hostId = requireIdentity(s.hostId, 'snapshot.hostId');
  const version = count(s.version, 'snapshot.version');
  const handRaisingEnabled = requireBoolean(s.handRaisingEnabled, 'snapshot.handRaisingEnabled');
  const endedAt = s.endedAt === null ? null : requireTime(s.endedAt, 'snapshot.endedAt');

  const roles = new Map<string, RoomRole>();
  const participants = requireArray(s.participants, 'snapshot.participants').map((raw, i): ParticipantRecord => {
    const field = `snapshot.participants[${i}]`;
    const p = requireRecord(raw, field);
    const identity = requireIdentity(p.identity, `${field}.identity`);
    if (roles.has(identity)) throw new TypeError(`${field}.identity ${identity} appears twice`);
    if (!isRoomRole(p.role)) throw new TypeError(`${field}.role must be host, co_host, speaker or listener`);
    if ((p.role === 'host') !== (identity === hostId)) throw new TypeError(`${field}.role: only snapshot.hostId may be host`);
    roles.set(identity, p.role);
    return {
      identity,
      role: p.role,
      joinedAt: requireTime(p.joinedAt, `${field}.joinedAt`),
      transcriptionConsentAt: requireTime(p.transcriptionConsentAt, `${field}.transcriptionConsentAt`),
      roleSince: requireTime(p.roleSince, `${field}.roleSince`),
    };
  });

  const listenerField = (identity: string, field: string): void => {
    if (roles.get(identity) !== 'listener') throw new TypeError(`${field} must be a listener in the room`);
  };
  const seenHands = new Set<string>();
  const hands = requireArray(s.hands, 'snapshot.hands').map((raw, i): HandRaise => {
    const field = `snapshot.hands[${i}]`;
    const h = requireRecord(raw, field);
    const identity = requireIdentity(h.identity, `${field}.identity`);
    listenerField(identity, `${field}.identity`);
    if (seenHands.has(identity)) throw new TypeError(`${field}.identity ${identity} appears twice`);
    seenHands.add(identity);
    return { identity, raisedAt: requireTime(h.raisedAt, `${field}.raisedAt`) };
  });
  hands.sort((a, b) => a.raisedAt - b.raisedAt);
  if (!handRaisingEnabled && hands.length > 0) throw new TypeError('snapshot.hands must be empty while hand raising is off');

  const seenInvites = new Set<string>();
  const invites = requireArray(s.invites, 'snapshot.invites').map((raw, i): StageInvite => {
    const field = `snapshot.invites[${i}]`;
    const v = requireRecord(raw, field);
    const identity = requireIdentity(v.identity, `${field}.identity`);
    listenerField(identity, `${field}.identity`);
    if (seenInvites.has(identity)) throw new TypeError(`${field}.identity ${identity} appears twice`);
    seenInvites.add(identity);
    const invitedBy = requireIdentity(v.invitedBy, `${field}.invitedBy`);
    // Invites from someone who is no longer a host or co-host are cancelled, so a stored one never has such an inviter.
    const inviterRole = roles.get(invitedBy);
    if (inviterRole !== 'host' && inviterRole !== 'co_host') throw new TypeError(`${field}.invitedBy must be a host or co-host in the room`);
    return { identity, invitedBy, invitedAt: requireTime(v.invitedAt, `${field}.invitedAt`) };
  });

  const bans = [...new Set(requireArray(s.bans, 'snapshot.bans').map((b, i) => requireIdentity(b, `snapshot.bans[${i}]`)))].sort();
  for (const banned of bans) if (roles.has(banned)) throw new TypeError(`snapshot.bans: ${banned} is banned but still a participant`);

  return { roomId, hostId, version, handRaisingEnabled, endedAt, participants, hands, invites, bans };
}
