// Display names for the member ids the stage and captions carry (GET /v1/members/:id), fetched once per page.
import { useEffect, useState } from 'react';
import { api } from '../api/client.js';

const cache = new Map<string, Promise<string | null>>();

function lookUp(memberId: string): Promise<string | null> {
  let pending = cache.get(memberId);
  if (!pending) {
    // 404 when the member blocked you or is gone: shown as "a member", never the raw id.
    pending = api.get<{ displayName: string }>(`/v1/members/${memberId}`).then(
      (m) => m.displayName,
      () => null,
    );
    cache.set(memberId, pending);
  }
  return pending;
}

/** `nameOf(id)`: the member's display name once known, "A member" meanwhile. `known` seeds names we already have. */
export function useMemberNames(ids: readonly string[], known: Record<string, string> = {}): (id: string) => string {
  const [names, setNames] = useState<Record<string, string | null>>({});
  const key = [...new Set(ids)].sort().join(',');
  useEffect(() => {
    let live = true;
    for (const id of key ? key.split(',') : []) {
      if (known[id] !== undefined) continue;
      void lookUp(id).then((name) => {
        if (live) setNames((prev) => (prev[id] === name ? prev : { ...prev, [id]: name }));
      });
    }
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return (id) => known[id] ?? names[id] ?? 'A member';
}
