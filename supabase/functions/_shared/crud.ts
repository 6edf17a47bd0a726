/**
 * List / get / create / update / delete of one table, declared once. Every statement runs as the
 * caller (`withUser`; the one-statement reads through `userStatement`, in one round trip), so RLS
 * decides what exists: another identity's row is simply not found (404). Bodies go to Postgres as
 * one JSON value through `jsonb_populate_record`, so column types (uuid[], jsonb, intervals, dates)
 * are converted by Postgres itself; rows come back as JSON built by Postgres (`row_to_json` for
 * reads, `to_jsonb` for writes), which the response schemas then pick.
 *
 * What a row refers to (its parent in the path, the foreign keys in the body) must be visible to
 * the caller before anything is written: a reference to another identity's row is the same 404 as a
 * reference to nothing, never a constraint error that would tell the two apart. A list under a
 * parent the caller cannot see is a 404 like the parent's own route.
 */
import { z } from 'zod';
import { IdParam, PageQuery, pageOf } from '../../../shared/api/common.ts';
import { decodeKeysetCursor, encodeKeysetCursor } from '../../../shared/api/cursor.ts';
import { references } from '../../../shared/api/tables.generated.ts';
import type { ISql } from 'postgres';
import type { Tx } from './dataAccess.ts';
import type { Caller } from './auth.ts';
import type { Access, EdgeFunction } from './edgeFunction.ts';
import { ApiError, fromPostgres } from './errors.ts';

export type Verb = 'list' | 'get' | 'create' | 'update' | 'delete';

export interface CrudSpec {
  /** Collection path under the function ('' or `/{thread_id}/messages`). */
  path: string;
  /** Table, schema-qualified. */
  table: string;
  /** Singular noun for summaries ("thread"). */
  noun: string;
  tag: string;
  row: z.ZodObject;
  create?: z.ZodObject;
  update?: z.ZodObject;
  verbs: Verb[];
  /** The collection lives under a parent: path parameter → column. */
  parent?: { param: string; column: string };
  /** Optional equality filters of the list, query parameter = column. */
  filters?: Record<string, z.ZodType>;
  /** Columns the server sets on create (from the caller), never the body. */
  serverValues?: (caller: Caller) => Record<string, unknown>;
  /**
   * How rows are owned. Lists of identity-owned tables show one identity at a time: the active one,
   * or `?identity_id=` of another whose rows an approved elevation opens (RLS decides either way);
   * naming the identity lets Postgres use the identity index instead of filtering every row. A list
   * narrowed to one container (a parent in the path, or a CONTAINER_FILTERS filter) shows that
   * container's rows whoever owns them: a shared dataspace's content belongs to its owner.
   */
  owner?: 'identity' | 'user' | 'catalog';
  /** Who may call the routes (default: any caller, JWT or API key). */
  access?: Access;
  /** Extra condition of every read (e.g. memory law 9: expired items are not served). */
  visible?: (sql: Sql) => Fragment;
  /**
   * The columns read and returned (default: every column). A table some of whose columns
   * `authenticated` may not read (a shared table's `user_id`) names the others: its row schema's keys.
   */
  columns?: readonly string[];
}

/**
 * Filters naming one container: a list narrowed to one (or to a parent in the path) shows that
 * container's rows whoever owns them (RLS decides: a member sees the owner's), instead of one
 * identity's rows.
 */
const CONTAINER_FILTERS = ['dataspace_id', 'thread_id', 'meeting_id', 'workspace_id', 'room_id'];

/** The tagged-template part shared by the pool, a transaction and a reserved connection. */
type Sql = ISql;
type Fragment = ReturnType<Sql>;

/** The plural of a summary's noun: "identity" → "identities", "entry" → "entries", "sphere" → "spheres". */
export function pluralOf(noun: string): string {
  if (/[^aeiou]y$/i.test(noun)) return `${noun.slice(0, -1)}ies`;
  if (/(s|sh|ch|x|z)$/i.test(noun)) return `${noun}es`;
  return `${noun}s`;
}

/**
 * A summary's noun with its article: "an identity", "an API key", "a unit". By the first letter's
 * sound; a leading "u" is read "you" in this API's nouns ("a unit"), so only a, e, i, o take "an".
 */
export function withArticle(noun: string): string {
  return `${/^[aeio]/i.test(noun) ? 'an' : 'a'} ${noun}`;
}

