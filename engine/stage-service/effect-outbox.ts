// The effect worker: carries out queued stage effects on LiveKit, with retries and backoff, and reports every
// change of an effect's status. One worker per process (one drain at a time); the claim uses FOR UPDATE SKIP
// LOCKED and a lease, so workers in several processes would not apply the same effect twice at once.
//
// Decisions:
// - Effects are idempotent: setting a permission, muting every unmuted track, removing a participant. Applying one
//   twice (a lease that ran out mid-call) does no harm.
// - A participant who is not connected counts as done: the next join token carries the grants of their role, and
//   someone removed or muted who already left has nothing left to remove or mute.
// - Whether to retry follows the error (liveKitFailureKind): unreachable, timed out or 5xx is retried with
//   exponential backoff up to maxAttempts; a refusal (4xx) fails at once.
import type { Logger } from '../../core/logger.js';
import { liveKitFailureKind, type LiveKitGateway } from '../gateway/livekit-gateway.js';
import { type ClaimedEffect, EffectStore, type EffectOutcome, type StageEffectRecord } from './effect-store.js';

export type EffectGateway = Pick<LiveKitGateway, 'setCanPublish' | 'muteTracks' | 'removeParticipant'>;

export interface EffectRetryPolicy {
  /** Attempts in all, the first included (default 8). */
  maxAttempts: number;
  /** Delay before the second attempt; doubles after each failure (default 500 ms). */
  baseDelayMs: number;
  /** Upper bound of the delay (default 30 s). */
  maxDelayMs: number;
}

export interface EffectOutboxOptions extends Partial<EffectRetryPolicy> {
  /** How long a claimed effect is reserved for its call (default 30 s); after that another claim may take it. */
  leaseMs?: number;
  /** Longest pause between looks at the table, for effects queued by other processes (default 5 s). */
  pollMs?: number;
  /** Called after every change of an effect's status or attempts. */
  onChange?: (effect: StageEffectRecord) => void;
  now?: () => number;
}

export const DEFAULT_RETRY_POLICY: EffectRetryPolicy = { maxAttempts: 8, baseDelayMs: 500, maxDelayMs: 30_000 };

/** The pause after failed attempt number `attempt` (1-based): base · 2^(attempt−1), at most maxDelayMs. */
export function retryDelayMs(attempt: number, policy: Pick<EffectRetryPolicy, 'baseDelayMs' | 'maxDelayMs'>): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new TypeError('attempt must be a positive integer');
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt - 1, 30));
}

/** What to do after a failed attempt. */
export function afterFailure(err: unknown, attempts: number, policy: EffectRetryPolicy): { retryInMs: number } | { fail: EffectOutcome } {
  if (liveKitFailureKind(err) === 'permanent') return { fail: 'refused' };
  if (attempts >= policy.maxAttempts) return { fail: 'retries_exhausted' };
  return { retryInMs: retryDelayMs(attempts, policy) };
}

const BATCH = 20;

export class EffectOutbox {
  readonly #store: EffectStore;
  readonly #gateway: EffectGateway;
  readonly #log: Logger;
  readonly #policy: EffectRetryPolicy;
  readonly #leaseMs: number;
  readonly #pollMs: number;
  readonly #now: () => number;
  readonly #onChange: ((effect: StageEffectRecord) => void) | undefined;
  readonly #waiters = new Set<() => void>();
  #draining: Promise<void> | undefined;
  #again = false;
  #timer: NodeJS.Timeout | undefined;
  #started = false;
  #stopped = false;

