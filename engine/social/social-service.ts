// Member profiles, connections and blocks: the rules on top of the stores, and the SocialGraph the join policy reads.
//
// Decisions:
// - Asking someone who already asked you accepts their request: you are connected at once (status 'connected').
// - Requests are pending-only: declining or cancelling deletes the request, so the requester may ask again later
//   (the recipient can block if that becomes harassment).
// - A block withdraws everything between the pair: the connection, pending requests both ways, and group
//   invitations either sent the other. It does not touch group memberships.
// - Someone who blocked you disappears for you: their profile and a request to them answer "member not found",
//   so a block cannot be probed. Someone you blocked stays visible to you (to unblock), but you cannot ask them.
// - Blocking is idempotent: blocking again returns the existing block (`created: false`).
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { EngineError } from '../engine-error.js';
import { BlockStore } from './block-store.js';
import { ConnectionStore, type RequestDirection } from './connection-store.js';
import { GroupStore } from './group-store.js';
import { requireOneOf, requirePage, requireUuid } from './guards.js';
import { parseProfilePatch } from './profile-rules.js';
import { ProfileStore, type ProfileRecord } from './profile-store.js';
import { inTransaction, isUniqueViolation } from '../../db/queryable.js';
import type { SocialGraph } from './social-graph.js';
import type {
  BlockedMember,
  Connection,
  ConnectionRequest,
  ConnectionRequestOutcome,
  OwnProfile,
  Page,
  PageRequest,
  PublicProfile,
  Relationship,
} from './types.js';

const DIRECTIONS: readonly RequestDirection[] = ['incoming', 'outgoing'];

