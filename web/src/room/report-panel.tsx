// Report a speaker (or the room) to trust-and-safety: a reason is required; the API attaches the recent transcript.
import { useState, type FormEvent } from 'react';
import { HARM_CATEGORIES } from '../../../models/classifier/taxonomy.js';
import { ApiRequestError, api, describeFormError } from '../api/client.js';
import { Button, Card, SelectField, TextArea } from '../ui/kit.js';
import type { StageView } from './stage-types.js';

const REASON_LABEL: Record<string, string> = {
  insult: 'Insult',
  severe: 'Severely toxic',
  identity_hate: 'Hate against an identity',
  threat: 'Threat',
  harassment: 'Harassment',
  sexual: 'Sexual content',
  self_harm: 'Self-harm',
  spam: 'Spam',
  personal_data: 'Sharing personal data',
  other: 'Something else',
};

export function ReportPanel({ roomId, stage, nameOf, selfId }: { roomId: string; stage: StageView; nameOf(id: string): string; selfId: string }) {
  const [target, setTarget] = useState('');
  const [reason, setReason] = useState('');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [sent, setSent] = useState<string | undefined>(undefined);
  const speakers = stage.onStage.filter((p) => p.identity !== selfId);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setSent(undefined);
    try {
      // An empty reason goes to the API as is: its refusal names the field.
      const body = { reason, ...(target ? { memberId: target } : {}), ...(text.trim() ? { text: text.trim() } : {}) };
      await api.post<{ caseId: string }>(`/v1/rooms/${roomId}/reports`, body);
      setSent(target ? `Your report about ${nameOf(target)} was sent to trust and safety.` : 'Your report about this room was sent to trust and safety.');
      setReason('');
      setText('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const fieldError = (field: string) => (error instanceof ApiRequestError ? error.fieldMessage(field) : undefined);

  return (
    <Card title="Report">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <SelectField
          label="Who"
          value={target}
          onChange={(e) => setTarget(e.target.value)}
          error={fieldError('memberId')}
          options={[{ value: '', label: 'The room as a whole' }, ...speakers.map((p) => ({ value: p.identity, label: nameOf(p.identity) }))]}
        />
        <SelectField
          label="Reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          error={fieldError('reason')}
          options={[{ value: '', label: 'Choose a reason' }, ...[...HARM_CATEGORIES, 'other'].map((r) => ({ value: r, label: REASON_LABEL[r] ?? r }))]}
        />
        <TextArea label="What happened (optional)" value={text} maxLength={2000} onChange={(e) => setText(e.target.value)} error={fieldError('text')} />
        <Button type="submit" variant="danger" busy={busy}>
          Send report
        </Button>
        {error !== undefined ? (
          <p className="form-error" role="alert">
            {describeFormError(error)}
          </p>
        ) : null}
        {sent ? (
          <p className="report-sent" role="status">
            {sent}
          </p>
        ) : null}
      </form>
    </Card>
  );
}
