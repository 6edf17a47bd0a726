/**
 * The generic `Idempotency-Key` store of POSTs (the key itself is checked by edgeFunction against
 * shared/api's IdempotencyKey): the first request with a key runs and its answer is stored
 * (idempotency_keys, per identity, 24 h); a replay with the same key and the same request gets the
 * stored answer without running again (header `Idempotent-Replayed: true`); the same key with a
 * different request is a 422 `idempotency_key_reused`; a replay while the first is still running is
 * a 409 `in_progress` — the same contract the governed routes keep in their own records. A failed
 * first attempt (4xx/5xx) frees the key so the client can retry.
 */
import type { Caller } from './auth.ts';
import { database } from './db.ts';
import { ApiError } from './errors.ts';

async function requestHash(route: string, body: unknown): Promise<string> {
  const bytes = new TextEncoder().encode(`${route}\n${JSON.stringify(body ?? null)}`);
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

interface Stored {
  id: string;
  request_hash: string;
  response: unknown;
  status_code: number | null;
}

/** Runs `run` at most once per (identity, key, request). */
export async function withIdempotency(
  caller: Caller,
  key: string,
  route: string,
  body: unknown,
  run: () => Promise<Response>,
): Promise<Response> {
  const identity = caller.claims.identity_id;
  if (typeof identity !== 'string') throw new ApiError('forbidden', 'no active identity in the token');
  const hash = await requestHash(route, body);
  const { data } = database();
  const claimed = await data.withService(async (tx) => {
    await tx`delete from public.idempotency_keys
             where identity_id = ${identity} and key = ${key} and expires_at <= now()`;
    const [row] = await tx<{ id: string }[]>`
      insert into public.idempotency_keys (identity_id, key, request_hash)
      values (${identity}, ${key}, ${hash})
      on conflict (identity_id, key) do nothing
      returning id`;
    if (row) return { mine: true as const, id: row.id };
    const [stored] = await tx<Stored[]>`
      select id, request_hash, response, status_code from public.idempotency_keys
      where identity_id = ${identity} and key = ${key}`;
    return { mine: false as const, stored: stored! };
  });
  if (!claimed.mine) {
    const { stored } = claimed;
    if (stored.request_hash !== hash) {
      throw new ApiError('idempotency_key_reused', 'this Idempotency-Key was used for a different request');
    }
    if (stored.status_code === null) {
      throw new ApiError('in_progress', 'a request with this Idempotency-Key is still running');
    }
    const replay = stored.status_code === 204 ? null : JSON.stringify(stored.response);
    return new Response(replay, {
      status: stored.status_code,
      headers: { 'content-type': 'application/json', 'idempotent-replayed': 'true' },
    });
  }
  let response: Response;
  try {
    response = await run();
  } catch (error) {
    await data.withService((tx) => tx`delete from public.idempotency_keys where id = ${claimed.id}`);
    throw error;
  }
  if (response.status >= 400) {
    await data.withService((tx) => tx`delete from public.idempotency_keys where id = ${claimed.id}`);
    return response;
  }
  const text = await response.clone().text();
  await data.withService(
    (tx) => tx`update public.idempotency_keys
               set response = ${text === '' ? null : tx.json(JSON.parse(text) as never)}, status_code = ${response.status}
               where id = ${claimed.id}`,
  );
  return response;
}