export class SocialService implements SocialGraph {
  readonly #pool: pg.Pool;
  readonly #profiles: ProfileStore;
  readonly #connections: ConnectionStore;
  readonly #blocks: BlockStore;
  readonly #groups: GroupStore;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
    this.#profiles = new ProfileStore(pool);
    this.#connections = new ConnectionStore(pool);
    this.#blocks = new BlockStore(pool);
    this.#groups = new GroupStore(pool);
  }

  // ---- SocialGraph ----

  async areConnected(a: string, b: string): Promise<boolean> {
    return this.#connections.areConnected(requireUuid(a, 'a'), requireUuid(b, 'b'));
  }

  async isBlockedEitherWay(a: string, b: string): Promise<boolean> {
    return this.#blocks.eitherWay(requireUuid(a, 'a'), requireUuid(b, 'b'));
  }

  /** One direction only, for callers that say who blocked whom (the join policy's hostBlockedMember/memberBlockedHost). */
  async hasBlocked(blockerId: string, blockedId: string): Promise<boolean> {
    return this.#blocks.hasBlocked(requireUuid(blockerId, 'blockerId'), requireUuid(blockedId, 'blockedId'));
  }

  async isGroupMember(groupId: string, memberId: string): Promise<boolean> {
    return this.#groups.isMember(requireUuid(groupId, 'groupId'), requireUuid(memberId, 'memberId'));
  }

  async connectionCount(memberId: string): Promise<number> {
    return this.#connections.count(requireUuid(memberId, 'memberId'));
  }

  // ---- profiles ----

  async getOwnProfile(memberId: string): Promise<OwnProfile> {
    const id = requireUuid(memberId, 'memberId');
    return this.#ownProfile(await this.#profiles.get(id));
  }

  /** Applies a partial update (validated here too, for callers other than the API) and returns the new profile. */
  async updateOwnProfile(memberId: string, patch: unknown): Promise<OwnProfile> {
    const id = requireUuid(memberId, 'memberId');
    const checked = parseProfilePatch(patch);
    return this.#ownProfile(await this.#profiles.update(id, checked));
  }

  async getProfile(viewerId: string, memberId: string): Promise<PublicProfile> {
    const viewer = requireUuid(viewerId, 'viewerId');
    const id = requireUuid(memberId, 'memberId');
    const record = await this.#profiles.get(id);
    if (!record || (viewer !== id && (await this.#blocks.hasBlocked(id, viewer)))) throw memberNotFound();
    return {
      id: record.id,
      displayName: record.displayName,
      headline: record.headline,
      company: record.company,
      photoUrl: record.photoUrl,
      experience: record.experience,
      connectionCount: await this.#connections.count(id),
      createdAt: record.createdAt,
      relationship: await this.#relationship(viewer, id),
    };
  }

  // ---- connections ----

  async requestConnection(requesterId: string, recipientId: string): Promise<ConnectionRequestOutcome> {
    const from = requireUuid(requesterId, 'requesterId');
    const to = requireUuid(recipientId, 'memberId');
    if (from === to) throw new EngineError('invalid', 'self_connection', 'you cannot connect with yourself', 'memberId');
    try {
      return await this.#requestConnection(from, to);
    } catch (err) {
      // Two crossed requests racing past each other: the unique pair index stops the second; re-running it sees the first.
      if (isUniqueViolation(err)) return this.#requestConnection(from, to);
      throw err;
    }
  }

  async listConnectionRequests(memberId: string, direction: RequestDirection, page: PageRequest): Promise<Page<ConnectionRequest>> {
    const id = requireUuid(memberId, 'memberId');
    const dir = requireOneOf(direction, DIRECTIONS, 'direction');
    return this.#connections.listRequests(id, dir, requirePage(page));
  }

  /** Only the recipient accepts; returns the new connection as the recipient sees it. */
  async acceptConnectionRequest(memberId: string, requestId: string): Promise<Connection> {
    const me = requireUuid(memberId, 'memberId');
    const id = requireUuid(requestId, 'requestId');
    const pending = await this.#visibleRequest(me, id);
    if (pending.recipientId !== me) throw new EngineError('forbidden', 'not_recipient', 'only the recipient can accept a connection request');
    return inTransaction(this.#pool, async (db) => {
      const connections = new ConnectionStore(db);
      await connections.lockPair(pending.requesterId, me);
      if (!(await connections.deleteRequest(id))) throw requestNotFound();
      return connections.connect(me, pending.requesterId);
    });
  }

  async declineConnectionRequest(memberId: string, requestId: string): Promise<void> {
    const me = requireUuid(memberId, 'memberId');
    const id = requireUuid(requestId, 'requestId');
    const pending = await this.#visibleRequest(me, id);
    if (pending.recipientId !== me) throw new EngineError('forbidden', 'not_recipient', 'only the recipient can decline a connection request; the requester cancels it');
    if (!(await this.#connections.deleteRequest(id))) throw requestNotFound();
  }

  async cancelConnectionRequest(memberId: string, requestId: string): Promise<void> {
    const me = requireUuid(memberId, 'memberId');
    const id = requireUuid(requestId, 'requestId');
    const pending = await this.#visibleRequest(me, id);
    if (pending.requesterId !== me) throw new EngineError('forbidden', 'not_requester', 'only the requester can cancel a connection request; the recipient declines it');
    if (!(await this.#connections.deleteRequest(id))) throw requestNotFound();
  }

  async listConnections(memberId: string, page: PageRequest): Promise<Page<Connection>> {
    return this.#connections.list(requireUuid(memberId, 'memberId'), requirePage(page));
  }

  async removeConnection(memberId: string, otherId: string): Promise<void> {
    const me = requireUuid(memberId, 'memberId');
    const other = requireUuid(otherId, 'otherId');
    if (!(await this.#connections.disconnect(me, other))) {
      throw new EngineError('not_found', 'connection_not_found', 'you are not connected with this member', 'memberId');
    }
  }

  // ---- blocks ----

  async block(blockerId: string, blockedId: string): Promise<{ block: BlockedMember; created: boolean }> {
    const me = requireUuid(blockerId, 'blockerId');
    const other = requireUuid(blockedId, 'memberId');
    if (me === other) throw new EngineError('invalid', 'self_block', 'you cannot block yourself', 'memberId');
    return inTransaction(this.#pool, async (db) => {
      const connections = new ConnectionStore(db);
      const blocks = new BlockStore(db);
      await connections.lockPair(me, other);
      if (!(await new ProfileStore(db).exists(other))) throw memberNotFound();
      const created = await blocks.block(me, other);
      await connections.disconnect(me, other);
      await connections.deleteRequestsBetween(me, other);
      await new GroupStore(db).deleteInvitationsBetween(me, other);
      return { block: (await blocks.get(me, other))!, created };
    });
  }

  async unblock(blockerId: string, blockedId: string): Promise<void> {
    const me = requireUuid(blockerId, 'blockerId');
    const other = requireUuid(blockedId, 'memberId');
    if (!(await this.#blocks.unblock(me, other))) throw new EngineError('not_found', 'block_not_found', 'you have not blocked this member', 'memberId');
  }

  async listBlocks(memberId: string, page: PageRequest): Promise<Page<BlockedMember>> {
    return this.#blocks.list(requireUuid(memberId, 'memberId'), requirePage(page));
  }

  // ---- internals ----

  async #requestConnection(from: string, to: string): Promise<ConnectionRequestOutcome> {
    return inTransaction(this.#pool, async (db) => {
      const connections = new ConnectionStore(db);
      const blocks = new BlockStore(db);
      await connections.lockPair(from, to);
      if (!(await new ProfileStore(db).exists(to)) || (await blocks.hasBlocked(to, from))) throw memberNotFound();
      if (await blocks.hasBlocked(from, to)) throw new EngineError('forbidden', 'member_blocked', 'you have blocked this member; unblock them first', 'memberId');
      if (await connections.areConnected(from, to)) throw new EngineError('conflict', 'already_connected', 'you are already connected with this member', 'memberId');
      const pending = await connections.findPendingBetween(from, to);
      if (pending?.requesterId === from) throw new EngineError('conflict', 'request_already_sent', 'you already asked this member to connect', 'memberId');
      if (pending) {
        await connections.deleteRequest(pending.id);
        return { status: 'connected', connection: await connections.connect(from, to) };
      }
      return { status: 'pending', request: await connections.insertRequest(randomUUID(), from, to) };
    });
  }

  /** The request if `me` is one of its two members; anyone else gets "not found" so request ids cannot be probed. */
  async #visibleRequest(me: string, requestId: string) {
    const pending = await this.#connections.findPending(requestId);
    if (!pending || (pending.requesterId !== me && pending.recipientId !== me)) throw requestNotFound();
    return pending;
  }

  async #relationship(viewer: string, member: string): Promise<Relationship> {
    if (viewer === member) return { connection: 'self', pendingRequestId: null, blockedByYou: false };
    const blockedByYou = await this.#blocks.hasBlocked(viewer, member);
    if (await this.#connections.areConnected(viewer, member)) return { connection: 'connected', pendingRequestId: null, blockedByYou };
    const pending = await this.#connections.findPendingBetween(viewer, member);
    if (!pending) return { connection: 'none', pendingRequestId: null, blockedByYou };
    return { connection: pending.requesterId === viewer ? 'request_sent' : 'request_received', pendingRequestId: pending.id, blockedByYou };
  }

  async #ownProfile(record: ProfileRecord | undefined): Promise<OwnProfile> {
    if (!record) throw memberNotFound();
    return { ...record, connectionCount: await this.#connections.count(record.id) };
  }
}

function memberNotFound(): EngineError {
  return new EngineError('not_found', 'member_not_found', 'member not found', 'memberId');
}

function requestNotFound(): EngineError {
  return new EngineError('not_found', 'connection_request_not_found', 'connection request not found', 'requestId');
}

