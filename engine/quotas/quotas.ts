// Named quotas over the one RateLimiter: each quota is a keyed, windowed limit from the configuration, and a refusal
// is the same EngineError everywhere (kind rate_limited, code `rate_limited`, retryAfterSeconds), which the API
// answers with 429 and Retry-After. New quotas (the moderation issue's reports, say) add a name here and a config
// value; routes declare which quota they spend (api/route.ts `quota`).
import { EngineError } from '../engine-error.js';
import { type RateLimit, type RateLimiter, checkRateLimit } from './rate-limiter.js';

export const QUOTA_NAMES = ['signup', 'room_create', 'reaction', 'report', 'invitation', 'media_upload'] as const;
export type QuotaName = (typeof QUOTA_NAMES)[number];

export type QuotaLimits = Readonly<Record<QuotaName, RateLimit>>;

/** What each quota counts, for messages. */
const WHAT: Record<QuotaName, string> = {
  signup: 'sign-ups from this address',
  room_create: 'rooms created',
  reaction: 'reactions in this room',
  report: 'reports',
  invitation: 'invitations and connection requests',
  media_upload: 'photo and intro uploads',
};

export function isQuotaName(value: unknown): value is QuotaName {
  return typeof value === 'string' && (QUOTA_NAMES as readonly string[]).includes(value);
}

export class Quotas {
  readonly #limiter: RateLimiter;
  readonly #limits: QuotaLimits;

  constructor(limiter: RateLimiter, limits: QuotaLimits) {
    if (limiter === null || typeof limiter !== 'object' || typeof limiter.consume !== 'function') throw new TypeError('limiter must be a RateLimiter');
    if (limits === null || typeof limits !== 'object') throw new TypeError('limits must be an object');
    for (const name of QUOTA_NAMES) checkRateLimit(limits[name], `limits.${name}`);
    this.#limiter = limiter;
    this.#limits = limits;
  }

  /** Spends one unit of `name` for `key`, or throws EngineError rate_limited saying when to try again. */
  async consume(name: QuotaName, key: string): Promise<void> {
    if (!isQuotaName(name)) throw new TypeError(`name must be one of ${QUOTA_NAMES.join(', ')}`);
    const limit = this.#limits[name];
    const decision = await this.#limiter.consume(name, key, limit);
    if (decision.allowed) return;
    throw new EngineError(
      'rate_limited',
      'rate_limited',
      `too many ${WHAT[name]}: at most ${limit.limit} per ${describeWindow(limit.windowSeconds)}; try again in ${decision.retryAfterSeconds} s`,
      undefined,
      decision.retryAfterSeconds,
    );
  }

  /** Gives back the unit spent by a request that was then refused as bad input (it did no work). */
  async refund(name: QuotaName, key: string): Promise<void> {
    if (!isQuotaName(name)) throw new TypeError(`name must be one of ${QUOTA_NAMES.join(', ')}`);
    await this.#limiter.refund(name, key);
  }

  limit(name: QuotaName): RateLimit {
    if (!isQuotaName(name)) throw new TypeError(`name must be one of ${QUOTA_NAMES.join(', ')}`);
    return this.#limits[name];
  }
}

function describeWindow(seconds: number): string {
  if (seconds % 3600 === 0) return seconds === 3600 ? 'hour' : `${seconds / 3600} hours`;
  if (seconds % 60 === 0) return seconds === 60 ? 'minute' : `${seconds / 60} minutes`;
  return `${seconds} s`;
}
