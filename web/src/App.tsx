// The app: the login page until a session exists, then the shell. The session (token included) lives in
// this component's state only; it is refreshed before expiry and revoked at logout.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { login, logout as revoke, reauthenticate, refreshDelayMs, type Session } from './api/session';
import { Login } from './pages/Login';
import { Shell } from './components/Shell';
import { SessionCtx, type SessionContext } from './session-context';

export function App() {
  const [session, setSession] = useState<Session>();

  useEffect(() => {
    if (!session) return;
    const timer = setTimeout(() => {
      reauthenticate(session).then(setSession, () => setSession(undefined));
    }, refreshDelayMs(session));
    return () => clearTimeout(timer);
  }, [session]);

  const logout = useCallback(async () => {
    if (session) await revoke(session);
    setSession(undefined);
    location.hash = '';
  }, [session]);

  const context = useMemo<SessionContext | undefined>(
    () =>
      session && {
        session,
        logout,
        async switchProject(projectId) {
          setSession(await reauthenticate(session, projectId));
        },
        async switchRegion(region) {
          setSession({ ...session, region });
        },
      },
    [session, logout],
  );

  if (!context) return <Login onLogin={async (credentials) => setSession(await login(credentials))} />;
  return (
    <SessionCtx.Provider value={context}>
      <Shell />
    </SessionCtx.Provider>
  );
}
