// The in-app notification feed (/notifications): newest first, unread ones marked, each linking to what it is about;
// mark one or all read. Reloads on each event of the member's notification stream (notification-stream.tsx).
import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { api } from '../api/client.js';
import { ActionButton, AsyncView, Badge, Button, Card, Page, formatTime } from '../ui/kit.js';
import { useAsync } from '../ui/use-async.js';
import { setUnreadNotifications, useOnNotificationChange } from './notification-stream.js';

export interface AppNotification {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  createdAt: string;
  readAt: string | null;
}

interface NotificationPage {
  items: AppNotification[];
  nextCursor: string | null;
  unread: number;
}

/** What a notification says and where it leads; unknown kinds still show, with a link when they name a room. */
export function describeNotification(n: AppNotification): { text: string; href: string | null; linkText: string } {
  const p = n.payload;
  const str = (k: string) => (typeof p[k] === 'string' ? (p[k] as string) : undefined);
  const roomHref = str('roomId') ? `/rooms/${str('roomId')}` : null;
  switch (n.kind) {
    case 'match_scheduled':
      return {
        text: `Your match with ${str('partnerName') ?? 'a member'} is scheduled for ${formatTime(str('scheduledFor'))}${p.youHost === true ? ' — you host it' : ''}.`,
        href: roomHref ?? '/matches',
        linkText: 'Open the match room',
      };
    default:
      return { text: `${n.kind.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase())}.`, href: roomHref, linkText: 'Open the room' };
  }
}

export function NotificationsPage() {
  const [unreadOnly, setUnreadOnly] = useState(false);
  const feed = useAsync((signal) => api.get<NotificationPage>('/v1/me/notifications', { query: { limit: 50, unread: unreadOnly ? 'true' : undefined }, signal }), [unreadOnly]);
  useOnNotificationChange(() => void feed.reload());
  const unreadNow = feed.data?.unread;
  useEffect(() => {
    if (unreadNow !== undefined) setUnreadNotifications(unreadNow);
  }, [unreadNow]);

  const markRead = async (id: string) => {
    const updated = await api.post<AppNotification>(`/v1/me/notifications/${id}/read`);
    feed.setData((prev) => {
      const items = (prev?.items ?? []).map((n) => (n.id === id ? updated : n));
      return { items: unreadOnly ? items.filter((n) => n.readAt === null) : items, nextCursor: prev?.nextCursor ?? null, unread: Math.max(0, (prev?.unread ?? 1) - 1) };
    });
  };
  const markAllRead = async () => {
    for (const n of feed.data?.items ?? []) if (n.readAt === null) await api.post(`/v1/me/notifications/${n.id}/read`);
    await feed.reload();
  };
  const more = async () => {
    const cursor = feed.data?.nextCursor;
    if (!cursor) return;
    const next = await api.get<NotificationPage>('/v1/me/notifications', { query: { limit: 50, cursor, unread: unreadOnly ? 'true' : undefined } });
    feed.setData((prev) => ({ items: [...(prev?.items ?? []), ...next.items], nextCursor: next.nextCursor, unread: next.unread }));
  };
  const unread = feed.data?.unread ?? 0;

  return (
    <Page title="Notifications">
      <Card>
        <div className="row notifications-toolbar">
          <p className="notifications-count" role="status" aria-live="polite">
            {feed.data ? (unread === 0 ? 'All caught up.' : `${unread} unread`) : ''}
          </p>
          <Button aria-pressed={unreadOnly} onClick={() => setUnreadOnly(!unreadOnly)}>
            Unread only
          </Button>
          {unread > 0 ? <ActionButton action={markAllRead}>Mark all read</ActionButton> : null}
        </div>
        <AsyncView state={feed} what="Loading notifications" empty={unreadOnly ? 'No unread notifications.' : 'No notifications yet.'} isEmpty={(p) => p.items.length === 0}>
          {(page) => (
            <ul className="list notification-list" aria-label="Notifications">
              {page.items.map((n) => {
                const d = describeNotification(n);
                return (
                  <li key={n.id} className={n.readAt === null ? 'notification unread' : 'notification'} data-notification-id={n.id}>
                    <div className="notification-body">
                      <p>
                        {n.readAt === null ? <Badge tone="info">New</Badge> : null} {d.text}
                      </p>
                      <p className="hint">{formatTime(n.createdAt)}</p>
                    </div>
                    <div className="row">
                      {d.href ? <Link href={d.href}>{d.linkText}</Link> : null}
                      {n.readAt === null ? (
                        <ActionButton action={() => markRead(n.id)} aria-label={`Mark read: ${d.text}`}>
                          Mark read
                        </ActionButton>
                      ) : null}
                    </div>
                  </li>
                );
              })}
            </ul>
          )}
        </AsyncView>
        {feed.data?.nextCursor ? <ActionButton action={more}>Show older</ActionButton> : null}
      </Card>
    </Page>
  );
}
