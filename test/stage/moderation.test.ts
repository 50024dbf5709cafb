// Moderators mute speakers, move them to the audience and remove participants, with or without a ban.
import test from 'ava';
import { DomainError } from '../../engine/stage/index.js';
import { actor, at, stageWith } from './_fixtures.js';

const base = () => stageWith({ host: 'host', mod: 'co_host', sp: 'speaker', ann: 'listener' });
const staff = { identity: 'ts-1', platformRoles: ['member', 'trust_safety'] as const };

test('mute asks LiveKit to mute the track and records who did it; the role is unchanged', (t) => {
  const { state, effects, events } = base().mute(actor('mod'), 'sp', at(1));
  t.deepEqual(effects, [{ kind: 'mute_track', identity: 'sp' }]);
  t.deepEqual(events, [{ type: 'participant_muted', identity: 'sp', by: 'mod', at: at(1) }]);
  t.is(state.roleOf('sp'), 'speaker');
});

test('move to audience revokes publishing', (t) => {
  const { state, effects, events } = base().moveToAudience(actor('host'), 'sp', at(1));
  t.is(state.roleOf('sp'), 'listener');
  t.deepEqual(effects, [
    { kind: 'revoke_publish', identity: 'sp' },
    { kind: 'set_role', identity: 'sp', role: 'listener' },
  ]);
  t.deepEqual(events, [{ type: 'stage_left', identity: 'sp', by: 'host', reason: 'moved_to_audience', at: at(1) }]);
});

test('the host moves a co-host to the audience, who loses the co-host role', (t) => {
  const { state } = base().moveToAudience(actor('host'), 'mod', at(1));
  t.is(state.roleOf('mod'), 'listener');
});

test('moving a listener to the audience is refused', (t) => {
  t.is(t.throws(() => base().moveToAudience(actor('host'), 'ann', at(1)), { instanceOf: DomainError })?.code, 'not_on_stage');
});

test('nobody moves the host to the audience, staff included', (t) => {
  t.is(t.throws(() => base().moveToAudience(actor('mod'), 'host', at(1)), { instanceOf: DomainError })?.code, 'target_protected');
  t.is(t.throws(() => base().moveToAudience(staff, 'host', at(1)), { instanceOf: DomainError })?.code, 'target_protected');
});

test('a speaker leaves the stage on their own', (t) => {
  const { state, effects, events } = base().leaveStage(actor('sp'), at(1));
  t.is(state.roleOf('sp'), 'listener');
  t.deepEqual(effects[0], { kind: 'revoke_publish', identity: 'sp' });
  t.deepEqual(events, [{ type: 'stage_left', identity: 'sp', by: 'sp', reason: 'left', at: at(1) }]);
  t.is(t.throws(() => base().leaveStage(actor('host'), at(1)), { instanceOf: DomainError })?.code, 'role_forbidden');
});

test('remove with a ban: out of the room, banned, and a rejoin is refused', (t) => {
  const { state, effects, events } = base().remove(actor('mod'), 'ann', { ban: true }, at(1));
  t.is(state.roleOf('ann'), null);
  t.true(state.isBanned('ann'));
  t.deepEqual(effects, [{ kind: 'remove', identity: 'ann', ban: true }]);
  t.deepEqual(events, [{ type: 'participant_removed', identity: 'ann', by: 'mod', ban: true, at: at(1) }]);
  const err = t.throws(() => state.join({ identity: 'ann', transcriptionConsentAt: at(2) }, at(2)), { instanceOf: DomainError });
  t.is(err?.code, 'banned');
});

test('remove without a ban lets them come back', (t) => {
  const { state } = base().remove(actor('host'), 'sp', { ban: false }, at(1));
  t.false(state.isBanned('sp'));
  t.is(state.join({ identity: 'sp', transcriptionConsentAt: at(2) }, at(2)).state.roleOf('sp'), 'listener');
});

test('removal takes the hand and invitation with it', (t) => {
  const s = base().raiseHand(actor('ann'), at(1)).state.invite(actor('mod'), 'ann', at(2)).state;
  const { state } = s.remove(actor('host'), 'ann', { ban: false }, at(3));
  t.deepEqual(state.handQueue, []);
  t.deepEqual(state.invites, []);
});

test('staff remove anyone, even without being in the room', (t) => {
  const { state, events } = base().remove(staff, 'sp', { ban: true }, at(1));
  t.true(state.isBanned('sp'));
  t.like(events[0], { type: 'participant_removed', by: 'ts-1' });
});

test('speakers cannot mute or remove; nobody removes themself', (t) => {
  t.is(t.throws(() => base().mute(actor('sp'), 'mod', at(1)), { instanceOf: DomainError })?.code, 'role_forbidden');
  t.is(t.throws(() => base().remove(actor('sp'), 'ann', { ban: true }, at(1)), { instanceOf: DomainError })?.code, 'role_forbidden');
  t.is(t.throws(() => base().remove(actor('host'), 'host', { ban: false }, at(1)), { instanceOf: DomainError })?.code, 'self_target');
});
