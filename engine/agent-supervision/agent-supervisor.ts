// Keeps a moderation agent in every live Roundtable room. LiveKit never re-dispatches a room whose agent worker
// died (the job stays "running" on the server), so this watcher, in the API process, looks at each live room's
// dispatches and participants and dispatches a new agent when none holds the room.
//
// A job holds its room while its worker is not known dead and its agent participant is in the room — or, before
// the agent was ever seen, while the job is younger than the start grace (a job process may take a while to
// connect on a busy worker). Two ways a loss is noticed:
//  - fast: workerLost(id) from whoever supervises the worker process (`roundtable start` sees its child exit);
//  - general (workers on other hosts): the agent participant disappears. A job process notices its worker's IPC
//    channel close and leaves the room at once (agents/job-shutdown.ts WorkerLink), so this takes ~1–1.5 s.
// Several API processes may run this; a PostgreSQL advisory lock lets one sweep at a time, so a room never gets
// two replacement agents (two agents would store every segment twice).
import type pg from 'pg';
import type { Logger } from '../../core/logger.js';
import type { AgentDispatchSnapshot } from '../gateway/livekit-gateway.js';

/** What the supervisor needs from LiveKit (LiveKitGateway implements it). */
export interface AgentSupervisionLiveKit {
  agentDispatches(room: string): Promise<AgentDispatchSnapshot[]>;
  dispatchAgent(room: string): Promise<string>;
  deleteAgentDispatch(room: string, dispatchId: string): Promise<void>;
  /** Undefined when LiveKit has no such room. */
  participantIdentities(room: string): Promise<string[] | undefined>;
  removeParticipant(room: string, identity: string): Promise<void>;
}

export interface AgentSupervisorOptions {
  pool: pg.Pool;
  livekit: AgentSupervisionLiveKit;
  log: Logger;
  /** Pause between sweeps of all live rooms. */
  intervalMs: number;
  /** How long a new dispatch may go without its agent in the room before it counts as lost. */
  startGraceMs: number;
  now?: () => number;
}

/** What one sweep did to a room; returned for logs and tests. */
export interface RoomCheck {
  room: string;
  held: boolean;
  /** Set when a new agent was dispatched. */
  dispatchId?: string;
  /** Agent participants of dead jobs removed from the room (a killed worker's orphaned job process). */
  removedGhosts: string[];
}

/** Session-level advisory lock key: one sweeping API process at a time ("rt-agent-supervision"). */
const SWEEP_LOCK_KEY = 0x52_54_41_53; // 'RTAS'
/** Do not dispatch into the same room twice within this (a sweep can overlap LiveKit's bookkeeping). */
const MIN_REDISPATCH_MS = 2000;
/** LiveKit gives a worker 10 s to accept a job (AssignJobTimeout) and tries the next; after this, a dispatch without
 * a job found no worker, and LiveKit never tries it again. */
const ASSIGN_GRACE_MS = 20_000;
/** How long a dead worker id is remembered (its jobs are gone from every room well before). */
const DEAD_WORKER_MEMORY_MS = 10 * 60_000;

interface JobMemory {
  firstSeenMs: number;
  seenPresent: boolean;
}

export class AgentSupervisor {
  readonly #o: AgentSupervisorOptions;
  readonly #now: () => number;
  readonly #deadWorkers = new Map<string, number>();
  readonly #jobs = new Map<string, JobMemory>();
  readonly #dispatchFirstSeen = new Map<string, number>();
  readonly #lastDispatch = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<RoomCheck[]> | undefined;
  #again = false;
  #stopped = true;

  constructor(options: AgentSupervisorOptions) {
    for (const k of ['intervalMs', 'startGraceMs'] as const) {
      if (!Number.isInteger(options[k]) || options[k] < 1) throw new TypeError(`AgentSupervisor: ${k} must be a positive integer`);
    }
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#sweeping?.catch(() => undefined);
  }

