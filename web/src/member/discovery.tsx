// Room discovery (/): rooms picked for the member (order=for_you), live rooms and upcoming ones, filtered by topic
// and group; RSVP to upcoming rooms. The lists refresh themselves (the API has no event stream for them).
import { useRef, useState, type FormEvent } from 'react';
import { Link, useSearch } from 'wouter';
import { api, describeFormError } from '../api/client.js';
import { useSession } from '../api/session.js';
import { ActionButton, AsyncView, Button, Card, Page, SelectField, TextField } from '../ui/kit.js';
import { useAsync, type AsyncState } from '../ui/use-async.js';
import { RoomCard } from './room-card.js';
import { fieldError, type Group, type Room, type RoomPage } from './rooms-api.js';
import { useRefresh } from './use-refresh.js';

interface Filters {
  topic: string;
  groupId: string;
}

const REFRESH_MS = 20_000;

export function DiscoveryPage() {
  const { me } = useSession();
  // ?topic= and ?group= open the page filtered (links from the groups page).
  const search = new URLSearchParams(useSearch());
  const [filters, setFilters] = useState<Filters>({ topic: search.get('topic') ?? '', groupId: search.get('group') ?? '' });
  const [draft, setDraft] = useState<Filters>(filters);
  const groups = useAsync((signal) => api.get<{ items: Group[] }>('/v1/me/groups', { signal }), []);
  const query = { topic: filters.topic || undefined, groupId: filters.groupId || undefined };
  const forYou = useAsync((signal) => api.get<RoomPage>('/v1/rooms', { query: { ...query, order: 'for_you', limit: 6 }, signal }), [filters]);
  const live = usePagedRooms('live', query, [filters]);
  const upcoming = usePagedRooms('scheduled', query, [filters]);
  useRefresh(() => {
    void forYou.reload();
    live.refresh();
    upcoming.refresh();
  }, REFRESH_MS);

  // One room answered by an RSVP replaces its copy in every list.
  const replace = (room: Room) => {
    const swap = (page: RoomPage | undefined): RoomPage => ({ items: (page?.items ?? []).map((r) => (r.id === room.id ? room : r)), nextCursor: page?.nextCursor ?? null });
    forYou.setData(swap);
    live.state.setData(swap);
    upcoming.state.setData(swap);
  };
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilters({ topic: draft.topic.trim(), groupId: draft.groupId });
  };
  // A bad topic is refused by the API on every list; its message goes beside the topic field.
  const listError = forYou.error ?? live.state.error ?? upcoming.state.error;
  const topicError = fieldError(listError, 'topic');
  const meId = me?.id ?? '';
  const filtered = filters.topic !== '' || filters.groupId !== '';

  return (
    <Page
      title="Rooms"
      actions={
        <>
          <Link href="/groups" className="btn btn-secondary">
            Groups
          </Link>
          <Link href="/rooms/new" className="btn btn-primary">
            Create a room
          </Link>
        </>
      }
    >
      <Card title="Filter rooms">
        <form className="filters" onSubmit={apply} role="search" aria-label="Filter rooms">
          <TextField label="Topic" name="topic" value={draft.topic} onChange={(e) => setDraft({ ...draft, topic: e.target.value })} hint="One topic, e.g. design" error={topicError} />
          <SelectField
            label="Group"
            name="group"
            value={draft.groupId}
            onChange={(e) => setDraft({ ...draft, groupId: e.target.value })}
            options={[{ value: '', label: 'Any group' }, ...(groups.data?.items ?? []).map((g) => ({ value: g.id, label: g.name }))]}
            hint={groups.error !== undefined ? 'Your groups could not be loaded.' : undefined}
          />
          <div className="row filters-actions">
            <Button type="submit" variant="primary">
              Apply filters
            </Button>
            {filtered ? (
              <Button
                onClick={() => {
                  const none = { topic: '', groupId: '' };
                  setDraft(none);
                  setFilters(none);
                }}
              >
                Clear filters
              </Button>
            ) : null}
          </div>
        </form>
        <p className="visually-hidden" role="status" aria-live="polite">
          {filtered ? `Showing rooms${filters.topic ? ` about ${filters.topic}` : ''}${filters.groupId ? ' in the chosen group' : ''}.` : ''}
        </p>
      </Card>

      {topicError ? null : (
        <>
          <Card title="For you" className="rooms-for-you">
            <p className="hint">Picked from your matching profile and the people you know on stage.</p>
            <RoomList state={forYou} meId={meId} onChange={replace} empty="No rooms to suggest right now." what="Finding rooms for you" label="Rooms for you" ordered />
          </Card>
          <div className="rooms-columns">
            <Card title="Live now" className="rooms-live">
              <RoomList state={live.state} meId={meId} onChange={replace} empty={filtered ? 'No live rooms match these filters.' : 'No room is live right now.'} what="Loading live rooms" label="Live rooms" />
              <MoreButton paged={live} what="live rooms" />
            </Card>
            <Card title="Upcoming" className="rooms-upcoming">
              <RoomList state={upcoming.state} meId={meId} onChange={replace} empty={filtered ? 'No upcoming rooms match these filters.' : 'No rooms are scheduled.'} what="Loading upcoming rooms" label="Upcoming rooms" />
              <MoreButton paged={upcoming} what="upcoming rooms" />
            </Card>
          </div>
        </>
      )}
      {topicError ? (
        <p className="form-error" role="alert">
          {describeFormError(listError)}
        </p>
      ) : null}
    </Page>
  );
}

function RoomList({ state, meId, onChange, empty, what, label, ordered }: { state: AsyncState<RoomPage>; meId: string; onChange(room: Room): void; empty: string; what: string; label: string; ordered?: boolean }) {
  const List = ordered ? 'ol' : 'ul';
  return (
    <AsyncView state={state} empty={empty} isEmpty={(p) => p.items.length === 0} what={what}>
      {(page) => (
        <List className="list room-list" aria-label={label}>
          {page.items.map((room) => (
            <li key={room.id}>
              <RoomCard room={room} meId={meId} onChange={onChange} />
            </li>
          ))}
        </List>
      )}
    </AsyncView>
  );
}

interface PagedRooms {
  state: AsyncState<RoomPage>;
  more(): Promise<void>;
  /** Reload the first page, unless the member has paged further (a refresh would drop what they are reading). */
  refresh(): void;
}

/** A status list whose first page refreshes; "Show more" appends the next pages by cursor. */
function usePagedRooms(status: 'live' | 'scheduled', query: { topic?: string | undefined; groupId?: string | undefined }, deps: unknown[]): PagedRooms {
  const expanded = useRef(false);
  const state = useAsync((signal) => {
    expanded.current = false;
    return api.get<RoomPage>('/v1/rooms', { query: { ...query, status, limit: 20 }, signal });
  }, deps);
  const more = async () => {
    expanded.current = true;
    const cursor = state.data?.nextCursor;
    if (!cursor) return;
    const next = await api.get<RoomPage>('/v1/rooms', { query: { ...query, status, limit: 20, cursor } });
    state.setData((prev) => ({ items: [...(prev?.items ?? []), ...next.items.filter((r) => !prev?.items.some((p) => p.id === r.id))], nextCursor: next.nextCursor }));
  };
  return { state, more, refresh: () => void (expanded.current ? undefined : state.reload()) };
}

function MoreButton({ paged, what }: { paged: PagedRooms; what: string }) {
  if (!paged.state.data?.nextCursor) return null;
  return (
    <ActionButton action={paged.more} aria-label={`Show more ${what}`}>
      Show more
    </ActionButton>
  );
}
