// Takes suspended and banned members out of the live rooms they are in. Two paths, both idempotent:
//   - kick(memberId): right after a decision commits (the API does not wait for it), within seconds;
//   - a sweep every intervalMs: every member with an active restriction still on a live room's stage or connected
//     to its media, e.g. when the process stopped between the commit and the kick.
// LiveKit is the truth about who is connected, not our presence rows or the stage: a listener the stage no longer
// holds (a missed or late webhook, the admission sweeper's race) would otherwise stay in the room until their next
// reconnect. So, per live room:
//   - on the stage: StageService.remove as SYSTEM_MODERATOR, no room ban (the platform sanction keeps them out, and
//     it ends by itself) — the stage change, its event (which refuses a reconnect with the old token) and a durable
//     `remove` effect in the outbox, retried when LiveKit cannot take it now;
//   - connected on LiveKit (asked, not assumed): removed through the gateway at once, whatever the stage says;
//   - their open presence rows are closed.
// Coming back is refused by the join policy (account_restricted), on POST /join and on every participant_joined.
import type pg from 'pg';
import type { Logger } from '../../core/logger.js';
import type { LiveKitGateway } from '../gateway/livekit-gateway.js';
import { leaseFor, type WorkerLease } from '../leases/index.js';
import type { StageService } from '../stage-service/index.js';
import { SYSTEM_MODERATOR } from './system-actor.js';

export type StageRemover = Pick<StageService, 'remove'>;
/** What enforcement asks LiveKit: who is connected, and to disconnect someone. */
export type MediaRemover = Pick<LiveKitGateway, 'participantIdentities' | 'getParticipant' | 'removeParticipant'>;

export interface SanctionEnforcerOptions {
  log: Logger;
  /** Pause between sweeps; default 30 s. */
  intervalMs?: number;
  /** Sweeps run only in the API process holding this lease; default the "sanction-enforcer" lease (kicks always run). */
  lease?: WorkerLease;
}

interface LiveRoom {
  id: string;
  livekitName: string;
  /** Identities on the room's stage (listeners included). */
  onStage: ReadonlySet<string>;
}

const ACTIVE_RESTRICTION = `s.lifted_at IS NULL AND s.kind IN ('suspend', 'ban') AND s.starts_at <= now() AND (s.expires_at IS NULL OR s.expires_at > now())`;

export class SanctionEnforcer {
  readonly #pool: pg.Pool;
  readonly #stage: StageRemover;
  readonly #media: MediaRemover;
  readonly #log: Logger;
  readonly #intervalMs: number;
  readonly #lease: WorkerLease;
  readonly #inFlight = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #active = false;

  constructor(pool: pg.Pool, stage: StageRemover, media: MediaRemover, options: SanctionEnforcerOptions) {
    if (!pool || typeof pool.query !== 'function') throw new TypeError('SanctionEnforcer: pool must be a pg Pool');
    if (!stage || typeof stage.remove !== 'function') throw new TypeError('SanctionEnforcer: stage must have remove()');
    for (const k of ['participantIdentities', 'getParticipant', 'removeParticipant'] as const) {
      if (!media || typeof media[k] !== 'function') throw new TypeError(`SanctionEnforcer: media must be the LiveKit gateway (missing ${k}())`);
    }
    const intervalMs = options.intervalMs ?? 30_000;
    if (!Number.isInteger(intervalMs) || intervalMs < 1) throw new TypeError('SanctionEnforcer: intervalMs must be a positive integer');
    this.#pool = pool;
    this.#stage = stage;
    this.#media = media;
    this.#log = options.log;
    this.#intervalMs = intervalMs;
    this.#lease = options.lease ?? leaseFor(pool, 'sanction-enforcer', intervalMs);
  }