  constructor(store: EffectStore, gateway: EffectGateway, log: Logger, options: EffectOutboxOptions = {}) {
    this.#store = store;
    this.#gateway = gateway;
    this.#log = log;
    this.#policy = {
      maxAttempts: options.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
      baseDelayMs: options.baseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
      maxDelayMs: options.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
    };
    if (!Number.isInteger(this.#policy.maxAttempts) || this.#policy.maxAttempts < 1) throw new TypeError('maxAttempts must be a positive integer');
    if (!Number.isInteger(this.#policy.baseDelayMs) || this.#policy.baseDelayMs < 0) throw new TypeError('baseDelayMs must be a non-negative integer');
    if (!Number.isInteger(this.#policy.maxDelayMs) || this.#policy.maxDelayMs < this.#policy.baseDelayMs) throw new TypeError('maxDelayMs must be an integer ≥ baseDelayMs');
    this.#leaseMs = options.leaseMs ?? 30_000;
    this.#pollMs = options.pollMs ?? 5000;
    if (!Number.isInteger(this.#leaseMs) || this.#leaseMs < 1) throw new TypeError('leaseMs must be a positive integer');
    if (!Number.isInteger(this.#pollMs) || this.#pollMs < 1) throw new TypeError('pollMs must be a positive integer');
    this.#now = options.now ?? Date.now;
    this.#onChange = options.onChange;
  }

  /** Starts looking at the table on its own (effects left by a previous run, or queued by other processes). */
  start(): void {
    this.#started = true;
    this.#stopped = false;
    this.kick();
  }

  async stop(): Promise<void> {
    this.#started = false;
    this.#stopped = true; // the database may close next: later commands leave their effects queued for the next start
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#draining;
  }

  /** Something was queued: drain now (or right after the drain that is running). */
  kick(): void {
    if (this.#stopped) return;
    if (this.#draining !== undefined) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#draining = this.#drain()
      .catch((err: unknown) => this.#log.error({ err }, 'stage effects: the worker could not read its queue'))
      .finally(() => {
        this.#draining = undefined;
        if (this.#again) {
          this.#again = false;
          this.kick();
        } else void this.#schedule();
      });
  }

  /**
   * The effects `ids` once none of them is pending, or as they stand after `timeoutMs`. Status changes made by this
   * process's worker wake the wait; the table is read again at least every 250 ms for changes made elsewhere.
   */
  async waitFor(ids: readonly string[], timeoutMs: number): Promise<StageEffectRecord[]> {
    if (ids.length === 0) return [];
    const deadline = this.#now() + timeoutMs;
    for (;;) {
      const records = await this.#store.byIds(ids);
      const remaining = deadline - this.#now();
      if (records.every((r) => r.status !== 'pending') || remaining <= 0) return records;
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.#waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(250, remaining));
        this.#waiters.add(wake);
      });
    }
  }

  async #drain(): Promise<void> {
    for (;;) {
      const now = this.#now();
      const claimed = await this.#store.claim(now, now + this.#leaseMs, BATCH);
      if (claimed.length === 0) return;
      // Claimed effects are on different participants (one pending effect per participant is due at a time).
      await Promise.all(claimed.map((e) => this.#apply(e)));
    }
  }

  async #schedule(): Promise<void> {
    if (!this.#started || this.#timer !== undefined) return;
    let delay = this.#pollMs;
    try {
      const due = await this.#store.nextDue();
      if (due !== undefined) delay = Math.max(10, Math.min(this.#pollMs, due - this.#now()));
    } catch (err) {
      this.#log.warn({ err }, 'stage effects: could not read when the next effect is due');
    }
    if (!this.#started || this.#draining !== undefined || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.kick();
    }, delay);
    this.#timer.unref();
  }

  async #apply(effect: ClaimedEffect): Promise<void> {
    let record: StageEffectRecord | undefined;
    try {
      const outcome = await this.#carryOut(effect);
      record = await this.#store.settle(effect.id, 'applied', outcome, null, this.#now());
      this.#log.info({ effect: effect.id, kind: effect.kind, room: effect.roomId, identity: effect.identity, outcome, attempts: effect.attempts }, 'stage effect applied on LiveKit');
    } catch (err) {
      const message = describe(err);
      const next = afterFailure(err, effect.attempts, this.#policy);
      if ('fail' in next) {
        record = await this.#store.settle(effect.id, 'failed', next.fail, message, this.#now());
        this.#log.error({ err, effect: effect.id, kind: effect.kind, room: effect.roomId, identity: effect.identity, attempts: effect.attempts, outcome: next.fail }, 'stage effect failed on LiveKit; the host sees it as failed');
      } else {
        record = await this.#store.retryAt(effect.id, this.#now() + next.retryInMs, message);
        this.#log.warn({ err, effect: effect.id, kind: effect.kind, attempts: effect.attempts, retryInMs: next.retryInMs }, 'stage effect failed on LiveKit; retrying');
      }
    }
    if (record !== undefined) {
      try {
        this.#onChange?.(record);
      } catch (err) {
        this.#log.warn({ err }, 'stage effects: a listener threw');
      }
    }
    for (const wake of [...this.#waiters]) wake();
  }

  async #carryOut(e: ClaimedEffect): Promise<EffectOutcome> {
    switch (e.kind) {
      case 'grant_publish':
        return (await this.#gateway.setCanPublish(e.livekitRoom, e.identity, true)) ? 'applied' : 'participant_absent';
      case 'revoke_publish':
        // LiveKit unpublishes the participant's tracks when publishing is revoked.
        return (await this.#gateway.setCanPublish(e.livekitRoom, e.identity, false)) ? 'applied' : 'participant_absent';
      case 'mute_track':
        await this.#gateway.muteTracks(e.livekitRoom, e.identity);
        return 'applied';
      case 'remove':
        // The ban itself lives in the stage snapshot; LiveKit only needs to drop the connection.
        await this.#gateway.removeParticipant(e.livekitRoom, e.identity);
        return 'applied';
    }
  }
}

/** A short, host-readable reason (the full error goes to the log). */
function describe(err: unknown): string {
  const e = err as { message?: unknown; cause?: { code?: unknown; message?: unknown }; status?: unknown; name?: unknown };
  const parts = [typeof e?.name === 'string' && e.name !== 'Error' ? e.name : '', typeof e?.message === 'string' ? e.message : String(err)];
  if (typeof e?.status === 'number') parts.push(`(HTTP ${e.status})`);
  const cause = e?.cause;
  if (cause && (typeof cause.code === 'string' || typeof cause.message === 'string')) parts.push(`(${String(cause.code ?? cause.message)})`);
  return parts.filter(Boolean).join(' ').slice(0, 500);
}
