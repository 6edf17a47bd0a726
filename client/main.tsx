import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { AppProviders } from './app/AppProviders.tsx';
import { AppRoutes } from './app/AppRoutes.tsx';
import { createSessionStore } from './app/sessionStore.ts';
import { loadUiFont } from './app/loadUiFont.ts';
import { attachTheme } from './design/themeStore.ts';
import { createBrowserStore } from './home/browserStore.ts';
import { initI18n } from './i18n/i18n.ts';
import { joinPresence } from './net/presenceFeed.ts';
import { realtimeUrl } from './net/realtimeEnv.ts';
import { createPresenceStore } from './sharing/presenceStore.ts';
import { supabase } from './supabaseClient.ts';
import { installXREmulator, wantsXREmulator } from './xr/xrEmulator.ts';
import './styles/app.css';
import './styles/kit.css';
import './styles/panels.css';
import './styles/sharing.css';

const root = document.getElementById('root');
if (!root) throw new Error('CHENU client: index.html must contain <div id="root">.');

initI18n();
attachTheme(document.documentElement);

async function start(container: HTMLElement) {
  // `?demo`: a solo room with simulated peers, no backend (smoke test, offline demos); the room's code
  // (three, R3F) is its own chunk, so the sign-in screen loads without it
  if (new URLSearchParams(location.search).has('demo')) {
    const [{ App }, { startDemoRoom }] = await Promise.all([
      import('./app/App.tsx'),
      import('./app/startDemoRoom.ts'),
    ]);
    const { feed } = startDemoRoom();
    createRoot(container).render(
      <StrictMode>
        <App feed={feed} />
      </StrictMode>,
    );
    return;
  }
  const session = createSessionStore(supabase());
  const browser = createBrowserStore(session.api);
  // one presence connection per page: live balance and notifications (invitations) on every screen
  const presence = createPresenceStore((token, identityId) => joinPresence(realtimeUrl(), token, identityId));
  createRoot(container).render(
    <StrictMode>
      {/* navigation renders at once: a transition would wait behind the room's never-idle canvas and
          leave the address ahead of the screen */}
      <BrowserRouter useTransitions={false}>
        <AppProviders session={session} browser={browser} presence={presence}>
          <AppRoutes />
        </AppProviders>
      </BrowserRouter>
    </StrictMode>,
  );
}

async function boot(container: HTMLElement) {
  // developer flag: an emulated headset before XR support is detected (see xr/xrEmulator.ts)
  if (wantsXREmulator(location.search)) {
    await installXREmulator().catch((error: unknown) =>
      console.warn('CHENU client: XR emulator failed', error),
    );
  }
  // tags are drawn with the shipped font: wait for it, but a missing font must not keep the room away
  await loadUiFont().catch((error: unknown) =>
    console.warn('CHENU client: UI font failed to load, name tags use a fallback font.', error),
  );
  await start(container);
}

void boot(root);
