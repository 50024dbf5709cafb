// /staff/cases: the review queue, highest priority first, with the API's filters kept in the URL query so a
// filtered queue can be bookmarked and shared; refreshed every few seconds.
import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { api, ApiRequestError, describeError } from '../api/client.js';
import { useSession } from '../api/session.js';
import { AsyncView, Badge, Button, Card, Page, SelectField, TextField, formatTime } from '../ui/kit.js';
import { useAsync } from '../ui/use-async.js';
import { categoryLabel, percent, relativeTime, shortId, STATUS_TONE } from './format.js';
import { BulkDecisionCard } from './bulk-decision.js';
import { MemberName, useMemberNames, useRoomTitles } from './member-names.js';
import { CASE_KINDS, CASE_STATUSES, HARM_CATEGORIES, type CasePage, type CaseSummary } from './types.js';
import { useUrlFilters } from './url-filters.js';
import { usePolling } from './use-polling.js';

/** Ages offered as filters; the URL keeps the choice (e.g. age=older:1h) and the request turns it into a time. */
const AGES: Record<string, number> = { '15m': 15 * 60_000, '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 };
const AGE_OPTIONS = [
  { value: '', label: 'Any age' },
  { value: 'newer:1h', label: 'Opened in the last hour' },
  { value: 'newer:24h', label: 'Opened in the last 24 hours' },
  { value: 'older:15m', label: 'Waiting more than 15 minutes' },
  { value: 'older:1h', label: 'Waiting more than an hour' },
  { value: 'older:24h', label: 'Waiting more than a day' },
  { value: 'older:7d', label: 'Waiting more than a week' },
];

const KEYS = ['status', 'kind', 'category', 'roomId', 'memberId', 'age', 'unclaimedOnly'] as const;
type Filters = Record<(typeof KEYS)[number], string>;

function apiQuery(f: Filters, cursor?: string): Record<string, string | undefined> {
  const [direction, span] = f.age.split(':');
  const at = span && AGES[span] !== undefined ? new Date(Date.now() - AGES[span]!).toISOString() : undefined;
  return {
    status: f.status,
    kind: f.kind || undefined,
    category: f.category || undefined,
    roomId: f.roomId.trim() || undefined,
    memberId: f.memberId.trim() || undefined,
    olderThan: direction === 'older' ? at : undefined,
    newerThan: direction === 'newer' ? at : undefined,
    unclaimedOnly: f.unclaimedOnly === 'true' ? 'true' : undefined,
    limit: '50',
    cursor,
  };
}

export function CaseQueuePage() {
  const f = useUrlFilters(KEYS, { status: 'open' });
  const applied = f.applied;
  const appliedKey = f.appliedKey;
  const draft = f.draft;
  const [more, setMore] = useState<{ key: string; items: CaseSummary[]; cursor: string | null } | null>(null);
  // Case ids ticked for a bulk decision; only the open cases shown count (a refresh may close or hide some).
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const queue = useAsync((signal) => api.get<CasePage>('/v1/moderation/cases', { query: apiQuery(applied), signal }), [appliedKey]);
  usePolling(queue.reload);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setMore(null);
    f.apply();
  };
  const clear = () => {
    setMore(null);
    f.clear();
  };
  const loadMore = async (cursor: string) => {
    const page = await api.get<CasePage>('/v1/moderation/cases', { query: apiQuery(applied, cursor) });
    setMore((prev) => ({ key: appliedKey, items: [...(prev?.key === appliedKey ? prev.items : []), ...page.items], cursor: page.nextCursor }));
  };

  const refusal = queue.error instanceof ApiRequestError ? queue.error : undefined;
  const fieldError = (field: string) => refusal?.fieldMessage(field);
  const set = f.set;
  const extra = more?.key === appliedKey ? more : null;
  const shown = queue.data ? dedupe([...queue.data.items, ...(extra?.items ?? [])]) : [];
  const selectable = shown.filter((c) => c.status === 'open');
  const chosen = selectable.filter((c) => selected.has(c.id));
  const toggle = (id: string, on: boolean) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const allChosen = selectable.length > 0 && chosen.length === selectable.length;

  return (
    <Page title="Case queue">
      <Card title="Filters">
        <form className="staff-filters" onSubmit={apply} aria-label="Queue filters">
          <SelectField label="Status" value={draft.status} onChange={(e) => set('status', e.target.value)} options={[...CASE_STATUSES.map((s) => ({ value: s, label: s[0]!.toUpperCase() + s.slice(1) })), { value: 'any', label: 'Any status' }]} error={fieldError('status')} />
          <SelectField label="Kind" value={draft.kind} onChange={(e) => set('kind', e.target.value)} options={[{ value: '', label: 'Any kind' }, ...CASE_KINDS.map((k) => ({ value: k, label: k === 'appeal' ? 'Appeals' : k[0]!.toUpperCase() + k.slice(1) }))]} error={fieldError('kind')} />
          <SelectField label="Category" value={draft.category} onChange={(e) => set('category', e.target.value)} options={[{ value: '', label: 'Any category' }, ...HARM_CATEGORIES.map((c) => ({ value: c, label: categoryLabel(c) }))]} error={fieldError('category')} />
          <SelectField label="Age" value={draft.age} onChange={(e) => set('age', e.target.value)} options={AGE_OPTIONS} />
          <TextField label="Room id" value={draft.roomId} onChange={(e) => set('roomId', e.target.value)} error={fieldError('roomId')} spellCheck={false} autoComplete="off" />
          <TextField label="Member id" value={draft.memberId} onChange={(e) => set('memberId', e.target.value)} error={fieldError('memberId')} spellCheck={false} autoComplete="off" />
          <div className="field staff-check">
            <label>
              <input type="checkbox" checked={draft.unclaimedOnly === 'true'} onChange={(e) => set('unclaimedOnly', e.target.checked ? 'true' : '')} /> Unclaimed only
            </label>
          </div>
          <div className="row staff-filter-actions">
            <Button type="submit" variant="primary">
              Apply filters
            </Button>
            <Button onClick={clear}>Clear filters</Button>
          </div>
        </form>
      </Card>
      <BulkDecisionCard
        cases={chosen}
        available={selectable.length}
        onDone={() => {
          setSelected(new Set());
          queue.reload();
        }}
      />
      <section aria-labelledby="queue-heading" aria-busy={queue.loading || undefined}>
        <div className="row staff-list-head">
          <h2 id="queue-heading">Cases</h2>
          <p className="hint" role="status" aria-live="polite">
            {queue.data ? `${queue.data.items.length + (extra?.items.length ?? 0)} shown · refreshes every 5 s` : ''}
          </p>
        </div>
        <AsyncView state={queue} what="Loading the queue" isEmpty={(d) => d.items.length === 0} empty={applied.status === 'open' && !appliedKey.replace(/\u0000/g, '') ? 'No open cases. The queue is clear.' : 'No cases match these filters.'}>
          {(page) => (
            <>
              {selectable.length > 0 ? (
                <div className="field staff-check">
                  <label>
                    <input type="checkbox" checked={allChosen} onChange={(e) => setSelected(e.target.checked ? new Set(selectable.map((c) => c.id)) : new Set())} /> {`Select all open cases on this page (${selectable.length})`}
                  </label>
                </div>
              ) : null}
              <CaseList cases={shown} selected={selected} onToggle={toggle} />
              {(extra ? extra.cursor : page.nextCursor) ? (
                <ActionLoadMore onLoad={() => loadMore((extra ? extra.cursor : page.nextCursor)!)} />
              ) : null}
            </>
          )}
        </AsyncView>
      </section>
    </Page>
  );
}

