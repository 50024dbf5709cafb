// Repeats within the policy's window climb the ladder from the category's own action; a fixed clock throughout.
import test from 'ava';
import { PLATFORM_DEFAULT_POLICY, decideAction, mergeRoomPolicy, type PriorFlag } from '../../engine/moderation/room-policy.js';

const ZERO = { insult: 0, severe: 0, identity_hate: 0, threat: 0, harassment: 0, sexual: 0, self_harm: 0, spam: 0, personal_data: 0 };
const NOW = new Date('2026-11-01T10:00:00Z');
const at = (iso: string) => new Date(iso);
const threat = (priorFlags: PriorFlag[], policy = PLATFORM_DEFAULT_POLICY) => decideAction({ scores: { ...ZERO, threat: 0.98 }, policy, priorFlags, now: NOW });

test('a mute category climbs mute -> move_to_audience -> remove and stays at remove', (t) => {
  const prior = (n: number) => Array.from({ length: n }, (_, i) => ({ at: at(`2026-11-01T09:5${i + 1}:00Z`), categories: ['threat' as const] }));
  t.deepEqual([0, 1, 2, 3, 5].map((n) => [threat(prior(n)).step, threat(prior(n)).action]), [
    [1, 'mute'],
    [2, 'move_to_audience'],
    [3, 'remove'],
    [4, 'remove'],
    [6, 'remove'],
  ]);
  t.is(
    threat(prior(1)).reason,
    'threat 0.98 >= 0.95 (mute); enforcement flag 2 in 600 s (1 before) -> move_to_audience by the escalation ladder; policy platform-v2',
  );
  t.is(threat([]).reason, 'threat 0.98 >= 0.95 (mute); first enforcement flag in 600 s -> mute; policy platform-v2');
});

test('a notify_host category climbs notify_host -> mute -> move_to_audience -> remove', (t) => {
  const insult = (n: number) =>
    decideAction({
      scores: { ...ZERO, insult: 0.97 },
      policy: PLATFORM_DEFAULT_POLICY,
      priorFlags: Array.from({ length: n }, (_, i) => ({ at: at(`2026-11-01T09:59:0${i}Z`), categories: ['insult' as const] })),
      now: NOW,
    }).action;
  t.deepEqual([0, 1, 2, 3, 4].map(insult), ['notify_host', 'mute', 'move_to_audience', 'remove', 'remove']);
});

test('only flags inside the window count: exactly windowSeconds old is out, one second younger is in, later ones are ignored', (t) => {
  t.is(threat([{ at: at('2026-11-01T09:50:00Z'), categories: ['threat'] }]).action, 'mute');
  t.is(threat([{ at: at('2026-11-01T09:50:01Z'), categories: ['threat'] }]).action, 'move_to_audience');
  t.is(threat([{ at: at('2026-11-01T08:00:00Z'), categories: ['threat'] }, { at: at('2026-11-01T09:30:00Z'), categories: ['insult'] }]).step, 1);
  // A flag stamped after `now` (a replay of an earlier decision) is not a prior flag.
  t.is(threat([{ at: at('2026-11-01T10:00:01Z'), categories: ['threat'] }]).step, 1);
  // Same instant counts: it was decided before this one.
  t.is(threat([{ at: NOW, categories: ['threat'] }]).step, 2);
});

test('any earlier enforcement flag is a repeat, whatever its category', (t) => {
  t.is(threat([{ at: at('2026-11-01T09:58:00Z'), categories: ['spam'] }]).action, 'move_to_audience');
  t.is(threat([{ at: at('2026-11-01T09:58:00Z'), categories: ['self_harm', 'insult'] }]).action, 'move_to_audience');
  t.is(threat([{ at: at('2026-11-01T09:58:00Z'), categories: [] }]).action, 'mute');
});

test('never weaker than the category\'s own action; a room\'s longer window and ladder apply', (t) => {
  const strict = mergeRoomPolicy(PLATFORM_DEFAULT_POLICY, {
    categories: { threat: { action: 'remove' }, insult: { action: 'log' } },
    escalation: { windowSeconds: 3600, ladder: ['notify_host', 'mute', 'remove'] },
  });
  t.is(threat([], strict).action, 'remove');
  const halfHourAgo = [{ at: at('2026-11-01T09:30:00Z'), categories: ['insult' as const] }];
  t.is(threat(halfHourAgo).action, 'mute');
  const insult = (priorFlags: PriorFlag[]) => decideAction({ scores: { ...ZERO, insult: 0.97 }, policy: strict, priorFlags, now: NOW }).action;
  t.is(insult([]), 'log');
  t.is(insult(halfHourAgo), 'notify_host');
  t.is(insult([...halfHourAgo, { at: at('2026-11-01T09:40:00Z'), categories: ['insult'] }]), 'mute');
  t.is(insult([...halfHourAgo, ...halfHourAgo, ...halfHourAgo]), 'remove');
});

test('the strongest flagged category leads; the decision is the same every time', (t) => {
  const input = { scores: { ...ZERO, insult: 0.97, threat: 0.96, spam: 0.99 }, policy: PLATFORM_DEFAULT_POLICY, priorFlags: [{ at: at('2026-11-01T09:55:00Z'), categories: ['spam' as const] }], now: NOW };
  const d = decideAction(input);
  t.deepEqual(d, {
    flagged: true,
    categories: ['insult', 'threat', 'spam'],
    enforcementCategories: ['insult', 'threat', 'spam'],
    care: false,
    action: 'move_to_audience',
    step: 2,
    reason:
      'insult 0.97 >= 0.95 (notify_host), threat 0.96 >= 0.95 (mute), spam 0.99 >= 0.95 (notify_host); enforcement flag 2 in 600 s (1 before) -> move_to_audience by the escalation ladder; policy platform-v2',
  });
  t.deepEqual(decideAction(input), d);
});
