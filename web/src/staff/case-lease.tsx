// The reviewer's claim on a case: taken with a button, shown with its expiry, renewed while the page is open
// (half-way through what is left), and given back when the reviewer leaves the page or closes the tab.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiRequestError, describeError } from '../api/client.js';
import { useSession } from '../api/session.js';
import { Button, Card, formatTime } from '../ui/kit.js';
import { relativeTime } from './format.js';
import { MemberName } from './member-names.js';
import type { Lease } from './types.js';

const MIN_RENEW_DELAY_MS = 5000;

/** Gives the lease back as the page unloads: fetch keepalive outlives the page and can carry the token. */
function releaseOnUnload(caseId: string): void {
  const token = api.session?.accessToken;
  if (!token) return;
  void fetch(`/v1/moderation/cases/${caseId}/release`, { method: 'POST', keepalive: true, headers: { authorization: `Bearer ${token}`, accept: 'application/json' } }).catch(() => undefined);
}

export function LeasePanel({ caseId, lease: initial, open, onChange }: { caseId: string; lease: { holder: string; expiresAt: string } | null; open: boolean; onChange?: () => void }) {
  const { me } = useSession();
  const [lease, setLease] = useState(initial);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [, tick] = useState(0);
  // The server's view wins when it changes (another reviewer claimed, or the decision released it).
  const lastInitial = useRef(initial);
  if (lastInitial.current?.holder !== initial?.holder || lastInitial.current?.expiresAt !== initial?.expiresAt) {
    lastInitial.current = initial;
    setLease(initial);
  }
  const mine = !!lease && lease.holder === me?.id && Date.parse(lease.expiresAt) > Date.now();
  const heldByOther = !!lease && lease.holder !== me?.id && Date.parse(lease.expiresAt) > Date.now();
  const mineRef = useRef(mine);
  mineRef.current = mine && open;

  // Relative expiry text stays current.
  useEffect(() => {
    const t = setInterval(() => tick((n) => n + 1), 15_000);
    return () => clearInterval(t);
  }, []);

  // Renewal while the page is open.
  useEffect(() => {
    if (!mine || !open || !lease) return;
    const delay = Math.max(MIN_RENEW_DELAY_MS, (Date.parse(lease.expiresAt) - Date.now()) / 2);
    const timer = setTimeout(async () => {
      try {
        const renewed = await api.post<Lease>(`/v1/moderation/cases/${caseId}/lease/renew`);
        setLease({ holder: renewed.holder, expiresAt: renewed.expiresAt });
        setError(undefined);
      } catch (err) {
        setError(err);
        if (err instanceof ApiRequestError && err.code === 'lease_not_held') setLease(null);
        onChange?.();
      }
    }, delay);
    return () => clearTimeout(timer);
  }, [mine, open, lease, caseId, onChange]);

  // Release on leaving the page (route change) and on closing the tab.
  useEffect(() => {
    const onHide = () => {
      if (mineRef.current) releaseOnUnload(caseId);
    };
    window.addEventListener('pagehide', onHide);
    return () => {
      window.removeEventListener('pagehide', onHide);
      if (mineRef.current) void api.post(`/v1/moderation/cases/${caseId}/release`).catch(() => undefined);
    };
  }, [caseId]);

  const run = useCallback(
    async (what: 'claim' | 'release') => {
      setBusy(true);
      setError(undefined);
      try {
        if (what === 'claim') {
          const l = await api.post<Lease>(`/v1/moderation/cases/${caseId}/claim`);
          setLease({ holder: l.holder, expiresAt: l.expiresAt });
        } else {
          await api.post(`/v1/moderation/cases/${caseId}/release`);
          setLease(null);
        }
        onChange?.();
      } catch (err) {
        setError(err);
      } finally {
        setBusy(false);
      }
    },
    [caseId, onChange],
  );

  return (
    <Card title="Claim" className="staff-lease">
      <p role="status" aria-live="polite" className="staff-lease-status">
        {mine ? (
          <>
            You hold this case until <time dateTime={lease!.expiresAt}>{formatTime(lease!.expiresAt, { timeStyle: 'medium' })}</time> ({relativeTime(lease!.expiresAt)}); it is renewed while this page is open.
          </>
        ) : heldByOther ? (
          <>
            Claimed by <MemberName id={lease!.holder} /> until <time dateTime={lease!.expiresAt}>{formatTime(lease!.expiresAt, { timeStyle: 'medium' })}</time>.
          </>
        ) : open ? (
          'Nobody holds this case.'
        ) : (
          'This case is closed.'
        )}
      </p>
      {open ? (
        <div className="row">
          {mine ? (
            <Button busy={busy} onClick={() => void run('release')}>
              Release case
            </Button>
          ) : (
            <Button variant="primary" busy={busy} onClick={() => void run('claim')}>
              Claim case
            </Button>
          )}
        </div>
      ) : null}
      {error !== undefined ? (
        <p className="form-error" role="alert">
          {describeError(error)}
        </p>
      ) : null}
    </Card>
  );
}
