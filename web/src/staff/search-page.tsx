// /staff/search: full-text search over transcripts (web-search syntax), newest first, with the query and its
// filters in the URL; each hit links to the room's flagged cases.
import { Fragment, useState } from 'react';
import { Link } from 'wouter';
import { api, ApiRequestError } from '../api/client.js';
import { ActionButton, AsyncView, Badge, Button, Card, Empty, Page, TextField, formatTime } from '../ui/kit.js';
import { useAsync } from '../ui/use-async.js';
import { categoryLabel } from './format.js';
import { useMemberNames, useRoomTitles } from './member-names.js';
import type { TranscriptHit } from './types.js';
import { localToIso, useUrlFilters } from './url-filters.js';

const KEYS = ['q', 'speaker', 'roomId', 'since', 'until', 'flaggedOnly'] as const;

interface HitPage {
  items: TranscriptHit[];
  nextBefore: string | null;
}

export function TranscriptSearchPage() {
  const f = useUrlFilters(KEYS);
  const a = f.applied;
  const query = (before?: string) => ({
    q: a.q,
    speaker: a.speaker || undefined,
    roomId: a.roomId || undefined,
    since: localToIso(a.since),
    until: localToIso(a.until),
    flaggedOnly: a.flaggedOnly === 'true' ? 'true' : undefined,
    limit: 50,
    before,
  });
  const results = useAsync((signal) => (a.q.trim() ? api.get<HitPage>('/v1/moderation/transcripts', { query: query(), signal }) : Promise.resolve(null)), [f.appliedKey]);
  const [more, setMore] = useState<{ key: string; items: TranscriptHit[]; next: string | null } | null>(null);
  const err = results.error instanceof ApiRequestError ? results.error : undefined;
  const extra = more?.key === f.appliedKey ? more : null;
  return (
    <Page title="Transcript search">
      <Card title="Search">
        <form
          role="search"
          className="staff-filters"
          onSubmit={(e) => {
            e.preventDefault();
            setMore(null);
            f.apply();
          }}
        >
          <TextField label="Words to find" hint='Web-search syntax: "exact phrase", or, -exclude.' value={f.draft.q} onChange={(e) => f.set('q', e.target.value)} error={err?.fieldMessage('q')} />
          <TextField label="Speaker (member id)" value={f.draft.speaker} onChange={(e) => f.set('speaker', e.target.value)} error={err?.fieldMessage('speaker')} spellCheck={false} autoComplete="off" />
          <TextField label="Room id" value={f.draft.roomId} onChange={(e) => f.set('roomId', e.target.value)} error={err?.fieldMessage('roomId')} spellCheck={false} autoComplete="off" />
          <TextField label="Said after" type="datetime-local" value={f.draft.since} onChange={(e) => f.set('since', e.target.value)} error={err?.fieldMessage('since')} />
          <TextField label="Said before" type="datetime-local" value={f.draft.until} onChange={(e) => f.set('until', e.target.value)} error={err?.fieldMessage('until')} />
          <div className="field staff-check">
            <label>
              <input type="checkbox" checked={f.draft.flaggedOnly === 'true'} onChange={(e) => f.set('flaggedOnly', e.target.checked ? 'true' : '')} /> Flagged lines only
            </label>
          </div>
          <div className="row staff-filter-actions">
            <Button type="submit" variant="primary">
              Search
            </Button>
            <Button onClick={f.clear}>Clear</Button>
          </div>
        </form>
      </Card>
      <section aria-labelledby="results-heading">
        <h2 id="results-heading">Results</h2>
        {!a.q.trim() ? (
          <Empty>Type some words and search. Results are the newest lines first.</Empty>
        ) : (
          <AsyncView state={results} what="Searching" isEmpty={(d) => !d || d.items.length === 0} empty={`Nothing said matches “${a.q}”.`}>
            {(d) => (
              <>
                <HitList hits={[...(d?.items ?? []), ...(extra?.items ?? [])]} />
                {(extra ? extra.next : d?.nextBefore) ? (
                  <div className="row">
                    <ActionButton
                      action={async () => {
                        const page = await api.get<HitPage>('/v1/moderation/transcripts', { query: query((extra ? extra.next : d!.nextBefore)!) });
                        setMore({ key: f.appliedKey, items: [...(extra?.items ?? []), ...page.items], next: page.nextBefore });
                      }}
                    >
                      Older results
                    </ActionButton>
                  </div>
                ) : null}
              </>
            )}
          </AsyncView>
        )}
      </section>
    </Page>
  );
}

/** ts_headline marks matches with « and »; shown as <mark>. */
function Headline({ text }: { text: string }) {
  const parts = text.split(/(«[^»]*»)/);
  return (
    <>
      {parts.map((p, i) => (p.startsWith('«') && p.endsWith('»') ? <mark key={i}>{p.slice(1, -1)}</mark> : <Fragment key={i}>{p}</Fragment>))}
    </>
  );
}

function HitList({ hits }: { hits: TranscriptHit[] }) {
  const nameOf = useMemberNames(hits.map((h) => h.speakerIdentity));
  const titleOf = useRoomTitles(hits.map((h) => h.roomId));
  return (
    <ol className="list staff-hits">
      {hits.map((h) => (
        <li key={h.id}>
          <p className="staff-line-head">
            <strong>{nameOf(h.speakerIdentity)}</strong> · <time dateTime={h.startedAt}>{formatTime(h.startedAt, { dateStyle: 'medium', timeStyle: 'medium' })}</time> · in <span title={h.roomId}>{titleOf(h.roomId)}</span>
            {h.flagged ? (
              <>
                {' '}
                <Badge tone="bad">Flagged: {h.categories.map(categoryLabel).join(', ')}</Badge>
              </>
            ) : null}
          </p>
          <p className="staff-line-text">
            <Headline text={h.headline} />
          </p>
          <p className="hint">
            <Link href={`/staff/cases?status=any&roomId=${h.roomId}&memberId=${encodeURIComponent(h.speakerIdentity)}`}>Cases about this speaker in this room</Link>
          </p>
        </li>
      ))}
    </ol>
  );
}
