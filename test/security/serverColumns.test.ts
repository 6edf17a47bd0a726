/**
 * Door: server-kept columns (issue 13, finding 4). A client (PostgREST on a hosted project, or a
 * route's `withUser` statement) tries to insert and update every server-kept column of every table
 * on its own rows: each attempt is refused by column privileges. Generated from the catalog: every
 * column of every table `authenticated` may write is classified (columnClasses.ts), so a new table
 * or column fails here until someone decides who writes it.
 */
import { describe, expect, it } from 'vitest';
import { publicTables, type PublicTable } from '../helpers/catalog.ts';
import { useDatabase } from '../helpers/db.ts';
import { asIdentity, SEED } from '../helpers/personas.ts';
import { inRollback } from '../helpers/rollback.ts';
import { classOf, COLUMN_CLASSES, columnsIn } from './columnClasses.ts';
import { freshCopy, insertColumns, uniqueKeys } from './forgery.ts';

const { sql } = useDatabase();
const tables = await publicTables(sql);
const keys = await uniqueKeys(sql);
const isWritable = (t: PublicTable) => t.writable.insert.length > 0 || t.writable.update.length > 0;
const writable = tables.filter(isWritable);

/** Alice's own rows of a table: her first identity's, or her user's. */
function ownRows(t: PublicTable): { column: string; value: string } {
  if (t.name === 'users') return { column: 'id', value: SEED.alice };
  if (t.name === 'identities') return { column: 'user_id', value: SEED.alice };
  return { column: 'identity_id', value: SEED.a1 };
}

describe('server-kept columns', () => {
  it('classifies every column of every table a client can write', () => {
    const unclassified = writable.flatMap((t) =>
      t.columns.filter((c) => classOf(t.name, c) === undefined).map((c) => `${t.name}.${c}`),
    );
    expect(unclassified).toEqual([]);
    const byName = new Map(tables.map((t) => [t.name, t]));
    const stale = Object.entries(COLUMN_CLASSES).flatMap(([table, spec]) => {
      const t = byName.get(table);
      if (!t || !isWritable(t)) return [`${table} (not a table a client can write)`];
      return Object.values(spec)
        .flat()
        .filter((c) => !t.columns.includes(c))
        .map((c) => `${table}.${c}`);
    });
    expect(stale).toEqual([]);
  });

  it('leaves no column of the tables only server functions write open to a client', async () => {
    // the ledger, the pipeline's runs, scope locks, the idempotency store, the audit trail, catalogs...
    const serverOnly = tables.filter((t) => !(t.name in COLUMN_CLASSES)).map((t) => t.name);
    expect(serverOnly.length).toBeGreaterThanOrEqual(20);
    const open = tables.filter((t) => serverOnly.includes(t.name) && isWritable(t)).map((t) => t.name);
    expect(open).toEqual([]);
  });

  it('lets a client write each column classified as its own', () => {
    const closed = writable.flatMap((t) =>
      columnsIn(t.name, 'client')
        .filter((c) => !t.writable.insert.includes(c) && !t.writable.update.includes(c))
        .map((c) => `${t.name}.${c}`),
    );
    expect(closed).toEqual([]);
  });

  const cases = writable.flatMap((t) =>
    columnsIn(t.name, 'server').map((c) => [`${t.name}.${c}`, t, c] as const),
  );
  it('has server-kept columns to defend', () => {
    expect(cases.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        'threads.tokens_consumed',
        'threads.tokens_reserved',
        'files.storage_path',
        'api_keys.key_hash',
        'notification_deliveries.next_attempt_at',
      ]),
    );
  });

  describe.each(cases)('%s', (_name, t, column) => {
    it("is refused to the owner's insert and update", async () => {
      expect(t.writable.insert).not.toContain(column);
      expect(t.writable.update).not.toContain(column);
      await inRollback(sql, async (s) => {
        const own = ownRows(t);
        const copy = await freshCopy(s, t, keys, own);
        const [before] =
          await s.tx`select count(*)::int as n, md5(string_agg(${s.tx(column)}::text, ',' order by id::text)) as h
                                    from ${s.tx(t.name)} where ${s.tx(own.column)} = ${own.value}`;
        await s.as(asIdentity('a1'));
        const upd = await s.attempt(
          (tx) =>
            tx`update ${tx(t.name)} set ${tx(column)} = ${tx(column)} where ${tx(own.column)} = ${own.value}`,
        );
        expect(upd.state).toBe('42501');
        const ins = await s.attempt((tx) =>
          insertColumns(tx, t, copy, [...new Set([...t.writable.insert, column])]),
        );
        expect(ins.state).toBe('42501');
        await s.asOwner();
        const [after] =
          await s.tx`select count(*)::int as n, md5(string_agg(${s.tx(column)}::text, ',' order by id::text)) as h
                                   from ${s.tx(t.name)} where ${s.tx(own.column)} = ${own.value}`;
        expect(after).toEqual(before);
      });
    });
  });
});
