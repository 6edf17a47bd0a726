import { describe, expect, inject, it } from 'vitest';
import { cliSecurityAdvisors, exposedDefinerFunctions, exposedSchemas } from '../helpers/advisors.ts';
import { useDatabase } from '../helpers/db.ts';

const { sql } = useDatabase(2);

/** Schemas the API exposes or policies call into. */
const APP_SCHEMAS = ['public', 'private'];

describe('database lint (Supabase linter rules)', () => {
  it('has no table in public without row level security', async () => {
    const rows = await sql`select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relrowsecurity`;
    expect(rows.map((r) => r.relname)).toEqual([]);
  });

  it('has no RLS table without policies', async () => {
    const rows = await sql`select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relrowsecurity
        and not exists (select 1 from pg_policy p where p.polrelid = c.oid)`;
    expect(rows.map((r) => r.relname)).toEqual([]);
  });

  it('has no function in app schemas with a mutable search_path', async () => {
    const rows =
      await sql`select n.nspname || '.' || p.proname as fn from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = any(${APP_SCHEMAS}) and p.prokind = 'f'
        and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) c where c like 'search_path=%')`;
    expect(rows.map((r) => r.fn)).toEqual([]);
  });

  it('has no security definer function outside private whose search_path is not empty', async () => {
    const rows =
      await sql`select n.nspname || '.' || p.proname as fn from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = any(${APP_SCHEMAS}) and p.prosecdef
        and not ('search_path=""' = any(coalesce(p.proconfig, '{}')))`;
    expect(rows.map((r) => r.fn)).toEqual([]);
  });

  it('stamps updated_at with the moddatetime trigger on every public table that has the column', async () => {
    const rows = await sql<{ relname: string }[]>`
      select c.relname from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attname = 'updated_at' and not a.attisdropped
      where n.nspname = 'public' and c.relkind = 'r'
        and not exists (select 1 from pg_trigger t where t.tgrelid = c.oid and not t.tgisinternal
                          and t.tgfoid = 'extensions.moddatetime()'::regprocedure and t.tgtype & 16 = 16)
      order by 1`;
    expect(rows.map((r) => r.relname)).toEqual([]);
  });

  it('has no view in public without security_invoker', async () => {
    const rows = await sql`select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('v', 'm')
        and not coalesce('security_invoker=true' = any(c.reloptions), false)`;
    expect(rows.map((r) => r.relname)).toEqual([]);
  });

  it('has no policy calling auth.uid(), auth.jwt() or the active identity unwrapped', async () => {
    const policies = await sql<{ name: string; expr: string }[]>`
      select polname as name, coalesce(pg_get_expr(polqual, polrelid), '') || ' ' || coalesce(pg_get_expr(polwithcheck, polrelid), '') as expr
      from pg_policy`;
    const unwrapped = policies.filter((p) => {
      const bare = p.expr.replace(
        /\(\s*SELECT\s+(auth\.(uid|jwt|role)|private\.(active_identity_id|has_elevations))\(\)[^)]*\)/gi,
        '',
      );
      return /auth\.(uid|jwt|role)\(\)|private\.(active_identity_id|has_elevations)\(\)/.test(bare);
    });
    expect(policies.length).toBeGreaterThan(100);
    expect(unwrapped.map((p) => p.name)).toEqual([]);
  });

  it('has every policy explicitly `to authenticated` and named as a sentence', async () => {
    const rows = await sql<{ name: string; roles: string[] }[]>`
      select polname as name, array(select rolname::text from pg_roles where oid = any(polroles)) as roles from pg_policy`;
    for (const r of rows) {
      expect(r.roles, r.name).toEqual(['authenticated']);
      expect(r.name, r.name).toMatch(/^[A-Z][a-z]+( [\w-]+)+$/);
    }
  });

  it('indexes every column a policy filters on and every foreign key', async () => {
    // columns a policy compares: identity_id / user_id / id of the table it guards
    const unindexed = await sql`
      with fk_cols as (
        select c.conrelid as rel, c.conname as name, c.conkey as cols
        from pg_constraint c join pg_class t on t.oid = c.conrelid join pg_namespace n on n.oid = t.relnamespace
        where c.contype = 'f' and n.nspname = 'public'
      ), policy_cols as (
        select distinct p.polrelid as rel, 'policy on ' || a.attname as name, array[a.attnum] as cols
        from pg_policy p join pg_attribute a on a.attrelid = p.polrelid
        where a.attname in ('identity_id', 'user_id', 'requester_identity_id', 'target_identity_id')
          and (pg_get_expr(p.polqual, p.polrelid) like '%' || a.attname || '%'
               or pg_get_expr(p.polwithcheck, p.polrelid) like '%' || a.attname || '%')
      )
      select x.rel::regclass::text as tbl, x.name
      from (select * from fk_cols union all select * from policy_cols) x
      where not exists (
        select 1 from pg_index i
        where i.indrelid = x.rel
          and (i.indkey::int2[])[0:array_length(x.cols, 1) - 1] operator(pg_catalog.@>) x.cols
      )`;
    expect(unindexed.map((r) => `${r.tbl}: ${r.name}`)).toEqual([]);
  });

  it("passes the Supabase CLI's own security advisors: no ERROR and no WARN", async () => {
    const findings = await cliSecurityAdvisors(inject('databaseUrl'));
    expect(findings.map((f) => `${f.level} ${f.name}: ${f.detail}`)).toEqual([]);
  });

  it('has no security-definer function that API roles can call through the exposed schemas (lints 0028, 0029)', async () => {
    expect(await exposedDefinerFunctions(sql, await exposedSchemas())).toEqual([]);
  });
});

describe('function privileges', () => {
  it('lets neither PUBLIC nor anon execute any function in public or private', async () => {
    const rows =
      await sql`select n.nspname || '.' || p.proname as fn from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = any(${APP_SCHEMAS})
        and (has_function_privilege('anon', p.oid, 'EXECUTE')
             or exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a where a.grantee = 0))`;
    expect(rows.map((r) => r.fn)).toEqual([]);
  });
});
