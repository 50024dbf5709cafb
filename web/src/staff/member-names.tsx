// Names for the ids the moderation API answers with: members (speakers, subjects, reviewers, actors) by display name
// and rooms by title. One cache per page tree; the ids a render asks for are gathered for a tick and resolved in one
// GET /v1/moderation/labels, and each id is asked at most once. An id the API does not know stays a short id.
import { createContext, useContext, useEffect, useMemo, useReducer, type ReactNode } from 'react';
import { api } from '../api/client.js';
import { shortId } from './format.js';

type Kind = 'members' | 'rooms';
const KINDS: Kind[] = ['members', 'rooms'];
/** The endpoint's cap per kind; larger waves go in several requests. */
const MAX_PER_REQUEST = 200;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface LabelCache {
  known: Record<Kind, Map<string, string | null>>;
  wanted: Record<Kind, Set<string>>;
  flushQueued: boolean;
  listeners: Set<() => void>;
}

const LabelContext = createContext<LabelCache | null>(null);

export function MemberNamesProvider({ children }: { children: ReactNode }) {
  const cache = useMemo<LabelCache>(() => ({ known: { members: new Map(), rooms: new Map() }, wanted: { members: new Set(), rooms: new Set() }, flushQueued: false, listeners: new Set() }), []);
  return <LabelContext.Provider value={cache}>{children}</LabelContext.Provider>;
}

function want(cache: LabelCache, kind: Kind, id: string): void {
  if (cache.known[kind].has(id) || !UUID.test(id)) return;
  cache.known[kind].set(id, null); // asked: never asked again, shown as a short id until (unless) a name arrives
  cache.wanted[kind].add(id);
  if (cache.flushQueued) return;
  cache.flushQueued = true;
  setTimeout(() => flush(cache), 0);
}

async function flush(cache: LabelCache): Promise<void> {
  cache.flushQueued = false;
  const ids = { members: [...cache.wanted.members], rooms: [...cache.wanted.rooms] };
  cache.wanted.members.clear();
  cache.wanted.rooms.clear();
  const requests: Promise<void>[] = [];
  for (let i = 0; i < Math.max(ids.members.length, ids.rooms.length); i += MAX_PER_REQUEST) {
    const members = ids.members.slice(i, i + MAX_PER_REQUEST);
    const rooms = ids.rooms.slice(i, i + MAX_PER_REQUEST);
    requests.push(
      api
        .get<Record<Kind, Record<string, string>>>('/v1/moderation/labels', { query: { memberIds: members.join(',') || undefined, roomIds: rooms.join(',') || undefined } })
        .then((answer) => {
          for (const kind of KINDS) for (const [id, label] of Object.entries(answer[kind])) cache.known[kind].set(id, label);
        })
        .catch(() => undefined), // the ids stay short ids; the page itself shows what failed
    );
  }
  await Promise.all(requests);
  for (const l of cache.listeners) l();
}

function useLabels(kind: Kind, ids: (string | null | undefined)[], fallback: (id: string) => string): (id: string | null | undefined) => string {
  const cache = useContext(LabelContext);
  const [, bump] = useReducer((n: number) => n + 1, 0);
  const key = ids.filter(Boolean).join(',');
  useEffect(() => {
    if (!cache) return;
    cache.listeners.add(bump);
    for (const id of key.split(',')) if (id) want(cache, kind, id);
    return () => {
      cache.listeners.delete(bump);
    };
  }, [cache, kind, key]);
  return (id) => (id ? (cache?.known[kind].get(id) ?? fallback(id)) : '—');
}

/** A function from member id to the best name known now; re-renders when more names arrive. */
export function useMemberNames(ids: (string | null | undefined)[]): (id: string | null | undefined) => string {
  return useLabels('members', ids, (id) => `member ${shortId(id)}`);
}

/** A function from room id to the room's title when known; re-renders when titles arrive. */
export function useRoomTitles(ids: (string | null | undefined)[]): (id: string | null | undefined) => string {
  return useLabels('rooms', ids, (id) => `room ${shortId(id)}`);
}

export function MemberName({ id }: { id: string | null | undefined }) {
  const nameOf = useMemberNames([id]);
  return <span title={id ?? undefined}>{nameOf(id)}</span>;
}

export function RoomTitle({ id }: { id: string | null | undefined }) {
  const titleOf = useRoomTitles([id]);
  return <span title={id ?? undefined}>{titleOf(id)}</span>;
}
