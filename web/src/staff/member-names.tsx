// Display names for the member ids the moderation API answers with (speakers, subjects, reviewers, actors): one
// cache per page tree, each id asked once from GET /v1/members/:id; an id the API will not describe stays an id.
import { createContext, useContext, useEffect, useMemo, useReducer, type ReactNode } from 'react';
import { api } from '../api/client.js';
import { shortId } from './format.js';

interface NameCache {
  names: Map<string, string | null>;
  pending: Set<string>;
  listeners: Set<() => void>;
}

const NameContext = createContext<NameCache | null>(null);

export function MemberNamesProvider({ children }: { children: ReactNode }) {
  const cache = useMemo<NameCache>(() => ({ names: new Map(), pending: new Set(), listeners: new Set() }), []);
  return <NameContext.Provider value={cache}>{children}</NameContext.Provider>;
}

function request(cache: NameCache, id: string): void {
  if (cache.names.has(id) || cache.pending.has(id) || !/^[0-9a-f-]{36}$/i.test(id)) return;
  cache.pending.add(id);
  api
    .get<{ displayName: string }>(`/v1/members/${encodeURIComponent(id)}`)
    .then((m) => cache.names.set(id, m.displayName))
    .catch(() => cache.names.set(id, null))
    .finally(() => {
      cache.pending.delete(id);
      for (const l of cache.listeners) l();
    });
}

/** A function from member id to the best name known now; re-renders when more names arrive. */
export function useMemberNames(ids: (string | null | undefined)[]): (id: string | null | undefined) => string {
  const cache = useContext(NameContext);
  const [, bump] = useReducer((n: number) => n + 1, 0);
  const key = ids.filter(Boolean).join(',');
  useEffect(() => {
    if (!cache) return;
    cache.listeners.add(bump);
    for (const id of key.split(',')) if (id) request(cache, id);
    return () => {
      cache.listeners.delete(bump);
    };
  }, [cache, key]);
  return (id) => {
    if (!id) return '—';
    const name = cache?.names.get(id);
    return name ?? `member ${shortId(id)}`;
  };
}

export function MemberName({ id }: { id: string | null | undefined }) {
  const nameOf = useMemberNames([id]);
  return <span title={id ?? undefined}>{nameOf(id)}</span>;
}
