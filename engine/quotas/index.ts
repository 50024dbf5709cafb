// Public surface of engine/quotas: the generic rate limiter and the named quotas built on it.
export { PgRateLimiter, checkRateLimit } from './rate-limiter.js';
export type { PgRateLimiterOptions, RateDecision, RateLimit, RateLimiter } from './rate-limiter.js';
export { QUOTA_NAMES, Quotas, isQuotaName } from './quotas.js';
export type { QuotaLimits, QuotaName } from './quotas.js';
