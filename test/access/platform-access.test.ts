// The platform half of the authorization table, decided by platform roles alone.
import test from 'ava';
import { PLATFORM_ACTIONS, PLATFORM_ACCESS_TABLE, authorizePlatform } from '../../engine/access/index.js';

test('every platform action has a row, and only the roles in it are allowed', (t) => {
  t.deepEqual(Object.keys(PLATFORM_ACCESS_TABLE).sort(), [...PLATFORM_ACTIONS].sort());
  for (const action of PLATFORM_ACTIONS) {
    for (const role of ['member', 'trust_safety', 'admin'] as const) {
      t.is(authorizePlatform([role], action).allowed, PLATFORM_ACCESS_TABLE[action].includes(role), `${role} on ${action}`);
    }
  }
});

test('setting platform roles is for admins, not for trust-and-safety staff', (t) => {
  t.like(authorizePlatform(['member', 'trust_safety'], 'platform.set_roles'), { allowed: false, code: 'role_forbidden' });
  t.like(authorizePlatform(['member', 'admin'], 'platform.set_roles'), { allowed: true, via: 'admin' });
  t.like(authorizePlatform(['member'], 'staff.console'), { allowed: false });
  t.like(authorizePlatform(['member', 'trust_safety'], 'staff.console'), { allowed: true, via: 'trust_safety' });
});

test('the platform table, written out: who may do what', (t) => {
  const expected: Record<string, string[]> = {
    'staff.console': ['trust_safety', 'admin'],
    'platform.set_roles': ['admin'],
    'group.view_private_members': ['trust_safety', 'admin'],
    'moderation.review': ['trust_safety', 'admin'],
    'audit.read': ['trust_safety', 'admin'],
    'matching.participate': ['member', 'trust_safety', 'admin'],
  };
  t.deepEqual(Object.keys(expected).sort(), [...PLATFORM_ACTIONS].sort());
  for (const [action, roles] of Object.entries(expected)) {
    for (const role of ['member', 'trust_safety', 'admin'] as const) {
      t.is(authorizePlatform([role], action as never).allowed, roles.includes(role), `${role} on ${action}`);
    }
  }
  t.like(authorizePlatform(['member'], 'moderation.review'), { allowed: false, code: 'role_forbidden' });
});

test('bad arguments are a TypeError', (t) => {
  t.throws(() => authorizePlatform(['member', 'root' as never], 'staff.console'), { instanceOf: TypeError });
  t.throws(() => authorizePlatform('admin' as never, 'staff.console'), { instanceOf: TypeError });
  t.throws(() => authorizePlatform(['admin'], 'platform.everything' as never), { instanceOf: TypeError });
});
