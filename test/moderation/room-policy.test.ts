import fs from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { REPO_ROOT } from '../../models/classifier/head-file.js';
import { DEFAULT_HARM_CLASSIFIER_ID, getTrainedModelSpec } from '../../models/registry.js';
import {
  PLATFORM_DEFAULT_POLICY,
  PLATFORM_FLOOR_CATEGORIES,
  decideAction,
  mergeRoomPolicy,
  platformDefaultPolicy,
  validateRoomPolicyOverride,
  type RoomPolicy,
} from '../../engine/moderation/room-policy.js';

const ZERO = { insult: 0, severe: 0, identity_hate: 0, threat: 0, harassment: 0, sexual: 0, self_harm: 0, spam: 0, personal_data: 0 };
const NOW = new Date('2026-11-01T10:00:00Z');

test('the platform default policy: calibrated thresholds, default actions, self_harm as care', (t) => {
  t.is(PLATFORM_DEFAULT_POLICY.version, 'platform-v2');
  t.deepEqual(PLATFORM_DEFAULT_POLICY.categories, {
    insult: { threshold: 0.95, action: 'notify_host' },
    severe: { threshold: 0.95, action: 'mute' },
    identity_hate: { threshold: 0.95, action: 'mute' },
    threat: { threshold: 0.95, action: 'mute' },
    harassment: { threshold: 0.95, action: 'notify_host' },
    sexual: { threshold: 0.95, action: 'notify_host' },
    self_harm: { threshold: 0.95, action: 'care' },
    spam: { threshold: 0.95, action: 'notify_host' },
    personal_data: { threshold: 0.95, action: 'mute' },
  });
  t.deepEqual(PLATFORM_DEFAULT_POLICY.escalation, { windowSeconds: 600, ladder: ['notify_host', 'mute', 'move_to_audience', 'remove'] });
  t.deepEqual([...PLATFORM_FLOOR_CATEGORIES], ['severe', 'threat', 'identity_hate']);
  // Shared by every room: nobody may change it in place.
  t.throws(() => {
    (PLATFORM_DEFAULT_POLICY.categories.threat as { threshold: number }).threshold = 0.99;
  }, { instanceOf: TypeError });
  t.throws(() => (PLATFORM_DEFAULT_POLICY.escalation.ladder as string[]).push('log'), { instanceOf: TypeError });
});

test('the built-in thresholds are the shipped head file\'s calibrated ones', async (t) => {
  const head = JSON.parse(await fs.readFile(path.join(REPO_ROOT, getTrainedModelSpec(DEFAULT_HARM_CLASSIFIER_ID).repoPath), 'utf8')) as { thresholds: Record<string, number> };
  const ours = Object.fromEntries(Object.entries(PLATFORM_DEFAULT_POLICY.categories).map(([c, p]) => [c, p.threshold]));
  t.deepEqual(ours, head.thresholds);
});

test('platformDefaultPolicy takes a classifier\'s calibrated thresholds and versions them deterministically', (t) => {
  const thresholds = { insult: 0.8, severe: 0.7, identity_hate: 0.75, threat: 0.5, harassment: 0.5, sexual: 0.6, self_harm: 0.6, spam: 0.9, personal_data: 0.95 };
  const policy = platformDefaultPolicy(thresholds);
  t.deepEqual(policy.categories.severe, { threshold: 0.7, action: 'mute' });
  t.deepEqual(policy.categories.self_harm, { threshold: 0.6, action: 'care' });
  t.regex(policy.version, /^platform-v2~thresholds:[0-9a-f]{12}$/);
  t.is(platformDefaultPolicy({ ...thresholds }).version, policy.version);
  t.not(platformDefaultPolicy({ ...thresholds, spam: 0.91 }).version, policy.version);
  t.is(platformDefaultPolicy({ insult: 0.95, severe: 0.95, identity_hate: 0.95, threat: 0.95, harassment: 0.95, sexual: 0.95, self_harm: 0.95, spam: 0.95, personal_data: 0.95 }).version, 'platform-v2');
});

