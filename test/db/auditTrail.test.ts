import { describe, expect, it } from 'vitest';
import { useDatabase } from '../helpers/db.ts';
import { asIdentity, SEED } from '../helpers/personas.ts';
import { inRollback } from '../helpers/rollback.ts';

const { sql } = useDatabase();

describe('audit_log', () => {
  it('chains rows per identity and verifies an intact chain', async () => {
    await inRollback(sql, async (s) => {
      for (let i = 0; i < 5; i++)
        await s.tx`select private.audit(${SEED.b2}, 'test.step', 'thread', null, ${s.tx.json({ i })})`;
      const rows =
        await s.tx`select seq, prev_hash, hash from public.audit_log where identity_id = ${SEED.b2} order by seq`;
      rows.forEach((r, i) => {
        expect(Number(r.seq)).toBe(i + 1);
        if (i > 0) expect(Buffer.compare(r.prev_hash, rows[i - 1]!.hash)).toBe(0);
      });
      const [v] = await s.tx`select checked, first_broken_seq from private.verify_audit_chain(${SEED.b2})`;
      expect(Number(v!.checked)).toBe(rows.length);
      expect(v!.first_broken_seq).toBeNull();
    });
  });

  it('refuses update, delete and truncate, even for the table owner', async () => {
    await inRollback(sql, async (s) => {
      expect((await s.attempt((tx) => tx`update public.audit_log set action = 'x'`)).state).toBe('42501');
      expect((await s.attempt((tx) => tx`delete from public.audit_log`)).state).toBe('42501');
      expect((await s.attempt((tx) => tx`truncate public.audit_log`)).state).toBe('42501');
    });
  });

  it('reports the first broken link when a row was tampered with behind the triggers', async () => {
    await inRollback(sql, async (s) => {
      for (let i = 0; i < 4; i++)
        await s.tx`select private.audit(${SEED.b2}, 'test.step', 'thread', null, ${s.tx.json({ i })})`;
      await s.tx`alter table public.audit_log disable trigger audit_log_append_only`;
      await s.tx`update public.audit_log set payload = '{"i": 99}' where identity_id = ${SEED.b2} and seq = 3`;
      const [v] = await s.tx`select first_broken_seq from private.verify_audit_chain(${SEED.b2})`;
      expect(Number(v!.first_broken_seq)).toBe(3);
    });
  });

  it('is readable only by its identity and not writable by clients', async () => {
    await inRollback(sql, async (s) => {
      await s.as(asIdentity('a2'));
      const rows = await s.tx`select distinct identity_id from public.audit_log`;
      expect(rows.map((r) => r.identity_id)).toEqual([SEED.a2]);
      const ins = await s.attempt(
        (tx) =>
          tx`insert into public.audit_log (identity_id, seq, action, entity_type, hash) values (${SEED.a1}, 1, 'forged', 'x', '\\x00')`,
      );
      expect(ins.state).toBe('42501');
      const direct = await s.attempt((tx) => tx`select private.audit(${SEED.a1}, 'forged', 'x', null, '{}')`);
      expect(direct.state).toBe('42501');
    });
  });
});
