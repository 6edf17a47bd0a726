import { describe, expect, it } from 'vitest';
import { classify, publicTables } from '../helpers/catalog.ts';
import { CLOSED_TO_ELEVATION } from './tableClasses.ts';
import { useDatabase } from '../helpers/db.ts';
import { asIdentity, SEED, seedId } from '../helpers/personas.ts';
import { inRollback, type Scenario } from '../helpers/rollback.ts';

const { sql } = useDatabase();
const identityTables = (await publicTables(sql)).filter((t) => classify(t) === 'identity').map((t) => t.name);

async function count(s: Scenario, table: string, identity: string): Promise<number> {
  const [row] = await s.tx`select count(*)::int as n from ${s.tx(table)} where identity_id = ${identity}`;
  return row!.n as number;
}

/** Counts of A1's rows per table as the owner sees them. */
async function a1Counts(s: Scenario): Promise<Record<string, number>> {
  await s.asOwner();
  const counts: Record<string, number> = {};
  for (const t of identityTables) counts[t] = await count(s, t, SEED.a1);
  return counts;
}

async function a2Counts(s: Scenario): Promise<Record<string, number>> {
  await s.as(asIdentity('a2'));
  const counts: Record<string, number> = {};
  for (const t of identityTables) counts[t] = await count(s, t, SEED.a1);
  return counts;
}

const zero = () => Object.fromEntries(identityTables.map((t) => [t, 0]));

/** A2 asks for a scope of A1, A1 decides; returns the request id. */
async function grant(s: Scenario, scopeType: string, scopeId: string, permission: 'read' | 'write') {
  await s.as(asIdentity('a2'));
  const [req] =
    await s.tx`select id, status from private.request_elevation(${scopeType}, ${scopeId}, ${permission}, 'audit du budget', interval '1 hour')`;
  expect(req!.status).toBe('pending');
  await s.as(asIdentity('a1'));
  const [decided] = await s.tx`select status, expires_at from private.decide_elevation(${req!.id}, true)`;
  expect(decided!.status).toBe('approved');
  return req!.id as string;
}

