// Programming errors in the call are TypeErrors naming the field, never a silent denial.
import test from 'ava';
import { type Action, type AuthorizeContext, type Subject, authorize } from '../../engine/access/index.js';

const ok: Subject = { memberId: 'm', platformRoles: ['member'], roomRole: 'host' };

test('bad subjects', (t) => {
  t.throws(() => authorize(null as unknown as Subject, 'room.view', { roomState: 'live' }), { instanceOf: TypeError, message: /subject/ });
  t.throws(() => authorize({ ...ok, memberId: '' }, 'room.view', { roomState: 'live' }), { instanceOf: TypeError, message: /subject.memberId/ });
  t.throws(() => authorize({ ...ok, platformRoles: ['root' as never] }, 'room.view', { roomState: 'live' }), {
    instanceOf: TypeError,
    message: /subject.platformRoles/,
  });
  t.throws(() => authorize({ ...ok, roomRole: 'owner' as never }, 'room.view', { roomState: 'live' }), {
    instanceOf: TypeError,
    message: /subject.roomRole/,
  });
});

test('unknown actions and room states', (t) => {
  t.throws(() => authorize(ok, 'room.delete' as Action, { roomState: 'live' }), { instanceOf: TypeError, message: /action/ });
  t.throws(() => authorize(ok, 'room.view', { roomState: 'paused' } as unknown as AuthorizeContext), {
    instanceOf: TypeError,
    message: /ctx.roomState/,
  });
});

test('a targeted action without a target', (t) => {
  t.throws(() => authorize(ok, 'participant.mute', { roomState: 'live' }), { instanceOf: TypeError, message: /ctx.target is required/ });
  t.throws(() => authorize(ok, 'participant.mute', { roomState: 'live', target: { memberId: 'x', roomRole: 'boss' as never } }), {
    instanceOf: TypeError,
    message: /ctx.target.roomRole/,
  });
});