function and(sql: Sql, parts: Fragment[]): Fragment {
  return parts.reduce((a, b) => sql`${a} and ${b}`, sql`true`);
}

/** The `[created_at, id]` of a cursor PageQuery already validated (KeysetCursor). */
export function decodeCursor(cursor: string): [string, string] {
  const decoded = decodeKeysetCursor(cursor);
  if (!decoded)
    throw new ApiError('invalid_cursor', 'not a cursor this API returned: start from the first page');
  return decoded;
}

/** The cursor of the page after the row created at `created` with id `id`. */
export const encodeCursor = encodeKeysetCursor;

/** Tables a reference is not checked against: who the row is attributed to is not a parent. */
const UNCHECKED_TARGETS = new Set(['public.identities', 'public.users']);

/**
 * Refuses, with the same 404 as for an id that exists nowhere, any reference of `values` (a row of
 * `table` about to be written) to a row the caller cannot see. Runs in the write's transaction,
 * before the write.
 */
export async function assertReferencesVisible(
  tx: Tx,
  table: string,
  values: Record<string, unknown>,
  paths: Record<string, string> = {},
): Promise<void> {
  const refs = references[table] ?? {};
  for (const [column, value] of Object.entries(values)) {
    const target = refs[column];
    if (!target || UNCHECKED_TARGETS.has(target) || typeof value !== 'string') continue;
    await assertVisible(tx, target, value, paths[column] ?? `body.${column}`);
  }
}

/** A 404 unless the row `id` of `table` is visible to the caller (RLS decides). */
export async function assertVisible(sql: Sql | Tx, table: string, id: string, path: string): Promise<void> {
  const [row] = await sql`select 1 as found from ${sql(table)} where id = ${id}::uuid`;
  if (!row) {
    const noun = table
      .replace(/^public\./, '')
      .replace(/_/g, ' ')
      .replace(/s$/, '');
    throw new ApiError('not_found', `${noun} not found`, [{ path, message: 'not found', code: 'not_found' }]);
  }
}

/** Runs a statement, mapping Postgres refusals to API errors. */
export async function mapped<T>(op: 'read' | 'write' | 'delete', run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw fromPostgres(error, op) ?? error;
  }
}

type Page = { data: Record<string, unknown>[]; next_cursor: string | null };

/**
 * The statement of a keyset page of `table` under `conditions`, newest first (one row more than
 * the page, to know whether another follows). Rows are chosen and sorted first, then only the page
 * is turned into JSON; `row_to_json` builds it as text (no jsonb value to build and print), and
 * the keys are the columns of the row, which the response schema then picks.
 */
export function listStatement(
  sql: Sql,
  table: string,
  conditions: Fragment[],
  query: { cursor?: string; limit: number },
  columns?: readonly string[],
) {
  const parts = [...conditions];
  if (query.cursor) {
    const [created, id] = decodeCursor(query.cursor);
    // sent as text: a parameter typed timestamptz goes through a JS Date in postgres.js, which keeps
    // milliseconds only, and rows sharing the cursor's millisecond would be skipped
    parts.push(sql`(t.created_at, t.id) < (${created}::text::timestamptz, ${id}::uuid)`);
  }
  return sql<{ r: Record<string, unknown> }[]>`
    select row_to_json(p) as r from (
      select ${selected(sql, columns)} from ${sql(table)} t
      where ${and(sql, parts)}
      order by t.created_at desc, t.id desc
      limit ${query.limit + 1}
    ) p
    order by p.created_at desc, p.id desc`;
}

/** `t.*`, or the given columns of `t`. */
function selected(sql: Sql, columns: readonly string[] | undefined): Fragment {
  if (!columns) return sql`t.*`;
  return columns.map((c): Fragment => sql`t.${sql(c)}`).reduce((a, b): Fragment => sql`${a}, ${b}`);
}

/** The page of the rows of listStatement and the cursor of the next one. */
export function pageFrom(rows: readonly { r: Record<string, unknown> }[], limit: number): Page {
  const data = rows.slice(0, limit).map((x) => x.r);
  const last = data[data.length - 1];
  const next = rows.length > limit && last ? encodeCursor(String(last.created_at), String(last.id)) : null;
  return { data, next_cursor: next };
}

/** Keyset page of the rows of `table` under `conditions`, newest first, inside a transaction. */
export async function listPage(
  tx: Tx,
  table: string,
  conditions: Fragment[],
  query: { cursor?: string; limit: number },
): Promise<Page> {
  return pageFrom(await listStatement(tx, table, conditions, query), query.limit);
}

