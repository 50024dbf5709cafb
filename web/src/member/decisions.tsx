// Moderation decisions about the member (/decisions): what was decided and why, the messages staff addressed to
// them, the appeal's state, and the appeal form (one appeal per decision; the API's refusal is shown as it says it).
import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { api, ApiRequestError, describeFormError } from '../api/client.js';
import { AsyncView, Badge, Button, Card, Page, TextArea, formatTime } from '../ui/kit.js';
import { useAsync } from '../ui/use-async.js';

export interface MemberDecision {
  id: string;
  decision: 'warn' | 'suspend' | 'ban';
  reason: string;
  categories: string[];
  roomId: string | null;
  decidedAt: string;
  expiresAt: string | null;
  canAppeal: boolean;
  appeal: { status: 'pending' | 'upheld' | 'overturned'; appealedAt: string; statement: string | null; reason: string | null; resolvedAt: string | null } | null;
  messages: { at: string; text: string }[];
}

const DECISION_LABEL: Record<MemberDecision['decision'], string> = { warn: 'Warning', suspend: 'Suspension', ban: 'Ban' };
const APPEAL_LABEL = { pending: 'Appeal under review', upheld: 'Appeal declined: the decision stands', overturned: 'Appeal accepted: the decision was reversed' } as const;

export function DecisionsPage() {
  const decisions = useAsync((signal) => api.get<{ items: MemberDecision[] }>('/v1/me/decisions', { signal }), []);
  return (
    <Page title="Decisions">
      <p className="hint">Decisions trust-and-safety staff made about your account, what they told you, and your appeals.</p>
      <AsyncView state={decisions} what="Loading your decisions" empty="There are no decisions about your account." isEmpty={(d) => d.items.length === 0}>
        {(d) => (
          <ul className="list decision-list" aria-label="Decisions about you">
            {d.items.map((item) => (
              <li key={item.id}>
                <DecisionCard decision={item} onAppealed={() => void decisions.reload()} />
              </li>
            ))}
          </ul>
        )}
      </AsyncView>
    </Page>
  );
}

function DecisionCard({ decision, onAppealed }: { decision: MemberDecision; onAppealed(): void }) {
  const title = `${DECISION_LABEL[decision.decision]} on ${formatTime(decision.decidedAt, { dateStyle: 'medium' })}`;
  return (
    <Card title={title} className="decision" headingLevel={2}>
      <dl className="decision-facts">
        <dt>Decision</dt>
        <dd>
          <Badge tone={decision.decision === 'warn' ? 'warn' : 'bad'}>{DECISION_LABEL[decision.decision]}</Badge>
        </dd>
        <dt>Reason</dt>
        <dd className="decision-reason">{decision.reason}</dd>
        {decision.categories.length > 0 ? (
          <>
            <dt>About</dt>
            <dd>{decision.categories.map((c) => c.replace(/_/g, ' ')).join(', ')}</dd>
          </>
        ) : null}
        {decision.roomId ? (
          <>
            <dt>Room</dt>
            <dd>
              <Link href={`/rooms/${decision.roomId}`}>The room it happened in</Link>
            </dd>
          </>
        ) : null}
        <dt>Decided</dt>
        <dd>{formatTime(decision.decidedAt)}</dd>
        {decision.decision !== 'warn' ? (
          <>
            <dt>Ends</dt>
            <dd>{decision.expiresAt ? formatTime(decision.expiresAt) : 'Does not expire'}</dd>
          </>
        ) : null}
      </dl>
      {decision.messages.length > 0 ? (
        <section aria-label="Messages from trust and safety" className="decision-messages">
          <h3>Messages from trust and safety</h3>
          <ul className="list">
            {decision.messages.map((m, i) => (
              <li key={i}>
                <p>{m.text}</p>
                <p className="hint">{formatTime(m.at)}</p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {decision.appeal ? (
        <section aria-label="Your appeal" className="decision-appeal">
          <h3>Your appeal</h3>
          <p>
            <Badge tone={decision.appeal.status === 'overturned' ? 'good' : decision.appeal.status === 'upheld' ? 'bad' : 'info'}>{APPEAL_LABEL[decision.appeal.status]}</Badge>
          </p>
          <p className="hint">Filed {formatTime(decision.appeal.appealedAt)}</p>
          {decision.appeal.statement ? <blockquote className="appeal-statement">{decision.appeal.statement}</blockquote> : null}
          {decision.appeal.reason ? <p>Staff answered: {decision.appeal.reason}</p> : null}
        </section>
      ) : decision.canAppeal ? (
        <AppealForm decisionId={decision.id} onAppealed={onAppealed} />
      ) : (
        <p className="hint">This decision can no longer be appealed.</p>
      )}
    </Card>
  );
}

function AppealForm({ decisionId, onAppealed }: { decisionId: string; onAppealed(): void }) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [filed, setFiled] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api.post(`/v1/me/decisions/${decisionId}/appeal`, { text });
      setFiled(true);
      onAppealed();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const apiError = error instanceof ApiRequestError ? error : undefined;
  if (filed) {
    return (
      <p role="status" className="appeal-filed">
        Your appeal was filed. A reviewer who did not make this decision will look at it.
      </p>
    );
  }
  return (
    <form onSubmit={submit} noValidate className="appeal-form" aria-label="Appeal this decision">
      <h3>Appeal this decision</h3>
      <p className="hint">You can appeal each decision once. Say why it should be reconsidered.</p>
      <TextArea label="Your appeal" name="appeal" rows={4} maxLength={10_000} value={text} onChange={(e) => setText(e.target.value)} error={apiError?.fieldMessage('text')} />
      {error !== undefined ? (
        <p className="form-error" role="alert">
          {describeFormError(error)}
        </p>
      ) : null}
      <Button type="submit" variant="primary" busy={busy}>
        File appeal
      </Button>
    </form>
  );
}
