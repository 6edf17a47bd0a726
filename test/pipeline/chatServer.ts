import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseAllowList } from '../../server/outbound/addressPolicy.ts';
import { createOutboundFetch, type OutboundFetch } from '../../server/outbound/outboundFetch.ts';
import type { AddressInfo, Socket } from 'node:net';

/** How the local server answers the next requests. */
export type ChatMode =
  | {
      kind: 'reply';
      content: string;
      usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
    }
  | { kind: 'error'; status: number }
  | { kind: 'hang' };

/**
 * A real OpenAI-compatible server on 127.0.0.1 (POST /v1/chat/completions) that records every
 * request body and answers as `mode` says. `hang` holds the request open until the client aborts.
 */
export async function startChatServer(): Promise<{
  baseUrl: string;
  requests: Record<string, unknown>[];
  setMode(mode: ChatMode): void;
  aborted: Promise<void>;
  close(): Promise<void>;
}> {
  let mode: ChatMode = { kind: 'error', status: 503 };
  const requests: Record<string, unknown>[] = [];
  const sockets = new Set<Socket>();
  let onAbort: () => void = () => {};
  const aborted = new Promise<void>((resolve) => (onAbort = resolve));
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404).end('not found');
        return;
      }
      requests.push({
        ...(JSON.parse(body) as Record<string, unknown>),
        authorization: req.headers.authorization ?? null,
      });
      if (mode.kind === 'hang') {
        res.on('close', () => onAbort());
        return;
      }
      if (mode.kind === 'error') {
        res
          .writeHead(mode.status, { 'content-type': 'application/json' })
          .end('{"error":{"message":"model overloaded"}}');
        return;
      }
      const reply = {
        id: 'chatcmpl-local',
        object: 'chat.completion',
        model: 'llama-3.1-8b-instruct',
        choices: [{ index: 0, message: { role: 'assistant', content: mode.content }, finish_reason: 'stop' }],
        ...(mode.usage ? { usage: mode.usage } : {}),
      };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    setMode: (m) => (mode = m),
    aborted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * The outbound fetch the provider gets in these suites: the server's policy with loopback (where the
 * chat server listens) allow-listed, as an operator would allow-list a local model server.
 */
export function loopbackOutbound(): OutboundFetch {
  return createOutboundFetch({
    allow: parseAllowList('127.0.0.1/32'),
    timeoutMs: 30_000,
    maxResponseBytes: 1 << 20,
  });
}
