// Sweeps room events past the retention window, every intervalMs, in one API process at a time (its lease).
import type { Logger } from '../../core/logger.js';
import type { WorkerLease } from '../leases/index.js';
import type { RoomEventBus, RoomEventRetention } from './room-event-bus.js';

export interface RoomEventSweeperOptions extends RoomEventRetention {
  intervalMs: number;
  lease: WorkerLease;
  log: Logger;
}

export class RoomEventSweeper {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;

  constructor(
    private readonly bus: RoomEventBus,
    private readonly options: RoomEventSweeperOptions,
  ) {
    if (!Number.isInteger(options.intervalMs) || options.intervalMs < 1) throw new TypeError('RoomEventSweeper: intervalMs must be a positive integer');
  }

  /** One sweep if this process holds the lease; returns how many events went, or null when another process holds it. */
  async sweepOnce(): Promise<number | null> {
    const run = await this.options.lease.runIfHeld(() => this.bus.sweep(this.options));
    return run.ran ? run.result : null;
  }

  start(): void {
    this.#timer ??= setInterval(() => {
      if (this.#running) return;
      this.#running = this.sweepOnce()
        .then((n) => {
          if (n) this.options.log.info({ swept: n }, 'room events past retention swept');
        })
        .catch((err: unknown) => this.options.log.warn({ err }, 'room event sweep failed'))
        .finally(() => (this.#running = undefined));
    }, this.options.intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
    await this.options.lease.release().catch(() => undefined);
  }
}

/** How long room events are kept for streams to resume from, and how often they are swept. */
export const ROOM_EVENT_RETENTION = { maxAgeMs: 60 * 60_000, maxPerRoom: 2000, intervalMs: 60_000 } as const;
