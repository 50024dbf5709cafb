// Argument checks for engine/social: a wrong type or a malformed id is a programming error (TypeError naming the
// field); a cursor comes from clients, so a bad one is an `invalid` EngineError instead.
import { EngineError } from '../engine-error.js';
import type { PageRequest } from './types.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CURSOR = /^\d{1,18}$/;
export const MAX_PAGE_SIZE = 200;

/** Returns the id in lower case, the form PostgreSQL prints, so ids compare equal as strings. */
export function requireUuid(value: unknown, field: string): string {
  if (typeof value !== 'string' || !UUID.test(value)) throw new TypeError(`${field} must be a UUID string`);
  return value.toLowerCase();
}

export function requireOneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new TypeError(`${field} must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

export interface CheckedPage {
  limit: number;
  /** The seq after which the page starts, or null for the first page. */
  after: string | null;
}

export function requirePage(page: unknown): CheckedPage {
  if (typeof page !== 'object' || page === null) throw new TypeError('page must be an object');
  const { limit, cursor } = page as Partial<PageRequest>;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new TypeError(`page.limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  if (cursor === undefined || cursor === null) return { limit, after: null };
  if (typeof cursor !== 'string' || !CURSOR.test(cursor)) {
    throw new EngineError('invalid', 'invalid_cursor', 'cursor must be the nextCursor of a previous page', 'cursor');
  }
  return { limit, after: cursor };
}
