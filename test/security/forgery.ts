import type { JSONValue, Sql, TransactionSql } from 'postgres';
import type { PublicTable } from '../helpers/catalog.ts';
import type { Scenario } from '../helpers/rollback.ts';

/** Unique keys of each public table (column lists), for copies that must not collide. */
export async function uniqueKeys(sql: Sql): Promise<Map<string, { columns: string[]; types: string[] }[]>> {
  const rows = await sql<{ table: string; columns: string[]; types: string[] }[]>`
    select c.relname as table,
      array(select a.attname::text from unnest(i.indkey) with ordinality k(attnum, n)
            join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum order by k.n) as columns,
      array(select format_type(a.atttypid, null) from unnest(i.indkey) with ordinality k(attnum, n)
            join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum order by k.n) as types
    from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and i.indisunique and c.relkind = 'r'`;
  const keys = new Map<string, { columns: string[]; types: string[] }[]>();
  for (const r of rows) keys.set(r.table, [...(keys.get(r.table) ?? []), r]);
  return keys;
}

/**
 * A copy of one of `identity`'s rows of `t` (read as the table owner) with a fresh id and every
 * unique key made fresh where it has a text or integer column, so that inserting it is refused
 * only for what a test is about.
 */
export async function freshCopy(
  s: Scenario,
  t: PublicTable,
  keys: Map<string, { columns: string[]; types: string[] }[]>,
  where: { column: string; value: string },
): Promise<Record<string, unknown>> {
  await s.asOwner();
  const [row] = await s.tx`select to_jsonb(x) as j from ${s.tx(t.name)} x
                           where ${s.tx(where.column)} = ${where.value} limit 1`;
  if (!row) throw new Error(`no row of ${t.name} where ${where.column} = ${where.value}`);
  const copy: Record<string, unknown> = { ...(row.j as Record<string, unknown>), id: crypto.randomUUID() };
  const tag = crypto.randomUUID().slice(0, 8);
  for (const key of keys.get(t.name) ?? []) {
    if (key.columns.length === 1 && key.columns[0] === 'id') continue;
    key.columns.forEach((c, i) => {
      const type = key.types[i]!;
      if (type === 'text' && typeof copy[c] === 'string')
        copy[c] = `${(copy[c] as string).slice(0, 40)}-${tag}`;
      else if (/^(integer|bigint|smallint)$/.test(type) && typeof copy[c] === 'number')
        copy[c] = (copy[c] as number) + 1_000_000;
    });
  }
  return copy;
}

/** Inserts `columns` of `copy` into `t`, returning the stored row as JSON (the columns the inserter may read). */
export function insertColumns(
  tx: TransactionSql,
  t: PublicTable,
  copy: Record<string, unknown>,
  columns: readonly string[],
) {
  const cols = tx(columns as string[]);
  const readable = tx(t.readable.length > 0 ? t.readable : t.columns);
  return tx<{ j: Record<string, unknown> }[]>`
    with w as (
      insert into ${tx(t.name)} as t (${cols})
      select ${cols} from jsonb_populate_record(null::${tx(t.name)}, ${tx.json(copy as JSONValue)})
      returning ${readable}
    )
    select to_jsonb(w) as j from w`;
}
