/**
 * Door: every request the server sends out (webhook deliveries, the OpenAI-compatible provider),
 * through the one outbound policy (supabase/functions/_shared/outbound), tried as an SSRF attacker
 * would, in Node and
 * under the real Deno binary the edge functions run on: loopback, 10/8, the cloud metadata address,
 * IPv6 loopback, IPv4-mapped IPv6, decimal-encoded and CGNAT addresses; names that resolve to them
 * (an injected resolver, so no hosts file is needed); redirects to them and redirect loops; a name
 * re-resolving to another address after the check (DNS rebinding: the checked address is pinned,
 * under TLS too); oversize and never-ending responses. With the allow-list unset nothing reaches
 * the loopback receivers; the allow-list (set explicitly here) lets the tests' loopback servers be
 * reached, and every refusal reads the same fixed message.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { denoBinary } from '../../server/gateway/denoFunctions.ts';
import { parseEnv } from '../../server/env.ts';
import {
  formatAllowList,
  isAllowedAddress,
  parseAllowList,
} from '../../supabase/functions/_shared/outbound/addressPolicy.ts';
import {
  createOutboundFetch,
  OUTBOUND_ERRORS,
  OutboundError,
} from '../../supabase/functions/_shared/outbound/outboundFetch.ts';
import { createOpenAiCompatibleProvider } from '../../supabase/functions/_shared/pipeline/providers/openAiCompatibleProvider.ts';
import type { AgentRunInput } from '../../supabase/functions/_shared/pipeline/providers/AgentProvider.ts';

const FIXTURES = path.resolve('test/security/fixtures');
const CERT = readFileSync(path.join(FIXTURES, 'outbound-test.cert.pem'), 'utf8');
const KEY = readFileSync(path.join(FIXTURES, 'outbound-test.key.pem'), 'utf8');
const LOOPBACK = '127.0.0.1/32';

interface Case {
  name: string;
  url: string;
  allow?: string;
  timeoutMs?: number;
  maxResponseBytes?: number;
  resolve?: Record<string, string[][]>;
  ca?: string;
  headers?: Record<string, string>;
}
type Outcome =
  | { ok: true; status: number; body: string; lookups: number }
  | { ok: false; code: string; reason: string; message: string; lookups: number };

/** Loopback receivers: `connections` counts every TCP connection they accepted. */
const servers = { connections: 0, port: 0, otherPort: 0, tlsPort: 0 };
const open: { close(cb: () => void): void; closeAllConnections?: () => void }[] = [];

function receiver(): http.Server {
  return http.createServer((req, res) => {
    const at = (location: string, status = 302) => res.writeHead(status, { location }).end();
    switch (req.url) {
      case '/ok':
        return res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ host: req.headers.host, auth: Boolean(req.headers.authorization) }));
      case '/to-metadata':
        return at('http://169.254.169.254/latest/meta-data/');
      case '/to-v6':
        return at(`http://[::1]:${servers.port}/ok`);
      case '/to-mapped':
        return at(`http://[::ffff:127.0.0.1]:${servers.port}/ok`, 307);
      case '/to-internal':
        return at(`http://internal.test:${servers.port}/ok`);
      case '/loop':
        return at('/loop');
      case '/to-other-origin':
        return at(`http://127.0.0.1:${servers.otherPort}/ok`, 303);
      case '/big': {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(64 * 1024, 0x61);
        for (let i = 0; i < 32; i++) res.write(chunk);
        return res.end();
      }
      case '/drip':
        // headers and a first byte, then nothing: only the deadline ends it
        res.writeHead(200, { 'content-type': 'text/plain' });
        return void res.write('x');
      case '/hang':
        return; // never answers
      default:
        return res.writeHead(404).end();
    }
  });
}

