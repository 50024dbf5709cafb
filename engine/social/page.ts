// Keyset pages: stores fetch limit+1 rows ordered by `seq`; the extra row only says another page exists.
import type { Page } from './types.js';

export function toPage<R extends { seq: string }, T>(rows: R[], limit: number, map: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  return { items: kept.map(map), nextCursor: more ? (kept.at(-1)?.seq ?? null) : null };
}
