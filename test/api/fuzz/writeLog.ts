/**
 * A row-level write journal in the fuzz's own database: an AFTER INSERT/UPDATE/DELETE trigger on
 * every public table appends (table, operation, row id, identity_id, user_id) to `fuzz.writes`.
 * Only committed transactions leave entries, so after each request the fuzz reads exactly what
 * that request wrote: nothing for a refused request, and only the caller's own rows for any.
 * `idempotency_keys` is left out: a refused request claims and then frees its key by design.
 */
import type { Sql } from 'postgres';

export interface Written {
  seq: string;
  tbl: string;
  op: string;
  row_id: string | null;
  identity_id: string | null;
  user_id: string | null;
}

/** Installs the journal (test database only: it adds a trigger to every public table). */
export async function installWriteLog(sql: Sql): Promise<void> {
  await sql.unsafe(`
    create schema if not exists fuzz;
    create table if not exists fuzz.writes (
      seq bigint generated always as identity primary key,
      tbl text not null, op text not null, row_id uuid, identity_id uuid, user_id uuid);
    create or replace function fuzz.log_write() returns trigger
    language plpgsql security definer set search_path = '' as $$
    declare r jsonb := to_jsonb(case when tg_op = 'DELETE' then old else new end);
    begin
      insert into fuzz.writes (tbl, op, row_id, identity_id, user_id)
      values (tg_table_name, tg_op,
              case when (r ->> 'id') ~ '^[0-9a-f-]{36}$' then (r ->> 'id')::uuid end,
              case when (r ->> 'identity_id') ~ '^[0-9a-f-]{36}$' then (r ->> 'identity_id')::uuid end,
              case when (r ->> 'user_id') ~ '^[0-9a-f-]{36}$' then (r ->> 'user_id')::uuid end);
      return null;
    end $$;
    do $$
    declare t record;
    begin
      for t in select c.relname from pg_class c
               where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
                 and c.relname <> 'idempotency_keys' and not c.relispartition
      loop
        execute format('create trigger zz_fuzz_write_log after insert or update or delete on public.%I
                        for each row execute function fuzz.log_write()', t.relname);
      end loop;
    end $$;`);
}

/** The journal's entries after `after` (a seq), and the new high-water mark. */
export async function writesSince(sql: Sql, after: string): Promise<{ rows: Written[]; last: string }> {
  const rows = await sql<Written[]>`
    select w.seq::text as seq, tbl, op, row_id::text as row_id, identity_id::text as identity_id,
           user_id::text as user_id
    from fuzz.writes w where w.seq > ${after}::bigint order by w.seq`;
  return { rows: [...rows], last: rows.length ? rows[rows.length - 1]!.seq : after };
}
