// Room moderation policies: what the engine does when the harm classifier's scores cross a room's thresholds. Pure and
// table-driven, no I/O: the same scores, policy, prior flags and clock always give the same, explained decision, so
// a decision can be replayed from the audit log.
//
// Decisions:
// - Actions are ordered by strength (POLICY_ACTIONS). `remove` also bans the speaker from the room.
// - self_harm is care, not punishment: its action is always 'care' (a wellbeing queue and support resources for
//   the speaker) and it never leads to mute, move or removal, nor counts as a repeat offence for escalation.
// - Hosts may tighten anything. They may never loosen the platform floors (severe, threat, identity_hate): no higher
//   threshold, no weaker action, and no escalation that would treat repeated floor offences more gently.
// - Repeats: each enforcement flag of the same speaker within escalation.windowSeconds moves the decision one step up
//   the ladder from the category's own action, never below it.
import crypto from 'node:crypto';
import { HARM_CATEGORIES, TAXONOMY, isHarmCategory, type HarmCategory } from '../../models/classifier/taxonomy.js';

/** Ordered by strength, weakest first. */
export const POLICY_ACTIONS = ['log', 'notify_host', 'mute', 'move_to_audience', 'remove'] as const;
export type PolicyAction = (typeof POLICY_ACTIONS)[number];
/** What a category leads to: an enforcement action, or 'care' for care categories (self_harm) only. */
export type CategoryAction = PolicyAction | 'care';

export interface CategoryPolicy {
  /** Scores at or above it flag the category; in (0, 1]. */
  threshold: number;
  action: CategoryAction;
}

export interface EscalationPolicy {
  /** How far back a speaker's earlier enforcement flags count as repeats. */
  windowSeconds: number;
  /** Strictly increasing in strength; repeats climb it from the category's own action. */
  ladder: PolicyAction[];
}

export interface RoomPolicy {
  version: string;
  categories: Record<HarmCategory, CategoryPolicy>;
  escalation: EscalationPolicy;
}

/** What a host may send: only the fields they change. */
export interface RoomPolicyOverride {
  categories?: Partial<Record<HarmCategory, Partial<CategoryPolicy>>>;
  escalation?: Partial<EscalationPolicy>;
}

export interface PolicyFieldError {
  /** Dotted path into the override, e.g. `categories.threat.threshold`, `escalation.ladder[1]`. */
  field: string;
  message: string;
}

export type OverrideValidation =
  | { ok: true; policy: RoomPolicy; override: RoomPolicyOverride }
  | { ok: false; errors: PolicyFieldError[] };

export interface PriorFlag {
  at: Date;
  categories: HarmCategory[];
}

export interface DecideInput {
  scores: Record<HarmCategory, number>;
  policy: RoomPolicy;
  /** The same speaker's earlier flags in the room (any order); those outside the window or after `now` are ignored. */
  priorFlags: PriorFlag[];
  now: Date;
}

export interface PolicyDecision {
  flagged: boolean;
  /** Every category at or above its threshold, in taxonomy order. */
  categories: HarmCategory[];
  /** The flagged categories that may lead to action against the speaker (all but care ones). */
  enforcementCategories: HarmCategory[];
  /** A care category was flagged: queue the speaker for wellbeing support. */
  care: boolean;
  /** null when no enforcement category was flagged. */
  action: PolicyAction | null;
  /** 1 for a first enforcement flag in the window, 2 for the first repeat, …; 0 when no enforcement category was flagged. */
  step: number;
  reason: string;
}

// v2: the thresholds of the fine-tuned models harm-minilm-ft-v4/v5 (v1 had harm-head-minilm-v1's).
export const PLATFORM_POLICY_VERSION = 'platform-v2';
export const PLATFORM_FLOOR_CATEGORIES = ['severe', 'threat', 'identity_hate'] as const satisfies readonly HarmCategory[];

/** The calibrated thresholds of the shipped harm model harm-minilm-ft-v5 (its model file; a test keeps them equal);
 * production should pass the loaded classifier's own `thresholds` to platformDefaultPolicy so a retrained model
 * brings its calibration along. One flat 0.95: see scripts/classifier/calibrate-finetuned.ts for why. */
const SHIPPED_THRESHOLDS: Readonly<Record<HarmCategory, number>> = {
  insult: 0.95,
  severe: 0.95,
  identity_hate: 0.95,
  threat: 0.95,
  harassment: 0.95,
  sexual: 0.95,
  self_harm: 0.95,
  spam: 0.95,
  personal_data: 0.95,
};

