import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The WebXR client's build (client/, issue 6). `three` is deduped so drei and @react-three/xr never
 * load a second copy; the dev server listens on loopback unless CHENU_CLIENT_HOST says otherwise.
 */
export default defineConfig({
  root: 'client',
  plugins: [react()],
  publicDir: '../assets',
  resolve: { dedupe: ['three', 'react', 'react-dom'] },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  build: { outDir: '../dist/client', emptyOutDir: true },
});
