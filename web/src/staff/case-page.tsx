// /staff/cases/:caseId: one case for review: the claim, what was flagged and where, the transcript around it with
// scores and model versions, the evidence audio, the member's history, notes, and the decision (or, for an
// appeal, its outcome). Refreshed every few seconds so another reviewer's action shows up.
import { useCallback, useState } from 'react';
import { Link, useParams } from 'wouter';
import { api } from '../api/client.js';
import { AsyncView, Badge, Card, Page, formatTime } from '../ui/kit.js';
import { useAsync } from '../ui/use-async.js';
import { AppealCard, DecisionCard } from './case-decision.js';
import { EventLogCard, MemberHistoryCard, NotesCard } from './case-history.js';
import { LeasePanel } from './case-lease.js';
import { EvidenceCard, TranscriptCard } from './case-transcript.js';
import { categoryLabel, DECISION_LABELS, formatDuration, percent, rankedScores, shortId, STATUS_TONE } from './format.js';
import { MemberName, RoomTitle } from './member-names.js';
import { DECISIONS, type CaseDetail, type DecisionRecord } from './types.js';
import { usePolling } from './use-polling.js';

const CASE_POLL_MS = 10_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Which decisions a case of this kind may end with (mirrors engine DECISIONS_BY_KIND). */
function allowedDecisions(kind: CaseDetail['case']['kind']) {
  return kind === 'appeal' ? [] : kind === 'wellbeing' ? (['dismiss'] as const) : DECISIONS;
}

export function CasePage() {
  const { caseId = '' } = useParams<{ caseId: string }>();
  const detail = useAsync((signal) => api.get<CaseDetail>(`/v1/moderation/cases/${encodeURIComponent(caseId)}`, { signal }), [caseId]);
  usePolling(detail.reload, CASE_POLL_MS);
  const [decided, setDecided] = useState<DecisionRecord | null>(null);
  const reload = useCallback(() => void detail.reload(), [detail.reload]);
  const title = detail.data ? `${detail.data.case.kind === 'appeal' ? 'Appeal' : 'Case'} ${shortId(caseId)}` : `Case ${shortId(caseId)}`;
  return (
    <Page title={title} actions={<Link href="/staff/cases">Back to the queue</Link>}>
      {!UUID.test(caseId) ? (
        <div className="state state-error" role="alert">
          <p>“{caseId}” is not a case id.</p>
        </div>
      ) : (
        <AsyncView state={detail} what="Loading the case">
          {(d) => {
            const open = d.case.status === 'open';
            return (
              <div className="staff-case-layout">
                <div className="staff-case-col">
                  <CaseSummaryCard detail={d} />
                  {decided ? <DecidedNotice decision={decided} /> : null}
                  <LeasePanel caseId={d.case.id} lease={d.case.lease} open={open} onChange={reload} />
                  {d.case.kind === 'appeal' ? <AppealStatement detail={d} /> : null}
                  <TranscriptCard lines={d.transcript} />
                  <EvidenceCard caseId={d.case.id} clips={d.evidence} />
                </div>
                <div className="staff-case-col">
                  {open && d.case.kind === 'appeal' ? (
                    <AppealCard
                      detail={d}
                      onResolved={(x) => {
                        setDecided(x);
                        reload();
                      }}
                    />
                  ) : null}
                  {open && d.case.kind !== 'appeal' ? (
                    <DecisionCard
                      detail={d}
                      allowed={allowedDecisions(d.case.kind)}
                      onDecided={(x) => {
                        setDecided(x);
                        reload();
                      }}
                    />
                  ) : null}
                  {!open ? <OutcomeCard detail={d} /> : null}
                  <MemberHistoryCard history={d.history} />
                  <NotesCard caseId={d.case.id} events={d.events} onAdded={reload} />
                  <EventLogCard events={d.events} />
                </div>
              </div>
            );
          }}
        </AsyncView>
      )}
    </Page>
  );
}

