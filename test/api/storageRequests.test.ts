/**
 * The Supabase Storage calls of the files function (supabase/functions/_shared/storage.ts), built
 * the way storage-js makes them. No Storage server runs on this machine (it needs Docker), so the
 * requests are checked as built, and the answer handling against real Response objects; the local
 * disk path of the files function is covered end to end in resources.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  downloadRequest,
  objectUrl,
  removeRequest,
  sendStorage,
  StorageError,
  uploadRequest,
  type StorageTarget,
} from '../../supabase/functions/_shared/storage.ts';

const target: StorageTarget = {
  url: 'https://abcdefghijklmnop.supabase.co/',
  serviceKey: 'service-role-key-0123456789',
  bucket: 'chenu-files',
};
const PATH = 'a1000000-0000-4000-8000-000000000000/5f0c8a4e-1d2b-4c3d-8e9f-0a1b2c3d4e5f';

describe('Supabase Storage requests', () => {
  it('uploads with POST to /storage/v1/object/<bucket>/<path>, service key, media type and no upsert', async () => {
    const bytes = new TextEncoder().encode('# Devis\n');
    const r = uploadRequest(target, PATH, bytes, 'text/markdown');
    expect(r.method).toBe('POST');
    expect(r.url).toBe(`https://abcdefghijklmnop.supabase.co/storage/v1/object/chenu-files/${PATH}`);
    expect(r.headers.get('authorization')).toBe('Bearer service-role-key-0123456789');
    expect(r.headers.get('apikey')).toBe('service-role-key-0123456789');
    expect(r.headers.get('content-type')).toBe('text/markdown');
    expect(r.headers.get('x-upsert')).toBe('false');
    expect(new Uint8Array(await r.arrayBuffer())).toEqual(bytes);
  });

  it('downloads with GET of the same object URL', () => {
    const r = downloadRequest(target, PATH);
    expect(r.method).toBe('GET');
    expect(r.url).toBe(objectUrl(target, PATH));
    expect(r.headers.get('authorization')).toBe('Bearer service-role-key-0123456789');
  });

  it('deletes with DELETE /storage/v1/object/<bucket> and the paths as prefixes', async () => {
    const r = removeRequest(target, [PATH]);
    expect(r.method).toBe('DELETE');
    expect(r.url).toBe('https://abcdefghijklmnop.supabase.co/storage/v1/object/chenu-files');
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(await r.json()).toEqual({ prefixes: [PATH] });
  });

  it('percent-encodes each path segment and refuses empty or dot segments', () => {
    expect(objectUrl(target, 'dir/un fichier#1.pdf')).toBe(
      'https://abcdefghijklmnop.supabase.co/storage/v1/object/chenu-files/dir/un%20fichier%231.pdf',
    );
    for (const bad of ['a/../b', 'a//b', './a', '']) {
      expect(() => objectUrl(target, bad), bad).toThrow(StorageError);
    }
    expect(() => removeRequest(target, ['ok', '../etc'])).toThrow(StorageError);
  });

  it('passes a 2xx answer through and turns a refusal into a StorageError with Storage’s message', async () => {
    const ok = new Response('{"Key":"chenu-files/x","Id":"1"}', { status: 200 });
    expect(await sendStorage(downloadRequest(target, PATH), async () => ok)).toBe(ok);
    const refused = sendStorage(
      downloadRequest(target, PATH),
      async () =>
        new Response('{"statusCode":"404","error":"not_found","message":"Bucket not found"}', {
          status: 400,
        }),
    );
    await expect(refused).rejects.toThrow(/answered 400: Bucket not found/);
    const text = sendStorage(
      downloadRequest(target, PATH),
      async () => new Response('bad gateway', { status: 502 }),
    );
    await expect(text).rejects.toMatchObject({ name: 'StorageError', status: 502 });
  });
});
