// Pages whose API has no event stream (room lists) refresh themselves on a timer while the tab is
// visible, and at once when the member comes back to the tab, so they stay current without a reload.
import { useEffect, useRef } from 'react';

export function useRefresh(refresh: () => void, everyMs: number): void {
  const latest = useRef(refresh);
  latest.current = refresh;
  useEffect(() => {
    const tick = () => {
      if (document.visibilityState === 'visible') latest.current();
    };
    const timer = window.setInterval(tick, everyMs);
    document.addEventListener('visibilitychange', tick);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', tick);
    };
  }, [everyMs]);
}