async function listen(server: http.Server | https.Server): Promise<number> {
  server.on('connection', () => servers.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.push(server);
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  servers.port = await listen(receiver());
  servers.otherPort = await listen(receiver());
  servers.tlsPort = await listen(
    https.createServer({ key: KEY, cert: CERT }, receiver().listeners('request')[0] as http.RequestListener),
  );
});
afterAll(async () => {
  for (const s of open) {
    s.closeAllConnections?.();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

/** Refused before any connection, with the allow-list unset. */
const refused = (): Case[] => [
  { name: 'loopback literal', url: `http://127.0.0.1:${servers.port}/ok` },
  { name: '10/8', url: 'http://10.0.0.1/' },
  { name: 'cloud metadata', url: 'http://169.254.169.254/latest/meta-data/' },
  { name: 'IPv6 loopback', url: `http://[::1]:${servers.port}/ok` },
  { name: 'IPv4-mapped IPv6 loopback', url: `http://[::ffff:127.0.0.1]:${servers.port}/ok` },
  { name: 'decimal-encoded loopback', url: `http://2130706433:${servers.port}/ok` },
  { name: 'unspecified', url: `http://0.0.0.0:${servers.port}/ok` },
  { name: 'CGNAT', url: 'http://100.64.0.1/' },
  { name: 'IPv6 unique-local metadata (AWS)', url: 'http://[fd00:ec2::254]/' },
  { name: 'IPv6 link-local', url: 'http://[fe80::1]/' },
  { name: 'localhost by name', url: `http://localhost:${servers.port}/ok` },
  {
    name: 'a name resolving to loopback',
    url: `http://loop.test:${servers.port}/ok`,
    resolve: { 'loop.test': [['127.0.0.1']] },
  },
  {
    name: 'a name resolving to metadata',
    url: 'http://metadata.test/',
    resolve: { 'metadata.test': [['169.254.169.254']] },
  },
  {
    name: 'a name resolving to IPv6 loopback',
    url: `http://v6.test:${servers.port}/ok`,
    resolve: { 'v6.test': [['::1']] },
  },
  {
    name: 'a name resolving to a mapped address',
    url: `http://mapped.test:${servers.port}/ok`,
    resolve: { 'mapped.test': [['::ffff:127.0.0.1']] },
  },
  {
    name: 'a name with one public and one loopback address',
    url: `http://mixed.test:${servers.port}/ok`,
    resolve: { 'mixed.test': [['93.184.216.34', '127.0.0.1']] },
  },
];

/** With loopback allow-listed: what the policy still refuses, and what it lets through. */
const allowed = (): (Case & { expect: Record<string, unknown> })[] => [
  {
    name: 'allow-listed loopback',
    url: `http://127.0.0.1:${servers.port}/ok`,
    expect: { ok: true, status: 200 },
  },
  {
    name: 'redirect to metadata',
    url: `http://127.0.0.1:${servers.port}/to-metadata`,
    expect: { ok: false, reason: 'address' },
  },
  {
    name: 'redirect to IPv6 loopback',
    url: `http://127.0.0.1:${servers.port}/to-v6`,
    expect: { ok: false, reason: 'address' },
  },
  {
    name: 'redirect to a mapped address',
    url: `http://127.0.0.1:${servers.port}/to-mapped`,
    expect: { ok: false, reason: 'address' },
  },
  {
    name: 'redirect to a name resolving to 10/8',
    url: `http://127.0.0.1:${servers.port}/to-internal`,
    resolve: { 'internal.test': [['10.0.0.7']] },
    expect: { ok: false, reason: 'address' },
  },
  {
    name: 'redirect loop',
    url: `http://127.0.0.1:${servers.port}/loop`,
    expect: { ok: false, code: 'too_many_redirects' },
  },
  {
    name: 'oversize response',
    url: `http://127.0.0.1:${servers.port}/big`,
    maxResponseBytes: 64 * 1024,
    expect: { ok: false, code: 'too_large' },
  },
  {
    name: 'no answer',
    url: `http://127.0.0.1:${servers.port}/hang`,
    timeoutMs: 300,
    expect: { ok: false, reason: 'timeout' },
  },
  {
    name: 'a body that never ends',
    url: `http://127.0.0.1:${servers.port}/drip`,
    timeoutMs: 300,
    expect: { ok: false, reason: 'timeout' },
  },
  {
    name: 'DNS rebinding: the checked address is the one connected to',
    url: `http://rebind.test:${servers.port}/ok`,
    resolve: { 'rebind.test': [['127.0.0.1'], ['10.0.0.1']] },
    expect: { ok: true, status: 200, lookups: 1, host: `rebind.test:${servers.port}` },
  },
  {
    name: 'TLS to the pinned address, verified against the name',
    url: `https://outbound.test:${servers.tlsPort}/ok`,
    resolve: { 'outbound.test': [['127.0.0.1']] },
    ca: CERT,
    expect: { ok: true, status: 200, host: `outbound.test:${servers.tlsPort}` },
  },
  {
    name: 'TLS with a certificate for another name',
    url: `https://wrong.test:${servers.tlsPort}/ok`,
    resolve: { 'wrong.test': [['127.0.0.1']] },
    ca: CERT,
    expect: { ok: false, reason: 'connect' },
  },
  {
    name: 'an allow-list entry limited to the receiver’s port',
    url: `http://127.0.0.1:${servers.port}/ok`,
    allow: `127.0.0.1:${servers.port}`,
    expect: { ok: true, status: 200 },
  },
  {
    name: 'a redirect to another port of an address allow-listed on one port',
    url: `http://127.0.0.1:${servers.port}/to-other-origin`,
    allow: `127.0.0.1:${servers.port}`,
    expect: { ok: false, reason: 'address' },
  },
  {
    name: 'credentials kept on the same origin',
    url: `http://127.0.0.1:${servers.port}/ok`,
    headers: { authorization: 'Bearer secret' },
    expect: { ok: true, auth: true },
  },
  {
    name: 'credentials dropped when a redirect leaves the origin',
    url: `http://127.0.0.1:${servers.port}/to-other-origin`,
    headers: { authorization: 'Bearer secret' },
    expect: { ok: true, auth: false },
  },
];

/** Runs one case in this (Node) process, the way the probe runs it under Deno. */
async function runInNode(c: Case): Promise<Outcome> {
  let lookups = 0;
  const outbound = createOutboundFetch({
    allow: parseAllowList(c.allow ?? ''),
    timeoutMs: c.timeoutMs ?? 5000,
    maxResponseBytes: c.maxResponseBytes ?? 1 << 20,
    ...(c.resolve
      ? {
          resolve: (host: string) => {
            const answers = c.resolve![host];
            if (!answers) return Promise.reject(new Error(`no such host ${host}`));
            return Promise.resolve(answers[Math.min(lookups++, answers.length - 1)]!);
          },
        }
      : {}),
    ...(c.ca ? { ca: [c.ca] } : {}),
  });
  try {
    const res = await outbound(c.url, { headers: c.headers });
    return { ok: true, status: res.status, body: res.text(), lookups };
  } catch (error) {
    if (!(error instanceof OutboundError)) throw error;
    return { ok: false, code: error.code, reason: error.reason, message: error.message, lookups };
  }
}

function runInDeno(cases: Case[]): Promise<Outcome[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      denoBinary(),
      [
        'run',
        '--no-prompt',
        '--allow-net',
        '--allow-read',
        '--allow-env',
        '--allow-sys',
        path.join(FIXTURES, 'outboundProbe.ts'),
        JSON.stringify(cases),
      ],
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          DENO_DIR: process.env.DENO_DIR,
          NO_COLOR: '1',
          DENO_NO_UPDATE_CHECK: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`deno probe exited ${code}: ${stderr}`));
      resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as Outcome[]);
    });
  });
}

