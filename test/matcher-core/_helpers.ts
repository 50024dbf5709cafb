// Shared test helpers: fixed instants written literally (never the real clock), and a seeded PRNG.
import type { UtcInterval } from '../../matcher/index.js';
import { mulberry32 as prng } from '../../core/random.js';
export { mulberry32 as prng } from '../../core/random.js';

/** An instant from a literal ISO string with an explicit Z, e.g. at('2025-03-03T13:00Z'). */
export function at(iso: string): number {
  if (!iso.endsWith('Z')) throw new Error(`test instants must be UTC: ${iso}`);
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad test instant ${iso}`);
  return ms;
}

/** An interval from two literal UTC instants. */
export function iv(start: string, end: string): UtcInterval {
  return { start: at(start), end: at(end) };
}

function minute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16)}Z`;
}

/** Intervals as 'YYYY-MM-DDTHH:MMZ/YYYY-MM-DDTHH:MMZ' strings, to compare with literal expectations. */
export function show(list: readonly UtcInterval[]): string[] {
  return list.map((x) => `${minute(x.start)}/${minute(x.end)}`);
}