const DEFAULT_ACTIONS: Readonly<Record<HarmCategory, CategoryAction>> = {
  insult: 'notify_host',
  severe: 'mute',
  identity_hate: 'mute',
  threat: 'mute',
  harassment: 'notify_host',
  sexual: 'notify_host',
  self_harm: 'care',
  spam: 'notify_host',
  // Someone's number or address read aloud: stop it now, a host's reaction comes too late.
  personal_data: 'mute',
};

const DEFAULT_ESCALATION: Readonly<EscalationPolicy> = { windowSeconds: 600, ladder: ['notify_host', 'mute', 'move_to_audience', 'remove'] };

/** Longest escalation window a policy may have: a repeat a month later is not the same incident. */
export const MAX_ESCALATION_WINDOW_SECONDS = 30 * 24 * 3600;

const STRENGTH: Readonly<Record<PolicyAction, number>> = { log: 0, notify_host: 1, mute: 2, move_to_audience: 3, remove: 4 };

export function isPolicyAction(value: unknown): value is PolicyAction {
  return typeof value === 'string' && (POLICY_ACTIONS as readonly string[]).includes(value);
}

function isCare(category: HarmCategory): boolean {
  return TAXONOMY[category].kind === 'care';
}

function stronger(a: PolicyAction, b: PolicyAction): PolicyAction {
  return STRENGTH[a] >= STRENGTH[b] ? a : b;
}

/** The platform policy with the given per-category thresholds (normally the loaded classifier's calibrated ones). */
export function platformDefaultPolicy(thresholds: Record<HarmCategory, number>): RoomPolicy {
  if (thresholds === null || typeof thresholds !== 'object') throw new TypeError('platformDefaultPolicy: thresholds must be an object');
  for (const key of Object.keys(thresholds)) {
    if (!isHarmCategory(key)) throw new TypeError(`platformDefaultPolicy: thresholds.${key} is not a harm category`);
  }
  for (const c of HARM_CATEGORIES) {
    const t = thresholds[c];
    if (typeof t !== 'number' || !(t > 0 && t <= 1)) throw new TypeError(`platformDefaultPolicy: thresholds.${c} must be a number in (0, 1]`);
  }
  const same = HARM_CATEGORIES.every((c) => thresholds[c] === SHIPPED_THRESHOLDS[c]);
  // Other thresholds are another policy: the version says so, deterministically.
  const version = same ? PLATFORM_POLICY_VERSION : `${PLATFORM_POLICY_VERSION}~thresholds:${shortHash(HARM_CATEGORIES.map((c) => thresholds[c]))}`;
  const categories = Object.fromEntries(HARM_CATEGORIES.map((c) => [c, { threshold: thresholds[c], action: DEFAULT_ACTIONS[c] }])) as Record<HarmCategory, CategoryPolicy>;
  return deepFreeze({ version, categories, escalation: { windowSeconds: DEFAULT_ESCALATION.windowSeconds, ladder: [...DEFAULT_ESCALATION.ladder] } });
}

export const PLATFORM_DEFAULT_POLICY: RoomPolicy = platformDefaultPolicy({ ...SHIPPED_THRESHOLDS });

/** Throws a TypeError naming the first bad field of a complete policy (a programming error, not user input). */
export function assertRoomPolicy(policy: unknown, name = 'policy'): asserts policy is RoomPolicy {
  if (policy === null || typeof policy !== 'object') throw new TypeError(`${name} must be an object`);
  const p = policy as Record<string, unknown>;
  if (typeof p.version !== 'string' || p.version === '') throw new TypeError(`${name}.version must be a non-empty string`);
  const cats = p.categories;
  if (cats === null || typeof cats !== 'object') throw new TypeError(`${name}.categories must be an object`);
  for (const key of Object.keys(cats)) {
    if (!isHarmCategory(key)) throw new TypeError(`${name}.categories.${key} is not a harm category`);
  }
  for (const c of HARM_CATEGORIES) {
    const cp = (cats as Record<string, unknown>)[c] as Record<string, unknown> | undefined;
    if (cp === null || typeof cp !== 'object') throw new TypeError(`${name}.categories.${c} must be an object`);
    if (typeof cp.threshold !== 'number' || !(cp.threshold > 0 && cp.threshold <= 1)) throw new TypeError(`${name}.categories.${c}.threshold must be a number in (0, 1]`);
    if (isCare(c) ? cp.action !== 'care' : !isPolicyAction(cp.action)) {
      throw new TypeError(`${name}.categories.${c}.action must be ${isCare(c) ? '"care"' : `one of ${POLICY_ACTIONS.join(', ')}`}`);
    }
  }
  const esc = p.escalation as Record<string, unknown> | null | undefined;
  if (esc === null || typeof esc !== 'object') throw new TypeError(`${name}.escalation must be an object`);
  const windowError = checkWindow(esc.windowSeconds);
  if (windowError) throw new TypeError(`${name}.escalation.windowSeconds ${windowError}`);
  const ladderError = checkLadder(esc.ladder, `${name}.escalation.ladder`)[0];
  if (ladderError) throw new TypeError(`${ladderError.field} ${ladderError.message}`);
}

