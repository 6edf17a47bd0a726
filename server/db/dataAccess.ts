import type { Sql, TransactionSql } from 'postgres';

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
      if (!(API_ROLES as readonly string[]).includes(claims.role)) {
        throw new TypeError(`withUser: claims.role must be one of ${API_ROLES.join(', ')}`);
      }
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
    async withService<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      return (await sql.begin((tx) => fn(tx))) as T;
    },
    serviceStatement<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
      return fn(sql);
    },
  };
}