test('a host may tighten any category and set the others freely', (t) => {
  const override = {
    categories: {
      threat: { threshold: 0.3, action: 'remove' },
      severe: { threshold: 0.88 },
      insult: { threshold: 0.97, action: 'log' },
      spam: { action: 'mute' },
    },
    escalation: { windowSeconds: 3600, ladder: ['notify_host', 'remove'] },
  };
  const result = validateRoomPolicyOverride(override, PLATFORM_DEFAULT_POLICY);
  if (!result.ok) return t.fail(JSON.stringify(result.errors));
  t.deepEqual(result.policy.categories.threat, { threshold: 0.3, action: 'remove' });
  t.deepEqual(result.policy.categories.severe, { threshold: 0.88, action: 'mute' });
  t.deepEqual(result.policy.categories.insult, { threshold: 0.97, action: 'log' });
  t.deepEqual(result.policy.categories.spam, { threshold: 0.95, action: 'mute' });
  t.deepEqual(result.policy.categories.harassment, { threshold: 0.95, action: 'notify_host' });
  t.deepEqual(result.policy.escalation, { windowSeconds: 3600, ladder: ['notify_host', 'remove'] });
  t.deepEqual(result.override, override);
  t.regex(result.policy.version, /^platform-v2\+room:[0-9a-f]{12}$/);

  // The version is the override's, whatever its key order.
  const reordered = {
    escalation: { ladder: ['notify_host', 'remove'], windowSeconds: 3600 },
    categories: { spam: { action: 'mute' }, insult: { action: 'log', threshold: 0.97 }, severe: { threshold: 0.88 }, threat: { action: 'remove', threshold: 0.3 } },
  };
  t.is(mergeRoomPolicy(PLATFORM_DEFAULT_POLICY, reordered as never).version, result.policy.version);
  t.not(mergeRoomPolicy(PLATFORM_DEFAULT_POLICY, { categories: { spam: { action: 'remove' } } }).version, result.policy.version);
  // No change is the platform policy under its own version.
  t.is(mergeRoomPolicy(PLATFORM_DEFAULT_POLICY, {}).version, 'platform-v2');
  // The platform policy itself is untouched.
  t.deepEqual(PLATFORM_DEFAULT_POLICY.categories.threat, { threshold: 0.95, action: 'mute' });
});

test('loosening a platform floor is refused, naming every offending field', (t) => {
  const override = {
    categories: {
      threat: { threshold: 0.97 },
      severe: { action: 'notify_host' },
      identity_hate: { threshold: 0.98, action: 'log' },
      insult: { threshold: 0.99 },
    },
  };
  const result = validateRoomPolicyOverride(override, PLATFORM_DEFAULT_POLICY);
  t.false(result.ok);
  if (result.ok) return;
  t.deepEqual(result.errors.map((e) => e.field), ['categories.threat.threshold', 'categories.severe.action', 'categories.identity_hate.threshold', 'categories.identity_hate.action']);
  t.regex(result.errors[0]!.message, /0\.95/);
  t.regex(result.errors[1]!.message, /mute/);
  const error = t.throws(() => mergeRoomPolicy(PLATFORM_DEFAULT_POLICY, override as never), { instanceOf: TypeError });
  t.regex(error.message, /categories\.threat\.threshold/);
  t.regex(error.message, /categories\.identity_hate\.action/);
});

test('an escalation that would go easier on repeated floor offences is refused', (t) => {
  const fields = (override: unknown) => {
    const r = validateRoomPolicyOverride(override, PLATFORM_DEFAULT_POLICY);
    return r.ok ? [] : r.errors.map((e) => e.field);
  };
  t.deepEqual(fields({ escalation: { windowSeconds: 60 } }), ['escalation.windowSeconds']);
  t.deepEqual(fields({ escalation: { ladder: ['log', 'notify_host'] } }), ['escalation.ladder']);
  t.deepEqual(fields({ escalation: { ladder: ['notify_host', 'mute', 'move_to_audience'] } }), ['escalation.ladder']);
  t.deepEqual(fields({ escalation: { ladder: ['mute', 'mute'] } }), ['escalation.ladder[1]']);
  t.deepEqual(fields({ escalation: { ladder: [] } }), ['escalation.ladder']);
  t.deepEqual(fields({ escalation: { ladder: ['notify_host', 'ban'] } }), ['escalation.ladder[1]']);
  t.deepEqual(fields({ escalation: { windowSeconds: 1.5 } }), ['escalation.windowSeconds']);
  t.deepEqual(fields({ escalation: { windowSeconds: 7200, ladder: ['mute', 'move_to_audience', 'remove'] } }), []);
});

