/**
 * Door: the local gateway (issue 20 item 7). Whatever it refuses, it answers in the API's JSON error
 * shape with a documented code: a request line or headers past Node's limit (a 20,001-character
 * query, a 60 KB header) are 431 `header_too_large` instead of an empty body; malformed HTTP is a
 * 400; an error of the functions process that is not JSON (a crash outside the app) comes out as
 * JSON too. Function requests stream through both ways, CORS on every answer, and a client that
 * goes away ends the function's request (so a running agent is stopped).
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { API_ERRORS } from '../../shared/api/errors.ts';
import { parseEnv } from '../../server/env.ts';
import { startGateway } from '../../server/gateway/gateway.ts';
import { projectKeys } from '../../server/gateway/jwt.ts';
import { useApi } from '../api/apiHarness.ts';

const { api, newUser, sql } = useApi();

/** Sends raw bytes to the gateway and returns the raw answer (status line, headers, body). */
function raw(request: string): Promise<string> {
  return rawTo(Number(new URL(api().url).port), request);
}

/** Sends raw bytes to a gateway on loopback `port` and returns the raw answer. */
function rawTo(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

function expectJsonError(
  status: number,
  contentType: string | null,
  text: string,
  code: keyof typeof API_ERRORS,
) {
  expect(status).toBe(API_ERRORS[code]);
  expect(contentType).toMatch(/^application\/json/);
  expect(JSON.parse(text)).toMatchObject({ error: { code, message: expect.any(String) } });
}

describe('gateway errors are JSON', () => {
  it('answers a 20,001-character query and a 60 KB header with 431 header_too_large', async () => {
    const u = await newUser('gateway');
    const base = `${api().url}/functions/v1/spheres`;
    const headers = { apikey: api().anonKey, authorization: `Bearer ${u.accessToken}` };
    const longQuery = await fetch(`${base}?q=${'q'.repeat(20_001)}`, { headers });
    expectJsonError(
      longQuery.status,
      longQuery.headers.get('content-type'),
      await longQuery.text(),
      'header_too_large',
    );
    const bigHeader = await fetch(base, { headers: { ...headers, 'x-pad': 'h'.repeat(60_000) } });
    expectJsonError(
      bigHeader.status,
      bigHeader.headers.get('content-type'),
      await bigHeader.text(),
      'header_too_large',
    );
    // the gateway still serves the next request
    expect((await fetch(base, { headers })).status).toBe(200);
  });

  it('answers malformed HTTP with a JSON 400', async () => {
    const answer = await raw('GET /health HTTP/1.1\r\nHost: x\r\nbad header line\r\n\r\n');
    const [head, body] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400/);
    expect(head).toMatch(/content-type: application\/json/i);
    expect(JSON.parse(body!)).toMatchObject({ error: { code: 'bad_request' } });
  });

  it('turns a non-JSON error of the functions process into the JSON shape', async () => {
    // Deno's runtime answers plain text when a function crashes outside the app (e.g. at load):
    // a loopback stand-in for such a process behind a second gateway on the same database
    const upstream = http.createServer((req, res) => {
      if (req.url?.startsWith('/crash'))
        res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
      else if (req.url?.startsWith('/html'))
        res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>no</h1>');
      else res.writeHead(200, { 'content-type': 'text/plain' }).end('fine');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const gateway = await startGateway({
      sql,
      port: 0,
      functionsUrl: () => `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
      jwtSecret: parseEnv({}).CHENU_JWT_SECRET,
      accessTokenTtl: 60,
      keys: await projectKeys(parseEnv({}).CHENU_JWT_SECRET),
    });
    try {
      const url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/functions/v1`;
      const crash = await fetch(`${url}/crash`);
      expectJsonError(crash.status, crash.headers.get('content-type'), await crash.text(), 'internal');
      const html = await fetch(`${url}/html`);
      expectJsonError(html.status, html.headers.get('content-type'), await html.text(), 'not_found');
      const ok = await fetch(`${url}/fine`);
      expect(await ok.text()).toBe('fine');
    } finally {
      gateway.closeAllConnections();
      await new Promise((resolve) => gateway.close(resolve));
      await new Promise((resolve) => upstream.close(resolve));
    }
  });

  it("streams a function's request and answer through, with CORS, and ends the request when the client goes away", async () => {
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((resolve) => (upstreamClosed = resolve));
    let received: ((body: string) => void) | undefined;
    const got = new Promise<string>((resolve) => (received = resolve));
    // the requests the stand-in received after the first, in order
    const later: string[] = [];
    const got2 = async () => {
      await expect.poll(() => later.length).toBeGreaterThan(0);
      return later.shift();
    };
    const upstream = http.createServer((req, res) => {
      if (req.url === '/too-big') {
        // refuses before reading the body, as a function's body limit does
        res.writeHead(413, { 'content-type': 'application/json' });
        res.end('{"error":{"code":"payload_too_large","message":"too big"}}');
        return;
      }
      if (req.url === '/hang') {
        // holds the answer open, as a running agent does, until the client is gone
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"partial":');
        res.on('close', () => upstreamClosed());
        return;
      }
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const line = `${req.method} ${req.url} ${req.headers.host} ${body}`;
        if (received) received(line);
        else later.push(line);
        received = undefined;
        res.writeHead(201, { 'content-type': 'application/json', 'x-function': 'echo' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const upstreamPort = (upstream.address() as AddressInfo).port;
    const gateway = await startGateway({
      sql,
      port: 0,
      functionsUrl: () => `http://127.0.0.1:${upstreamPort}`,
      jwtSecret: parseEnv({}).CHENU_JWT_SECRET,
      accessTokenTtl: 60,
      keys: await projectKeys(parseEnv({}).CHENU_JWT_SECRET),
    });
    try {
      const url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/functions/v1`;
      const echo = await fetch(`${url}/echo/x?y=1`, { method: 'POST', body: '{"a":1}' });
      expect(echo.status).toBe(201);
      expect(await echo.json()).toEqual({ ok: true });
      expect(echo.headers.get('x-function')).toBe('echo');
      expect(echo.headers.get('access-control-allow-origin')).toBe('*');
      expect(echo.headers.get('access-control-expose-headers')).toMatch(/idempotent-replayed/);
      expect(await got).toBe(`POST /echo/x?y=1 127.0.0.1:${upstreamPort} {"a":1}`);
      const preflight = await fetch(`${url}/echo`, {
        method: 'OPTIONS',
        headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-method': 'POST' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-headers')).toMatch(/apikey/);
      expect(preflight.headers.get('access-control-allow-headers')).toMatch(/idempotency-key/);

      // refused before its body was read: the answer closes the connection, and the next request
      // (a fresh connection) is served
      for (let i = 0; i < 3; i++) {
        const big = await fetch(`${url}/too-big`, { method: 'POST', body: 'x'.repeat(4_000_000) });
        expect(big.status).toBe(413);
        expect(big.headers.get('connection')).toBe('close');
        expect((await big.json()).error.code).toBe('payload_too_large');
        const next = await fetch(`${url}/echo/y`, { method: 'POST', body: '{}' });
        expect(next.status).toBe(201);
        await next.arrayBuffer();
      }

      // only the path of the request target counts: an absolute-form target never chooses where
      // the gateway connects, and dot segments cannot climb out of /functions/v1 into the functions
      const gatewayPort = (gateway.address() as AddressInfo).port;
      later.length = 0;
      const absolute = await rawTo(
        gatewayPort,
        'POST http://169.254.169.254:80/functions/v1/echo/abs HTTP/1.1\r\nHost: 169.254.169.254\r\n' +
          'content-length: 2\r\nconnection: close\r\n\r\n{}',
      );
      expect(absolute).toMatch(/^HTTP\/1\.1 201/);
      expect(await got2()).toBe(`POST /echo/abs 127.0.0.1:${upstreamPort} {}`);
      const climbing = await fetch(`${url}/echo/../../../auth/v1/settings`);
      expect(climbing.status).toBe(401); // local auth's key check, not the functions process
      const dots = await rawTo(
        gatewayPort,
        'POST /functions/v1/a/../echo/dots HTTP/1.1\r\nHost: x\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}',
      );
      expect(dots).toMatch(/^HTTP\/1\.1 201/);
      expect(await got2()).toBe(`POST /echo/dots 127.0.0.1:${upstreamPort} {}`);

      const client = new AbortController();
      const hanging = await fetch(`${url}/hang`, { signal: client.signal });
      const reader = hanging.body!.getReader();
      expect(new TextDecoder().decode((await reader.read()).value)).toBe('{"partial":');
      client.abort();
      await closed;
    } finally {
      gateway.closeAllConnections();
      await new Promise((resolve) => gateway.close(resolve));
      upstream.closeAllConnections();
      await new Promise((resolve) => upstream.close(resolve));
    }
  });
});
