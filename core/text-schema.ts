// Text fields that must say something: trimmed, at least one character besides whitespace, bounded. The `\S`
// pattern states that rule in the OpenAPI document generated from the schema (a length checked after the trim is
// invisible there, so clients would send "   " and be refused).
import { z } from 'zod';

export function nonBlankText(max: number) {
  // The pattern alone (no min(1) as well), so blank text is reported once.
  return z.string().trim().max(max).regex(/\S/, 'must not be blank');
}
