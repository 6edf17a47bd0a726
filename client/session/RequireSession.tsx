import { useEffect, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { paths } from '../app/routes.ts';
import { Splash } from '../app/Splash.tsx';
import { useBrowser, useBrowserStore } from '../home/BrowserContext.ts';
import { useSession } from './SessionContext.ts';
import { SignInScreen } from './SignInScreen.tsx';

/**
 * A screen that needs a session: while supabase-js reads the kept one, a splash; without one, the
 * sign-in form at the same address (so the deep link opens after signing in); a person without a
 * sphere yet goes to onboarding first. The browser store follows the active identity.
 */
export function RequireSession({
  children,
  onboarding = false,
}: {
  children: ReactNode;
  onboarding?: boolean;
}) {
  const status = useSession((s) => s.status);
  const identityId = useSession((s) => s.activeIdentityId);
  const browser = useBrowserStore();
  const loaded = useBrowser((s) => s.loaded);
  const spheres = useBrowser((s) => s.spheres.length);
  const failed = useBrowser((s) => s.error !== null);
  const location = useLocation();
  useEffect(() => {
    if (status !== 'signed-in') return browser.reset();
    void browser.load();
  }, [browser, status, identityId]);
  if (status === 'restoring') return <Splash />;
  if (status === 'signed-out') return <SignInScreen />;
  if (!loaded) return <Splash />;
  if (!onboarding && spheres === 0 && !failed) {
    return <Navigate to={paths.onboarding()} replace state={{ next: location.pathname }} />;
  }
  return children;
}
