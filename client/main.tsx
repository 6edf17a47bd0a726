import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { createSessionStore } from './app/sessionStore.ts';
import { Shell } from './app/Shell.tsx';
import { loadUiFont } from './app/loadUiFont.ts';
import { startDemoRoom } from './app/startDemoRoom.ts';
import { SessionContext } from './session/SessionContext.ts';
import { supabase } from './supabaseClient.ts';
import './styles/app.css';
import './styles/panels.css';

const root = document.getElementById('root');
if (!root) throw new Error('CHENU client: index.html must contain <div id="root">.');

function start(container: HTMLElement) {
  // `?demo`: a solo room with simulated peers, no backend (smoke test, offline demos)
  if (new URLSearchParams(location.search).has('demo')) {
    const { feed } = startDemoRoom();
    createRoot(container).render(
      <StrictMode>
        <App feed={feed} />
      </StrictMode>,
    );
    return;
  }
  const session = createSessionStore(supabase());
  // read-only handle for end-to-end tests and debugging in the console (as `__chenu` in a room)
  Object.assign(globalThis, { __chenuSession: session });
  createRoot(container).render(
    <StrictMode>
      <SessionContext.Provider value={session}>
        <Shell />
      </SessionContext.Provider>
    </StrictMode>,
  );
}

// tags are drawn with the shipped font: wait for it, but a missing font must not keep the room away
loadUiFont().then(
  () => start(root),
  (error: unknown) => {
    console.warn('CHENU client: UI font failed to load, name tags use a fallback font.', error);
    start(root);
  },
);
