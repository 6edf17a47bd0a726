import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Sql } from 'postgres';
import { cliDatabaseUrl } from '../../server/db/generateTypes.ts';

export interface Finding {
  name: string;
  level: string;
  detail: string;
}

/**
 * Findings of the Supabase CLI's own database linter (`supabase db advisors`, splinter's lints as
 * the CLI ships them) of the security category, at level WARN and above.
 */
export async function cliSecurityAdvisors(databaseUrl: string): Promise<Finding[]> {
  const bin = path.resolve('node_modules', '.bin', 'supabase');
  const { stdout } = await promisify(execFile)(
    bin,
    [
      'db',
      'advisors',
      '--db-url',
      cliDatabaseUrl(databaseUrl),
      '--type',
      'security',
      '--level',
      'warn',
      '-o',
      'json',
    ],
    { env: { ...process.env, DO_NOT_TRACK: '1' } },
  );
  // the CLI prints notices before the JSON, and no JSON at all when nothing is found
  const start = stdout.search(/^\[/m);
  return start >= 0 ? (JSON.parse(stdout.slice(start)) as Finding[]) : [];
}

/**
 * The schemas a hosted project's PostgREST serves: `[api] schemas` of supabase/config.toml, else
 * Supabase's default (`public`, `graphql_public`).
 */
export async function exposedSchemas(): Promise<string[]> {
  const toml = await readFile(path.resolve('supabase', 'config.toml'), 'utf8');
  const api = /^\[api\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(toml)?.[1] ?? '';
  const list = /^\s*schemas\s*=\s*\[([^\]]*)\]/m.exec(api)?.[1];
  return list ? [...list.matchAll(/"([^"]+)"/g)].map((m) => m[1]!) : ['public', 'graphql_public'];
}

/**
 * Splinter's lints 0028 and 0029 (`anon_/authenticated_security_definer_function_executable`),
 * which the CLI does not ship yet: security-definer functions of an exposed schema that `anon` or
 * `authenticated` may execute, i.e. privileged operations anyone signed up can call through
 * `/rest/v1/rpc/<name>`. Written here from the lints' published rule, as `schema.name(args): roles`.
 */
export async function exposedDefinerFunctions(sql: Sql, schemas: string[]): Promise<string[]> {
  const rows = await sql<{ fn: string }[]>`
    select n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || '): '
           || concat_ws(' ', case when has_function_privilege('anon', p.oid, 'EXECUTE') then 'anon' end,
                             case when has_function_privilege('authenticated', p.oid, 'EXECUTE') then 'authenticated' end) as fn
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where p.prosecdef and n.nspname = any(${schemas})
      and (has_function_privilege('anon', p.oid, 'EXECUTE') or has_function_privilege('authenticated', p.oid, 'EXECUTE'))
    order by 1`;
  return rows.map((r) => r.fn);
}