  /** A worker process is gone (its supervisor saw it exit): its rooms get a new agent at once. */
  workerLost(workerId: string): void {
    if (workerId === '' || this.#stopped) return;
    this.#deadWorkers.set(workerId, this.#now());
    this.#o.log.warn({ workerId }, 'agent worker lost; checking its rooms now');
    void this.sweep().catch(() => undefined);
  }

  /** One pass over every live room (also run on the interval). Concurrent calls share a pass and queue one more. */
  sweep(): Promise<RoomCheck[]> {
    if (this.#sweeping) {
      this.#again = true;
      return this.#sweeping;
    }
    const run = this.#sweepLocked().finally(() => {
      this.#sweeping = undefined;
      if (this.#again && !this.#stopped) {
        this.#again = false;
        void this.sweep().catch(() => undefined);
      }
    });
    this.#sweeping = run;
    return run;
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.sweep()
        .catch((err: unknown) => this.#o.log.warn({ err }, 'agent supervision sweep failed'))
        .finally(() => this.#schedule(this.#o.intervalMs));
    }, delayMs);
    this.#timer.unref();
  }

  async #sweepLocked(): Promise<RoomCheck[]> {
    const client = await this.#o.pool.connect();
    let locked = false;
    try {
      locked = (await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [SWEEP_LOCK_KEY])).rows[0]!.ok;
      if (!locked) {
        // Another API process sweeps right now; a pass asked for by workerLost runs again shortly.
        this.#again = true;
        await new Promise((r) => setTimeout(r, 250));
        return [];
      }
      const { rows } = await client.query<{ livekit_name: string }>("SELECT livekit_name FROM rooms WHERE status = 'live'");
      const checks: RoomCheck[] = [];
      for (const { livekit_name: room } of rows) {
        try {
          checks.push(await this.checkRoom(room));
        } catch (err) {
          this.#o.log.warn({ err, room }, 'agent supervision: room check failed');
        }
      }
      this.#forget(new Set(rows.map((r) => r.livekit_name)));
      return checks;
    } finally {
      if (locked) await client.query('SELECT pg_advisory_unlock($1)', [SWEEP_LOCK_KEY]).catch(() => undefined);
      client.release();
    }
  }

  /** Decides for one room whether an agent holds it, and dispatches a new one when none does. */
  async checkRoom(room: string): Promise<RoomCheck> {
    const now = this.#now();
    const [dispatches, identities] = await Promise.all([this.#o.livekit.agentDispatches(room), this.#o.livekit.participantIdentities(room)]);
    // No room on LiveKit (closed, or not created yet): nothing to put an agent into; the room service ends it.
    if (identities === undefined) return { room, held: false, removedGhosts: [] };
    const present = new Set(identities);
    let held = false;
    const deadDispatches: string[] = [];
    const ghosts: string[] = [];
    for (const d of dispatches) {
      if (!this.#dispatchFirstSeen.has(d.id)) this.#dispatchFirstSeen.set(d.id, now);
      // No job yet: LiveKit is still finding a worker (it never retries one that found none, hence the grace).
      if (d.jobs.length === 0) {
        if (now - this.#dispatchFirstSeen.get(d.id)! < Math.min(ASSIGN_GRACE_MS, this.#o.startGraceMs)) held = true;
        else deadDispatches.push(d.id);
        continue;
      }
      let dispatchHolds = false;
      for (const j of d.jobs) {
        if (j.status === 'ended') continue;
        const mem = this.#jobs.get(j.id) ?? { firstSeenMs: now, seenPresent: false };
        this.#jobs.set(j.id, mem);
        const isPresent = j.participantIdentity !== '' && present.has(j.participantIdentity);
        if (this.#deadWorkers.has(j.workerId)) {
          if (isPresent) ghosts.push(j.participantIdentity);
          continue;
        }
        if (isPresent) {
          mem.seenPresent = true;
          dispatchHolds = true;
        } else if (!mem.seenPresent && now - mem.firstSeenMs < this.#o.startGraceMs) dispatchHolds = true;
      }
      if (dispatchHolds) held = true;
      else deadDispatches.push(d.id);
    }
    if (held) return { room, held, removedGhosts: [] };
    if (now - (this.#lastDispatch.get(room) ?? -Infinity) < MIN_REDISPATCH_MS) return { room, held, removedGhosts: [] };

    this.#lastDispatch.set(room, now);
    const dispatchId = await this.#o.livekit.dispatchAgent(room);
    this.#dispatchFirstSeen.set(dispatchId, now);
    this.#o.log.warn({ room, dispatchId, replaced: deadDispatches, ghosts }, 'room had no moderation agent; dispatched a new one');
    // The dead dispatches would only be read again; the ghosts (orphaned job processes of a dead worker) must not
    // go on transcribing next to the new agent.
    for (const id of deadDispatches) await this.#o.livekit.deleteAgentDispatch(room, id).catch((err: unknown) => this.#o.log.warn({ err, room, id }, 'could not delete a dead dispatch'));
    for (const identity of ghosts) await this.#o.livekit.removeParticipant(room, identity).catch((err: unknown) => this.#o.log.warn({ err, room, identity }, 'could not remove a dead agent'));
    return { room, held, dispatchId, removedGhosts: ghosts };
  }

  /** Drops memory of rooms that are no longer live and of workers long dead. */
  #forget(liveRooms: Set<string>): void {
    const now = this.#now();
    for (const room of this.#lastDispatch.keys()) if (!liveRooms.has(room)) this.#lastDispatch.delete(room);
    for (const [id, at] of this.#deadWorkers) if (now - at > DEAD_WORKER_MEMORY_MS) this.#deadWorkers.delete(id);
    // Jobs and dispatches of ended rooms: bounded by the same horizon as dead workers.
    for (const [id, mem] of this.#jobs) if (now - mem.firstSeenMs > 24 * 3600_000) this.#jobs.delete(id);
    for (const [id, at] of this.#dispatchFirstSeen) if (now - at > 24 * 3600_000) this.#dispatchFirstSeen.delete(id);
  }
}
