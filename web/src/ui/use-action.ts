// One async action a page runs on a click or a submit: busy while it runs, its error kept to show, never thrown.
import { useCallback, useState } from 'react';

export interface Action {
  busy: boolean;
  error: unknown;
  setError(error: unknown): void;
  /** Runs `work`; true when it finished, false when it threw (the error is then in `error`). */
  run(work: () => Promise<unknown>): Promise<boolean>;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const run = useCallback(async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}