test('malformed overrides are refused field by field, not thrown', (t) => {
  const fields = (override: unknown) => {
    const r = validateRoomPolicyOverride(override, PLATFORM_DEFAULT_POLICY);
    return r.ok ? [] : r.errors.map((e) => e.field);
  };
  t.deepEqual(fields(null), ['']);
  t.deepEqual(fields([]), ['']);
  t.deepEqual(fields({ version: 'mine' }), ['version']);
  t.deepEqual(fields({ categories: { bullying: { threshold: 0.5 } } }), ['categories.bullying']);
  t.deepEqual(fields({ categories: { insult: { threshold: 0 } } }), ['categories.insult.threshold']);
  t.deepEqual(fields({ categories: { insult: { threshold: 1.01 } } }), ['categories.insult.threshold']);
  t.deepEqual(fields({ categories: { insult: { threshold: '0.5' } } }), ['categories.insult.threshold']);
  t.deepEqual(fields({ categories: { insult: { action: 'ban' } } }), ['categories.insult.action']);
  t.deepEqual(fields({ categories: { insult: { action: 'care' } } }), ['categories.insult.action']);
  t.deepEqual(fields({ categories: { insult: { severity: 3 } } }), ['categories.insult.severity']);
  t.deepEqual(fields({ categories: { insult: null } }), ['categories.insult']);
  t.deepEqual(fields({ categories: 'strict' }), ['categories']);
  t.deepEqual(fields({ categories: { insult: { threshold: 1 } } }), []);
});

test('self_harm is care: never enforced, whatever the host configures', (t) => {
  const fields = (override: unknown) => {
    const r = validateRoomPolicyOverride(override, PLATFORM_DEFAULT_POLICY);
    return r.ok ? [] : r.errors.map((e) => e.field);
  };
  for (const action of ['log', 'notify_host', 'mute', 'move_to_audience', 'remove']) {
    t.deepEqual(fields({ categories: { self_harm: { action } } }), ['categories.self_harm.action'], action);
  }
  t.deepEqual(fields({ categories: { self_harm: { action: 'care', threshold: 0.6 } } }), []);

  const priorFlags = [1, 2, 3, 4].map((m) => ({ at: new Date(NOW.getTime() - m * 60_000), categories: ['threat' as const] }));
  const alone = decideAction({ scores: { ...ZERO, self_harm: 0.97 }, policy: PLATFORM_DEFAULT_POLICY, priorFlags, now: NOW });
  t.deepEqual(
    { ...alone, reason: undefined },
    { flagged: true, categories: ['self_harm'], enforcementCategories: [], care: true, action: null, step: 0, reason: undefined },
  );
  t.is(alone.reason, 'care: self_harm 0.97 >= 0.95 (care) -> wellbeing support, never enforcement; policy platform-v2');

  // Alongside an enforcement category, care still comes with it and self_harm adds nothing to the action.
  const both = decideAction({ scores: { ...ZERO, self_harm: 0.96, threat: 0.97 }, policy: PLATFORM_DEFAULT_POLICY, priorFlags: [], now: NOW });
  t.is(both.action, 'mute');
  t.true(both.care);
  t.deepEqual(both.categories, ['threat', 'self_harm']);
  t.deepEqual(both.enforcementCategories, ['threat']);

  // Earlier care flags are not offences: they do not escalate the next enforcement flag.
  const careBefore = [1, 2, 3].map((m) => ({ at: new Date(NOW.getTime() - m * 60_000), categories: ['self_harm' as const] }));
  const next = decideAction({ scores: { ...ZERO, threat: 0.97 }, policy: PLATFORM_DEFAULT_POLICY, priorFlags: careBefore, now: NOW });
  t.is(next.action, 'mute');
  t.is(next.step, 1);

  // A hand-built policy enforcing on self_harm is a programming error.
  const bad = { ...PLATFORM_DEFAULT_POLICY, categories: { ...PLATFORM_DEFAULT_POLICY.categories, self_harm: { threshold: 0.85, action: 'mute' } } } as unknown as RoomPolicy;
  t.throws(() => decideAction({ scores: ZERO, policy: bad, priorFlags: [], now: NOW }), { instanceOf: TypeError, message: /categories\.self_harm\.action/ });
});

