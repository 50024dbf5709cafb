// Argument checks shared inside matcher/: a wrong type or range is a programming error, so it throws TypeError
// naming the argument. Member input that can be wrong (availability from an API body) is validated separately and
// comes back as field errors instead (see availability-validation.ts).

/** One problem with member input, addressed by a field path such as `availability.ranges[0].end` (for an API 400). */
export interface FieldError {
  field: string;
  message: string;
}

/** An instant: epoch milliseconds or a Date. Everything in matcher/ takes the clock as an argument, never reads it. */
export type InstantInput = number | Date;

export function requireInstant(value: unknown, name: string): number {
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new TypeError(`${name} must be a Date or epoch milliseconds`);
  return ms;
}

export function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`${name} must be a non-empty string`);
  return value;
}

export function requireStringArray(value: unknown, name: string): readonly string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new TypeError(`${name} must be an array of strings`);
  return value as string[];
}

export function requireObject(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError(`${name} must be an object`);
  return value as Record<string, unknown>;
}

export function requireFunction<F extends (...args: never[]) => unknown>(value: unknown, name: string): F {
  if (typeof value !== 'function') throw new TypeError(`${name} must be a function`);
  return value as F;
}

export function requireBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean`);
  return value;
}

/** A finite number within [min, max]; `integer` also demands a whole number. */
export function requireNumber(
  value: unknown,
  name: string,
  { min = -Infinity, max = Infinity, integer = false }: { min?: number; max?: number; integer?: boolean } = {},
): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new TypeError(`${name} must be a finite ${integer ? 'integer' : 'number'}`);
  }
  if (value < min || value > max) {
    const range = max === Infinity ? `>= ${min}` : min === -Infinity ? `<= ${max}` : `between ${min} and ${max}`;
    throw new TypeError(`${name} must be ${range}`);
  }
  return value;
}
