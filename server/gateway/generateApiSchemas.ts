/**
 * Generates `shared/api/tables.generated.ts`: one zod row schema and one insert schema per public
 * table, read from the live catalog (column types, nullability, defaults, and the `in (...)` /
 * length / numeric-range checks), and each table's foreign keys. The API's hand-written schemas in
 * shared/api/ derive from these, so a column added by a migration reaches the API and its OpenAPI
 * document by regenerating. Insert schemas also bound what a request may send where the database
 * has no bound of its own: text and timestamps get a length cap, arrays an item cap, and columns
 * named `email`/`*_email` and `time_zone` the formats of shared/api/formats.ts.
 */
import type { Sql } from 'postgres';

interface Column {
  table: string;
  name: string;
  type: string;
  notNull: boolean;
  hasDefault: boolean;
  generated: boolean;
  /**
   * False for a column `authenticated` may not read on a table whose other columns it reads (e.g.
   * `user_id` of a shared table, a link's token hash): rows never carry it.
   */
  readable: boolean;
}

/** Columns the server or the database fills; never accepted from a request body. */
const SERVER_COLUMNS = new Set(['id', 'identity_id', 'user_id', 'created_at', 'updated_at']);

const pascal = (s: string) => s.replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase());
const camel = (s: string) => s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

function baseType(type: string): string {
  if (type.endsWith('[]')) {
    const inner = baseType(type.slice(0, -2));
    return `z.array(${inner})`;
  }
  if (type === 'uuid') return 'z.uuid()';
  if (type === 'boolean') return 'z.boolean()';
  if (type === 'jsonb' || type === 'json') return 'z.unknown()';
  if (type === 'timestamp with time zone') return 'z.string()';
  if (type === 'date') return 'z.iso.date()';
  if (/^(integer|smallint|bigint)$/.test(type)) return 'z.number().int()';
  if (/^(numeric|real|double precision)/.test(type)) return 'z.number()';
  return 'z.string()';
}

/** Longest text a request may send in a text column the database does not bound itself. */
const TEXT_CAP = 10_000;
/** Longest timestamp, date-like or other scalar text a request may send. */
const SCALAR_CAP = 64;
/** Most items of an array column a request may send. */
const ARRAY_CAP = 500;

/** The bounds a request value of `column` gets where the database's checks give none. */
function bound(column: Column, t: string): string {
  if (/(^|_)email$/.test(column.name)) return 'Email';
  if (column.name === 'time_zone') return 'TimeZone';
  if (t.startsWith('z.array(')) {
    const inner = t.slice('z.array('.length, -1);
    return `z.array(${inner === 'z.string()' ? `z.string().max(${TEXT_CAP})` : inner}).max(${ARRAY_CAP})`;
  }
  if (t === 'z.string()') return `z.string().max(${column.type === 'text' ? TEXT_CAP : SCALAR_CAP})`;
  return t;
}

/** Refinements read from the table's CHECK constraints on this one column. */
function refine(column: Column, checks: string[]): string {
  const n = column.name;
  // a check with OR binds only some rows (e.g. "forgotten or non-empty"): not a field rule
  const mine = checks.filter((c) => new RegExp(`\\b${n}\\b`).test(c) && !/ OR /.test(c));
  for (const c of mine) {
    const anyMatch = c.match(new RegExp(`^CHECK \\(\\(${n} = ANY \\(ARRAY\\[(.+)\\]\\)\\)\\)$`));
    if (anyMatch) {
      const values = [...anyMatch[1]!.matchAll(/'([^']*)'::text/g)].map((m) => m[1]!);
      return `z.enum(${JSON.stringify(values)})`;
    }
  }
  let t = baseType(column.type);
  if (t === 'z.string()') {
    for (const c of mine) {
      const min = c.match(new RegExp(`length\\(${n}\\) >= (\\d+)`));
      const max = c.match(new RegExp(`length\\(${n}\\) <= (\\d+)`));
      if (min) t += `.min(${min[1]})`;
      if (max) t += `.max(${max[1]})`;
      if (min || max) break;
    }
  }
  if (t.startsWith('z.number()')) {
    for (const c of mine) {
      const min = c.match(new RegExp(`^CHECK \\(\\(${n} >= (\\d+)\\)\\)$`));
      const pos = c.match(new RegExp(`^CHECK \\(\\(${n} > 0\\)\\)$`));
      if (min) t += `.min(${min[1]})`;
      else if (pos) t += '.positive()';
      if (min || pos) break;
    }
  }
  return t;
}

