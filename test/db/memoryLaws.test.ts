import type { TransactionSql } from 'postgres';
import { describe, expect, it } from 'vitest';
import { useDatabase } from '../helpers/db.ts';
import { asIdentity, SEED, seedId } from '../helpers/personas.ts';
import { inRollback } from '../helpers/rollback.ts';

const { sql } = useDatabase();
const item = seedId('a1', '000c', 1);
const dataspace = seedId('a1', '0003', 1);
const execution = seedId('a1', '0222', 1); // the seeded summarizer run

// The laws the schema enforces; the pipeline's laws (6, 8, 10) are tested with the pipeline.
describe('memory laws in the schema', () => {
  it('law 1: a memory item belongs to one identity and that never changes', async () => {
    await inRollback(sql, async (s) => {
      const moved = await s.attempt(
        (tx) => tx`update public.memory_items set identity_id = ${SEED.a2} where id = ${item}`,
      );
      expect(moved.state).toBe('23514');
    });
  });

  it('law 2: no memory crosses identities without an elevation', async () => {
    await inRollback(sql, async (s) => {
      await s.as(asIdentity('a2'));
      expect(await s.tx`select id from public.memory_items where identity_id = ${SEED.a1}`).toEqual([]);
    });
  });

  it('law 3: nothing is remembered without a source', async () => {
    await inRollback(sql, async (s) => {
      await s.as(asIdentity('a1'));
      const sourceless = await s.attempt(
        (tx) =>
          tx`insert into public.memory_items (dataspace_id, source_type, content) values (${dataspace}, 'thread', 'sans source')`,
      );
      expect(sourceless.state).toBe('23514');
      const explicit = await s.attempt(
        (tx) =>
          tx`insert into public.memory_items (dataspace_id, source_type, content) values (${dataspace}, 'user', 'saisie explicite')`,
      );
      expect(explicit.state).toBe('ok');
    });
  });

  it('law 4: the human sees everything remembered about the active identity', async () => {
    await inRollback(sql, async (s) => {
      const [owned] =
        await s.tx`select count(*)::int as n from public.memory_items where identity_id = ${SEED.a1}`;
      await s.as(asIdentity('a1'));
      const [seen] = await s.tx`select count(*)::int as n from public.memory_items`;
      expect(seen!.n).toBe(owned!.n);
    });
  });

  it('law 5: correcting and forgetting keep a tombstone, forgetting erases the content for good', async () => {
    await inRollback(sql, async (s) => {
      await s.as(asIdentity('a1'));
      const [corrected] =
        await s.tx`select content from public.correct_memory_item(${item}, 'Alice préfère l''érable.')`;
      expect(corrected!.content).toBe("Alice préfère l'érable.");
      const [forgotten] =
        await s.tx`select content, status, forgotten_at from public.forget_memory_item(${item})`;
      expect(forgotten).toMatchObject({ content: '', status: 'forgotten' });
      const tombstones =
        await s.tx`select kind, previous_content_sha256 from public.memory_corrections where memory_item_id = ${item} order by created_at, kind`;
      expect(tombstones.map((t) => t.kind).sort()).toEqual(['correct', 'correct', 'forget']);
      expect(tombstones.every((t) => /^[0-9a-f]{64}$/.test(t.previous_content_sha256))).toBe(true);
      const audit = await s.tx`select action from public.audit_log where entity_id = ${item} order by seq`;
      expect(audit.map((a) => a.action)).toEqual(['memory.corrected', 'memory.forgotten']);
      const revived = await s.attempt(
        (tx) =>
          tx`update public.memory_items set status = 'committed', content = 'retour', forgotten_at = null where id = ${item}`,
      );
      expect(revived.state).toBe('23514');
      expect((await s.attempt((tx) => tx`delete from public.memory_items where id = ${item}`)).state).toBe(
        '42501',
      );
    });
  });

  it('law 7: an agent can only propose a memory item, and a client cannot write as one', async () => {
    await inRollback(sql, async (s) => {
      const insert = (status: string) => (tx: TransactionSql) =>
        tx`insert into public.memory_items (identity_id, dataspace_id, source_type, source_id, content, origin, status, proposed_by_execution_id)
           values (${SEED.a1}, ${dataspace}, 'thread', ${seedId('a1', '0004', 1)}, 'proposition', 'agent', ${status}, ${execution})`;
      // origin and its execution are server-kept: only the pipeline writes them
      await s.as(asIdentity('a1'));
      expect((await s.attempt(insert('proposed'))).state).toBe('42501');
      // the pipeline (the table's owner here) is held to the law by the trigger
      await s.asOwner();
      expect((await s.attempt(insert('committed'))).state).toBe('23514');
      expect((await s.attempt(insert('proposed'))).state).toBe('ok');
    });
  });

  it('law 9: items carry an expiry', async () => {
    await inRollback(sql, async (s) => {
      await s.as(asIdentity('a1'));
      const [row] =
        await s.tx`insert into public.memory_items (dataspace_id, source_type, content, expires_at)
                               values (${dataspace}, 'user', 'temporaire', now() + interval '1 day') returning expires_at`;
      expect(row!.expires_at).toBeInstanceOf(Date);
    });
  });
});
