// /staff/audit: the audit log, newest first: decisions, automatic actions, evidence reads, policy changes. Filters
// (action, actor, subject, room, time) are the API's and live in the URL; refreshed every few seconds.
import { useState } from 'react';
import { Link } from 'wouter';
import { api, ApiRequestError } from '../api/client.js';
import { ActionButton, AsyncView, Button, Card, Page, SelectField, TextField, formatTime } from '../ui/kit.js';
import { useAsync } from '../ui/use-async.js';
import { shortId } from './format.js';
import { useMemberNames, useRoomTitles } from './member-names.js';
import type { AuditEntry } from './types.js';
import { localToIso, useUrlFilters } from './url-filters.js';
import { usePolling } from './use-polling.js';

const KEYS = ['action', 'actionPrefix', 'actorId', 'subjectKind', 'subjectId', 'roomId', 'since', 'until'] as const;
const PREFIXES = [
  { value: '', label: 'Any action' },
  { value: 'case.', label: 'Case decisions and appeals filed' },
  { value: 'appeal.', label: 'Appeal outcomes' },
  { value: 'evidence.', label: 'Evidence reads' },
  { value: 'moderation.', label: 'Automatic moderation actions' },
  { value: 'room.', label: 'Room policy changes' },
];

interface AuditPage {
  items: AuditEntry[];
  nextBefore: string | null;
}

export function AuditLogPage() {
  const f = useUrlFilters(KEYS);
  const a = f.applied;
  const query = (before?: string) => ({
    action: a.action || undefined,
    actionPrefix: a.actionPrefix || undefined,
    actorId: a.actorId || undefined,
    subjectKind: a.subjectKind || undefined,
    subjectId: a.subjectId || undefined,
    roomId: a.roomId || undefined,
    since: localToIso(a.since),
    until: localToIso(a.until),
    limit: 50,
    before,
  });
  const log = useAsync((signal) => api.get<AuditPage>('/v1/admin/audit', { query: query(), signal }), [f.appliedKey]);
  usePolling(log.reload, 10_000);
  const [more, setMore] = useState<{ key: string; items: AuditEntry[]; next: string | null } | null>(null);
  const err = log.error instanceof ApiRequestError ? log.error : undefined;
  const extra = more?.key === f.appliedKey ? more : null;
  return (
    <Page title="Audit log">
      <Card title="Filters">
        <form
          className="staff-filters"
          aria-label="Audit log filters"
          onSubmit={(e) => {
            e.preventDefault();
            setMore(null);
            f.apply();
          }}
        >
          <SelectField label="Kind of action" value={f.draft.actionPrefix} onChange={(e) => f.set('actionPrefix', e.target.value)} options={PREFIXES} error={err?.fieldMessage('actionPrefix')} />
          <TextField label="Exact action" hint="e.g. case.decided" value={f.draft.action} onChange={(e) => f.set('action', e.target.value)} error={err?.fieldMessage('action')} spellCheck={false} autoComplete="off" />
          <TextField label="Actor (member id)" value={f.draft.actorId} onChange={(e) => f.set('actorId', e.target.value)} error={err?.fieldMessage('actorId')} spellCheck={false} autoComplete="off" />
          <TextField label="Subject kind" hint="e.g. case, clip, room" value={f.draft.subjectKind} onChange={(e) => f.set('subjectKind', e.target.value)} error={err?.fieldMessage('subjectKind')} spellCheck={false} autoComplete="off" />
          <TextField label="Subject id" value={f.draft.subjectId} onChange={(e) => f.set('subjectId', e.target.value)} error={err?.fieldMessage('subjectId')} spellCheck={false} autoComplete="off" />
          <TextField label="Room id" value={f.draft.roomId} onChange={(e) => f.set('roomId', e.target.value)} error={err?.fieldMessage('roomId')} spellCheck={false} autoComplete="off" />
          <TextField label="From" type="datetime-local" value={f.draft.since} onChange={(e) => f.set('since', e.target.value)} error={err?.fieldMessage('since')} />
          <TextField label="Until" type="datetime-local" value={f.draft.until} onChange={(e) => f.set('until', e.target.value)} error={err?.fieldMessage('until')} />
          <div className="row staff-filter-actions">
            <Button type="submit" variant="primary">
              Apply filters
            </Button>
            <Button onClick={f.clear}>Clear filters</Button>
          </div>
        </form>
      </Card>
      <section aria-labelledby="entries-heading">
        <h2 id="entries-heading">Entries</h2>
        <AsyncView state={log} what="Loading the audit log" isEmpty={(d) => d.items.length === 0} empty={f.appliedKey.replace(/\u0000/g, '') ? 'No entries match these filters.' : 'The audit log is empty.'}>
          {(d) => (
            <>
              <AuditList entries={[...d.items, ...(extra?.items ?? [])]} />
              {(extra ? extra.next : d.nextBefore) ? (
                <div className="row">
                  <ActionButton
                    action={async () => {
                      const page = await api.get<AuditPage>('/v1/admin/audit', { query: query((extra ? extra.next : d.nextBefore)!) });
                      setMore({ key: f.appliedKey, items: [...(extra?.items ?? []), ...page.items], next: page.nextBefore });
                    }}
                  >
                    Older entries
                  </ActionButton>
                </div>
              ) : null}
            </>
          )}
        </AsyncView>
      </section>
    </Page>
  );
}

/** Detail fields that hold a member id (shown as the member's name). */
const MEMBER_KEY = /(memberid|speakeridentity)$/i;

/** The detail's scalar fields, member ids named; nested values as compact JSON. */
function DetailFields({ detail, nameOf }: { detail: Record<string, unknown>; nameOf: (id: string) => string }) {
  const entries = Object.entries(detail).filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0));
  if (entries.length === 0) return null;
  return (
    <dl className="staff-detail">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{typeof v === 'string' && MEMBER_KEY.test(k) ? nameOf(v) : typeof v === 'object' ? JSON.stringify(v) : String(v)}</dd>
        </div>
      ))}
    </dl>
  );
}

function AuditList({ entries }: { entries: AuditEntry[] }) {
  const nameOf = useMemberNames(entries.flatMap((e) => [e.actor.memberId, ...Object.entries(e.detail).filter(([k, v]) => MEMBER_KEY.test(k) && typeof v === 'string').map(([, v]) => v as string)]));
  const titleOf = useRoomTitles(entries.map((e) => e.roomId));
  return (
    <ol className="list staff-audit">
      {entries.map((e) => (
        <li key={e.id} className="staff-audit-entry">
          <p className="staff-line-head">
            <strong className="staff-action">{e.action}</strong> · <time dateTime={e.at}>{formatTime(e.at, { dateStyle: 'medium', timeStyle: 'medium' })}</time> · by {e.actor.kind === 'system' ? 'the system' : nameOf(e.actor.memberId)}
          </p>
          <p className="hint">
            {e.subject ? (
              <>
                Subject: {e.subject.kind}{' '}
                {e.subject.kind === 'case' ? <Link href={`/staff/cases/${e.subject.id}`}>{shortId(e.subject.id)}</Link> : <code>{e.subject.id.length > 12 ? shortId(e.subject.id) : e.subject.id}</code>}
              </>
            ) : (
              'No subject'
            )}
            {e.roomId ? (
              <>
                {' '}
                · in <span title={e.roomId}>{titleOf(e.roomId)}</span>
              </>
            ) : null}
          </p>
          <DetailFields detail={e.detail} nameOf={nameOf} />
        </li>
      ))}
    </ol>
  );
}
