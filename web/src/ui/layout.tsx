// The frame of every page: skip link, header with the navigation the member's roles allow, main landmark; and
// the guards that send a logged-out visitor to the login page.
import { useEffect, type ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { useSession } from '../api/session.js';
import { UnreadNotificationsBadge } from '../member/notification-stream.js';
import { Button, Loading, Page } from './kit.js';

const MEMBER_NAV = [
  { href: '/', label: 'Rooms' },
  { href: '/groups', label: 'Groups' },
  { href: '/matches', label: 'Matches' },
  { href: '/profile', label: 'Profile' },
  { href: '/notifications', label: 'Notifications' },
  { href: '/decisions', label: 'Decisions' },
];
const STAFF_NAV = [
  { href: '/staff/cases', label: 'Cases' },
  { href: '/staff/search', label: 'Transcripts' },
  { href: '/staff/audit', label: 'Audit log' },
];

export function Layout({ children }: { children: ReactNode }) {
  const { me, isStaff, logOut } = useSession();
  const [location] = useLocation();
  // Focus moves to the new page's heading on navigation, so keyboard and screen-reader users start there.
  useEffect(() => {
    document.getElementById('page-title')?.focus({ preventScroll: true });
  }, [location]);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link href="/" className="brand">
          Roundtable
        </Link>
        {me ? (
          <nav aria-label="Main">
            <ul>
              {[...MEMBER_NAV, ...(isStaff ? STAFF_NAV : [])].map((item) => (
                <li key={item.href}>
                  <Link href={item.href} aria-current={isCurrent(location, item.href) ? 'page' : undefined}>
                    {item.label}
                    {item.href === '/notifications' ? <UnreadNotificationsBadge /> : null}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
        {me ? (
          <div className="who">
            <span className="who-name">{me.displayName}</span>
            <Button variant="ghost" onClick={() => void logOut()}>
              Log out
            </Button>
          </div>
        ) : null}
      </header>
      <main id="main">{children}</main>
    </>
  );
}

function isCurrent(location: string, href: string): boolean {
  return href === '/' ? location === '/' || location.startsWith('/rooms') : location === href || location.startsWith(`${href}/`);
}

export function RequireSession({ children }: { children: ReactNode }) {
  const { me } = useSession();
  const [location, navigate] = useLocation();
  useEffect(() => {
    if (me === null) navigate(`/login?next=${encodeURIComponent(location)}`, { replace: true });
  }, [me, location, navigate]);
  if (!me) return <Loading what="Checking your session" />;
  return <>{children}</>;
}

export function RequireStaff({ children }: { children: ReactNode }) {
  const { me, isStaff } = useSession();
  return (
    <RequireSession>
      {me && !isStaff ? (
        <Page title="Staff only">
          <p>This page is for trust-and-safety staff and admins.</p>
        </Page>
      ) : (
        children
      )}
    </RequireSession>
  );
}
