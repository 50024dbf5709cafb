// The room's moderation policy editor: per harm category the score threshold that flags speech and the action
// taken, and the escalation for repeat offences. Shows the platform's policy beside each value and marks the
// platform floors (a host may tighten them, never loosen them); the API's refusal names each loosened field, and
// its message is shown beside that field.
import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiRequestError, describeFormError } from '../api/client.js';
import { ActionButton, AsyncView, Badge, Button, formatTime } from '../ui/kit.js';
import { useAsync } from '../ui/use-async.js';

const ACTIONS = ['log', 'notify_host', 'mute', 'move_to_audience', 'remove'] as const;
const ACTION_LABEL: Record<string, string> = {
  log: 'Log only',
  notify_host: 'Notify the host',
  mute: 'Mute the speaker',
  move_to_audience: 'Move to the audience',
  remove: 'Remove from the room',
  care: 'Offer support (care)',
};
const CATEGORY_LABEL: Record<string, string> = {
  insult: 'Insults',
  severe: 'Severe abuse',
  identity_hate: 'Identity hate',
  threat: 'Threats',
  harassment: 'Harassment',
  sexual: 'Sexual content',
  self_harm: 'Self-harm',
  spam: 'Spam and scams',
  personal_data: 'Personal data',
};

interface Policy {
  version: string;
  categories: Record<string, { threshold: number; action: string }>;
  escalation: { windowSeconds: number; ladder: string[] };
}

export interface RoomPolicyView {
  roomId: string;
  policy: Policy;
  version: string;
  override: Record<string, unknown> | null;
  updatedBy: string | null;
  updatedAt: string | null;
  ignored: { field: string; message: string }[];
  platform: Policy;
  floorCategories: string[];
}

interface Draft {
  categories: Record<string, { threshold: string; action: string }>;
  windowSeconds: string;
  ladder: string[];
}

function toDraft(p: Policy): Draft {
  return {
    categories: Object.fromEntries(Object.entries(p.categories).map(([c, v]) => [c, { threshold: String(v.threshold), action: v.action }])),
    windowSeconds: String(p.escalation.windowSeconds),
    ladder: [...p.escalation.ladder],
  };
}

/** The override to send: only what differs from the platform's policy (numbers as typed, so the API judges them). */
function toOverride(d: Draft, platform: Policy): Record<string, unknown> {
  const categories: Record<string, { threshold?: number; action?: string }> = {};
  for (const [c, v] of Object.entries(d.categories)) {
    const base = platform.categories[c];
    const entry: { threshold?: number; action?: string } = {};
    const t = Number(v.threshold);
    if (v.threshold.trim() === '' || Number.isNaN(t) || t !== base?.threshold) entry.threshold = v.threshold.trim() === '' ? Number.NaN : t;
    if (v.action !== base?.action) entry.action = v.action;
    if (Object.keys(entry).length > 0) categories[c] = entry;
  }
  const escalation: { windowSeconds?: number; ladder?: string[] } = {};
  const w = Number(d.windowSeconds);
  if (w !== platform.escalation.windowSeconds) escalation.windowSeconds = w;
  const ladder = ACTIONS.filter((a) => d.ladder.includes(a));
  if (ladder.join() !== platform.escalation.ladder.join()) escalation.ladder = ladder;
  return { ...(Object.keys(categories).length > 0 ? { categories } : {}), ...(Object.keys(escalation).length > 0 ? { escalation } : {}) };
}

export function PolicyEditor({ roomId, canEdit }: { roomId: string; canEdit: boolean }) {
  const view = useAsync((signal) => api.get<RoomPolicyView>(`/v1/rooms/${roomId}/moderation-policy`, { signal }), [roomId]);
  return (
    <AsyncView state={view} what="Loading the moderation policy">
      {(v) => <PolicyForm view={v} canEdit={canEdit} onSaved={(next) => view.setData(next)} />}
    </AsyncView>
  );
}