/** Reads the catalog and returns the TypeScript source of the generated module. */
export async function generateApiSchemas(sql: Sql): Promise<string> {
  const columns = await sql<Column[]>`
    select c.relname as table, a.attname as name, format_type(a.atttypid, null) as type,
           a.attnotnull as "notNull", a.atthasdef as "hasDefault", a.attgenerated <> '' as generated,
           (has_column_privilege('authenticated', c.oid, a.attnum, 'SELECT')
            or not has_any_column_privilege('authenticated', c.oid, 'SELECT')) as readable
    from pg_attribute a
    join pg_class c on c.oid = a.attrelid
    join pg_namespace s on s.oid = c.relnamespace
    where s.nspname = 'public' and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped
    order by c.relname, a.attnum`;
  const checkRows = await sql<{ table: string; def: string }[]>`
    select c.relname as table, pg_get_constraintdef(k.oid) as def
    from pg_constraint k join pg_class c on c.oid = k.conrelid
    where k.contype = 'c' and k.connamespace = 'public'::regnamespace
    order by c.relname, k.conname`;
  const checks = new Map<string, string[]>();
  for (const r of checkRows) checks.set(r.table, [...(checks.get(r.table) ?? []), r.def]);
  const tables = [...new Set(columns.map((c) => c.table))];
  // foreign keys: the referencing column (the identity half of a composite key left out) → table
  const fks = await sql<{ table: string; columns: string[]; target: string }[]>`
    select c.relname as table, t.relnamespace::regnamespace::text || '.' || t.relname as target,
           array(select a.attname::text from unnest(k.conkey) u(n)
                 join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.n) as columns
    from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_class t on t.oid = k.confrelid
    where k.contype = 'f' and k.connamespace = 'public'::regnamespace
    order by c.relname, k.conname`;

  const out: string[] = [
    '/**',
    ' * GENERATED by `npm run db:api-schemas` from the live schema: do not edit by hand.',
    ' * Row and insert schemas of every public table, as the API sees them (JSON: timestamps are',
    ' * ISO strings, numerics are numbers). The API schemas in this folder derive from these.',
    ' */',
    "import { z } from 'zod';",
    "import { Email, TimeZone } from './formats.ts';",
    '',
  ];
  for (const table of tables) {
    const cols = columns.filter((c) => c.table === table && c.type !== 'bytea');
    const tableChecks = checks.get(table) ?? [];
    const row = cols
      .filter((c) => c.readable)
      .map((c) => {
        const t = refine(c, tableChecks);
        return `  ${c.name}: ${c.notNull ? t : `${t}.nullable()`},`;
      });
    const insert = cols
      .filter((c) => !c.generated && !SERVER_COLUMNS.has(c.name))
      .map((c) => {
        let t = bound(c, refine(c, tableChecks));
        if (!c.notNull) t += '.nullable()';
        if (!c.notNull || c.hasDefault) t += '.optional()';
        return `  ${c.name}: ${t},`;
      });
    out.push(`/** A row of public.${table}. */`);
    out.push(`export const ${camel(table)}Row = z.object({`, ...row, '});');
    out.push(`/** The writable columns of public.${table} (optional where the database has a default). */`);
    out.push(`export const ${camel(table)}Insert = z.object({`, ...insert, '});');
    out.push(`export type ${pascal(table)}Row = z.infer<typeof ${camel(table)}Row>;`, '');
  }
  const refs: string[] = [];
  for (const table of tables) {
    const cols = fks
      .filter((f) => f.table === table)
      .map((f) => ({
        column: f.columns.filter((c) => c !== 'identity_id')[0] ?? 'identity_id',
        target: f.target,
      }))
      .filter((f, i, all) => all.findIndex((g) => g.column === f.column) === i);
    if (cols.length) {
      refs.push(`  'public.${table}': { ${cols.map((f) => `${f.column}: '${f.target}'`).join(', ')} },`);
    }
  }
  out.push(
    '/** Foreign keys of each public table: column → referenced table (composite keys by their non-identity column). */',
    'export const references: Readonly<Record<string, Readonly<Record<string, string>>>> = {',
    ...refs,
    '};',
    '',
  );
  return out.join('\n');
}

/** Where the generated schemas live (repo shared/: browser, Node and Deno). */
export const API_SCHEMAS_FILE = 'shared/api/tables.generated.ts';