describe('elevation requests', () => {
  it('open every identity-owned table of the whole identity once approved, and close on revoke', async () => {
    await inRollback(sql, async (s) => {
      const owned = await a1Counts(s);
      expect(await a2Counts(s)).toEqual(zero());
      const id = await grant(s, 'identity', SEED.a1, 'read');
      // credentials stay the owner's own (test/security/elevationSecrets.test.ts)
      for (const t of CLOSED_TO_ELEVATION) owned[t] = 0;
      expect(await a2Counts(s)).toEqual(owned);
      await s.as(asIdentity('a1'));
      await s.tx`select private.revoke_elevation(${id})`;
      expect(await a2Counts(s)).toEqual(zero());
    });
  });

  it('close when the grant expires', async () => {
    await inRollback(sql, async (s) => {
      const id = await grant(s, 'identity', SEED.a1, 'read');
      await s.as(asIdentity('a2'));
      expect(await count(s, 'memory_items', SEED.a1)).toBeGreaterThan(0);
      await s.asOwner();
      await s.tx`update public.elevation_requests set expires_at = now() - interval '1 second' where id = ${id}`;
      expect(await a2Counts(s)).toEqual(zero());
    });
  });

  it('stay closed while pending or denied', async () => {
    await inRollback(sql, async (s) => {
      await s.as(asIdentity('a2'));
      const [req] =
        await s.tx`select id from private.request_elevation('identity', ${SEED.a1}, 'read', 'consultation', interval '1 hour')`;
      expect(await a2Counts(s)).toEqual(zero());
      await s.as(asIdentity('a1'));
      await s.tx`select private.decide_elevation(${req!.id}, false)`;
      expect(await a2Counts(s)).toEqual(zero());
    });
  });

  it('open only the named dataspace, its threads and its memory', async () => {
    await inRollback(sql, async (s) => {
      const ds1 = seedId('a1', '0003', 1);
      await grant(s, 'dataspace', ds1, 'read');
      await s.as(asIdentity('a2'));
      const dataspaces = await s.tx`select id from public.dataspaces where identity_id = ${SEED.a1}`;
      expect(dataspaces.map((d) => d.id)).toEqual([ds1]);
      expect(await count(s, 'threads', SEED.a1)).toBe(1);
      expect(await count(s, 'messages', SEED.a1)).toBe(3);
      const memory =
        await s.tx`select distinct dataspace_id from public.memory_items where identity_id = ${SEED.a1}`;
      expect(memory.map((m) => m.dataspace_id)).toEqual([ds1]);
    });
  });

  it('let a read grant read but not write, and a write grant write', async () => {
    await inRollback(sql, async (s) => {
      const thread = seedId('a1', '0004', 1);
      await grant(s, 'identity', SEED.a1, 'read');
      await s.as(asIdentity('a2'));
      const read = await s.tx`update public.threads set title = 'lu seulement' where id = ${thread}`;
      expect(read.count).toBe(0);
      await grant(s, 'sphere', seedId('a1', '0001', 1), 'write');
      await s.as(asIdentity('a2'));
      const write = await s.tx`update public.threads set title = 'modifié par A2' where id = ${thread}`;
      expect(write.count).toBe(1);
    });
  });

  it('refuse a decision by anyone but the scope owner, and a second decision', async () => {
    await inRollback(sql, async (s) => {
      await s.as(asIdentity('a2'));
      const [req] =
        await s.tx`select id from private.request_elevation('identity', ${SEED.a1}, 'read', 'consultation', interval '1 hour')`;
      expect((await s.attempt((tx) => tx`select private.decide_elevation(${req!.id}, true)`)).state).toBe(
        'P0002',
      );
      await s.as(asIdentity('b1'));
      expect((await s.attempt((tx) => tx`select private.decide_elevation(${req!.id}, true)`)).state).toBe(
        'P0002',
      );
      await s.as(asIdentity('a1'));
      await s.tx`select private.decide_elevation(${req!.id}, true)`;
      expect((await s.attempt((tx) => tx`select private.decide_elevation(${req!.id}, false)`)).state).toBe(
        '55000',
      );
    });
  });

  it('record a request for a missing scope like any other, and refuse scopes the identity already owns', async () => {
    await inRollback(sql, async (s) => {
      await s.as(asIdentity('a2'));
      const missing = await s.attempt(
        (tx) => tx`select status, target_identity_id
                   from private.request_elevation('dataspace', ${crypto.randomUUID()}, 'read', 'inconnu')`,
      );
      expect(missing.state).toBe('ok');
      expect(missing.value).toEqual([{ status: 'pending', target_identity_id: null }]);
      const own = await s.attempt(
        (tx) => tx`select private.request_elevation('identity', ${SEED.a2}, 'read', 'moi-même')`,
      );
      expect(own.state).toBe('22023');
      const bad = await s.attempt(
        (tx) => tx`select private.request_elevation('identity', ${SEED.a1}, 'admin', 'tout')`,
      );
      expect(bad.state).toBe('23514');
    });
  });

  it('audit every step on both identities\u2019 chains, and the chains verify', async () => {
    await inRollback(sql, async (s) => {
      const id = await grant(s, 'identity', SEED.a1, 'read');
      await s.as(asIdentity('a2'));
      await s.tx`select private.revoke_elevation(${id})`;
      await s.asOwner();
      const rows =
        await s.tx`select identity_id, action from public.audit_log where entity_id = ${id} order by id`;
      expect(rows.map((r) => `${r.identity_id === SEED.a1 ? 'a1' : 'a2'}:${r.action}`)).toEqual([
        'a2:elevation.requested',
        'a1:elevation.received',
        'a1:elevation.approved',
        'a2:elevation.granted',
        'a1:elevation.revoked',
        'a2:elevation.revoked',
      ]);
      for (const who of ['a1', 'a2'] as const) {
        await s.as(asIdentity(who));
        const [v] = await s.tx`select checked, first_broken_seq from private.verify_my_audit_chain()`;
        expect(Number(v!.checked)).toBeGreaterThan(1);
        expect(v!.first_broken_seq).toBeNull();
      }
    });
  });

  it('show a request only to its two parties', async () => {
    await inRollback(sql, async (s) => {
      const id = await grant(s, 'identity', SEED.a1, 'read');
      for (const [who, n] of [
        ['a1', 1],
        ['a2', 1],
        ['b1', 0],
        ['b2', 0],
      ] as const) {
        await s.as(asIdentity(who));
        const rows = await s.tx`select id from public.elevation_requests where id = ${id}`;
        expect(rows.length, who).toBe(n);
      }
      await s.as(asIdentity('a2'));
      expect(
        (await s.attempt((tx) => tx`update public.elevation_requests set status = 'approved'`)).state,
      ).toBe('42501');
    });
  });
});