function CaseSummaryCard({ detail }: { detail: CaseDetail }) {
  const c = detail.case;
  return (
    <Card title="Summary">
      <div className="row">
        <Badge tone={STATUS_TONE[c.status] ?? 'neutral'}>{c.status}</Badge>
        <Badge tone={c.kind === 'appeal' ? 'info' : 'neutral'}>{c.kind}</Badge>
        <span>Priority {c.priority.toFixed(2)}</span>
      </div>
      <dl className="staff-facts">
        <dt>Member</dt>
        <dd>{c.subjectMemberId ? <MemberName id={c.subjectMemberId} /> : 'nobody named'}</dd>
        <dt>Categories</dt>
        <dd>{c.categories.length ? c.categories.map(categoryLabel).join(', ') : '—'}</dd>
        <dt>Highest scores</dt>
        <dd>
          {rankedScores(c.scores)
            .slice(0, 3)
            .map(([k, v]) => `${categoryLabel(k)} ${percent(v)}`)
            .join(' · ') || '—'}
        </dd>
        <dt>Room</dt>
        <dd>{c.roomId ? <RoomTitle id={c.roomId} /> : '—'}</dd>
        <dt>Opened</dt>
        <dd>{formatTime(c.createdAt)}</dd>
        {c.resolvedAt ? (
          <>
            <dt>Closed</dt>
            <dd>{formatTime(c.resolvedAt)}</dd>
          </>
        ) : null}
      </dl>
    </Card>
  );
}

function AppealStatement({ detail }: { detail: CaseDetail }) {
  const opened = detail.events.find((e) => e.type === 'opened');
  const decision = typeof opened?.detail.decision === 'string' ? opened.detail.decision : undefined;
  const original = typeof opened?.detail.originalCaseId === 'string' ? opened.detail.originalCaseId : undefined;
  return (
    <Card title="The member's appeal">
      <blockquote className="staff-quote">{opened?.reason ?? '(no statement)'}</blockquote>
      <p>
        Appealing a {decision ? <strong>{DECISION_LABELS[decision] ?? decision}</strong> : 'decision'}
        {original ? (
          <>
            {' '}
            on <Link href={`/staff/cases/${original}`}>case {shortId(original)}</Link>
          </>
        ) : null}
        . The transcript and evidence below are the original case's.
      </p>
    </Card>
  );
}

function DecidedNotice({ decision }: { decision: DecisionRecord }) {
  const what = decision.appeal?.outcome ? `Appeal ${decision.appeal.outcome}` : `${DECISION_LABELS[decision.decision]}${decision.durationSeconds ? ` for ${formatDuration(decision.durationSeconds)}` : ''}`;
  return (
    <div className="state staff-done" role="status">
      <p>
        <strong>Recorded: {what}.</strong> The member is told: “{decision.appeal?.reason && decision.appeal.outcome ? decision.appeal.reason : decision.memberReason}”
      </p>
    </div>
  );
}

function OutcomeCard({ detail }: { detail: CaseDetail }) {
  const last = detail.decisions[detail.decisions.length - 1];
  const closing = [...detail.events].reverse().find((e) => e.type === 'decided' || e.type === 'appeal_upheld' || e.type === 'appeal_overturned');
  return (
    <Card title="Outcome">
      {last ? (
        <p>
          <strong>{DECISION_LABELS[last.decision]}</strong>
          {last.durationSeconds ? ` for ${formatDuration(last.durationSeconds)}` : ''} by <MemberName id={last.decidedBy} /> on {formatTime(last.decidedAt)}
          {last.expiresAt ? `, until ${formatTime(last.expiresAt)}` : ''}. Member told: “{last.memberReason}”
        </p>
      ) : null}
      {closing ? (
        <p>
          {closing.type === 'decided' ? 'Reason' : closing.type === 'appeal_upheld' ? 'Upheld' : 'Overturned'}: {closing.reason ?? '—'} (<MemberName id={closing.actor.memberId} />, {formatTime(closing.at)})
        </p>
      ) : null}
      {!last && !closing ? <p>This case is {detail.case.status}.</p> : null}
    </Card>
  );
}
