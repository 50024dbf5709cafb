// Join tickets that were never used: a member admitted through the API who never connects to the room's media
// gets no participant_left from LiveKit, so without this they would count against the room's capacity forever.
import type { Logger } from '../../core/logger.js';
import type { WorkerLease } from '../leases/index.js';
import type { RoomStore } from './room-store.js';

export interface UnconnectedDropper {
  dropUnconnected(roomId: string, connected: ReadonlySet<string>, admittedBefore: number): Promise<string[]>;
}

export interface AdmissionSweeperOptions {
  /** How long an admitted member has to connect before the admission lapses. */
  graceMs: number;
  intervalMs: number;
  now?: () => number;
  log: Logger;
  /** With several API processes on one database: scheduled sweeps run only in the process holding this lease. */
  lease?: WorkerLease;
}

export class AdmissionSweeper {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;

  constructor(
    private readonly rooms: RoomStore,
    private readonly stage: UnconnectedDropper,
    private readonly options: AdmissionSweeperOptions,
  ) {
    if (!(options.graceMs > 0) || !(options.intervalMs > 0)) throw new TypeError('graceMs and intervalMs must be positive');
  }

  /** One pass over every live room; returns how many admissions lapsed. */
  async sweepOnce(): Promise<number> {
    const now = (this.options.now ?? Date.now)();
    let dropped = 0;
    let afterSeq: string | undefined;
    for (;;) {
      const page = await this.rooms.list({ status: 'live', afterSeq, limit: 200 });
      for (const room of page) {
        const { connected } = await this.rooms.presence(room.id);
        const identities = new Set(connected.filter((c) => !c.isAgent).map((c) => c.identity));
        const gone = await this.stage.dropUnconnected(room.id, identities, now - this.options.graceMs);
        if (gone.length) this.options.log.info({ room: room.id, lapsed: gone.length }, 'unused join admissions lapsed');
        dropped += gone.length;
      }
      if (page.length < 200) return dropped;
      afterSeq = page.at(-1)!.seq;
    }
  }

  start(): void {
    this.#timer ??= setInterval(() => {
      if (this.#running) return;
      const lease = this.options.lease;
      this.#running = (lease ? lease.runIfHeld(() => this.sweepOnce()) : this.sweepOnce())
        .catch((err: unknown) => this.options.log.warn({ err }, 'admission sweep failed'))
        .finally(() => (this.#running = undefined));
    }, this.options.intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
    // Another process takes over at its next sweep instead of after the lease runs out.
    await this.options.lease?.release().catch(() => undefined);
  }
}
