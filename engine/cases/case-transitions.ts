// The case lifecycle as one table: which event may happen to a case of which kind in which status, and the status
// it leaves. Pure, so the store asks it before every write and a test can walk every state x event x kind.
// Leases (claimed/lease_renewed/released) do not change the status: who holds a case is time-dependent and is
// checked by the store; here they are only "allowed while open".

export const CASE_KINDS = ['flag', 'report', 'appeal', 'wellbeing'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

/** Statuses a stored case can have. */
export const CASE_STATUSES = ['open', 'resolved', 'upheld', 'overturned'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** The statuses plus `none`: the case does not exist yet (only `opened` applies). */
export const CASE_STATES = ['none', ...CASE_STATUSES] as const;
export type CaseState = (typeof CASE_STATES)[number];

export const CASE_EVENT_TYPES = [
  'opened',
  'evidence_added',
  'note_added',
  'claimed',
  'lease_renewed',
  'released',
  'decided',
  'appeal_upheld',
  'appeal_overturned',
  'reopened',
] as const;
export type CaseEventType = (typeof CASE_EVENT_TYPES)[number];

export const DECISIONS = ['dismiss', 'warn', 'suspend', 'ban'] as const;
export type Decision = (typeof DECISIONS)[number];

export type CaseEvent = { type: Exclude<CaseEventType, 'decided'> } | { type: 'decided'; decision: Decision };

export type TransitionRefusal = 'invalid_transition' | 'wrong_kind' | 'decision_not_allowed';

export type TransitionResult = { ok: true; next: CaseStatus } | { ok: false; code: TransitionRefusal; reason: string };

const ALL: readonly CaseKind[] = CASE_KINDS;
const NOT_APPEAL: readonly CaseKind[] = ['flag', 'report', 'wellbeing'];
const APPEAL: readonly CaseKind[] = ['appeal'];

interface Rule {
  /** The status after the event; `same` keeps the current one. */
  next: CaseStatus | 'same';
  kinds: readonly CaseKind[];
}

// Missing cell = the event is not allowed in that state for any kind.
const TABLE: Readonly<Record<CaseEventType, Partial<Record<CaseState, Rule>>>> = {
  opened: { none: { next: 'open', kinds: ALL } },
  // An appeal carries the member's own statement; later material on it is a note, not merged evidence.
  evidence_added: { open: { next: 'same', kinds: NOT_APPEAL } },
  // Staff may annotate a closed case too (context for a later case about the same member).
  note_added: {
    open: { next: 'same', kinds: ALL },
    resolved: { next: 'same', kinds: NOT_APPEAL },
    upheld: { next: 'same', kinds: APPEAL },
    overturned: { next: 'same', kinds: APPEAL },
  },
  claimed: { open: { next: 'same', kinds: ALL } },
  lease_renewed: { open: { next: 'same', kinds: ALL } },
  released: { open: { next: 'same', kinds: ALL } },
  // An appeal closes only by an explicit outcome, never by a generic decision.
  decided: { open: { next: 'resolved', kinds: NOT_APPEAL } },
  appeal_upheld: { open: { next: 'upheld', kinds: APPEAL } },
  appeal_overturned: { open: { next: 'overturned', kinds: APPEAL } },
  // An appeal's outcome is final (a member appeals once); other cases may be reopened, e.g. on new evidence.
  reopened: { resolved: { next: 'open', kinds: NOT_APPEAL } },
};

/** Which decisions a case of each kind may end with. Wellbeing is care, not punishment: it is only closed. */
export const DECISIONS_BY_KIND: Readonly<Record<CaseKind, readonly Decision[]>> = {
  flag: DECISIONS,
  report: DECISIONS,
  appeal: [],
  wellbeing: ['dismiss'],
};

export function isCaseKind(value: unknown): value is CaseKind {
  return typeof value === 'string' && (CASE_KINDS as readonly string[]).includes(value);
}

export function isDecision(value: unknown): value is Decision {
  return typeof value === 'string' && (DECISIONS as readonly string[]).includes(value);
}

/** The status a case of `kind` in `state` reaches after `event`, or why it may not happen. */
export function transition(state: { kind: CaseKind; status: CaseState }, event: CaseEvent): TransitionResult {
  if (!state || !isCaseKind(state.kind)) throw new TypeError('transition: state.kind must be one of ' + CASE_KINDS.join(', '));
  if (!(CASE_STATES as readonly string[]).includes(state.status)) throw new TypeError('transition: state.status must be one of ' + CASE_STATES.join(', '));
  if (!event || !(CASE_EVENT_TYPES as readonly string[]).includes(event.type)) throw new TypeError('transition: event.type must be one of ' + CASE_EVENT_TYPES.join(', '));
  if (event.type === 'decided' && !isDecision(event.decision)) throw new TypeError('transition: a decided event needs decision ' + DECISIONS.join('|'));

  const rule = TABLE[event.type][state.status];
  if (!rule) return { ok: false, code: 'invalid_transition', reason: `${event.type} is not allowed on a case that is ${state.status === 'none' ? 'not opened' : state.status}` };
  if (!rule.kinds.includes(state.kind)) return { ok: false, code: 'wrong_kind', reason: `${event.type} does not apply to a ${state.kind} case that is ${state.status}` };
  if (event.type === 'decided' && !DECISIONS_BY_KIND[state.kind].includes(event.decision)) {
    return { ok: false, code: 'decision_not_allowed', reason: `a ${state.kind} case cannot be decided as ${event.decision}` };
  }
  return { ok: true, next: rule.next === 'same' ? (state.status as CaseStatus) : rule.next };
}
