// The member's notification event stream (GET /v1/me/notifications/events), one per tab however many components
// listen: the header's unread badge and the notifications page. Opened while anything listens, closed after.
// Each event bumps `version` (the page reloads its feed on it) and keeps the unread count current.
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { openEventStream, type EventStreamHandle } from '../api/event-stream.js';

interface Snapshot {
  /** Unread notifications as the stream last said (null before it opened). */
  unread: number | null;
  /** Bumped on every event that may change the feed. */
  version: number;
}

let snapshot: Snapshot = { unread: null, version: 0 };
let stream: EventStreamHandle | undefined;
const listeners = new Set<() => void>();

function set(next: Partial<Snapshot>): void {
  snapshot = { ...snapshot, ...next };
  for (const l of listeners) l();
}

function open(): void {
  stream = openEventStream('/v1/me/notifications/events', {
    terminalEvents: ['stream_closed'],
    onEvent: (e) => {
      const data = e.data as { unread?: number; reason?: string };
      if (e.event === 'ready' && typeof data.unread === 'number') set({ unread: data.unread, version: snapshot.version + 1 });
      else if (e.event === 'notification') set({ unread: (snapshot.unread ?? 0) + 1, version: snapshot.version + 1 });
      else if (e.event === 'notifications_reset') set({ version: snapshot.version + 1 });
      else if (e.event === 'stream_closed' && data.reason === 'session_expired') {
        // The access token ran out: a new stream (the client refreshes the session) starts with a fresh count.
        stream = undefined;
        if (listeners.size > 0) window.setTimeout(() => listeners.size > 0 && stream === undefined && open(), 500);
      }
    },
  });
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (stream === undefined) open();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      stream?.close();
      stream = undefined;
      snapshot = { unread: null, version: snapshot.version };
    }
  };
}

export function useNotificationStream(): Snapshot {
  return useSyncExternalStore(subscribe, () => snapshot);
}

/** The page read the feed itself (or marked some read): the badge shows what it read. */
export function setUnreadNotifications(unread: number): void {
  if (snapshot.unread !== unread) set({ unread });
}

/** Calls `onChange` on every stream event after the first render (a new notification, a fresh start). */
export function useOnNotificationChange(onChange: () => void): void {
  const { version } = useNotificationStream();
  const latest = useRef(onChange);
  latest.current = onChange;
  const first = useRef(version);
  useEffect(() => {
    if (version !== first.current) latest.current();
  }, [version]);
}

/** The unread count beside the Notifications link in the header. */
export function UnreadNotificationsBadge() {
  const { unread } = useNotificationStream();
  if (!unread) return null;
  return (
    <span className="badge badge-info nav-badge" data-unread={unread}>
      {unread}
      <span className="visually-hidden"> unread</span>
    </span>
  );
}