function checkWindow(value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_ESCALATION_WINDOW_SECONDS) {
    return `must be a whole number of seconds from 1 to ${MAX_ESCALATION_WINDOW_SECONDS}`;
  }
  return undefined;
}

function checkLadder(value: unknown, field: string): PolicyFieldError[] {
  if (!Array.isArray(value) || value.length === 0) return [{ field, message: 'must be a non-empty array of actions' }];
  if (value.length > POLICY_ACTIONS.length) return [{ field, message: `must have at most ${POLICY_ACTIONS.length} steps` }];
  const errors: PolicyFieldError[] = [];
  value.forEach((step: unknown, i) => {
    if (!isPolicyAction(step)) errors.push({ field: `${field}[${i}]`, message: `must be one of ${POLICY_ACTIONS.join(', ')}` });
    else if (i > 0 && isPolicyAction(value[i - 1]) && STRENGTH[step] <= STRENGTH[value[i - 1] as PolicyAction]) {
      errors.push({ field: `${field}[${i}]`, message: `must be stronger than the step before it (${String(value[i - 1])})` });
    }
  });
  return errors;
}

/**
 * Checks a host's override against the platform policy. On success returns the effective policy and the override in
 * canonical form (what to store); otherwise every offending field with a message, for a 400 that names them.
 */
export function validateRoomPolicyOverride(override: unknown, platform: RoomPolicy): OverrideValidation {
  assertRoomPolicy(platform, 'platform');
  const errors: PolicyFieldError[] = [];
  if (override === null || typeof override !== 'object' || Array.isArray(override)) {
    return { ok: false, errors: [{ field: '', message: 'the override must be an object' }] };
  }
  const o = override as Record<string, unknown>;
  const clean: RoomPolicyOverride = {};
  for (const key of Object.keys(o)) {
    if (key !== 'categories' && key !== 'escalation') errors.push({ field: key, message: key === 'version' ? 'is computed, not set' : 'is not a policy field' });
  }

  if (o.categories !== undefined) {
    if (o.categories === null || typeof o.categories !== 'object' || Array.isArray(o.categories)) {
      errors.push({ field: 'categories', message: 'must be an object keyed by harm category' });
    } else {
      const cats: NonNullable<RoomPolicyOverride['categories']> = {};
      for (const [key, raw] of Object.entries(o.categories as Record<string, unknown>)) {
        const base = `categories.${key}`;
        if (!isHarmCategory(key)) {
          errors.push({ field: base, message: 'is not a harm category' });
          continue;
        }
        if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
          errors.push({ field: base, message: 'must be an object with threshold and/or action' });
          continue;
        }
        const entry = raw as Record<string, unknown>;
        const out: Partial<CategoryPolicy> = {};
        for (const k of Object.keys(entry)) if (k !== 'threshold' && k !== 'action') errors.push({ field: `${base}.${k}`, message: 'is not a category policy field' });
        const platformCat = platform.categories[key];
        const floor = (PLATFORM_FLOOR_CATEGORIES as readonly string[]).includes(key);
        if (entry.threshold !== undefined) {
          const t = entry.threshold;
          if (typeof t !== 'number' || !(t > 0 && t <= 1)) errors.push({ field: `${base}.threshold`, message: 'must be a number in (0, 1]' });
          else if (floor && t > platformCat.threshold) errors.push({ field: `${base}.threshold`, message: `may not be above the platform's ${platformCat.threshold}: ${key} is a platform floor` });
          else out.threshold = t;
        }
        if (entry.action !== undefined) {
          const a = entry.action;
          if (isCare(key)) {
            if (a !== 'care') errors.push({ field: `${base}.action`, message: `must be "care": ${key} is met with support for the speaker, never with enforcement` });
            else out.action = a;
          } else if (!isPolicyAction(a)) {
            errors.push({ field: `${base}.action`, message: `must be one of ${POLICY_ACTIONS.join(', ')}` });
          } else if (floor && STRENGTH[a] < STRENGTH[platformCat.action as PolicyAction]) {
            errors.push({ field: `${base}.action`, message: `may not be weaker than the platform's ${platformCat.action}: ${key} is a platform floor` });
          } else out.action = a;
        }
        if (Object.keys(out).length > 0) cats[key] = out;
      }
      if (Object.keys(cats).length > 0) clean.categories = cats;
    }
  }

  if (o.escalation !== undefined) {
    if (o.escalation === null || typeof o.escalation !== 'object' || Array.isArray(o.escalation)) {
      errors.push({ field: 'escalation', message: 'must be an object with windowSeconds and/or ladder' });
    } else {
      const e = o.escalation as Record<string, unknown>;
      const out: Partial<EscalationPolicy> = {};
      for (const k of Object.keys(e)) if (k !== 'windowSeconds' && k !== 'ladder') errors.push({ field: `escalation.${k}`, message: 'is not an escalation field' });
      if (e.windowSeconds !== undefined) {
        const windowError = checkWindow(e.windowSeconds);
        if (windowError) errors.push({ field: 'escalation.windowSeconds', message: windowError });
        // A shorter window forgets repeated floor offences sooner.
        else if ((e.windowSeconds as number) < platform.escalation.windowSeconds) errors.push({ field: 'escalation.windowSeconds', message: `may not be shorter than the platform's ${platform.escalation.windowSeconds} s: repeats of platform floor categories would escalate less` });
        else out.windowSeconds = e.windowSeconds as number;
      }
      if (e.ladder !== undefined) {
        const ladderErrors = checkLadder(e.ladder, 'escalation.ladder');
        if (ladderErrors.length > 0) errors.push(...ladderErrors);
        else {
          const slower = floorLadderRegression(platform, e.ladder as PolicyAction[]);
          if (slower) errors.push({ field: 'escalation.ladder', message: slower });
          else out.ladder = [...(e.ladder as PolicyAction[])];
        }
      }
      if (Object.keys(out).length > 0) clean.escalation = out;
    }
  }

  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, policy: applyOverride(platform, clean), override: clean };
}