function expectOutcome(outcome: Outcome, expected: Record<string, unknown>, name: string): void {
  const { host, auth, ...rest } = expected;
  expect(outcome, name).toMatchObject(rest);
  if (outcome.ok && (host !== undefined || auth !== undefined)) {
    const body = JSON.parse(outcome.body) as { host: string; auth: boolean };
    if (host !== undefined) expect(body.host, name).toBe(host);
    if (auth !== undefined) expect(body.auth, name).toBe(auth);
  }
  if (!outcome.ok) {
    // one fixed message per code: nothing about addresses, ports or errno
    expect(outcome.message, name).toBe(OUTBOUND_ERRORS[outcome.code as keyof typeof OUTBOUND_ERRORS]);
    expect(outcome.message, name).not.toMatch(/\d|ECONN|EHOST|ENOTFOUND/);
  }
}

describe('outbound allow-list (CHENU_OUTBOUND_ALLOW)', () => {
  it('is parsed once with the configuration, ports included, and refuses what it cannot read', () => {
    const allow = parseEnv({
      CHENU_OUTBOUND_ALLOW: '127.0.0.1:1080, [::1]:8080, 10.0.0.0/8',
    }).CHENU_OUTBOUND_ALLOW;
    expect(formatAllowList(allow)).toBe('127.0.0.1/32:1080,[::1/128]:8080,10.0.0.0/8');
    expect(isAllowedAddress('127.0.0.1', 1080, allow)).toBe(true);
    expect(isAllowedAddress('127.0.0.1', 1081, allow)).toBe(false);
    expect(isAllowedAddress('10.9.9.9', 22, allow)).toBe(true);
    expect(isAllowedAddress('169.254.169.254', 80, allow)).toBe(false);
    expect(parseEnv({}).CHENU_OUTBOUND_ALLOW).toEqual([]);
    for (const bad of ['localhost', '127.0.0.1:0', '10.0.0.0/33', '*']) {
      expect(() => parseEnv({ CHENU_OUTBOUND_ALLOW: bad }), bad).toThrow(/CHENU_OUTBOUND_ALLOW/);
    }
  });
});

