/**
 * The one way server code sends a request out (webhook deliveries, the OpenAI-compatible provider).
 * Every hop: http(s) only, no credentials in the URL; the host's addresses are resolved and ALL must
 * pass the address policy (addressPolicy.ts), then the connection is made to the checked address
 * (a pinned `lookup`), so a second resolution cannot swap it (DNS rebinding); TLS still verifies the
 * URL's host name. Redirects are followed by hand, each target checked the same way, at most
 * `maxRedirects`; credentials are dropped when one leaves the origin. One deadline covers resolving,
 * connecting, redirects and the body; the body is read up to `maxResponseBytes`.
 *
 * Errors are OutboundErrors whose message depends only on their code: a refused address, a failed
 * lookup, a refused connection and a timeout all read the same (`blocked`), so what the caller
 * stores (a webhook's last_error) is no scanner of the server's network. `reason` says which, for
 * server logs and tests only.
 *
 * Runs in Node and in Deno (node:http/https/dns through Deno's Node compatibility, as Supabase's
 * Edge Runtime offers them). Deno's own APIs cannot pin under TLS: `Deno.resolveDns` resolves, but
 * `fetch` with `Deno.createHttpClient({ proxy: { transport: 'tcp' } })` speaks plain HTTP to an
 * https URL (measured with deno 2.9), and `Deno.connectTls` checks the certificate against the
 * address it connects to.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import {
  checkUrl,
  ipLiteral,
  isAllowedAddress,
  isReservedName,
  portOf,
  type AllowList,
} from './addressPolicy.ts';
import { OutboundError } from './outboundErrors.ts';

export { OUTBOUND_ERRORS, OutboundError } from './outboundErrors.ts';
export type { OutboundFetch, OutboundRequest, OutboundResponse } from './outboundErrors.ts';
import type { OutboundFetch } from './outboundErrors.ts';

/** Resolves a host name to its addresses (the system resolver by default; tests inject theirs). */
export type Resolver = (hostname: string) => Promise<string[]>;

export interface OutboundPolicy {
  /** Operator-allowed ranges the address policy would refuse (CHENU_OUTBOUND_ALLOW). */
  allow: AllowList;
  /** One deadline for the whole request, redirects included. */
  timeoutMs: number;
  /** Largest response body read. */
  maxResponseBytes: number;
  maxRedirects?: number;
  resolve?: Resolver;
  /** Extra trusted CA certificates (PEM), for a private CA. */
  ca?: string[];
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_HEADER_BYTES = 16 * 1024;

/** The system's resolver, never asked about reserved names (addressPolicy.ts `isReservedName`). */
export const systemResolver: Resolver = async (hostname) => {
  if (isReservedName(hostname)) throw new Error(`reserved name, not resolved: ${hostname}`);
  return (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);
};

/** The URL if it passes the checks that need no network (addressPolicy.ts `checkUrl`). */
function checkUrlForm(raw: string | URL, allow: AllowList): URL {
  const checked = checkUrl(raw, allow);
  if ('refused' in checked) throw new OutboundError('blocked', checked.refused);
  return checked.url;
}

/** The address to connect to for `url`: every resolved address must pass; the first is pinned. */
async function pinnedAddress(url: URL, policy: OutboundPolicy, deadline: AbortSignal): Promise<string> {
  const literal = ipLiteral(url.hostname);
  let addresses: string[];
  if (literal) addresses = [literal];
  else {
    try {
      addresses = await raceDeadline((policy.resolve ?? systemResolver)(url.hostname), deadline);
    } catch (error) {
      if (error instanceof OutboundError) throw error;
      throw new OutboundError('blocked', 'dns', { cause: error });
    }
  }
  if (addresses.length === 0) throw new OutboundError('blocked', 'dns');
  const port = portOf(url);
  if (!addresses.every((a) => isAllowedAddress(a, port, policy.allow)))
    throw new OutboundError('blocked', 'address');
  return addresses[0]!;
}

function raceDeadline<T>(promise: Promise<T>, deadline: AbortSignal): Promise<T> {
  if (deadline.aborted) return Promise.reject(new OutboundError('blocked', 'timeout'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new OutboundError('blocked', 'timeout'));
    deadline.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => deadline.removeEventListener('abort', onAbort));
  });
}

interface Hop {
  status: number;
  headers: Headers;
  body: Uint8Array;
}

