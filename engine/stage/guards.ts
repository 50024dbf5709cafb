// Argument checks for engine/stage: wrong types and impossible values are programming errors -> TypeError naming the
// field. Refusals a user can cause (wrong role, no raised hand, ...) are DomainErrors instead.
import { type PlatformRole, isPlatformRole } from '../access/index.js';

export function requireIdentity(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 256) {
    throw new TypeError(`${field} must be a non-empty string of at most 256 characters`);
  }
  return value;
}

/** Milliseconds since epoch, passed in by the caller (never read from the clock here). */
export function requireTime(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`${field} must be a finite, non-negative number of milliseconds since epoch`);
  }
  return value;
}

export function requireBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${field} must be a boolean`);
  return value;
}

export function requireRecord(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError(`${field} must be an object`);
  return value as Record<string, unknown>;
}

export function requireArray(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`${field} must be an array`);
  return value;
}

/** Who performs a command: a member identity and, for staff, their platform roles (default: a plain member). */
export interface Actor {
  identity: string;
  platformRoles?: readonly PlatformRole[];
}

export function requireActor(value: unknown): { identity: string; platformRoles: readonly PlatformRole[] } {
  const actor = requireRecord(value, 'actor');
  const identity = requireIdentity(actor.identity, 'actor.identity');
  const roles = actor.platformRoles ?? ['member'];
  if (!Array.isArray(roles) || !roles.every(isPlatformRole)) throw new TypeError('actor.platformRoles must be an array of platform roles');
  return { identity, platformRoles: roles };
}
