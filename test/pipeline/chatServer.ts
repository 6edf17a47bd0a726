import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseAllowList } from '../../supabase/functions/_shared/outbound/addressPolicy.ts';
import {
  createOutboundFetch,
  type OutboundFetch,
} from '../../supabase/functions/_shared/outbound/outboundFetch.ts';
import type { AddressInfo, Socket } from 'node:net';

/** How the local server answers the next requests. */
export type ChatMode =
  | {
      kind: 'reply';
      content: string;
      usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
    }
  | { kind: 'error'; status: number }
  | { kind: 'hang' }
  /**
   * Streams `chunks` as server-sent events (`chat.completion.chunk`, OpenAI's shape), each after
   * `gate(i)` resolves (default: at once), then a last chunk with `usage` and `[DONE]`. With
   * `hangAfter`, stops sending after that many chunks and holds the request until the client aborts.
   */
  | {
      kind: 'stream';
      chunks: string[];
      usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
      gate?: (index: number) => Promise<void>;
      hangAfter?: number;
    }
  /** Answers the next requests with these statuses first (then the mode after), e.g. [429, 503]. */
  | { kind: 'failThen'; statuses: number[]; then: ChatMode };

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
  let aborted = new Promise<void>((resolve) => (onAbort = resolve));
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
      let current: ChatMode = mode;
      if (current.kind === 'failThen') {
        const next = current.statuses.shift();
        if (next !== undefined) {
          res
            .writeHead(next, { 'content-type': 'application/json', 'retry-after': '0' })
            .end('{"error":{"message":"slow down"}}');
          return;
        }
        current = current.then;
      }
      if (current.kind === 'hang') {
        res.on('close', () => onAbort());
        return;
      }
      if (current.kind === 'stream') {
        const stream = current;
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        res.on('close', () => onAbort());
        const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
        void (async () => {
          for (let i = 0; i < stream.chunks.length; i++) {
            if (stream.hangAfter !== undefined && i >= stream.hangAfter) return;
            await (stream.gate?.(i) ?? Promise.resolve());
            if (res.destroyed) return;
            send({
              id: 'chatcmpl-local',
              object: 'chat.completion.chunk',
              model: 'llama-3.1-8b-instruct-q4',
              choices: [{ index: 0, delta: { content: stream.chunks[i] }, finish_reason: null }],
            });
          }
          send({
            id: 'chatcmpl-local',
            object: 'chat.completion.chunk',
            model: 'llama-3.1-8b-instruct-q4',
            choices: [],
            ...(stream.usage ? { usage: stream.usage } : {}),
          });
          res.end('data: [DONE]\n\n');
        })();
        return;
      }
      if (current.kind === 'error') {
        res
          .writeHead(current.status, { 'content-type': 'application/json' })
          .end('{"error":{"message":"model overloaded"}}');
        return;
      }
      if (current.kind !== 'reply') {
        res.writeHead(500).end('nested failThen');
        return;
      }
      const reply = {
        id: 'chatcmpl-local',
        object: 'chat.completion',
        model: 'llama-3.1-8b-instruct',
        choices: [
          { index: 0, message: { role: 'assistant', content: current.content }, finish_reason: 'stop' },
        ],
        ...(current.usage ? { usage: current.usage } : {}),
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
    setMode: (m) => {
      mode = m;
      aborted = new Promise<void>((resolve) => (onAbort = resolve));
    },
    get aborted() {
      return aborted;
    },
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
