/**
 * Door: API keys (issue 13, findings 3 and 7). The account takeover first: a signed-in user
 * writes an API key row naming another user (as PostgREST would let her on a hosted project) and
 * tries to authenticate with it. Then confinement: a key made by one identity, used through the
 * real API (gateway + Deno functions), reaches that identity only: not the user's other
 * identities, profile or billing, not key management, not an identity switch.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { invoke, useApi } from '../api/apiHarness.ts';
import { asIdentity, SEED } from '../helpers/personas.ts';
import { inRollback } from '../helpers/rollback.ts';
import type { Claims } from '../../supabase/functions/_shared/dataAccess.ts';

const { newUser, client, sql } = useApi();

/** Claims as the API's key lookup builds them for a key of A1. */
const keyOfA1: Claims = { ...asIdentity('a1'), api_key_id: crypto.randomUUID() };

describe('API keys', () => {
  it('cannot be forged for another user: the row is refused, and a stamped user_id follows the identity', async () => {
    const key = `chenu_forgedaa_${'x'.repeat(40)}`;
    const hash = createHash('sha256').update(key).digest('hex');
    await inRollback(sql, async (s) => {
      await s.as(asIdentity('a1'));
      const forged = await s.attempt(
        (tx) => tx`insert into public.api_keys (identity_id, user_id, name, prefix, key_hash, permissions)
                   values (${SEED.a1}, ${SEED.bob}, 'as Bob', 'chenu_forgedaa', ${hash}, array['all:*'])`,
      );
      expect(forged.state).toBe('42501');
      // even a server-side writer cannot give a key of A1 Bob's user id
      await s.asOwner();
      const [row] =
        await s.tx`insert into public.api_keys (identity_id, user_id, name, prefix, key_hash, permissions)
        values (${SEED.a1}, ${SEED.bob}, 'as Bob', 'chenu_forgedaa', ${hash}, array['all:*']) returning user_id`;
      expect(row!.user_id).toBe(SEED.alice);
    });
  });

  it("acting as one identity, see only that identity and none of the user's other rows", async () => {
    await inRollback(sql, async (s) => {
      // a signed-in session of the same identity sees the user's identities and billing
      await s.as(asIdentity('a1'));
      expect((await s.tx`select id from public.identities`).length).toBe(2);
      expect((await s.tx`select id from public.user_subscriptions`).length).toBeGreaterThan(0);
      await s.as(keyOfA1);
      expect((await s.tx`select id from public.identities`).map((r) => r.id)).toEqual([SEED.a1]);
      expect(await s.tx`select id from public.user_subscriptions`).toEqual([]);
      expect(await s.tx`select id from public.api_keys`).toEqual([]);
      for (const [what, run] of [
        ['rename A2', () => s.tx`update public.identities set name = 'pris' where id = ${SEED.a2}`],
        ['rename A1', () => s.tx`update public.identities set name = 'pris' where id = ${SEED.a1}`],
        ['delete A2', () => s.tx`delete from public.identities where id = ${SEED.a2}`],
        [
          'rename the user',
          () => s.tx`update public.users set display_name = 'pris' where id = ${SEED.alice}`,
        ],
      ] as const) {
        const r = await s.attempt(run);
        expect(r.state === '42501' || (r.value as unknown as { count: number }).count === 0, what).toBe(true);
      }
      const created = await s.attempt(
        (tx) => tx`insert into public.identities (user_id, name) values (${SEED.alice}, 'par clé')`,
      );
      expect(created.state).toBe('42501');
      const minted = await s.attempt(
        (tx) =>
          tx`select private.create_api_key('par clé', array['all:*'], null, 'chenu_mintedaa', ${'b'.repeat(64)})`,
      );
      expect(minted.state).toBe('42501');
      const switched = await s.attempt((tx) => tx`select private.switch_identity(${SEED.a2})`);
      expect(switched.state).toBe('42501');
    });
  });

  it("through the API, reach the key's identity only", async () => {
    const u = await newUser('confined');
    const second = (await u.call('POST', '/identities', { body: { name: 'Deuxième', kind: 'business' } }))
      .body;
    expect(second.id).toMatch(/^[0-9a-f-]{36}$/);
    const made = (await u.call('POST', '/api-keys', { body: { name: 'tout', permissions: ['all:*'] } })).body;
    const headers = { 'x-api-key': made.key };
    const anon = client();
    const listed = await invoke(anon, 'GET', '/identities', { headers });
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((i: { id: string }) => i.id)).toEqual([u.identityId]);
    expect(
      (await invoke(anon, 'GET', '/identities/{id}', { headers, params: { id: second.id } })).status,
    ).toBe(404);
    expect(
      (await invoke(anon, 'DELETE', '/identities/{id}', { headers, params: { id: second.id } })).status,
    ).toBe(404);
    expect(
      (
        await invoke(anon, 'PATCH', '/identities/{id}', {
          headers,
          params: { id: u.identityId },
          body: { name: 'x' },
        })
      ).status,
    ).toBe(404);
    expect((await invoke(anon, 'POST', '/identities', { headers, body: { name: 'Troisième' } })).status).toBe(
      403,
    );
    // the owner's own session still manages both identities
    expect((await u.call('GET', '/identities/{id}', { params: { id: second.id } })).status).toBe(200);
    // and the key still works for the identity's own data
    expect((await invoke(anon, 'GET', '/spheres', { headers })).status).toBe(200);
  });
});