/**
 * Whether a ladder would treat a repeated floor offence more gently than the platform's ladder at some step: checked
 * for the platform's own floor actions; stronger room actions only escalate higher (escalation is monotone in them).
 */
function floorLadderRegression(platform: RoomPolicy, ladder: readonly PolicyAction[]): string | undefined {
  const bases = [...new Set(PLATFORM_FLOOR_CATEGORIES.map((c) => platform.categories[c].action as PolicyAction))];
  const steps = ladder.length + platform.escalation.ladder.length + 1;
  for (const base of bases) {
    for (let step = 1; step <= steps; step++) {
      const mine = escalate(base, step, ladder);
      const theirs = escalate(base, step, platform.escalation.ladder);
      if (STRENGTH[mine] < STRENGTH[theirs]) {
        return `would escalate repeats of platform floor categories more gently: flag ${step} of a ${base} category would be ${mine}, the platform's ladder gives ${theirs}`;
      }
    }
  }
  return undefined;
}

/** The effective policy of a room: the platform's with a valid override applied. Throws a TypeError listing the
 * offending fields if the override is not valid, so an unchecked override can never loosen a floor. */
export function mergeRoomPolicy(platform: RoomPolicy, override: RoomPolicyOverride): RoomPolicy {
  const result = validateRoomPolicyOverride(override, platform);
  if (!result.ok) throw new TypeError(`mergeRoomPolicy: invalid override: ${result.errors.map((e) => `${e.field || '(override)'} ${e.message}`).join('; ')}`);
  return result.policy;
}

function applyOverride(platform: RoomPolicy, clean: RoomPolicyOverride): RoomPolicy {
  const categories = Object.fromEntries(HARM_CATEGORIES.map((c) => [c, { ...platform.categories[c], ...clean.categories?.[c] }])) as Record<HarmCategory, CategoryPolicy>;
  const escalation: EscalationPolicy = {
    windowSeconds: clean.escalation?.windowSeconds ?? platform.escalation.windowSeconds,
    ladder: [...(clean.escalation?.ladder ?? platform.escalation.ladder)],
  };
  // An empty override is the platform policy itself, under its version.
  const empty = clean.categories === undefined && clean.escalation === undefined;
  const version = empty ? platform.version : `${platform.version}+room:${shortHash(clean)}`;
  return deepFreeze({ version, categories, escalation });
}

/** The action for a speaker's `step`-th enforcement flag in the window: the category's own action first, then one
 * ladder step up per repeat, starting above the highest ladder step no stronger than that action. */
