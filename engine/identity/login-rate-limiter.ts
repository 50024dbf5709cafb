// Login throttling per (ip, e-mail): a sliding-window log, so a burst at a window edge cannot double the allowance.
// Every attempt counts (call consume() before checking the password); a successful login calls reset().
// Refused attempts are not recorded, so a locked-out person gets in as soon as the window slides.
// Memory is bounded: past maxKeys, stale keys are swept and then the least recently used keys dropped.

export interface LoginRateLimiterOptions {
  /** Attempts allowed per window for one (ip, e-mail). */
  maxAttempts: number;
  windowSeconds: number;
  /** Milliseconds since epoch; injected so tests (and the lead) control time. */
  now: () => number;
  /** Most (ip, e-mail) keys remembered at once. Default 50 000. */
  maxKeys?: number;
}

export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

export class LoginRateLimiter {
  readonly #maxAttempts: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #maxKeys: number;
  /** key -> attempt times (ms), oldest first; Map order doubles as least-recently-used order. */
  readonly #attempts = new Map<string, number[]>();

  constructor(options: LoginRateLimiterOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    const { maxAttempts, windowSeconds, now, maxKeys = 50_000 } = options;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new TypeError('options.maxAttempts must be a positive integer');
    if (typeof windowSeconds !== 'number' || !Number.isFinite(windowSeconds) || windowSeconds <= 0) {
      throw new TypeError('options.windowSeconds must be a positive number');
    }
    if (typeof now !== 'function') throw new TypeError('options.now must be a function returning milliseconds');
    if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new TypeError('options.maxKeys must be a positive integer');
    this.#maxAttempts = maxAttempts;
    this.#windowMs = windowSeconds * 1000;
    this.#now = now;
    this.#maxKeys = maxKeys;
  }

  /** Records one login attempt if allowed; otherwise says how long to wait. */
  consume(ip: string, email: string): RateDecision {
    const key = LoginRateLimiter.#key(ip, email);
    const now = this.#readClock();
    const recent = this.#recent(key, now);
    const decision = this.#decide(recent, now);
    if (!decision.allowed) return decision;
    recent.push(now);
    this.#attempts.delete(key);
    this.#attempts.set(key, recent);
    this.#bound(now);
    return { allowed: true, remaining: this.#maxAttempts - recent.length };
  }

  /** The decision consume() would make, without recording anything. */
  peek(ip: string, email: string): RateDecision {
    const now = this.#readClock();
    return this.#decide(this.#recent(LoginRateLimiter.#key(ip, email), now), now);
  }

  /** Forget the attempts of (ip, e-mail): call after a successful login. */
  reset(ip: string, email: string): void {
    this.#attempts.delete(LoginRateLimiter.#key(ip, email));
  }

  /** Keys currently remembered. */
  get size(): number {
    return this.#attempts.size;
  }

  #decide(recent: number[], now: number): RateDecision {
    if (recent.length < this.#maxAttempts) return { allowed: true, remaining: this.#maxAttempts - recent.length };
    // The window frees a slot when the oldest attempt that still counts slides out of it.
    const oldest = recent[recent.length - this.#maxAttempts] ?? now;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + this.#windowMs - now) / 1000)) };
  }

  #recent(key: string, now: number): number[] {
    const since = now - this.#windowMs;
    return (this.#attempts.get(key) ?? []).filter((t) => t > since);
  }

  #bound(now: number): void {
    if (this.#attempts.size <= this.#maxKeys) return;
    const since = now - this.#windowMs;
    for (const [key, times] of this.#attempts) {
      if (times.every((t) => t <= since)) this.#attempts.delete(key);
    }
    for (const key of this.#attempts.keys()) {
      if (this.#attempts.size <= this.#maxKeys) break;
      this.#attempts.delete(key);
    }
  }

  #readClock(): number {
    const now = this.#now();
    if (typeof now !== 'number' || !Number.isFinite(now)) throw new TypeError('options.now() must return a finite number of milliseconds');
    return now;
  }

  static #key(ip: string, email: string): string {
    if (typeof ip !== 'string' || ip.length === 0) throw new TypeError('ip must be a non-empty string');
    if (typeof email !== 'string') throw new TypeError('email must be a string');
    return `${ip}\u0000${email.trim().toLowerCase()}`;
  }
}