/** One request to `address`, the URL's host name kept for Host and TLS. */
function sendHop(
  url: URL,
  address: string,
  request: {
    method: string;
    headers: Record<string, string>;
    body?: Uint8Array;
    onChunk?: (chunk: Uint8Array) => void;
  },
  policy: OutboundPolicy,
  deadline: AbortSignal,
): Promise<Hop> {
  const family = isIP(address) === 6 ? 6 : 4;
  const secure = url.protocol === 'https:';
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return new Promise<Hop>((resolve, reject) => {
    const fail = (error: unknown) => {
      if (error instanceof OutboundError) return reject(error);
      reject(new OutboundError('blocked', deadline.aborted ? 'timeout' : 'connect', { cause: error }));
    };
    const options: https.RequestOptions = {
      method: request.method,
      hostname,
      port: url.port || (secure ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      headers: {
        ...request.headers,
        host: url.host,
        connection: 'close',
        ...(request.body ? { 'content-length': String(request.body.byteLength) } : {}),
      },
      agent: false,
      maxHeaderSize: MAX_HEADER_BYTES,
      signal: deadline,
      // the checked address, whatever the resolver would say now
      lookup: ((_host: string, opts: { all?: boolean }, callback: (...args: unknown[]) => void) => {
        if (opts?.all) callback(null, [{ address, family }]);
        else callback(null, address, family);
      }) as unknown as https.RequestOptions['lookup'],
      ...(secure && !ipLiteral(hostname) ? { servername: hostname } : {}),
      ...(policy.ca ? { ca: policy.ca } : {}),
    };
    const req = (secure ? https : http).request(options, (res) => {
      const chunks: Uint8Array[] = [];
      let size = 0;
      let kept = 0;
      const status = res.statusCode ?? 0;
      const stream = request.onChunk && status >= 200 && status < 300 ? request.onChunk : undefined;
      res.on('data', (chunk: Uint8Array) => {
        size += chunk.byteLength;
        if (size > policy.maxResponseBytes) {
          res.destroy();
          req.destroy();
          reject(new OutboundError('too_large', 'size'));
          return;
        }
        if (stream) {
          try {
            stream(chunk);
          } catch (error) {
            res.destroy();
            req.destroy();
            reject(error);
          }
          return;
        }
        chunks.push(chunk);
        kept += chunk.byteLength;
      });
      res.on('error', fail);
      res.on('end', () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (value === undefined) continue;
          for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
        }
        const body = new Uint8Array(kept);
        let offset = 0;
        for (const c of chunks) {
          body.set(c, offset);
          offset += c.byteLength;
        }
        resolve({ status, headers, body });
      });
    });
    req.on('error', fail);
    req.end(request.body);
  });
}

/** A fetch bound to one outbound policy. */
export function createOutboundFetch(policy: OutboundPolicy): OutboundFetch {
  const maxRedirects = policy.maxRedirects ?? 3;
  return async (raw, init = {}) => {
    const deadline = AbortSignal.any([
      AbortSignal.timeout(policy.timeoutMs),
      ...(init.signal ? [init.signal] : []),
    ]);
    let url = checkUrlForm(raw, policy.allow);
    let method = init.method ?? 'GET';
    let headers = { ...init.headers };
    let body = typeof init.body === 'string' ? new TextEncoder().encode(init.body) : init.body;
    for (let redirects = 0; ; redirects++) {
      const address = await pinnedAddress(url, policy, deadline);
      const hop = await sendHop(
        url,
        address,
        { method, headers, body, ...(init.onChunk ? { onChunk: init.onChunk } : {}) },
        policy,
        deadline,
      );
      const location = hop.headers.get('location');
      if (!REDIRECTS.has(hop.status) || !location) {
        return {
          status: hop.status,
          ok: hop.status >= 200 && hop.status < 300,
          headers: hop.headers,
          url: url.href,
          body: hop.body,
          text: () => new TextDecoder().decode(hop.body),
        };
      }
      if (redirects >= maxRedirects) throw new OutboundError('too_many_redirects', 'redirects');
      let target: URL;
      try {
        target = new URL(location, url);
      } catch (error) {
        throw new OutboundError('blocked', 'scheme', { cause: error });
      }
      const next = checkUrlForm(target, policy.allow);
      if (next.origin !== url.origin) {
        headers = Object.fromEntries(
          Object.entries(headers).filter(
            ([name]) => !['authorization', 'cookie'].includes(name.toLowerCase()),
          ),
        );
      }
      // fetch's rules: 303, and 301/302 after a POST, continue as a GET without the body
      if (hop.status === 303 || ((hop.status === 301 || hop.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
        headers = Object.fromEntries(
          Object.entries(headers).filter(([name]) => !name.toLowerCase().startsWith('content-')),
        );
      }
      url = next;
    }
  };
}