function escalate(base: PolicyAction, step: number, ladder: readonly PolicyAction[]): PolicyAction {
  if (step <= 1) return base;
  let position = -1;
  ladder.forEach((a, i) => {
    if (STRENGTH[a] <= STRENGTH[base]) position = i;
  });
  const target = ladder[Math.min(position + step - 1, ladder.length - 1)]!;
  return stronger(base, target);
}

/** Decides what to do about one utterance's scores. Deterministic; the reason names every number it used. */
export function decideAction(input: DecideInput): PolicyDecision {
  if (input === null || typeof input !== 'object') throw new TypeError('decideAction: input must be an object');
  const { scores, policy, priorFlags, now } = input;
  assertRoomPolicy(policy, 'decideAction: policy');
  if (!(now instanceof Date) || !Number.isFinite(now.getTime())) throw new TypeError('decideAction: now must be a valid Date');
  if (scores === null || typeof scores !== 'object') throw new TypeError('decideAction: scores must be an object');
  for (const c of HARM_CATEGORIES) {
    const s = scores[c];
    if (typeof s !== 'number' || !(s >= 0 && s <= 1)) throw new TypeError(`decideAction: scores.${c} must be a number in [0, 1]`);
  }
  if (!Array.isArray(priorFlags)) throw new TypeError('decideAction: priorFlags must be an array');
  priorFlags.forEach((f, i) => {
    if (f === null || typeof f !== 'object') throw new TypeError(`decideAction: priorFlags[${i}] must be an object`);
    if (!(f.at instanceof Date) || !Number.isFinite(f.at.getTime())) throw new TypeError(`decideAction: priorFlags[${i}].at must be a valid Date`);
    if (!Array.isArray(f.categories) || !f.categories.every(isHarmCategory)) throw new TypeError(`decideAction: priorFlags[${i}].categories must be an array of harm categories`);
  });

  const fmt = (n: number) => String(Number(n.toFixed(3)));
  const categories = HARM_CATEGORIES.filter((c) => scores[c] >= policy.categories[c].threshold);
  const enforcementCategories = categories.filter((c) => !isCare(c));
  const care = categories.some(isCare);
  const describe = (c: HarmCategory) => `${c} ${fmt(scores[c])} >= ${fmt(policy.categories[c].threshold)} (${policy.categories[c].action})`;

  if (categories.length === 0) {
    const top = [...HARM_CATEGORIES].sort((a, b) => scores[b] / policy.categories[b].threshold - scores[a] / policy.categories[a].threshold)[0]!;
    return {
      flagged: false,
      categories,
      enforcementCategories,
      care,
      action: null,
      step: 0,
      reason: `no category at or above its threshold (nearest: ${top} ${fmt(scores[top])} < ${fmt(policy.categories[top].threshold)}); policy ${policy.version}`,
    };
  }

  const careText = care ? `care: ${categories.filter(isCare).map(describe).join(', ')} -> wellbeing support, never enforcement` : '';
  if (enforcementCategories.length === 0) {
    return { flagged: true, categories, enforcementCategories, care, action: null, step: 0, reason: `${careText}; policy ${policy.version}` };
  }

  // The strongest category action leads; ties go to the first in taxonomy order.
  let lead = enforcementCategories[0]!;
  for (const c of enforcementCategories) {
    if (STRENGTH[policy.categories[c].action as PolicyAction] > STRENGTH[policy.categories[lead].action as PolicyAction]) lead = c;
  }
  const base = policy.categories[lead].action as PolicyAction;
  const windowMs = policy.escalation.windowSeconds * 1000;
  const nowMs = now.getTime();
  // A flag exactly windowSeconds old has left the window; care-only flags are not offences.
  const repeats = priorFlags.filter((f) => {
    const age = nowMs - f.at.getTime();
    return age >= 0 && age < windowMs && f.categories.some((c) => !isCare(c));
  }).length;
  const step = repeats + 1;
  const action = escalate(base, step, policy.escalation.ladder);
  const flags = enforcementCategories.map(describe).join(', ');
  const escalation =
    repeats === 0
      ? `first enforcement flag in ${policy.escalation.windowSeconds} s -> ${action}`
      : `enforcement flag ${step} in ${policy.escalation.windowSeconds} s (${repeats} before) -> ${action} by the escalation ladder`;
  return {
    flagged: true,
    categories,
    enforcementCategories,
    care,
    action,
    step,
    reason: `${flags}; ${escalation}${care ? `; ${careText}` : ''}; policy ${policy.version}`,
  };
}

/** Canonical JSON (sorted keys) so equal overrides hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function shortHash(value: unknown): string {
  return crypto.createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 12);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
