/**
 * Door: functions PostgREST serves (issue 13, finding 8). On a hosted project every function of
 * an exposed schema is an RPC any signed-up user can call; a security-definer one runs with its
 * owner's rights past RLS. Supabase's linter (the CLI's advisors, plus lints 0028/0029 that the CLI
 * does not ship yet) must find nothing of the security category at WARN or above; the RPCs the API
 * calls as the user live in schema private, where PostgREST cannot reach them and our server can.
 */
import { describe, expect, inject, it } from 'vitest';
import { cliSecurityAdvisors, exposedDefinerFunctions, exposedSchemas } from '../helpers/advisors.ts';
import { useDatabase } from '../helpers/db.ts';

const { sql } = useDatabase(2);

/** The security-definer RPCs the API calls in the user's transaction (edge functions, server/). */
const API_RPCS = [
  'allocate_tokens',
  'chenu_import_thread',
  'create_api_key',
  'create_file',
  'decide_elevation',
  'lock_scope',
  'release_scope_lock',
  'request_elevation',
  'revoke_elevation',
  'switch_identity',
  'verify_my_audit_chain',
];

describe('functions the exposed API serves', () => {
  it('are the exposed schemas of a hosted project', async () => {
    expect(await exposedSchemas()).toEqual(['public', 'graphql_public']);
  });

  it('include no security-definer function anon or authenticated may execute (lints 0028, 0029)', async () => {
    expect(await exposedDefinerFunctions(sql, await exposedSchemas())).toEqual([]);
  });

  it('include only security-invoker functions a signed-in user may call, ruled by RLS', async () => {
    const rows = await sql<{ name: string; definer: boolean }[]>`
      select p.proname as name, p.prosecdef as definer from pg_proc p
      where p.pronamespace = 'public'::regnamespace and has_function_privilege('authenticated', p.oid, 'EXECUTE')
      order by 1`;
    expect(rows.filter((r) => r.definer)).toEqual([]);
    expect(rows.map((r) => r.name)).toEqual([
      'correct_memory_item',
      'forget_memory_item',
      'nova_record_guidance',
      'nova_refresh',
    ]);
  });

  it("keep the API's security-definer RPCs in private, callable by the user's transaction only", async () => {
    const rows = await sql<
      { schema: string; name: string; definer: boolean; authenticated: boolean; anon: boolean }[]
    >`
      select n.nspname as schema, p.proname as name, p.prosecdef as definer,
             has_function_privilege('authenticated', p.oid, 'EXECUTE') as authenticated,
             has_function_privilege('anon', p.oid, 'EXECUTE') as anon
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where p.proname = any(${API_RPCS}) and n.nspname in ('public', 'private')
      order by p.proname`;
    expect(rows).toEqual(
      API_RPCS.map((name) => ({ schema: 'private', name, definer: true, authenticated: true, anon: false })),
    );
  });

  it("pass the Supabase CLI's security advisors with no ERROR and no WARN", async () => {
    const findings = await cliSecurityAdvisors(inject('databaseUrl'));
    expect(findings.map((f) => `${f.level} ${f.name}: ${f.detail}`)).toEqual([]);
  });
});
