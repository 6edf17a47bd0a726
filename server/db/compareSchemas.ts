/**
 * Proves two migration chains build the same database. Each side is migrated into its own throwaway
 * database; `snapshotCatalog` reads what a migration can create (schemas, extensions, tables and their
 * columns, constraints, indexes, sequences, views, types, functions with their definition, owner and
 * grants, policies, triggers, default privileges, publications, comments, and the rows the
 * migrations insert) as `key → description` lines, and `diffSnapshots` lists what differs.
 * `npm run db:compare -- <git-ref>` compares the chain at a git ref with the working tree's
 * (supabase/CONTEXT.md, "Comparing two chains"); it was run once to prove the baseline squash.
 */
import type { Sql } from 'postgres';

/** `key → description` of every object a migration can create, in a stable order. */
export type CatalogSnapshot = Map<string, string>;

/** Schemas that belong to Postgres itself or to the migration runner's bookkeeping. */
const SKIPPED = ['pg_catalog', 'information_schema', 'pg_toast', 'supabase_migrations'];

type Row = { k: string; v: string | null };

/** Reads the catalog (and the rows the migrations left) of the database `sql` is connected to. */
export async function snapshotCatalog(sql: Sql): Promise<CatalogSnapshot> {
  return sql.begin(async (tx) => {
    // every name in a definition comes schema-qualified
    await tx`set local search_path = ''`;
    const rows: Row[] = [];
    const add = (list: Row[]) => rows.push(...list);
    const skipped = SKIPPED;
    add(
      await tx<Row[]>`
      select 'schema ' || n.nspname as k,
             concat_ws(' | ', 'owner ' || n.nspowner::regrole, 'acl ' || (select string_agg(x::text, ',' order by x::text) from unnest(n.nspacl) x),
                       'comment ' || obj_description(n.oid, 'pg_namespace')) as v
      from pg_namespace n where n.nspname <> all(${skipped}) and n.nspname not like 'pg_temp%'
        and n.nspname not like 'pg_toast_temp%'`,
    );
    add(
      await tx<Row[]>`
      select 'extension ' || e.extname as k, e.extnamespace::regnamespace || ' ' || e.extversion as v
      from pg_extension e`,
    );
    add(
      await tx<Row[]>`
      select 'relation ' || c.relnamespace::regnamespace || '.' || c.relname as k,
             concat_ws(' | ', 'kind ' || c.relkind::text, 'owner ' || c.relowner::regrole, 'rls ' || c.relrowsecurity,
                       'force ' || c.relforcerowsecurity, 'options ' || c.reloptions::text,
                       'persistence ' || c.relpersistence::text, 'acl ' || (select string_agg(x::text, ',' order by x::text) from unnest(c.relacl) x),
                       'comment ' || obj_description(c.oid, 'pg_class'),
                       'view ' || case when c.relkind in ('v', 'm') then pg_get_viewdef(c.oid, true) end) as v
      from pg_class c where c.relnamespace::regnamespace::text <> all(${skipped})
        and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f', 'c')`,
    );
    add(
      await tx<Row[]>`
      select 'column ' || c.relnamespace::regnamespace || '.' || c.relname || '.' || a.attname as k,
             concat_ws(' | ', 'position ' || row_number() over (partition by c.oid order by a.attnum),
                       'type ' || format_type(a.atttypid, a.atttypmod), 'not null ' || a.attnotnull,
                       'default ' || pg_get_expr(d.adbin, d.adrelid), 'generated ' || nullif(a.attgenerated::text, ''),
                       'identity ' || nullif(a.attidentity::text, ''), 'collation ' || nullif(a.attcollation, 0)::regcollation,
                       'acl ' || (select string_agg(x::text, ',' order by x::text) from unnest(a.attacl) x), 'comment ' || col_description(c.oid, a.attnum)) as v
      from pg_attribute a join pg_class c on c.oid = a.attrelid
      left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where c.relnamespace::regnamespace::text <> all(${skipped}) and c.relkind in ('r', 'p', 'v', 'm', 'f', 'c')
        and a.attnum > 0 and not a.attisdropped`,
    );
    add(
      await tx<Row[]>`
      select 'constraint ' || coalesce(nullif(c.conrelid, 0)::regclass::text, c.contypid::regtype::text) || ' ' || c.conname as k,
             concat_ws(' | ', c.contype, pg_get_constraintdef(c.oid), 'comment ' || obj_description(c.oid, 'pg_constraint')) as v
      from pg_constraint c where c.connamespace::regnamespace::text <> all(${skipped})`,
    );
    add(
      await tx<Row[]>`
      select 'index ' || c.relnamespace::regnamespace || '.' || c.relname as k,
             concat_ws(' | ', pg_get_indexdef(c.oid), 'comment ' || obj_description(c.oid, 'pg_class')) as v
      from pg_class c where c.relkind in ('i', 'I') and c.relnamespace::regnamespace::text <> all(${skipped})`,
    );
    add(
      await tx<Row[]>`
      select 'sequence ' || s.seqrelid::regclass as k,
             concat_ws(' ', s.seqtypid::regtype, s.seqstart, s.seqincrement, s.seqmax, s.seqmin, s.seqcache, s.seqcycle,
                       (select d.refobjid::regclass || '.' || a.attname from pg_depend d
                        join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
                        where d.objid = s.seqrelid and d.classid = 'pg_class'::regclass and d.deptype in ('a', 'i'))) as v
      from pg_sequence s join pg_class c on c.oid = s.seqrelid
      where c.relnamespace::regnamespace::text <> all(${skipped})`,
    );
    add(
      await tx<Row[]>`
      select 'function ' || p.oid::regprocedure as k,
             concat_ws(' | ', 'owner ' || p.proowner::regrole, 'acl ' || coalesce((select string_agg(x::text, ',' order by x::text) from unnest(p.proacl) x), 'default'),
                       'comment ' || obj_description(p.oid, 'pg_proc'),
                       'extension ' || (select e.extname from pg_depend d join pg_extension e on e.oid = d.refobjid
                                        where d.objid = p.oid and d.classid = 'pg_proc'::regclass and d.deptype = 'e'),
                       case when p.prokind in ('f', 'p', 'w') then pg_get_functiondef(p.oid) else 'aggregate' end) as v
      from pg_proc p where p.pronamespace::regnamespace::text <> all(${skipped})`,
    );
    add(
      await tx<Row[]>`
      select 'type ' || t.typnamespace::regnamespace || '.' || t.typname as k,
             concat_ws(' | ', t.typtype, 'owner ' || t.typowner::regrole, 'acl ' || (select string_agg(x::text, ',' order by x::text) from unnest(t.typacl) x),
                       'base ' || nullif(t.typbasetype, 0)::regtype, 'not null ' || t.typnotnull,
                       'default ' || t.typdefault,
                       'labels ' || (select string_agg(e.enumlabel, ',' order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid),
                       'comment ' || obj_description(t.oid, 'pg_type')) as v
      from pg_type t where t.typnamespace::regnamespace::text <> all(${skipped})
        and t.typtype in ('c', 'd', 'e', 'r', 'm')
        and (t.typrelid = 0 or (select c.relkind from pg_class c where c.oid = t.typrelid) = 'c')`,
    );
    add(
      await tx<Row[]>`
      select 'policy ' || p.polrelid::regclass || ' ' || p.polname as k,
             concat_ws(' | ', p.polcmd, 'permissive ' || p.polpermissive,
                       'roles ' || (select string_agg(case when r = 0 then 'public' else r::regrole::text end, ',' order by 1)
                                    from unnest(p.polroles) r),
                       'using ' || pg_get_expr(p.polqual, p.polrelid), 'check ' || pg_get_expr(p.polwithcheck, p.polrelid)) as v
      from pg_policy p`,
    );
    add(
      await tx<Row[]>`
      select 'trigger ' || t.tgrelid::regclass || ' ' || t.tgname as k,
             concat_ws(' | ', pg_get_triggerdef(t.oid), 'enabled ' || t.tgenabled::text,
                       'comment ' || obj_description(t.oid, 'pg_trigger')) as v
      from pg_trigger t where not t.tgisinternal`,
    );
    add(
      await tx<Row[]>`
      select 'event trigger ' || e.evtname as k, concat_ws(' | ', e.evtevent, e.evtfoid::regproc, e.evtenabled, e.evttags::text) as v
      from pg_event_trigger e`,
    );
    add(
      await tx<Row[]>`
      select 'default acl ' || d.defaclrole::regrole || ' ' || coalesce(d.defaclnamespace::regnamespace::text, '*') || ' ' || d.defaclobjtype::text as k,
             (select string_agg(x::text, ',' order by x::text) from unnest(d.defaclacl) x) as v
      from pg_default_acl d`,
    );
    add(
      await tx<Row[]>`
      select 'publication ' || p.pubname as k,
             concat_ws(' | ', p.puballtables, p.pubinsert, p.pubupdate, p.pubdelete, p.pubtruncate,
                       (select string_agg(r.prrelid::regclass::text, ',' order by 1) from pg_publication_rel r where r.prpubid = p.oid)) as v
      from pg_publication p`,
    );
    add(
      await tx<Row[]>`
      select 'role grant ' || r.roleid::regrole || ' to ' || r.member::regrole as k, r.admin_option::text as v
      from pg_auth_members r where r.member::regrole::text not like 'pg\_%' and r.roleid::regrole::text not like 'pg\_%'`,
    );
    // the rows the migrations left (catalogs, configuration): compared by content
    const tables = await tx<{ name: string }[]>`
      select c.oid::regclass::text as name from pg_class c
      where c.relkind in ('r', 'p') and c.relnamespace::regnamespace::text <> all(${skipped})
      order by 1`;
    for (const { name } of tables) {
      // rows as the migrations wrote them, less the moment they did (timestamps default to now())
      const [cols] = await tx<{ list: string | null }[]>`
        select string_agg(quote_ident(a.attname), ', ' order by a.attnum) as list
        from pg_attribute a where a.attrelid = ${name}::regclass and a.attnum > 0 and not a.attisdropped
          and a.atttypid not in ('timestamptz'::regtype, 'timestamp'::regtype)`;
      const [r] = await tx.unsafe<{ n: number; digest: string | null }[]>(
        `select count(*)::int as n, md5(string_agg(r::text, E'\\n' order by r::text)) as digest
         from (select ${cols!.list ?? "''"} from ${name}) r`,
      );
      rows.push({ k: `rows ${name}`, v: `${r!.n} rows ${r!.digest ?? ''}` });
    }
    const entries = rows.map((r): [string, string] => [r.k, r.v ?? '']);
    return new Map(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

export interface SnapshotDiff {
  /** Only in the first snapshot. */
  removed: string[];
  /** Only in the second. */
  added: string[];
  /** In both, described differently: key, first, second. */
  changed: { key: string; before: string; after: string }[];
}

/** What differs between two snapshots. */
export function diffSnapshots(before: CatalogSnapshot, after: CatalogSnapshot): SnapshotDiff {
  const diff: SnapshotDiff = { removed: [], added: [], changed: [] };
  for (const [key, value] of before) {
    if (!after.has(key)) diff.removed.push(key);
    else if (after.get(key) !== value) diff.changed.push({ key, before: value, after: after.get(key)! });
  }
  for (const key of after.keys()) if (!before.has(key)) diff.added.push(key);
  return diff;
}

/** True when two snapshots describe the same database. */
export function isSameCatalog(diff: SnapshotDiff): boolean {
  return diff.removed.length + diff.added.length + diff.changed.length === 0;
}

/** The diff as lines for a terminal. */
export function formatDiff(diff: SnapshotDiff): string[] {
  return [
    ...diff.removed.map((k) => `- ${k}`),
    ...diff.added.map((k) => `+ ${k}`),
    ...diff.changed.flatMap((c) => [`~ ${c.key}`, `    before: ${c.before}`, `    after:  ${c.after}`]),
  ];
}
