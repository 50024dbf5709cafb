// Records the end of suspensions that ran out. Always running, idempotent: the store lifts a row only while it is
// unlifted, so a second lifter (another API process) or a repeated run lifts nothing twice. A failed run is logged
// and tried again on the next tick; nothing here can end in an unhandled rejection.
import type { Logger } from '../../core/logger.js';
import type { WorkerLease } from '../leases/index.js';
import type { Sanction } from './sanction-store.js';

export interface ExpiredSuspensions {
  liftExpired(): Promise<Sanction[]>;
}

export interface SuspensionLifterOptions {
  /** Pause between the end of one run and the start of the next. */
  intervalMs?: number;
  log: Logger;
  /** Called once per lifted suspension (to audit it, tell the member); its failures are logged, not retried. */
  onLifted?: (sanction: Sanction) => void | Promise<void>;
  /** With several API processes on one database: scheduled runs happen only in the process holding this lease. */
  lease?: WorkerLease;
}

export const DEFAULT_LIFT_INTERVAL_MS = 30_000;

export class SuspensionLifter {
  readonly #store: ExpiredSuspensions;
  readonly #intervalMs: number;
  readonly #log: Logger;
  readonly #onLifted: ((sanction: Sanction) => void | Promise<void>) | undefined;
  readonly #lease: WorkerLease | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<Sanction[]> | undefined;
  #active = false;
  // Bumped by every start and stop, so a run that finishes after a stop (or a stop and a new start) schedules nothing.
  #generation = 0;

  constructor(store: ExpiredSuspensions, options: SuspensionLifterOptions) {
    if (!store || typeof store.liftExpired !== 'function') throw new TypeError('SuspensionLifter: store must have liftExpired()');
    if (options === null || typeof options !== 'object') throw new TypeError('SuspensionLifter: options must be an object');
    const intervalMs = options.intervalMs ?? DEFAULT_LIFT_INTERVAL_MS;
    if (!Number.isInteger(intervalMs) || intervalMs < 1) throw new TypeError('SuspensionLifter: options.intervalMs must be a positive integer');
    if (!options.log || typeof options.log.warn !== 'function') throw new TypeError('SuspensionLifter: options.log must be a logger');
    if (options.onLifted !== undefined && typeof options.onLifted !== 'function') throw new TypeError('SuspensionLifter: options.onLifted must be a function');
    this.#store = store;
    this.#intervalMs = intervalMs;
    this.#log = options.log;
    this.#onLifted = options.onLifted;
    this.#lease = options.lease;
  }

  get running(): boolean {
    return this.#active;
  }

  /** Runs now (suspensions that ended while nothing ran are lifted at once), then every intervalMs after each run. */
  start(): void {
    if (this.#active) return;
    this.#active = true;
    this.#schedule(++this.#generation, 0);
  }

  /** No run starts after this; resolves once the run in flight, if any, has finished. */
  async stop(): Promise<void> {
    this.#active = false;
    this.#generation++;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
    // Another process takes over at its next run instead of after the lease runs out.
    await this.#lease?.release().catch(() => undefined);
  }

  /** One run; joins the run in flight instead of starting a second. Never rejects: a failure is logged and gives []. */
  runOnce(): Promise<Sanction[]> {
    this.#running ??= this.#lift().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  #schedule(generation: number, delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#scheduledRun().then(() => {
        if (this.#active && generation === this.#generation) this.#schedule(generation, this.#intervalMs);
      });
    }, delayMs);
    // A background chore: it never keeps the process alive on its own.
    this.#timer.unref();
  }

  /** A scheduled run: only while this process holds the lease (when there is one). Never rejects. */
  async #scheduledRun(): Promise<unknown> {
    if (this.#lease === undefined) return this.runOnce();
    try {
      if (!(await this.#lease.tryHold())) return [];
    } catch (err) {
      this.#log.warn({ err }, 'suspension lifter: could not take its lease; retrying on the next tick');
      return [];
    }
    return this.runOnce();
  }

  async #lift(): Promise<Sanction[]> {
    let lifted: Sanction[];
    try {
      lifted = await this.#store.liftExpired();
    } catch (err) {
      this.#log.warn({ err }, 'lifting expired suspensions failed; retrying on the next tick');
      return [];
    }
    if (lifted.length > 0) this.#log.info({ lifted: lifted.length, ids: lifted.map((s) => s.id) }, 'expired suspensions lifted');
    for (const sanction of lifted) {
      try {
        await this.#onLifted?.(sanction);
      } catch (err) {
        this.#log.error({ err, sanction: sanction.id, member: sanction.memberId }, 'onLifted failed for a lifted suspension');
      }
    }
    return lifted;
  }
}
