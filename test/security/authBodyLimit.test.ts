/**
 * Door: the size of a local-auth request body (POST /auth/v1/*, 64 KiB). A body declared larger
 * (Content-Length) is refused with 413 `payload_too_large` before it is read, and the connection is
 * closed, since the rest of it cannot be skipped; a body only streamed (chunked) is counted as it
 * arrives and refused at the limit; a Content-Length that understates the body never lets the rest
 * through as a body (Node's parser holds the body to it). None of them creates an account; a body
 * at the limit is read and answered by local auth itself.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { useAuthGateway } from '../helpers/authGateway.ts';

const { sql, url, keys } = useAuthGateway('auth_body_limit');
const LIMIT = 64 * 1024;

/** A sign-up body of exactly `size` bytes (the password padded out). */
function signUpBody(email: string, size: number): string {
  const base = JSON.stringify({ email, password: '', pad: '' });
  return JSON.stringify({
    email,
    password: 'Kz7#long-enough-pass',
    pad: 'x'.repeat(size - base.length - 20),
  });
}

const accounts = async (email: string) =>
  (await sql()`select count(*)::int as n from auth.users where email = ${email}`)[0]!.n as number;

/** Sends raw bytes to the gateway; resolves with everything it answers until it closes or `ms` pass. */
function raw(bytes: string, ms = 3000): Promise<string> {
  const { port, hostname } = new URL(url());
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = net.connect(Number(port), hostname, () => socket.write(bytes));
    const timer = setTimeout(() => socket.destroy(), ms);
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (text += d));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
    socket.on('error', reject);
  });
}

describe('local auth body limit', () => {
  it('refuses a declared body past the limit before reading it, and closes the connection', async () => {
    const email = `big-declared-${process.pid}@test.chenu.local`;
    const body = signUpBody(email, LIMIT + 1);
    expect(Buffer.byteLength(body)).toBe(LIMIT + 1);
    const res = await fetch(`${url()}/auth/v1/signup`, {
      method: 'POST',
      headers: { apikey: keys().anonKey, 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('connection')).toBe('close');
    expect((await res.json()).error).toEqual({
      code: 'payload_too_large',
      message: 'auth request body too large',
    });
    expect(await accounts(email)).toBe(0);
  });

  it('counts a streamed (chunked) body and refuses it at the limit', async () => {
    const email = `big-streamed-${process.pid}@test.chenu.local`;
    const bytes = new TextEncoder().encode(signUpBody(email, LIMIT + 1));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.subarray(i, i + 8192));
        controller.close();
      },
    });
    const res = await fetch(`${url()}/auth/v1/signup`, {
      method: 'POST',
      headers: { apikey: keys().anonKey, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('payload_too_large');
    expect(await accounts(email)).toBe(0);
  });

  it('never reads past an understated Content-Length as the body', async () => {
    const email = `understated-${process.pid}@test.chenu.local`;
    const body = signUpBody(email, 2048);
    const answer = await raw(
      `POST /auth/v1/signup HTTP/1.1\r\nHost: 127.0.0.1\r\napikey: ${keys().anonKey}\r\n` +
        `content-type: application/json\r\ncontent-length: 10\r\nconnection: close\r\n\r\n${body}`,
    );
    // the first 10 bytes are the body (not JSON); the rest never becomes part of it
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('"code":"bad_request"');
    expect(await accounts(email)).toBe(0);
  });

  it('reads a body at the limit and lets local auth answer it', async () => {
    const email = `at-limit-${process.pid}@test.chenu.local`;
    const body = signUpBody(email, LIMIT);
    expect(Buffer.byteLength(body)).toBe(LIMIT);
    const res = await fetch(`${url()}/auth/v1/signup`, {
      method: 'POST',
      headers: { apikey: keys().anonKey, 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(200);
    expect(await accounts(email)).toBe(1);
  });
});
