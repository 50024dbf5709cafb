// What each room state allows: scheduled rooms take settings and cancellation, ended rooms are read-only.
import test from 'ava';
import { ACTIONS, type Action, type Subject, authorize } from '../../engine/access/index.js';

const host: Subject = { memberId: 'h', platformRoles: ['member', 'admin', 'trust_safety'], roomRole: 'host' };
const target = { memberId: 'x', roomRole: 'listener' as const };

function allowedIn(roomState: 'scheduled' | 'live' | 'ended'): Action[] {
  return ACTIONS.filter((action) => authorize(host, action, { roomState, target }).allowed);
}

test('an ended room allows only viewing, reading transcripts and reading its moderation policy', (t) => {
  t.deepEqual(allowedIn('ended'), ['room.view', 'stage.view', 'stage.view_moderation', 'transcript.read', 'room.view_moderation_policy']);
  t.like(authorize(host, 'room.end', { roomState: 'ended' }), { allowed: false, code: 'room_ended' });
});

test('a scheduled room allows viewing, joining (policy permitting), settings, its moderation policy, cancelling and transcripts', (t) => {
  t.deepEqual(allowedIn('scheduled'), [
    'room.view',
    'room.join',
    'room.update',
    'room.start',
    'room.cancel',
    'room.end',
    'room.invite',
    'room.set_hand_raising',
    'stage.view',
    'stage.view_moderation',
    'transcript.read',
    'room.view_moderation_policy',
    'room.moderation_policy',
  ]);
  t.like(authorize(host, 'room.report', { roomState: 'scheduled' }), { allowed: false, code: 'room_not_live' });
  t.like(authorize(host, 'stage.invite', { roomState: 'scheduled', target }), { allowed: false, code: 'room_not_live' });
});

test('starting and cancelling are only possible before the room starts', (t) => {
  t.like(authorize(host, 'room.start', { roomState: 'live' }), { allowed: false, code: 'not_scheduled' });
  t.like(authorize(host, 'room.cancel', { roomState: 'live' }), { allowed: false, code: 'not_scheduled' });
  t.like(authorize(host, 'room.start', { roomState: 'ended' }), { allowed: false, code: 'room_ended' });
});
