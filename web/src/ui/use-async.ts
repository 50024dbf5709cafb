// Loads data for a page and keeps its three states (loading, error, data) plus a reload.
import { useCallback, useEffect, useRef, useState } from 'react';

export interface AsyncState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): Promise<void>;
  /** Replace the data in place (after a mutation answered with the new value). */
  setData(next: T | ((prev: T | undefined) => T)): void;
}

export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): AsyncState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const current = useRef<AbortController | null>(null);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const run = useCallback(async () => {
    current.current?.abort();
    const controller = new AbortController();
    current.current = controller;
    setLoading(true);
    setError(undefined);
    try {
      const value = await load(controller.signal);
      if (!controller.signal.aborted) setData(value);
    } catch (err) {
      if (!controller.signal.aborted) setError(err);
    } finally {
      if (!controller.signal.aborted) setLoading(false);
    }
  }, deps);
  useEffect(() => {
    void run();
    return () => current.current?.abort();
  }, [run]);
  return { data, error, loading, reload: run, setData: setData as AsyncState<T>['setData'] };
}
