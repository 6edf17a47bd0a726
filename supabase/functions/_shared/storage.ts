/**
 * Supabase Storage through its REST API (the calls storage-js makes): upload
 * `POST /storage/v1/object/<bucket>/<path>`, download `GET` of the same URL, delete
 * `DELETE /storage/v1/object/<bucket>` with `{ prefixes }`. Authenticated with the project's service
 * key, because the function has already decided access under RLS; the bucket stays private. Pure
 * request building plus one fetch helper, so it runs under Deno and is unit-tested under Node.
 */

/** Where objects go: the project URL, its service key and a private bucket. */
export interface StorageTarget {
  url: string;
  serviceKey: string;
  bucket: string;
}

/** A refused Storage call, with the HTTP status Storage answered. */
export class StorageError extends Error {
  override readonly name = 'StorageError';
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

function headers(target: StorageTarget): Record<string, string> {
  return { authorization: `Bearer ${target.serviceKey}`, apikey: target.serviceKey };
}

/** URL of one object; each path segment is percent-encoded, separators kept. */
export function objectUrl(target: StorageTarget, path: string): string {
  const segments = path.replace(/^\/+|\/+$/g, '').split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new StorageError(`invalid object path "${path}"`, 400);
  }
  const base = target.url.replace(/\/+$/, '');
  return `${base}/storage/v1/object/${encodeURIComponent(target.bucket)}/${segments.map(encodeURIComponent).join('/')}`;
}

/** Upload of new bytes (never overwrites: `x-upsert: false`). */
export function uploadRequest(
  target: StorageTarget,
  path: string,
  bytes: Uint8Array<ArrayBuffer>,
  contentType: string,
): Request {
  return new Request(objectUrl(target, path), {
    method: 'POST',
    headers: {
      ...headers(target),
      'content-type': contentType,
      'cache-control': 'max-age=3600',
      'x-upsert': 'false',
    },
    body: bytes,
  });
}

/** Download of an object's bytes. */
export function downloadRequest(target: StorageTarget, path: string): Request {
  return new Request(objectUrl(target, path), { method: 'GET', headers: headers(target) });
}

/** Deletion of objects of the bucket. */
export function removeRequest(target: StorageTarget, paths: string[]): Request {
  for (const p of paths) objectUrl(target, p);
  const base = target.url.replace(/\/+$/, '');
  return new Request(`${base}/storage/v1/object/${encodeURIComponent(target.bucket)}`, {
    method: 'DELETE',
    headers: { ...headers(target), 'content-type': 'application/json' },
    body: JSON.stringify({ prefixes: paths }),
  });
}

/** Sends a request; a non-2xx answer becomes a StorageError carrying Storage's message. */
export async function sendStorage(
  request: Request,
  fetcher: (r: Request) => Promise<Response> = fetch,
): Promise<Response> {
  const response = await fetcher(request);
  if (response.ok) return response;
  const text = await response.text().catch(() => '');
  let message = text.slice(0, 300);
  try {
    const body = JSON.parse(text) as { message?: string; error?: string };
    message = body.message ?? body.error ?? message;
  } catch {
    // not JSON: the text itself
  }
  throw new StorageError(`Supabase Storage answered ${response.status}: ${message}`, response.status);
}