describe('outbound policy in Node', () => {
  it('refuses every private, loopback, link-local and mapped target, by address or by name, before connecting', async () => {
    for (const c of refused()) {
      const before = servers.connections;
      const outcome = await runInNode(c);
      expectOutcome(outcome, { ok: false, code: 'blocked', reason: 'address' }, c.name);
      expect(servers.connections, c.name).toBe(before);
    }
  });

  it('refuses other schemes and credentials in the URL', async () => {
    for (const url of [
      'ftp://127.0.0.1/',
      'file:///etc/passwd',
      'gopher://example.com/',
      'http://user:pw@public.test/',
    ]) {
      const outcome = await runInNode({ name: url, url, resolve: { 'public.test': [['93.184.216.34']] } });
      expect(outcome, url).toMatchObject({ ok: false, code: 'blocked' });
      expect(['scheme', 'credentials']).toContain((outcome as { reason: string }).reason);
    }
  });

  it('with loopback allow-listed: checks redirects, bounds size and time, pins the address, keeps TLS', async () => {
    for (const c of allowed()) expectOutcome(await runInNode({ allow: LOOPBACK, ...c }), c.expect, c.name);
  });

  it('gives the AI provider the same refusals, in a message that names no address or port', async () => {
    const provider = createOpenAiCompatibleProvider(
      { baseUrl: `http://127.0.0.1:${servers.port}/v1` },
      createOutboundFetch({ allow: [], timeoutMs: 2000, maxResponseBytes: 1 << 20 }),
    );
    const before = servers.connections;
    const input = {
      agent: { name: 'probe', model: 'm', max_tokens: 10 },
      taskType: 'summarize',
      intentText: 'x',
      intent: { language: 'en' },
      encodedText: 'x',
      context: {},
      signal: new AbortController().signal,
    } as unknown as AgentRunInput;
    const error = await provider.run(input).then(
      () => undefined,
      (e: unknown) => e as Error & { code?: string },
    );
    expect(error?.message).toBe(`provider request failed: ${OUTBOUND_ERRORS.blocked}`);
    expect(error?.code).toBe('provider_failed');
    expect(servers.connections).toBe(before);
  });
});

describe('outbound policy under Deno (the edge functions’ runtime)', () => {
  it('refuses the same targets, before connecting', async () => {
    const cases = refused();
    const before = servers.connections;
    const outcomes = await runInDeno(cases);
    cases.forEach((c, i) =>
      expectOutcome(outcomes[i]!, { ok: false, code: 'blocked', reason: 'address' }, c.name),
    );
    expect(servers.connections).toBe(before);
  });

  it('with loopback allow-listed: the same redirects, limits, pinning and TLS', async () => {
    const cases = allowed();
    const outcomes = await runInDeno(cases.map((c) => ({ allow: LOOPBACK, ...c })));
    cases.forEach((c, i) => expectOutcome(outcomes[i]!, c.expect, c.name));
  });
});
