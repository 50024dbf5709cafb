// Wrong calls are TypeErrors naming the field (mediasoup style); refusals are DomainErrors.
import test from 'ava';
import { DomainError, StageState, type Actor } from '../../engine/stage/index.js';
import { actor, at, stageWith } from './_fixtures.js';

const base = () => stageWith({ host: 'host', sp: 'speaker', ann: 'listener' });

test('time must be a finite, non-negative number', (t) => {
  for (const now of [Number.NaN, -1, Infinity, '1' as unknown as number, undefined as unknown as number]) {
    t.throws(() => base().raiseHand(actor('ann'), now), { instanceOf: TypeError, message: /now/ });
  }
});

test('actor and target must be identities', (t) => {
  t.throws(() => base().raiseHand(null as unknown as Actor, at(1)), { instanceOf: TypeError, message: /actor/ });
  t.throws(() => base().raiseHand({ identity: '' }, at(1)), { instanceOf: TypeError, message: /actor.identity/ });
  t.throws(() => base().raiseHand({ identity: 'ann', platformRoles: ['god' as never] }, at(1)), {
    instanceOf: TypeError,
    message: /actor.platformRoles/,
  });
  t.throws(() => base().mute(actor('host'), 5 as unknown as string, at(1)), { instanceOf: TypeError, message: /target/ });
});

test('flags must be booleans', (t) => {
  t.throws(() => base().setHandRaising(actor('host'), 'no' as unknown as boolean, at(1)), { instanceOf: TypeError, message: /enabled/ });
  t.throws(() => base().respondToInvite(actor('ann'), 1 as unknown as boolean, at(1)), { instanceOf: TypeError, message: /accept/ });
  t.throws(() => base().remove(actor('host'), 'ann', {} as { ban: boolean }, at(1)), { instanceOf: TypeError, message: /options.ban/ });
});

test('create checks its input', (t) => {
  t.throws(() => StageState.create({ roomId: '', hostId: 'h' }), { instanceOf: TypeError, message: /input.roomId/ });
  t.throws(() => StageState.create({ roomId: 'r', hostId: 'h', handRaisingEnabled: 1 as unknown as boolean }), {
    instanceOf: TypeError,
    message: /input.handRaisingEnabled/,
  });
});

test('a DomainError carries code, message and field, and serialises to them', (t) => {
  const err = t.throws(() => base().invite(actor('host'), 'sp', at(1)), { instanceOf: DomainError });
  t.true(err instanceof Error);
  t.is(err?.name, 'DomainError');
  t.deepEqual(JSON.parse(JSON.stringify(err)), { code: 'not_a_listener', message: 'sp is not a listener', field: 'target' });
});
