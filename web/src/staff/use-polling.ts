// Re-runs a reload every few seconds while the page is visible: the queue has no event stream, so staff see new
// cases without reloading the page.
import { useEffect } from 'react';

export const QUEUE_POLL_MS = 5000;

export function usePolling(reload: () => Promise<void>, intervalMs = QUEUE_POLL_MS): void {
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void reload();
    }, intervalMs);
    return () => clearInterval(timer);
  }, [reload, intervalMs]);
}
