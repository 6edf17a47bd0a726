import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';

const ASSETS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../assets') + path.sep;

/**
 * Serves the app's own assets (the panels' MSDF fonts) on loopback for the file's tests, as the
 * page would, and points the jsdom document's `<base>` at them. Call once at the top of a jsdom
 * test file that renders uikit panels.
 */
export function serveAppAssets(): void {
  let server: Server;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const file = ASSETS + decodeURIComponent(new URL(req.url!, 'http://x').pathname).slice(1);
      void stat(file).then(
        (s) =>
          s.isFile() ? (res.writeHead(200), createReadStream(file).pipe(res)) : res.writeHead(404).end(),
        () => res.writeHead(404).end(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = document.createElement('base');
    base.href = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    document.head.append(base);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
}
