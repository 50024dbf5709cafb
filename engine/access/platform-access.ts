// The platform half of the one authorization table: actions that belong to no room, decided by platform roles
// alone. Room actions live in authorize.ts; both are the only places that say who may do what.
import { type PlatformRole, isPlatformRole } from './roles.js';

export const PLATFORM_ACTIONS = ['staff.console', 'platform.set_roles', 'group.view_private_members', 'moderation.review', 'audit.read', 'matching.participate'] as const;
export type PlatformAction = (typeof PLATFORM_ACTIONS)[number];

const STAFF: readonly PlatformRole[] = ['trust_safety', 'admin'];

/**
 * - staff.console: the staff-only API (transcripts, health details, and the trust-and-safety routes to come).
 * - platform.set_roles: granting or revoking platform roles is for admins only, never trust-and-safety.
 * - group.view_private_members: staff may see a private group's members (reports about a group need it).
 * - moderation.review: the case queue, case detail, decisions, appeals, transcript search and evidence audio.
 * - audit.read: the audit log (who did what to whom), for the staff who answer for it.
 * - matching.participate: see and answer your own suggestions, notifications and match rooms (every member; whose
 *   suggestion it is, is checked on the row: someone else's reads as not found).
 */
export const PLATFORM_ACCESS_TABLE: Readonly<Record<PlatformAction, readonly PlatformRole[]>> = {
  'staff.console': STAFF,
  'platform.set_roles': ['admin'],
  'group.view_private_members': STAFF,
  'moderation.review': STAFF,
  'audit.read': STAFF,
  'matching.participate': ['member', 'trust_safety', 'admin'],
};

export type PlatformDecision = { allowed: true; via: PlatformRole } | { allowed: false; code: 'role_forbidden'; reason: string };

export function isPlatformAction(value: unknown): value is PlatformAction {
  return typeof value === 'string' && (PLATFORM_ACTIONS as readonly string[]).includes(value);
}

export function authorizePlatform(platformRoles: readonly PlatformRole[], action: PlatformAction): PlatformDecision {
  if (!Array.isArray(platformRoles) || !platformRoles.every(isPlatformRole)) throw new TypeError('platformRoles must be an array of platform roles');
  if (!isPlatformAction(action)) throw new TypeError(`action must be one of the platform actions, got ${String(action)}`);
  const allowedRoles = PLATFORM_ACCESS_TABLE[action];
  const via = platformRoles.find((r) => allowedRoles.includes(r));
  if (via !== undefined) return { allowed: true, via };
  return { allowed: false, code: 'role_forbidden', reason: `${action} is reserved to ${allowedRoles.join(', ')}` };
}
