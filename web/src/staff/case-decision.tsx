// Deciding a case (dismiss / warn / suspend for a duration / ban) and resolving an appeal (uphold / overturn). A
// reason is required: the form sends what was typed and shows the API's refusal beside the field it names.
import { useState } from 'react';
import { api, ApiRequestError, describeFormError } from '../api/client.js';
import { Button, Card, SelectField, TextArea } from '../ui/kit.js';
import { DECISION_LABELS, formatDuration } from './format.js';
import type { CaseDetail, Decision, DecisionRecord } from './types.js';

export const SUSPENSION_CHOICES = [3600, 86_400, 3 * 86_400, 7 * 86_400, 30 * 86_400];

/** One request per button: the button says which choice it sends (no form state to read back stale). */
function useSubmit<C extends string, T>(send: (choice: C) => Promise<T>, onDone: (result: T) => void) {
  const [busy, setBusy] = useState<C | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const submit = async (choice: C) => {
    setBusy(choice);
    setError(undefined);
    try {
      onDone(await send(choice));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  return { busy, error, submit, apiError: error instanceof ApiRequestError ? error : undefined };
}

export function DecisionCard({ detail, allowed, onDecided }: { detail: CaseDetail; allowed: readonly Decision[]; onDecided: (d: DecisionRecord) => void }) {
  const [reason, setReason] = useState('');
  const [memberMessage, setMemberMessage] = useState('');
  const [duration, setDuration] = useState(String(86_400));
  const { busy, error, submit, apiError } = useSubmit(
    (decision: Decision) =>
      api.post<DecisionRecord>(`/v1/moderation/cases/${detail.case.id}/decision`, {
        decision,
        reason,
        ...(memberMessage.trim() ? { memberMessage } : {}),
        ...(decision === 'suspend' ? { durationSeconds: Number(duration) } : {}),
      }),
    onDecided,
  );
  return (
    <Card title="Decision">
      <form noValidate onSubmit={(e) => e.preventDefault()}>
        <TextArea label="Reason (internal, required)" hint="Why you decided this; kept with the decision and the audit log." value={reason} onChange={(e) => setReason(e.target.value)} error={apiError?.fieldMessage('reason')} rows={3} />
        <TextArea label="Message to the member (optional)" hint="What the member reads with the decision; without it they see the reason." value={memberMessage} onChange={(e) => setMemberMessage(e.target.value)} error={apiError?.fieldMessage('memberMessage')} rows={2} />
        {allowed.includes('suspend') ? (
          <SelectField label="Suspension length" value={duration} onChange={(e) => setDuration(e.target.value)} options={SUSPENSION_CHOICES.map((s) => ({ value: String(s), label: formatDuration(s) }))} error={apiError?.fieldMessage('durationSeconds')} />
        ) : null}
        <div className="row staff-decisions" role="group" aria-label="Decide">
          {allowed.map((d) => (
            <Button key={d} variant={d === 'ban' || d === 'suspend' ? 'danger' : d === 'dismiss' ? 'secondary' : 'primary'} busy={busy === d} disabled={busy !== null} onClick={() => void submit(d)}>
              {d === 'suspend' ? `Suspend for ${formatDuration(Number(duration))}` : DECISION_LABELS[d]}
            </Button>
          ))}
        </div>
        {error !== undefined ? (
          <p className="form-error" role="alert">
            {describeFormError(error)}
          </p>
        ) : null}
      </form>
    </Card>
  );
}

export function AppealCard({ detail, onResolved }: { detail: CaseDetail; onResolved: (d: DecisionRecord) => void }) {
  const [reason, setReason] = useState('');
  const [memberMessage, setMemberMessage] = useState('');
  const { busy, error, submit, apiError } = useSubmit(
    (outcome: 'upheld' | 'overturned') => api.post<DecisionRecord>(`/v1/moderation/appeals/${detail.case.id}/resolve`, { outcome, reason, ...(memberMessage.trim() ? { memberMessage } : {}) }),
    onResolved,
  );
  return (
    <Card title="Resolve the appeal">
      <form noValidate onSubmit={(e) => e.preventDefault()}>
        <TextArea label="Reason (internal, required)" value={reason} onChange={(e) => setReason(e.target.value)} error={apiError?.fieldMessage('reason')} rows={3} />
        <TextArea label="Message to the member (optional)" value={memberMessage} onChange={(e) => setMemberMessage(e.target.value)} error={apiError?.fieldMessage('memberMessage')} rows={2} />
        <div className="row staff-decisions" role="group" aria-label="Outcome">
          <Button variant="primary" busy={busy === 'upheld'} disabled={busy !== null} onClick={() => void submit('upheld')}>
            Uphold the decision
          </Button>
          <Button variant="danger" busy={busy === 'overturned'} disabled={busy !== null} onClick={() => void submit('overturned')}>
            Overturn the decision
          </Button>
        </div>
        {error !== undefined ? (
          <p className="form-error" role="alert">
            {describeFormError(error)}
          </p>
        ) : null}
      </form>
    </Card>
  );
}
