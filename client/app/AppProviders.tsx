import { useEffect, useState, type ReactNode } from 'react';
import { I18nProvider, RouterProvider } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useHref, useNavigate, type NavigateOptions } from 'react-router';
import { BrowserContext } from '../home/BrowserContext.ts';
import type { BrowserStore } from '../home/browserStore.ts';
import { SessionContext } from '../session/SessionContext.ts';
import { createInboxStore, type InboxStore } from '../sharing/inboxStore.ts';
import type { PresenceStore } from '../sharing/presenceStore.ts';
import { SharingContext, type Sharing } from '../sharing/SharingContext.ts';
import type { SessionStore } from './sessionStore.ts';

declare module 'react-aria-components' {
  interface RouterConfig {
    routerOptions: NavigateOptions;
  }
}

/**
 * Keeps the app-wide sharing stores in step with the session: the presence room follows the active
 * identity, the inbox is read on sign-in (and on an identity switch) and again when the presence room
 * pushes an invitation; sign-out forgets it.
 */
function useFollowSession(session: SessionStore, sharing: Sharing): void {
  const { inbox, presence } = sharing;
  useEffect(() => presence?.follow(session), [presence, session]);
  useEffect(() => {
    let identity: string | null = null;
    const sync = () => {
      const s = session.getState();
      if (s.status !== 'signed-in') {
        if (identity !== null || inbox.getState().loaded) inbox.reset();
        identity = null;
        return;
      }
      if (s.activeIdentityId !== identity) {
        identity = s.activeIdentityId;
        void inbox.load();
      }
    };
    sync();
    return session.subscribe(sync);
  }, [session, inbox]);
  useEffect(() => {
    if (!presence) return;
    const notify = () => {
      const snapshot = presence.getState().snapshot;
      if (snapshot) inbox.notified(snapshot.notifications);
    };
    notify();
    return presence.subscribe(notify);
  }, [presence, inbox]);
}

/**
 * What every screen sits in: the session, browser and sharing stores (the invitations inbox, the
 * presence channel when the app has a realtime server), React Aria's locale (dates, numbers and its
 * own labels in the language in force) and router (its links navigate through react-router). Must be
 * inside a react-router router.
 */
export function AppProviders({
  session,
  browser,
  presence = null,
  inbox: givenInbox,
  children,
}: {
  session: SessionStore;
  browser: BrowserStore;
  /** The app's presence channel (main.tsx makes one); none: no live balance or invitations. */
  presence?: PresenceStore | null;
  inbox?: InboxStore;
  children: ReactNode;
}) {
  const [sharing] = useState<Sharing>(() => ({
    inbox: givenInbox ?? createInboxStore(session.api),
    presence,
  }));
  useFollowSession(session, sharing);
  const navigate = useNavigate();
  const { i18n } = useTranslation();
  const locale = i18n.resolvedLanguage === 'fr' ? 'fr-CA' : 'en-CA';
  return (
    <RouterProvider navigate={(to, options) => void navigate(to, options)} useHref={useHref}>
      <I18nProvider locale={locale}>
        <SessionContext.Provider value={session}>
          <BrowserContext.Provider value={browser}>
            <SharingContext.Provider value={sharing}>{children}</SharingContext.Provider>
          </BrowserContext.Provider>
        </SessionContext.Provider>
      </I18nProvider>
    </RouterProvider>
  );
}
