import type { Sql } from 'postgres';
import { CATALOG_TABLES, SPECIAL_TABLES, USER_TABLES } from '../db/tableClasses.ts';

export interface PublicTable {
  name: string;
  rls: boolean;
  hasIdentityId: boolean;
  /** Verbs granted to `authenticated` (insert and update: on at least one column). */
  verbs: { select: boolean; insert: boolean; update: boolean; delete: boolean };
  /** Every column an INSERT may name (not generated, not identity). */
  columns: string[];
  /**
   * Columns of an insert attempt: those `authenticated` may insert when it may insert any (so an
   * allowed insert is not refused for naming a server-kept column), else every column.
   */
  insertable: string[];
  /** Columns `authenticated` may write, per verb (column privileges). */
  writable: { insert: string[]; update: string[] };
  /** Columns `authenticated` may read (a shared table's `user_id` is not one: issue 14). */
  readable: string[];
}

/** Reads every ordinary table of schema public with the facts the RLS suites need. */
export async function publicTables(sql: Sql): Promise<PublicTable[]> {
  const rows = await sql<
    {
      name: string;
      rls: boolean;
      has_identity_id: boolean;
      sel: boolean;
      ins: boolean;
      upd: boolean;
      del: boolean;
      columns: string[];
      ins_cols: string[];
      upd_cols: string[];
      sel_cols: string[];
    }[]
  >`
    select c.relname as name, c.relrowsecurity as rls,
      exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'identity_id' and not a.attisdropped) as has_identity_id,
      has_table_privilege('authenticated', c.oid, 'SELECT') as sel,
      has_any_column_privilege('authenticated', c.oid, 'INSERT') as ins,
      has_any_column_privilege('authenticated', c.oid, 'UPDATE') as upd,
      has_table_privilege('authenticated', c.oid, 'DELETE') as del,
      array(select a.attname::text from pg_attribute a
            where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
              and a.attgenerated = '' and a.attidentity = '' order by a.attnum) as columns,
      array(select a.attname::text from pg_attribute a
            where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = '' and a.attidentity = ''
              and has_column_privilege('authenticated', c.oid, a.attnum, 'INSERT') order by a.attnum) as ins_cols,
      array(select a.attname::text from pg_attribute a
            where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = '' and a.attidentity = ''
              and has_column_privilege('authenticated', c.oid, a.attnum, 'UPDATE') order by a.attnum) as upd_cols,
      array(select a.attname::text from pg_attribute a
            where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
              and has_column_privilege('authenticated', c.oid, a.attnum, 'SELECT') order by a.attnum) as sel_cols
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p')
    order by c.relname`;
  return rows.map((r) => ({
    name: r.name,
    rls: r.rls,
    hasIdentityId: r.has_identity_id,
    verbs: { select: r.sel, insert: r.ins, update: r.upd, delete: r.del },
    columns: r.columns,
    insertable: r.ins_cols.length > 0 ? r.ins_cols : r.columns,
    writable: { insert: r.ins_cols, update: r.upd_cols },
    readable: r.sel_cols,
  }));
}

export type TableClass = 'catalog' | 'user' | 'special' | 'identity' | 'unclassified';

export function classify(table: PublicTable): TableClass {
  if ((CATALOG_TABLES as readonly string[]).includes(table.name)) return 'catalog';
  if (table.name in USER_TABLES) return 'user';
  if ((SPECIAL_TABLES as readonly string[]).includes(table.name)) return 'special';
  return table.hasIdentityId ? 'identity' : 'unclassified';
}
