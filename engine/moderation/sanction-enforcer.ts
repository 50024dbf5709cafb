// Takes suspended and banned members out of the live rooms they are in. Two paths, both idempotent:
//   - kick(memberId): right after a decision commits (the API does not wait for it), within seconds;
//   - a sweep every intervalMs: every member with an active restriction still on a live room's stage or connected
//     to its media, e.g. when the process stopped between the commit and the kick.
// The removal is the stage's (StageService.remove as SYSTEM_MODERATOR, no room ban: the platform sanction keeps them
// out, and it ends by itself), so LiveKit's side goes through the stage's durable effect outbox. Coming back is
// refused by the join policy (account_restricted), on POST /join and on every participant_joined.
import type pg from 'pg';
import type { Logger } from '../../core/logger.js';
import type { StageService } from '../stage-service/index.js';
import { SYSTEM_MODERATOR } from './system-actor.js';

export type StageRemover = Pick<StageService, 'remove'>;

export interface SanctionEnforcerOptions {
  log: Logger;
  /** Pause between sweeps; default 30 s. */
  intervalMs?: number;
}

export class SanctionEnforcer {
  readonly #pool: pg.Pool;
  readonly #stage: StageRemover;
  readonly #log: Logger;
  readonly #intervalMs: number;
  readonly #inFlight = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #active = false;

  constructor(pool: pg.Pool, stage: StageRemover, options: SanctionEnforcerOptions) {
    if (!pool || typeof pool.query !== 'function') throw new TypeError('SanctionEnforcer: pool must be a pg Pool');
    if (!stage || typeof stage.remove !== 'function') throw new TypeError('SanctionEnforcer: stage must have remove()');
    const intervalMs = options.intervalMs ?? 30_000;
    if (!Number.isInteger(intervalMs) || intervalMs < 1) throw new TypeError('SanctionEnforcer: intervalMs must be a positive integer');
    this.#pool = pool;
    this.#stage = stage;
    this.#log = options.log;
    this.#intervalMs = intervalMs;
  }

  /** Removes the member from every live room they are in, in the background; failures are logged (the sweep retries). */
  kick(memberId: string): void {
    const run = this.removeEverywhere(memberId)
      .then(() => undefined)
      .catch((err: unknown) => this.#log.warn({ err, memberId }, 'sanction: removing a restricted member from live rooms failed; the sweep retries'))
      .finally(() => this.#inFlight.delete(run));
    this.#inFlight.add(run);
  }

  /** The live rooms the member was removed from. */
  async removeEverywhere(memberId: string): Promise<string[]> {
    const { rows } = await this.#pool.query<{ room_id: string }>(
      `SELECT r.id AS room_id FROM rooms r
        WHERE r.status = 'live'
          AND (EXISTS (SELECT 1 FROM room_presence p WHERE p.room_id = r.id AND p.identity = $1 AND p.left_at IS NULL)
               OR EXISTS (SELECT 1 FROM room_stages st, jsonb_array_elements(st.snapshot->'participants') x
                           WHERE st.room_id = r.id AND x->>'identity' = $1))`,
      [memberId],
    );
    const removed: string[] = [];
    for (const { room_id: roomId } of rows) {
      try {
        await this.#stage.remove(roomId, SYSTEM_MODERATOR, memberId, { ban: false });
        removed.push(roomId);
        this.#log.info({ roomId, memberId }, 'sanction: restricted member removed from a live room');
      } catch (err) {
        // Not on the stage any more (left meanwhile), or the room ended: nothing to remove.
        this.#log.debug({ err, roomId, memberId }, 'sanction: nothing to remove');
      }
    }
    return removed;
  }

  /** One sweep: every member under an active suspension or ban still in a live room is removed. */
  async sweep(): Promise<number> {
    const { rows } = await this.#pool.query<{ member_id: string }>(
      `SELECT DISTINCT s.member_id::text AS member_id FROM member_sanctions s
        WHERE s.lifted_at IS NULL AND s.kind IN ('suspend', 'ban') AND s.starts_at <= now() AND (s.expires_at IS NULL OR s.expires_at > now())
          AND (EXISTS (SELECT 1 FROM room_presence p JOIN rooms r ON r.id = p.room_id
                        WHERE p.identity = s.member_id::text AND p.left_at IS NULL AND r.status = 'live')
               OR EXISTS (SELECT 1 FROM room_stages st JOIN rooms r ON r.id = st.room_id, jsonb_array_elements(st.snapshot->'participants') x
                           WHERE r.status = 'live' AND x->>'identity' = s.member_id::text))`,
    );
    let removed = 0;
    for (const { member_id: memberId } of rows) removed += (await this.removeEverywhere(memberId)).length;
    return removed;
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
  }

  #schedule(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#active) return;
      const run = this.sweep()
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