function dedupe(cases: CaseSummary[]): CaseSummary[] {
  const seen = new Set<string>();
  return cases.filter((c) => (seen.has(c.id) ? false : (seen.add(c.id), true)));
}

function ActionLoadMore({ onLoad }: { onLoad: () => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  return (
    <div className="row">
      <Button busy={busy} onClick={async () => {
        setBusy(true);
        setError(undefined);
        try {
          await onLoad();
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
        }
      }}>
        Load more cases
      </Button>
      {error !== undefined ? <span className="inline-error" role="alert">{describeError(error)}</span> : null}
    </div>
  );
}

function CaseList({ cases, selected, onToggle }: { cases: CaseSummary[]; selected: ReadonlySet<string>; onToggle: (id: string, on: boolean) => void }) {
  const { me } = useSession();
  const nameOf = useMemberNames(cases.flatMap((c) => [c.subjectMemberId, c.lease?.holder]));
  const titleOf = useRoomTitles(cases.map((c) => c.roomId));
  return (
    <ol className="list staff-cases">
      {cases.map((c) => {
        const top = Object.entries(c.scores).sort((a, b) => b[1] - a[1])[0];
        const leaseLive = c.lease && Date.parse(c.lease.expiresAt) > Date.now();
        const what = c.kind === 'appeal' ? 'Appeal' : c.categories.length ? c.categories.map(categoryLabel).join(', ') : c.kind;
        return (
          <li key={c.id} className="staff-case staff-case-row">
            {c.status === 'open' ? (
              <label className="staff-select">
                <input type="checkbox" checked={selected.has(c.id)} onChange={(e) => onToggle(c.id, e.target.checked)} aria-label={`Select case ${shortId(c.id)}: ${what} — ${nameOf(c.subjectMemberId)}`} />
              </label>
            ) : null}
            <div>
            <div className="staff-case-main">
              <Link href={`/staff/cases/${c.id}`} className="staff-case-link">
                {`${what} — ${nameOf(c.subjectMemberId)}`}
              </Link>
              <div className="row">
                <Badge tone={STATUS_TONE[c.status] ?? 'neutral'}>{c.status}</Badge>
                <Badge tone={c.kind === 'appeal' ? 'info' : 'neutral'}>{c.kind}</Badge>
                {top ? <span>{`${categoryLabel(top[0])} ${percent(top[1])}`}</span> : null}
                <span>Priority {c.priority.toFixed(2)}</span>
                <span>{c.evidenceCount} clip{c.evidenceCount === 1 ? '' : 's'}</span>
              </div>
            </div>
            <p className="hint">
              Case {shortId(c.id)} · opened <time dateTime={c.createdAt} title={formatTime(c.createdAt)}>{relativeTime(c.createdAt)}</time>
              {c.roomId ? (
                <>
                  {' · in '}
                  <span title={c.roomId}>{titleOf(c.roomId)}</span>
                </>
              ) : ''}
              {leaseLive ? (
                <>
                  {' · '}
                  <strong>claimed by {c.lease!.holder === me?.id ? 'you' : <MemberName id={c.lease!.holder} />}</strong> until {formatTime(c.lease!.expiresAt, { timeStyle: 'short' })}
                </>
              ) : null}
            </p>
            </div>
          </li>
        );
      })}
    </ol>
  );
}