test('nothing over its threshold: not flagged, and the reason names the nearest category', (t) => {
  const d = decideAction({ scores: { ...ZERO, insult: 0.45, spam: 0.3 }, policy: PLATFORM_DEFAULT_POLICY, priorFlags: [], now: NOW });
  t.deepEqual(d, {
    flagged: false,
    categories: [],
    enforcementCategories: [],
    care: false,
    action: null,
    step: 0,
    reason: 'no category at or above its threshold (nearest: insult 0.45 < 0.95); policy platform-v2',
  });
  // At the threshold exactly flags, as the classifier does.
  t.deepEqual(decideAction({ scores: { ...ZERO, threat: 0.95 }, policy: PLATFORM_DEFAULT_POLICY, priorFlags: [], now: NOW }).categories, ['threat']);
});

test('a tightened room policy flags from the same scores what the platform would not', (t) => {
  const policy = mergeRoomPolicy(PLATFORM_DEFAULT_POLICY, { categories: { insult: { threshold: 0.5, action: 'mute' } } });
  const scores = { ...ZERO, insult: 0.6 };
  t.false(decideAction({ scores, policy: PLATFORM_DEFAULT_POLICY, priorFlags: [], now: NOW }).flagged);
  const d = decideAction({ scores, policy, priorFlags: [], now: NOW });
  t.is(d.action, 'mute');
  t.is(d.reason, `insult 0.6 >= 0.5 (mute); first enforcement flag in 600 s -> mute; policy ${policy.version}`);
});

test('bad arguments are TypeErrors naming the field', (t) => {
  const ok = { scores: ZERO, policy: PLATFORM_DEFAULT_POLICY, priorFlags: [], now: NOW };
  t.throws(() => decideAction(null as never), { instanceOf: TypeError, message: /input/ });
  const { spam: _spam, ...noSpam } = ZERO;
  t.throws(() => decideAction({ ...ok, scores: noSpam as never }), { instanceOf: TypeError, message: /scores\.spam/ });
  t.throws(() => decideAction({ ...ok, scores: { ...ZERO, threat: 1.2 } }), { instanceOf: TypeError, message: /scores\.threat/ });
  t.throws(() => decideAction({ ...ok, scores: { ...ZERO, threat: Number.NaN } }), { instanceOf: TypeError, message: /scores\.threat/ });
  t.throws(() => decideAction({ ...ok, now: new Date('nope') }), { instanceOf: TypeError, message: /now/ });
  t.throws(() => decideAction({ ...ok, now: '2026-11-01' as never }), { instanceOf: TypeError, message: /now/ });
  t.throws(() => decideAction({ ...ok, priorFlags: {} as never }), { instanceOf: TypeError, message: /priorFlags/ });
  t.throws(() => decideAction({ ...ok, priorFlags: [{ at: '2026-11-01' as never, categories: [] }] }), { instanceOf: TypeError, message: /priorFlags\[0\]\.at/ });
  t.throws(() => decideAction({ ...ok, priorFlags: [{ at: NOW, categories: ['bogus' as never] }] }), { instanceOf: TypeError, message: /priorFlags\[0\]\.categories/ });
  const zeroThreshold = { ...PLATFORM_DEFAULT_POLICY, categories: { ...PLATFORM_DEFAULT_POLICY.categories, threat: { threshold: 0, action: 'mute' } } } as RoomPolicy;
  t.throws(() => decideAction({ ...ok, policy: zeroThreshold }), { instanceOf: TypeError, message: /policy\.categories\.threat\.threshold/ });
  t.throws(() => decideAction({ ...ok, policy: { ...PLATFORM_DEFAULT_POLICY, escalation: { windowSeconds: 0, ladder: ['mute'] } } }), { instanceOf: TypeError, message: /policy\.escalation\.windowSeconds/ });

  t.throws(() => platformDefaultPolicy(null as never), { instanceOf: TypeError, message: /thresholds/ });
  t.throws(() => platformDefaultPolicy({ insult: 0.9, severe: 0.88, identity_hate: 0.9, threat: 0.49, harassment: 0.48, sexual: 0.52, self_harm: 0.85, personal_data: 0.9 } as never), { instanceOf: TypeError, message: /thresholds\.spam/ });
  t.throws(() => platformDefaultPolicy({ insult: 0.9, severe: 0.88, identity_hate: 0.9, threat: 0, harassment: 0.48, sexual: 0.52, self_harm: 0.85, spam: 0.85, personal_data: 0.9 }), { instanceOf: TypeError, message: /thresholds\.threat/ });
  t.throws(() => validateRoomPolicyOverride({}, { version: 'x' } as never), { instanceOf: TypeError, message: /platform\.categories/ });
});
