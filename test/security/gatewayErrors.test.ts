/**
 * Door: the local gateway (issue 20 item 7). Whatever it refuses, it answers in the API's JSON error
 * shape with a documented code: a request line or headers past Node's limit (a 20,001-character
 * query, a 60 KB header) are 431 `header_too_large` instead of an empty body; malformed HTTP is a
 * 400; an error of the functions process that is not JSON (a crash outside the app) comes out as
 * JSON too.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { API_ERRORS } from '../../shared/api/common.ts';
import { parseEnv } from '../../server/env.ts';
import { startGateway } from '../../server/gateway/gateway.ts';
import { projectKeys } from '../../server/gateway/jwt.ts';
import { useApi } from '../api/apiHarness.ts';

const { api, newUser, sql } = useApi();

/** Sends raw bytes to the gateway and returns the raw answer (status line, headers, body). */
function raw(request: string): Promise<string> {
  const { port } = new URL(api().url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.end(request));
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
});