function PolicyForm({ view, canEdit, onSaved }: { view: RoomPolicyView; canEdit: boolean; onSaved(v: RoomPolicyView): void }) {
  const [draft, setDraft] = useState<Draft>(() => toDraft(view.policy));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState<string | null>(null);
  useEffect(() => setDraft(toDraft(view.policy)), [view]);

  const apiError = error instanceof ApiRequestError ? error : undefined;
  const errorFor = (field: string) => apiError?.details.find((d) => d.field.replace(/^body\./, '') === field || d.field.replace(/^body\./, '').startsWith(`${field}[`))?.message;
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setSaved(null);
    try {
      const next = await api.put<RoomPolicyView>(`/v1/rooms/${view.roomId}/moderation-policy`, toOverride(draft, view.platform));
      onSaved(next);
      setSaved(`Saved. The room now runs policy ${next.version}.`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const reset = async () => {
    const next = await api.put<RoomPolicyView>(`/v1/rooms/${view.roomId}/moderation-policy`, {});
    onSaved(next);
    setError(undefined);
    setSaved('Back to the platform policy.');
  };
  const setCat = (c: string, k: 'threshold' | 'action', value: string) => setDraft((d) => ({ ...d, categories: { ...d.categories, [c]: { ...d.categories[c]!, [k]: value } } }));
  const floors = new Set(view.floorCategories);

  return (
    <form onSubmit={save} noValidate className="policy-form" aria-label="Moderation policy">
      <p className="hint">
        Speech on stage is scored by a local classifier from 0 to 1; a score at or above a category's threshold flags it and the action is taken. A lower threshold
        catches more. <strong>Platform floors</strong> ({view.floorCategories.map((c) => CATEGORY_LABEL[c] ?? c).join(', ')}) may be made stricter here, never looser.
      </p>
      <p className="policy-version">
        Policy in force: <Badge tone={view.override ? 'info' : 'neutral'}>{view.override ? `room policy ${view.version}` : `platform policy ${view.version}`}</Badge>
        {view.updatedAt ? <span className="hint"> · changed {formatTime(view.updatedAt)}</span> : null}
      </p>
      {view.ignored.length > 0 ? (
        <div className="state state-error" role="alert">
          <p>Some saved settings no longer meet the platform floors and are not applied:</p>
          <ul>
            {view.ignored.map((i) => (
              <li key={i.field}>
                {i.field}: {i.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="policy-categories">
        {Object.entries(view.platform.categories).map(([c, base]) => {
          const floor = floors.has(c);
          const d = draft.categories[c] ?? { threshold: String(base.threshold), action: base.action };
          const tErr = errorFor(`categories.${c}.threshold`);
          const aErr = errorFor(`categories.${c}.action`);
          const id = `policy-${c}`;
          return (
            <fieldset key={c} className={`policy-category${floor ? ' policy-floor' : ''}`} data-category={c}>
              <legend>
                {CATEGORY_LABEL[c] ?? c} {floor ? <Badge tone="warn">platform floor</Badge> : null}
              </legend>
              <p className="hint" id={`${id}-platform`}>
                {floor ? `Floor: threshold at most ${base.threshold}, action at least “${ACTION_LABEL[base.action] ?? base.action}”.` : `Platform: threshold ${base.threshold}, “${ACTION_LABEL[base.action] ?? base.action}”.`}
              </p>
              <div className={`field${tErr ? ' field-invalid' : ''}`}>
                <label htmlFor={`${id}-threshold`}>{`${CATEGORY_LABEL[c] ?? c}: threshold`}</label>
                <input
                  id={`${id}-threshold`}
                  type="number"
                  inputMode="decimal"
                  step="0.01"
                  min="0.01"
                  max="1"
                  disabled={!canEdit}
                  value={d.threshold}
                  onChange={(e) => setCat(c, 'threshold', e.target.value)}
                  aria-invalid={tErr ? true : undefined}
                  aria-describedby={[`${id}-platform`, tErr ? `${id}-threshold-error` : ''].filter(Boolean).join(' ')}
                />
                {tErr ? (
                  <p className="field-error" id={`${id}-threshold-error`}>
                    {tErr}
                  </p>
                ) : null}
              </div>
              <div className={`field${aErr ? ' field-invalid' : ''}`}>
                <label htmlFor={`${id}-action`}>{`${CATEGORY_LABEL[c] ?? c}: action`}</label>
                {base.action === 'care' ? (
                  <p id={`${id}-action`} className="policy-care">
                    {ACTION_LABEL.care} — always, never enforcement.
                  </p>
                ) : (
                  <select
                    id={`${id}-action`}
                    disabled={!canEdit}
                    value={d.action}
                    onChange={(e) => setCat(c, 'action', e.target.value)}
                    aria-invalid={aErr ? true : undefined}
                    aria-describedby={[`${id}-platform`, aErr ? `${id}-action-error` : ''].filter(Boolean).join(' ')}
                  >
                    {ACTIONS.map((a) => (
                      <option key={a} value={a}>
                        {ACTION_LABEL[a]}
                      </option>
                    ))}
                  </select>
                )}
                {aErr ? (
                  <p className="field-error" id={`${id}-action-error`}>
                    {aErr}
                  </p>
                ) : null}
              </div>
            </fieldset>
          );
        })}
      </div>
      <fieldset className="policy-escalation">
        <legend>Repeat offences</legend>
        <p className="hint" id="policy-escalation-platform">
          Floor: window at least {view.platform.escalation.windowSeconds} s; each repeat within it climbs the ladder, no gentler than{' '}
          {view.platform.escalation.ladder.map((a) => ACTION_LABEL[a] ?? a).join(' → ')}.
        </p>
        <div className={`field${errorFor('escalation.windowSeconds') ? ' field-invalid' : ''}`}>
          <label htmlFor="policy-window">Window for repeats (seconds)</label>
          <input
            id="policy-window"
            type="number"
            inputMode="numeric"
            min="1"
            disabled={!canEdit}
            value={draft.windowSeconds}
            onChange={(e) => setDraft({ ...draft, windowSeconds: e.target.value })}
            aria-invalid={errorFor('escalation.windowSeconds') ? true : undefined}
            aria-describedby={['policy-escalation-platform', errorFor('escalation.windowSeconds') ? 'policy-window-error' : ''].filter(Boolean).join(' ')}
          />
          {errorFor('escalation.windowSeconds') ? (
            <p className="field-error" id="policy-window-error">
              {errorFor('escalation.windowSeconds')}
            </p>
          ) : null}
        </div>
        <fieldset className="policy-ladder" aria-describedby={errorFor('escalation.ladder') ? 'policy-ladder-error' : undefined}>
          <legend>Ladder steps</legend>
          {ACTIONS.map((a) => (
            <div key={a} className="checkbox-field">
              <input
                id={`ladder-${a}`}
                type="checkbox"
                disabled={!canEdit}
                checked={draft.ladder.includes(a)}
                onChange={(e) => setDraft({ ...draft, ladder: e.target.checked ? [...draft.ladder, a] : draft.ladder.filter((x) => x !== a) })}
              />
              <label htmlFor={`ladder-${a}`}>{ACTION_LABEL[a]}</label>
            </div>
          ))}
          {errorFor('escalation.ladder') ? (
            <p className="field-error" id="policy-ladder-error">
              {errorFor('escalation.ladder')}
            </p>
          ) : null}
        </fieldset>
      </fieldset>
      {error !== undefined ? (
        <div className="form-error" role="alert">
          <p>{apiError && apiError.details.length > 0 ? `Not saved: ${apiError.message}` : describeFormError(error)}</p>
        </div>
      ) : null}
      {saved ? (
        <p role="status" className="policy-saved">
          {saved}
        </p>
      ) : null}
      {canEdit ? (
        <div className="row">
          <Button type="submit" variant="primary" busy={busy}>
            Save policy
          </Button>
          {view.override ? <ActionButton action={reset}>Use the platform policy</ActionButton> : null}
        </div>
      ) : (
        <p className="hint">Only the host changes the policy; co-hosts can read it.</p>
      )}
    </form>
  );
}