/** Inserts one row from a JSON object (only its keys are written) and returns it (`columns` of it). */
export async function insertRow(
  tx: Tx,
  table: string,
  values: Record<string, unknown>,
  columns?: readonly string[],
) {
  const cols = Object.keys(values);
  const [row] = await tx<{ r: Record<string, unknown> }[]>`
    with w as (
      insert into ${tx(table)} as t (${tx(cols)})
      select ${tx(cols)} from jsonb_populate_record(null::${tx(table)}, ${tx.json(values as never)})
      returning ${selected(tx, columns)}
    )
    select to_jsonb(w) as r from w`;
  return row!.r;
}

/** Updates the given columns of the rows matching `conditions`; undefined when none is visible. */
export async function updateRow(
  tx: Tx,
  table: string,
  values: Record<string, unknown>,
  conditions: Fragment[],
  columns?: readonly string[],
): Promise<Record<string, unknown> | undefined> {
  const cols = Object.keys(values);
  if (cols.length === 0) throw new ApiError('validation_failed', 'nothing to update', []);
  const [row] = await tx<{ r: Record<string, unknown> }[]>`
    with w as (
      update ${tx(table)} as t
      set (${tx(cols)}) = (select ${tx(cols)} from jsonb_populate_record(null::${tx(table)}, ${tx.json(values as never)}))
      where ${and(tx, conditions)}
      returning ${selected(tx, columns)}
    )
    select to_jsonb(w) as r from w`;
  return row?.r;
}

/**
 * The transaction's time (`now()`). Timestamps the database compares with its own (an end after a
 * start it stamped, an expiry) come from its clock, never the function host's, which may differ.
 */
export async function transactionNow(tx: Tx): Promise<string> {
  const [row] = await tx<{ now: string }[]>`select now()::text as now`;
  return row!.now;
}

