// The queue's bulk decision: the same decision and reason on the selected cases, confirmed with a summary of what
// happens to how many members, sent once to POST /v1/moderation/decisions (one batch id). The API's answer is shown
// case by case: each case succeeds or is refused on its own.
import { useState } from 'react';
import { api, ApiRequestError, describeFormError } from '../api/client.js';
import { Button, Card, SelectField, TextArea } from '../ui/kit.js';
import { SUSPENSION_CHOICES } from './case-decision.js';
import { DECISION_LABELS, formatDuration, shortId } from './format.js';
import { useMemberNames } from './member-names.js';
import { DECISIONS, type BatchResults, type CaseSummary, type Decision } from './types.js';

const PAST: Record<Decision, string> = { dismiss: 'dismissed', warn: 'warned', suspend: 'suspended', ban: 'banned' };

/** What the decision does, in words, for the confirmation. */
function consequence(decision: Decision, durationSeconds: number, members: number): string {
  const who = `${members} member${members === 1 ? '' : 's'}`;
  if (decision === 'dismiss') return 'No sanction: the cases are closed as dismissed.';
  if (decision === 'warn') return `${who} will be warned.`;
  if (decision === 'suspend') return `${who} will be suspended for ${formatDuration(durationSeconds)} and removed from every live room.`;
  return `${who} will be banned and removed from every live room.`;
}

/** `cases`: the ticked open cases; `available`: how many open cases the page lists (none and no answer: no card). */
export function BulkDecisionCard({ cases, available, onDone }: { cases: CaseSummary[]; available: number; onDone: () => void }) {
  const [decision, setDecision] = useState<Decision>('warn');
  const [duration, setDuration] = useState(String(86_400));
  const [reason, setReason] = useState('');
  const [memberMessage, setMemberMessage] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [answer, setAnswer] = useState<{ batch: BatchResults; decision: Decision; cases: CaseSummary[] } | null>(null);
  const apiError = error instanceof ApiRequestError ? error : undefined;
  const members = new Set(cases.map((c) => c.subjectMemberId).filter(Boolean)).size;
  const label = decision === 'suspend' ? `Suspend for ${formatDuration(Number(duration))}` : DECISION_LABELS[decision]!;

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const batch = await api.post<BatchResults>('/v1/moderation/decisions', {
        caseIds: cases.map((c) => c.id),
        decision,
        reason,
        ...(memberMessage.trim() ? { memberMessage } : {}),
        ...(decision === 'suspend' ? { durationSeconds: Number(duration) } : {}),
      });
      setAnswer({ batch, decision, cases });
      setReason('');
      setMemberMessage('');
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  if (available === 0 && cases.length === 0 && !answer) return null;
  return (
    <Card title="Decide the selected cases">
      {answer ? <BatchAnswer {...answer} /> : null}
      {cases.length === 0 ? (
        <p className="hint">Select cases in the list below to decide them together.</p>
      ) : (
        <form noValidate aria-label="Bulk decision" onSubmit={(e) => (e.preventDefault(), setError(undefined), setConfirming(true))}>
          <p>
            <strong>{cases.length} case{cases.length === 1 ? '' : 's'} selected</strong> about {members} member{members === 1 ? '' : 's'}.
          </p>
          <SelectField label="Decision" value={decision} onChange={(e) => (setDecision(e.target.value as Decision), setConfirming(false))} options={DECISIONS.map((d) => ({ value: d, label: DECISION_LABELS[d] ?? d }))} error={apiError?.fieldMessage('decision')} />
          {decision === 'suspend' ? (
            <SelectField label="Suspension length" value={duration} onChange={(e) => (setDuration(e.target.value), setConfirming(false))} options={SUSPENSION_CHOICES.map((s) => ({ value: String(s), label: formatDuration(s) }))} error={apiError?.fieldMessage('durationSeconds')} />
          ) : null}
          <TextArea label="Reason (internal, required)" hint="Kept with every decision of the batch and in the audit log." value={reason} onChange={(e) => setReason(e.target.value)} error={apiError?.fieldMessage('reason')} rows={3} />
          <TextArea label="Message to the members (optional)" value={memberMessage} onChange={(e) => setMemberMessage(e.target.value)} error={apiError?.fieldMessage('memberMessage')} rows={2} />
          {confirming ? (
            <div className="staff-confirm" role="group" aria-labelledby="bulk-confirm-summary">
              <p id="bulk-confirm-summary">
                <strong>{`${label}: ${cases.length} case${cases.length === 1 ? '' : 's'}.`}</strong> {consequence(decision, Number(duration), members)}
              </p>
              <div className="row">
                <Button variant={decision === 'suspend' || decision === 'ban' ? 'danger' : 'primary'} busy={busy} disabled={busy} onClick={() => void submit()}>
                  {`Confirm: ${label.toLowerCase()} ${cases.length} case${cases.length === 1 ? '' : 's'}`}
                </Button>
                <Button disabled={busy} onClick={() => setConfirming(false)}>
                  Back
                </Button>
              </div>
            </div>
          ) : (
            <div className="row">
              <Button type="submit" variant="primary">
                Review the decision
              </Button>
            </div>
          )}
          {error !== undefined ? (
            <p className="form-error" role="alert">
              {describeFormError(error)}
            </p>
          ) : null}
        </form>
      )}
    </Card>
  );
}

function BatchAnswer({ batch, decision, cases }: { batch: BatchResults; decision: Decision; cases: CaseSummary[] }) {
  const nameOf = useMemberNames(cases.map((c) => c.subjectMemberId));
  const ok = batch.results.filter((r) => r.ok).length;
  const subject = new Map(cases.map((c) => [c.id, c.subjectMemberId]));
  return (
    <section className="staff-done card" aria-labelledby="batch-heading" role="status">
      <h3 id="batch-heading">{`${ok} of ${batch.results.length} ${PAST[decision]}`}</h3>
      <p>
        Batch <code>{batch.batchId}</code>
      </p>
      <ul className="staff-batch-results">
        {batch.results.map((r) => (
          <li key={r.caseId}>
            {`Case ${shortId(r.caseId)} (${nameOf(subject.get(r.caseId))}): `}
            {r.ok ? <strong>{PAST[decision]}</strong> : <strong className="staff-refused">{`refused — ${r.message ?? r.code ?? 'no reason given'}`}</strong>}
          </li>
        ))}
      </ul>
    </section>
  );
}
