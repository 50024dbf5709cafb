// Moderators act only on people they strictly outrank; staff may act on anyone but themselves.
import test from 'ava';
import { type RoomRole, type Subject, authorize } from '../../engine/access/index.js';

const member = (roomRole: RoomRole | null, memberId = 'me'): Subject => ({ memberId, platformRoles: ['member'], roomRole });
const on = (roomRole: RoomRole | null, memberId = 'them') => ({ roomState: 'live' as const, target: { memberId, roomRole } });

test('a co-host cannot mute, remove or move the host', (t) => {
  for (const action of ['participant.mute', 'participant.remove', 'stage.move_to_audience'] as const) {
    const d = authorize(member('co_host'), action, on('host'));
    t.like(d, { allowed: false, code: 'target_protected' }, action);
  }
});

test('co-hosts cannot act on each other, the host can act on a co-host', (t) => {
  t.like(authorize(member('co_host'), 'participant.remove', on('co_host')), { allowed: false, code: 'target_protected' });
  t.like(authorize(member('co_host'), 'role.demote_cohost', on('co_host')), { allowed: false, code: 'target_protected' });
  t.like(authorize(member('host'), 'participant.remove', on('co_host')), { allowed: true, via: 'host' });
  t.like(authorize(member('host'), 'stage.move_to_audience', on('co_host')), { allowed: true });
});

test('co-hosts moderate speakers and listeners', (t) => {
  t.like(authorize(member('co_host'), 'participant.remove', on('listener')), { allowed: true, via: 'co_host' });
  t.like(authorize(member('co_host'), 'participant.mute', on('speaker')), { allowed: true });
});

test('staff may act on the host', (t) => {
  const staff: Subject = { memberId: 'ts', platformRoles: ['member', 'trust_safety'], roomRole: null };
  t.like(authorize(staff, 'participant.remove', on('host')), { allowed: true, via: 'trust_safety' });
  t.like(authorize(staff, 'participant.mute', on('host')), { allowed: true });
});

test('moderation actions cannot target yourself', (t) => {
  for (const action of ['participant.mute', 'participant.remove', 'stage.move_to_audience', 'stage.invite', 'role.promote_cohost'] as const) {
    t.like(authorize(member('host', 'me'), action, on('host', 'me')), { allowed: false, code: 'self_target' }, action);
  }
  const staff: Subject = { memberId: 'me', platformRoles: ['admin'], roomRole: 'listener' };
  t.like(authorize(staff, 'participant.remove', on('listener', 'me')), { allowed: false, code: 'self_target' });
});

test('a co-host may demote themself; the host passes authorization (the stage then refuses: last host)', (t) => {
  t.like(authorize(member('co_host', 'me'), 'role.demote_cohost', on('co_host', 'me')), { allowed: true, via: 'co_host' });
  t.like(authorize(member('host', 'me'), 'role.demote_cohost', on('host', 'me')), { allowed: true });
});

test('a target who is not in the room is refused as such', (t) => {
  t.like(authorize(member('host'), 'participant.mute', on(null)), { allowed: false, code: 'target_not_in_room' });
});

test('someone without the role is refused for the role, before anything is said about the target', (t) => {
  t.like(authorize(member('listener'), 'participant.remove', on(null)), { allowed: false, code: 'role_forbidden' });
  t.like(authorize(member(null), 'participant.remove', on('speaker')), { allowed: false, code: 'not_in_room' });
});
