/**
 * API keys of the active identity, for integrations: the key is shown once at creation and stored
 * only as its SHA-256 with a visible prefix (`chenu_xxxxxxxx`); permissions are scoped
 * (`<group>:<read|write|*>`), keys expire and are revoked for good. Managing keys needs a signed-in
 * user: an API key cannot mint or revoke keys.
 */
import { IdParam } from '../../../shared/api/common.ts';
import * as r from '../../../shared/api/resources.ts';
import { hashApiKey } from '../_shared/auth.ts';
import { crud, mapped, transactionNow, updateRow } from '../_shared/crud.ts';
import { EdgeFunction } from '../_shared/edgeFunction.ts';
import { ApiError } from '../_shared/errors.ts';

const fn = new EdgeFunction('api-keys');
crud(fn, {
  path: '',
  table: 'public.api_keys',
  noun: 'API key',
  tag: 'api-keys',
  row: r.ApiKey,
  update: r.ApiKeyUpdate,
  verbs: ['list', 'get', 'update', 'delete'],
  access: 'user',
});

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A new key: `chenu_` + 8 visible characters + `_` + 32 random bytes (base64url). */
function newKey(): { prefix: string; key: string } {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  const prefix = `chenu_${[...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join('')}`;
  const random = crypto.getRandomValues(new Uint8Array(32));
  const secret = btoa(String.fromCharCode(...random))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
  return { prefix, key: `${prefix}_${secret}` };
}

fn.route(
  {
    method: 'post',
    path: '',
    summary: 'Create an API key (the key is in this answer only)',
    tag: 'api-keys',
    body: r.ApiKeyCreate,
    response: { status: 201, schema: r.ApiKeyCreated },
    access: 'user',
  },
  async ({ body, caller, db }) => {
    const { prefix, key } = newKey();
    const keyHash = await hashApiKey(key);
    const row = await mapped('write', () =>
      db.withUser(caller.claims, async (tx) => {
        // the key's prefix and hash are server-kept: written only by private.create_api_key
        const [created] = await tx<{ r: unknown }[]>`
          select to_jsonb(private.create_api_key(${body.name}, ${body.permissions}::text[],
                 ${body.expires_at ?? null}::timestamptz, ${prefix}, ${keyHash})) as r`;
        return created!.r;
      }),
    );
    return { api_key: row, key };
  },
);

fn.route(
  {
    method: 'post',
    path: '/{id}/revoke',
    summary: 'Revoke an API key (for good)',
    tag: 'api-keys',
    params: IdParam,
    response: { status: 200, schema: r.ApiKey },
    access: 'user',
  },
  async ({ params, caller, db }) => {
    const row = await mapped('write', () =>
      db.withUser(caller.claims, (tx) =>
        transactionNow(tx).then((now) =>
          updateRow(tx, 'public.api_keys', { revoked_at: now }, [
            tx`t.id = ${params.id}`,
            tx`t.revoked_at is null`,
          ]),
        ),
      ),
    );
    if (!row) throw new ApiError('not_found', 'no live API key with this id');
    return row;
  },
);

export default fn;
