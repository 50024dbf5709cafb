// Who is logged in, for every page: the session tokens (api/client.ts) and the member's own record (GET /v1/me).
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api } from './client.js';

export type PlatformRole = 'member' | 'trust_safety' | 'admin';

export interface Me {
  id: string;
  email: string;
  displayName: string;
  headline?: string | null;
  company?: string | null;
  platformRoles: PlatformRole[];
  [key: string]: unknown;
}

interface SessionValue {
  /** undefined while the first /v1/me is loading; null when logged out. */
  me: Me | null | undefined;
  isStaff: boolean;
  logIn(email: string, password: string): Promise<void>;
  signUp(input: { email: string; password: string; displayName: string; headline?: string; company?: string }): Promise<void>;
  logOut(): Promise<void>;
  reloadMe(): Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(api.session ? undefined : null);

  const reloadMe = useCallback(async () => {
    if (!api.session) {
      setMe(null);
      return;
    }
    try {
      setMe(await api.get<Me>('/v1/me'));
    } catch {
      setMe(api.session ? undefined : null);
    }
  }, []);

  useEffect(() => {
    void reloadMe();
    return api.onSessionChange((s) => {
      if (!s) setMe(null);
    });
  }, [reloadMe]);

  const value = useMemo<SessionValue>(
    () => ({
      me,
      isStaff: !!me && me.platformRoles.some((r) => r === 'trust_safety' || r === 'admin'),
      async logIn(email, password) {
        api.setSession(await api.post('/v1/auth/login', { email, password }));
        await reloadMe();
      },
      async signUp(input) {
        api.setSession(await api.post('/v1/auth/signup', input));
        await reloadMe();
      },
      async logOut() {
        await api.post('/v1/auth/logout').catch(() => undefined);
        api.setSession(null);
      },
      reloadMe,
    }),
    [me, reloadMe],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