  /** Removes the member from every live room they are in, in the background; failures are logged (the sweep retries). */
  kick(memberId: string): void {
    const run = this.removeEverywhere(memberId)
      .then(() => undefined)
      .catch((err: unknown) => this.#log.warn({ err, memberId }, 'sanction: removing a restricted member from live rooms failed; the sweep retries'))
      .finally(() => this.#inFlight.delete(run));
    this.#inFlight.add(run);
  }

  /**
   * The live rooms the member was removed from (from the stage, from LiveKit, or both). Every live room is asked
   * (the platform caps them, QUOTA_LIVE_ROOMS_TOTAL): LiveKit may hold a connection our rows do not know of.
   */
  async removeEverywhere(memberId: string): Promise<string[]> {
    const removed: string[] = [];
    let failure: unknown;
    for (const room of await this.#liveRooms()) {
      try {
        if (await this.#removeFrom(room, memberId, undefined)) removed.push(room.id);
      } catch (err) {
        failure ??= err; // the other rooms still go; the sweep retries this one
      }
    }
    if (failure !== undefined) throw failure;
    return removed;
  }

  /** One sweep: every member under an active suspension or ban on a live room's stage or connected to it is removed. */
  async sweep(): Promise<number> {
    let removed = 0;
    for (const room of await this.#liveRooms()) {
      let connected: Set<string>;
      try {
        connected = new Set((await this.#media.participantIdentities(room.livekitName)) ?? []);
      } catch (err) {
        this.#log.warn({ err, roomId: room.id }, 'sanction sweep: could not list the room on LiveKit; retrying next interval');
        continue;
      }
      const candidates = [...new Set([...connected, ...room.onStage])];
      if (candidates.length === 0) continue;
      const { rows } = await this.#pool.query<{ member_id: string }>(
        `SELECT DISTINCT s.member_id::text AS member_id FROM member_sanctions s WHERE s.member_id::text = ANY($1::text[]) AND ${ACTIVE_RESTRICTION}`,
        [candidates],
      );
      for (const { member_id: memberId } of rows) {
        try {
          if (await this.#removeFrom(room, memberId, connected.has(memberId))) removed += 1;
        } catch (err) {
          this.#log.warn({ err, roomId: room.id, memberId }, 'sanction sweep: removal failed; retrying next interval');
        }
      }
    }
    return removed;
  }

  async #liveRooms(): Promise<LiveRoom[]> {
    const { rows } = await this.#pool.query<{ id: string; livekit_name: string; on_stage: string[] | null }>(
      `SELECT r.id, r.livekit_name,
              (SELECT array_agg(x->>'identity') FROM room_stages st, jsonb_array_elements(st.snapshot->'participants') x
                WHERE st.room_id = r.id) AS on_stage
         FROM rooms r WHERE r.status = 'live' ORDER BY r.id`,
    );
    return rows.map((r) => ({ id: r.id, livekitName: r.livekit_name, onStage: new Set(r.on_stage ?? []) }));
  }

  /**
   * Takes the member out of one room: off the stage, off LiveKit, presence closed. `connected`: what LiveKit listed
   * (asked here when undefined). Returns whether they were in the room by any of those.
   */
  async #removeFrom(room: LiveRoom, memberId: string, connected: boolean | undefined): Promise<boolean> {
    let acted = false;
    if (room.onStage.has(memberId)) {
      try {
        await this.#stage.remove(room.id, SYSTEM_MODERATOR, memberId, { ban: false });
        acted = true;
      } catch (err) {
        // Left the stage meanwhile, or the room ended: LiveKit below still gets asked.
        this.#log.debug({ err, roomId: room.id, memberId }, 'sanction: not on the stage any more');
      }
    }
    const isConnected = connected ?? (await this.#media.getParticipant(room.livekitName, memberId)) !== undefined;
    if (isConnected) {
      await this.#media.removeParticipant(room.livekitName, memberId);
      acted = true;
    }
    const closed = await this.#pool.query(`UPDATE room_presence SET left_at = now() WHERE room_id = $1 AND identity = $2 AND left_at IS NULL`, [room.id, memberId]);
    if (acted || (closed.rowCount ?? 0) > 0) {
      this.#log.info({ roomId: room.id, memberId, onStage: room.onStage.has(memberId), connected: isConnected }, 'sanction: restricted member removed from a live room');
      return true;
    }
    return false;
  }

  start(): void {
    if (this.#active) return;
    this.#active = true;
    this.#schedule(0);
  }

  /** No sweep starts after this; resolves once the kicks and the sweep in flight have finished. */
  async stop(): Promise<void> {
    this.#active = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await Promise.all([...this.#inFlight]);
    await this.#lease.release().catch(() => undefined);
  }

  #schedule(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#active) return;
      const run = this.#lease
        .runIfHeld(() => this.sweep())
        .then((r) => (r.ran ? r.result : 0))
        .then((n) => {
          if (n > 0) this.#log.info({ removed: n }, 'sanction sweep removed restricted members from live rooms');
        })
        .catch((err: unknown) => this.#log.warn({ err }, 'sanction sweep failed; retrying next interval'))
        .finally(() => {
          this.#inFlight.delete(run);
          if (this.#active) this.#schedule(this.#intervalMs);
        });
      this.#inFlight.add(run);
    }, delayMs);
    this.#timer.unref();
  }
}
