// Filters kept in the URL query: the page reads them from there and writes them back on submit, so a filtered
// view can be bookmarked, shared and restored with the back button.
import { useState } from 'react';
import { useSearchParams } from 'wouter';

export function useUrlFilters<K extends string>(keys: readonly K[], defaults: Partial<Record<K, string>> = {}) {
  const [params, setParams] = useSearchParams();
  const applied = Object.fromEntries(keys.map((k) => [k, params.get(k) ?? defaults[k] ?? ''])) as Record<K, string>;
  const appliedKey = keys.map((k) => params.get(k) ?? '').join('\u0000');
  const [draft, setDraft] = useState(applied);
  const [draftKey, setDraftKey] = useState(appliedKey);
  // The URL changed under the form (back button, a link): the form follows it.
  if (draftKey !== appliedKey) {
    setDraftKey(appliedKey);
    setDraft(applied);
  }
  return {
    applied,
    appliedKey,
    draft,
    set: (k: K, v: string) => setDraft((d) => ({ ...d, [k]: v })),
    apply: () => {
      const next = new URLSearchParams();
      for (const k of keys) if (draft[k].trim() && draft[k] !== defaults[k]) next.set(k, draft[k].trim());
      setParams(next);
    },
    clear: () => setParams(new URLSearchParams()),
  };
}

/** A `datetime-local` value (the reviewer's local time) as the ISO instant the API expects. */
export function localToIso(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d.toISOString();
}
