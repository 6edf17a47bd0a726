import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { loadUiFont } from './app/loadUiFont.ts';
import { startDemoRoom } from './app/startDemoRoom.ts';
import './styles/app.css';

const root = document.getElementById('root');
if (!root) throw new Error('CHENU client: index.html must contain <div id="root">.');

function start(container: HTMLElement) {
  const { feed } = startDemoRoom();
  createRoot(container).render(
    <StrictMode>
      <App feed={feed} />
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
