// Around a case: the member's earlier cases, decisions and sanctions; the notes on this case (and a form to add
// one); the case's own event log, oldest first.
import { useState } from 'react';
import { Link } from 'wouter';
import { api, ApiRequestError, describeFormError } from '../api/client.js';
import { Badge, Button, Card, Empty, TextArea, formatTime } from '../ui/kit.js';
import { useAction } from '../ui/use-action.js';
import { categoryLabel, DECISION_LABELS, formatDuration, shortId, STATUS_TONE } from './format.js';
import { useMemberNames } from './member-names.js';
import type { CaseDetail, CaseEvent } from './types.js';

export function MemberHistoryCard({ history }: { history: CaseDetail['history'] }) {
  if (!history) return null;
  const { cases, decisions, sanctions } = history;
  return (
    <Card title="Member's history">
      {cases.length === 0 && decisions.length === 0 && sanctions.length === 0 ? (
        <Empty>No earlier cases, decisions or sanctions.</Empty>
      ) : (
        <div className="stack">
          {sanctions.length ? (
            <>
              <h3>Sanctions</h3>
              <ul className="list">
                {sanctions.map((s) => (
                  <li key={s.id}>
                    <Badge tone={s.liftedAt ? 'neutral' : 'bad'}>{s.kind}</Badge> {s.reason} · from {formatTime(s.startsAt)}
                    {s.expiresAt ? ` to ${formatTime(s.expiresAt)}` : ''}
                    {s.liftedAt ? ` · lifted ${formatTime(s.liftedAt)}${s.liftReason ? ` (${s.liftReason})` : ''}` : ''}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {decisions.length ? (
            <>
              <h3>Decisions</h3>
              <ul className="list">
                {decisions.map((d) => (
                  <li key={d.id}>
                    <strong>{DECISION_LABELS[d.decision]}</strong>
                    {d.durationSeconds ? ` for ${formatDuration(d.durationSeconds)}` : ''} · {formatTime(d.decidedAt)} · “{d.memberReason}”
                    {d.appeal ? ` · appealed${d.appeal.outcome ? `, ${d.appeal.outcome}` : ''}` : ''}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {cases.length ? (
            <>
              <h3>Earlier cases</h3>
              <ul className="list">
                {cases.map((c) => (
                  <li key={c.id}>
                    <Link href={`/staff/cases/${c.id}`}>{`Case ${shortId(c.id)}: ${c.kind === 'appeal' ? 'appeal' : c.categories.map(categoryLabel).join(', ') || c.kind}`}</Link>{' '}
                    <Badge tone={STATUS_TONE[c.status] ?? 'neutral'}>{c.status}</Badge> · {formatTime(c.createdAt)}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
      )}
    </Card>
  );
}

const EVENT_LABELS: Record<string, string> = {
  opened: 'Opened',
  evidence_added: 'More evidence added',
  claimed: 'Claimed',
  lease_renewed: 'Claim renewed',
  released: 'Released',
  note_added: 'Note',
  decided: 'Decided',
  appeal_upheld: 'Appeal upheld',
  appeal_overturned: 'Appeal overturned',
  reopened: 'Reopened',
};

function eventLabel(type: string): string {
  return EVENT_LABELS[type] ?? type.replace(/_/g, ' ');
}

export function NotesCard({ caseId, events, onAdded }: { caseId: string; events: CaseEvent[]; onAdded: () => void }) {
  const notes = events.filter((e) => e.type === 'note_added');
  const nameOf = useMemberNames(notes.map((n) => n.actor.memberId));
  const [text, setText] = useState('');
  const [visible, setVisible] = useState(false);
  const { busy, error, run } = useAction();
  const add = () =>
    run(async () => {
      await api.post(`/v1/moderation/cases/${caseId}/notes`, { text, visibleToMember: visible });
      setText('');
      setVisible(false);
      onAdded();
    });
  return (
    <Card title="Notes">
      {notes.length === 0 ? (
        <Empty>No notes yet.</Empty>
      ) : (
        <ul className="list">
          {notes.map((n) => (
            <li key={n.id}>
              <p className="hint">
                {nameOf(n.actor.memberId)} · {formatTime(n.at)} {n.visibleToSubject ? <Badge tone="info">shown to the member</Badge> : <Badge>internal</Badge>}
              </p>
              <p className="staff-note-text">{n.reason ?? String(n.detail.text ?? '')}</p>
            </li>
          ))}
        </ul>
      )}
      <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void add();
          }}
        >
          <TextArea label="New note" value={text} onChange={(e) => setText(e.target.value)} error={error instanceof ApiRequestError ? error.fieldMessage('text') : undefined} rows={2} />
          <div className="field staff-check">
            <label>
              <input type="checkbox" checked={visible} onChange={(e) => setVisible(e.target.checked)} /> Show this note to the member with the decision
            </label>
          </div>
          <Button type="submit" busy={busy}>
            Add note
          </Button>
          {error !== undefined ? (
            <p className="form-error" role="alert">
              {describeFormError(error)}
            </p>
          ) : null}
        </form>
    </Card>
  );
}

export function EventLogCard({ events }: { events: CaseEvent[] }) {
  const nameOf = useMemberNames(events.map((e) => e.actor.memberId));
  return (
    <Card title="Case log">
      <ol className="list">
        {events.map((e) => (
          <li key={e.id}>
            <strong>{eventLabel(e.type)}</strong> · <time dateTime={e.at}>{formatTime(e.at, { dateStyle: 'medium', timeStyle: 'medium' })}</time> · {e.actor.kind === 'system' ? 'automatic' : nameOf(e.actor.memberId)}
            {e.type === 'decided' && typeof e.detail.decision === 'string' ? ` · ${DECISION_LABELS[e.detail.decision] ?? e.detail.decision}` : ''}
            {e.durationSeconds ? ` for ${formatDuration(e.durationSeconds)}` : ''}
            {e.reason && e.type !== 'note_added' ? <span className="staff-event-reason"> — {e.reason}</span> : null}
          </li>
        ))}
      </ol>
    </Card>
  );
}
