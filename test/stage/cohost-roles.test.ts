// Co-host promotion and demotion: host promotes speakers, co-hosts step down, the host cannot demote themself.
import test from 'ava';
import { DomainError } from '../../engine/stage/index.js';
import { actor, at, stageWith } from './_fixtures.js';

const base = () => stageWith({ host: 'host', mod: 'co_host', mod2: 'co_host', sp: 'speaker', ann: 'listener' });

test('the host promotes a speaker to co-host', (t) => {
  const { state, effects, events } = base().promoteCohost(actor('host'), 'sp', at(1));
  t.is(state.roleOf('sp'), 'co_host');
  t.deepEqual(effects, [{ kind: 'set_role', identity: 'sp', role: 'co_host' }]);
  t.deepEqual(events, [{ type: 'cohost_promoted', identity: 'sp', by: 'host', at: at(1) }]);
});

test('a listener cannot be promoted straight to co-host (it would skip the two keys)', (t) => {
  const err = t.throws(() => base().promoteCohost(actor('host'), 'ann', at(1)), { instanceOf: DomainError });
  t.is(err?.code, 'not_a_speaker');
});

test('promoting a co-host again changes nothing; co-hosts cannot promote', (t) => {
  const s = base();
  t.is(s.promoteCohost(actor('host'), 'mod', at(1)).state, s);
  t.is(t.throws(() => s.promoteCohost(actor('mod'), 'sp', at(1)), { instanceOf: DomainError })?.code, 'role_forbidden');
});

test('the host demotes a co-host, who stays on stage as a speaker (publishing untouched)', (t) => {
  const { state, effects, events } = base().demoteCohost(actor('host'), 'mod', at(1));
  t.is(state.roleOf('mod'), 'speaker');
  t.deepEqual(effects, [{ kind: 'set_role', identity: 'mod', role: 'speaker' }]);
  t.deepEqual(events, [{ type: 'cohost_demoted', identity: 'mod', by: 'host', at: at(1) }]);
});

test('a co-host steps down themself but cannot demote another co-host', (t) => {
  t.is(base().demoteCohost(actor('mod'), 'mod', at(1)).state.roleOf('mod'), 'speaker');
  t.is(t.throws(() => base().demoteCohost(actor('mod'), 'mod2', at(1)), { instanceOf: DomainError })?.code, 'target_protected');
});

test('the host cannot demote themself: the room would have no host', (t) => {
  const err = t.throws(() => base().demoteCohost(actor('host'), 'host', at(1)), { instanceOf: DomainError });
  t.is(err?.code, 'last_host');
});

test('demoting someone who is not a co-host is refused', (t) => {
  t.is(t.throws(() => base().demoteCohost(actor('host'), 'sp', at(1)), { instanceOf: DomainError })?.code, 'not_a_cohost');
});

test('a co-host who leaves the stage loses the role and publishing', (t) => {
  const { state, effects } = base().leaveStage(actor('mod'), at(1));
  t.is(state.roleOf('mod'), 'listener');
  t.deepEqual(effects, [
    { kind: 'revoke_publish', identity: 'mod' },
    { kind: 'set_role', identity: 'mod', role: 'listener' },
  ]);
});
