import type { ReactNode } from 'react';
import { I18nProvider, RouterProvider } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useHref, useNavigate, type NavigateOptions } from 'react-router';
import { BrowserContext } from '../home/BrowserContext.ts';
import type { BrowserStore } from '../home/browserStore.ts';
import { SessionContext } from '../session/SessionContext.ts';
import type { SessionStore } from './sessionStore.ts';

declare module 'react-aria-components' {
  interface RouterConfig {
    routerOptions: NavigateOptions;
  }
}

/**
 * What every screen sits in: the session and browser stores, React Aria's locale (dates, numbers and
 * its own labels in the language in force) and router (its links navigate through react-router).
 * Must be inside a react-router router.
 */
export function AppProviders({
  session,
  browser,
  children,
}: {
  session: SessionStore;
  browser: BrowserStore;
  children: ReactNode;
}) {
  const navigate = useNavigate();
  const { i18n } = useTranslation();
  const locale = i18n.resolvedLanguage === 'fr' ? 'fr-CA' : 'en-CA';
  return (
    <RouterProvider navigate={(to, options) => void navigate(to, options)} useHref={useHref}>
      <I18nProvider locale={locale}>
        <SessionContext.Provider value={session}>
          <BrowserContext.Provider value={browser}>{children}</BrowserContext.Provider>
        </SessionContext.Provider>
      </I18nProvider>
    </RouterProvider>
  );
}
