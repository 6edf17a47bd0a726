import type { MaybeRow, PendingQuery, RowList, Sql, TransactionSql } from 'postgres';

/** The API roles a request may act as, as Supabase's PostgREST knows them. */
export const API_ROLES = ['anon', 'authenticated', 'service_role'] as const;
export type ApiRole = (typeof API_ROLES)[number];

/** JWT claims of a request. `identity_id` names the active identity (validated by the database). */
export interface Claims {
  role: ApiRole;
  sub?: string;
  identity_id?: string;
  [claim: string]: unknown;
}

export type Tx = TransactionSql;

export interface DataAccess {
  /**
   * Runs `fn` in one transaction acting as the request, exactly as PostgREST does:
   * `set local role <claims.role>` and `request.jwt.claims` set for the transaction only, so RLS
   * decides what the request sees and writes.
   */
  withUser<T>(claims: Claims, fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Runs ONE read-only statement as the request in a single round trip: `begin read only`, the
   * settings of withUser, the statement `fn` builds on the given `sql` (returned, not awaited)
   * and `commit` are sent in this order on one reserved connection, so RLS decides exactly as in
   * withUser. The rows are returned only when all four succeeded.
   */
  userStatement<T extends readonly MaybeRow[]>(
    claims: Claims,
    fn: (sql: Sql) => PendingQuery<T>,
  ): Promise<RowList<T>>;
  /** Runs `fn` in one transaction as the connecting role, for system work (sweepers, sign-up). */
  withService<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Runs ONE statement as the connecting role without BEGIN/COMMIT round trips: a single statement
   * is its own transaction, so it is all or nothing like withService. `fn` must issue exactly one.
   */
  serviceStatement?<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
}

/** Data access on a postgres.js pool; importable by server code and edge functions alike. */
export function createDataAccess(sql: Sql): DataAccess {
  return {
    async withUser<T>(claims: Claims, fn: (tx: Tx) => Promise<T>): Promise<T> {
      assertRole(claims);
      const result = await sql.begin(async (tx) => {
        // sent now and not awaited first: the connection runs statements in order, so fn's first
        // statement is pipelined behind it (one round trip saved) and still runs as the request
        const setup = tx`select set_config('role', ${claims.role}, true),
                        set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`.execute();
        const [, value] = await Promise.all([setup, fn(tx)]);
        return value;
      });
      return result as T;
    },
    async userStatement<T extends readonly MaybeRow[]>(
      claims: Claims,
      fn: (sql: Sql) => PendingQuery<T>,
    ): Promise<RowList<T>> {
      assertRole(claims);
      const conn = await sql.reserve();
      try {
        // built before anything is sent (postgres.js queries are lazy), so a statement that cannot
        // be built leaves the connection untouched; execute() then sends in call order, statements
        // issued in one tick leave as one packet, and the server runs them in order
        const query = fn(conn);
        const sent = [
          conn`begin read only`.execute(),
          conn`select set_config('role', ${claims.role}, true),
               set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`.execute(),
          query.execute(),
          conn`commit`.execute(),
        ] as const;
        // all four settle before the connection goes back (it is idle, its transaction closed);
        // the first failure wins: a failed `begin` or settings statement means the rows are
        // never returned, a failed statement made `commit` roll back; `read only` refuses writes
        const settled = await Promise.allSettled(sent);
        const failed = settled.find((r) => r.status === 'rejected');
        if (failed) throw failed.reason;
        return (settled[2] as PromiseFulfilledResult<RowList<T>>).value;
      } finally {
        conn.release();
      }
    },
    async withService<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      return (await sql.begin((tx) => fn(tx))) as T;
    },
    serviceStatement<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
      return fn(sql);
    },
  };
}

function assertRole(claims: Claims): void {
  if (!(API_ROLES as readonly string[]).includes(claims.role)) {
    throw new TypeError(`withUser: claims.role must be one of ${API_ROLES.join(', ')}`);
  }
}