/** Registers the verbs of `spec` on `fn`. */
export function crud(fn: EdgeFunction, spec: CrudSpec): EdgeFunction {
  const parentParams = spec.parent ? z.object({ [spec.parent.param]: z.uuid() }) : z.object({});
  const itemParams = parentParams.extend(IdParam.shape);
  const byIdentity = (spec.owner ?? 'identity') === 'identity';
  const filters = z.object({
    ...Object.fromEntries(Object.entries(spec.filters ?? {}).map(([k, v]) => [k, v.optional()])),
    ...(byIdentity
      ? {
          identity_id: z.uuid().optional().meta({
            description: 'another identity whose rows an approved elevation opens (default: the active one)',
          }),
        }
      : {}),
  });
  const itemPath = `${spec.path}/{id}`;
  const scope = (sql: Sql, params: Record<string, string>): Fragment[] => {
    const parts: Fragment[] = [];
    if (spec.parent) parts.push(sql`t.${sql(spec.parent.column)} = ${params[spec.parent.param]!}`);
    if (spec.visible) parts.push(spec.visible(sql));
    return parts;
  };
  const notFound = () => new ApiError('not_found', `${spec.noun} not found`);

  const parentTable = spec.parent ? references[spec.table]?.[spec.parent.column] : undefined;
  if (spec.parent && !parentTable)
    throw new Error(`crud ${spec.table}: ${spec.parent.column} is no foreign key`);
  const parentPath = spec.parent ? { [spec.parent.column]: `params.${spec.parent.param}` } : {};

  if (spec.verbs.includes('list')) {
    fn.route(
      {
        method: 'get',
        path: spec.path,
        summary: `List ${pluralOf(spec.noun)}`,
        tag: spec.tag,
        params: spec.parent ? parentParams : undefined,
        query: PageQuery.extend(filters.shape),
        response: { status: 200, schema: pageOf(spec.row) },
        access: spec.access,
      },
      async ({ params, query, caller, db }) => {
        const p = (params ?? {}) as Record<string, string>;
        const q = query as { cursor?: string; limit: number } & Record<string, unknown>;
        // one statement: one round trip (userStatement), RLS deciding as in withUser
        const rows = await mapped('read', () =>
          db.userStatement(caller.claims, (sql) => {
            const parts = scope(sql, p);
            for (const column of Object.keys(spec.filters ?? {})) {
              if (q[column] !== undefined) parts.push(sql`t.${sql(column)} = ${q[column] as string}`);
            }
            const identity = q.identity_id as string | undefined;
            const narrowed = spec.parent !== undefined || CONTAINER_FILTERS.some((c) => q[c] !== undefined);
            if (identity) parts.push(sql`t.identity_id = ${identity}::uuid`);
            else if (byIdentity && !narrowed) {
              parts.push(sql`t.identity_id = (select private.active_identity_id())`);
            }
            return listStatement(sql, spec.table, parts, q, spec.columns);
          }),
        );
        // an empty page under a parent: the parent itself may be missing or not the caller's
        if (rows.length === 0 && spec.parent && parentTable) {
          await mapped('read', () =>
            db.withUser(caller.claims, (tx) =>
              assertVisible(tx, parentTable, p[spec.parent!.param]!, `params.${spec.parent!.param}`),
            ),
          );
        }
        return pageFrom(rows, q.limit);
      },
    );
  }
  if (spec.verbs.includes('get')) {
    fn.route(
      {
        method: 'get',
        path: itemPath,
        summary: `Get ${withArticle(spec.noun)}`,
        tag: spec.tag,
        params: itemParams,
        response: { status: 200, schema: spec.row },
        access: spec.access,
      },
      async ({ params, caller, db }) => {
        const p = params as Record<string, string>;
        const [row] = await mapped('read', () =>
          db.userStatement(
            caller.claims,
            (sql) => sql<{ r: unknown }[]>`
              select row_to_json(x) as r from (
                select ${selected(sql, spec.columns)} from ${sql(spec.table)} t
                where ${and(sql, [sql`t.id = ${p.id!}`, ...scope(sql, p)])}) x`,
          ),
        );
        if (!row) throw notFound();
        return row.r;
      },
    );
  }
  if (spec.verbs.includes('create') && spec.create) {
    fn.route(
      {
        method: 'post',
        path: spec.path,
        summary: `Create ${withArticle(spec.noun)}`,
        tag: spec.tag,
        params: spec.parent ? parentParams : undefined,
        body: spec.create,
        response: { status: 201, schema: spec.row },
        access: spec.access,
      },
      async ({ params, body, caller, db }) => {
        const p = (params ?? {}) as Record<string, string>;
        if (Object.keys(body as object).length === 0) {
          throw new ApiError('validation_failed', `send at least one field of the ${spec.noun}`, [
            { path: 'body', message: 'no known field', code: 'too_small' },
          ]);
        }
        const values: Record<string, unknown> = { ...(body as object), ...spec.serverValues?.(caller) };
        if (spec.parent) values[spec.parent.column] = p[spec.parent.param];
        return mapped('write', () =>
          db.withUser(caller.claims, async (tx) => {
            await assertReferencesVisible(tx, spec.table, values, parentPath);
            return insertRow(tx, spec.table, values, spec.columns);
          }),
        );
      },
    );
  }
  if (spec.verbs.includes('update') && spec.update) {
    fn.route(
      {
        method: 'patch',
        path: itemPath,
        summary: `Update ${withArticle(spec.noun)}`,
        tag: spec.tag,
        params: itemParams,
        body: spec.update,
        response: { status: 200, schema: spec.row },
        access: spec.access,
      },
      async ({ params, body, caller, db }) => {
        const p = params as Record<string, string>;
        const values = body as Record<string, unknown>;
        const row = await mapped('write', () =>
          db.withUser(caller.claims, async (tx) => {
            await assertReferencesVisible(tx, spec.table, values);
            return updateRow(tx, spec.table, values, [tx`t.id = ${p.id!}`, ...scope(tx, p)], spec.columns);
          }),
        );
        if (!row) throw notFound();
        return row;
      },
    );
  }
  if (spec.verbs.includes('delete')) {
    fn.route(
      {
        method: 'delete',
        path: itemPath,
        summary: `Delete ${withArticle(spec.noun)}`,
        tag: spec.tag,
        params: itemParams,
        response: { status: 204 },
        access: spec.access,
      },
      async ({ params, caller, db }) => {
        const p = params as Record<string, string>;
        const rows = await mapped('delete', () =>
          db.withUser(
            caller.claims,
            (
              tx,
            ) => tx`delete from ${tx(spec.table)} t where ${and(tx, [tx`t.id = ${p.id!}`, ...scope(tx, p)])}
                       returning t.id`,
          ),
        );
        if (rows.length === 0) throw notFound();
        return null;
      },
    );
  }
  return fn;
}
