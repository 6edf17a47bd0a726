import { ColyseusTestServer } from '@colyseus/testing';
import { Client, type Room as SdkRoom } from '@colyseus/sdk';
import { SignJWT } from 'jose';
import type { Sql, TransactionSql } from 'postgres';
import { inject } from 'vitest';
import { jwtIssuer, parseEnv } from '../../server/env.ts';
import { connect } from '../../server/db/connect.ts';
import { freePort } from '../../server/db/embeddedPostgres.ts';
import {
  createRealtimeServer,
  type RealtimeOptions,
  type RealtimeServer,
} from '../../server/realtime/createRealtimeServer.ts';
import type { RealtimeTimings } from '../../server/realtime/realtimeContext.ts';
import type { Logger } from '../../server/realtime/logger.ts';

/** The local JWT secret, as server/env.ts defaults it. */
export const JWT_SECRET = parseEnv({}).CHENU_JWT_SECRET;
/** Local auth's issuer, as server/env.ts defaults it: what serve.ts and the harness's server check. */
export const JWT_ISSUER = jwtIssuer(parseEnv({}));

/** The cast of a test file: Alice (a1), Bob personal (b1) and business (b2). */
export type Persona = 'a1' | 'b1' | 'b2';

/**
 * This file's own cast, created fresh per test file (new users and identities, never the seeded
 * ones): elevations granted here must not leak into suites that assert the seed's isolation.
 * Alice (a1) owns; Bob has a personal (b1) and a business (b2) identity.
 */
export const CAST = {
  alice: crypto.randomUUID(),
  bob: crypto.randomUUID(),
  a1: crypto.randomUUID(),
  b1: crypto.randomUUID(),
  b2: crypto.randomUUID(),
} as const;
const userOf = { a1: CAST.alice, b1: CAST.bob, b2: CAST.bob } as const;
const sphereOf = { a1: crypto.randomUUID(), b1: crypto.randomUUID(), b2: crypto.randomUUID() } as const;

let cast: Promise<void> | undefined;
/** Creates the cast (users, identities, spheres, token accounts) once per file. */
export function createCast(sql: Sql): Promise<void> {
  cast ??= sql
    .begin(async (tx) => {
      for (const [user, name] of [
        [CAST.alice, 'Alice'],
        [CAST.bob, 'Bob'],
      ] as const) {
        await tx`insert into auth.users (id, email) values (${user}, ${`${user}@realtime.test`})`;
        await tx`insert into public.users (id, email, display_name) values (${user}, ${`${user}@realtime.test`}, ${name})`;
      }
      for (const [p, name, kind] of [
        ['a1', 'Alice', 'personal'],
        ['b1', 'Bob', 'personal'],
        ['b2', 'Bob — Construction', 'business'],
      ] as const) {
        await tx`insert into public.identities (id, user_id, name, kind, is_default)
               values (${CAST[p]}, ${userOf[p]}, ${name}, ${kind}, ${kind === 'personal'})`;
        await tx`insert into public.spheres (id, identity_id, name, kind)
               values (${sphereOf[p]}, ${CAST[p]}, 'Sphère de test', 'personal')`;
        await tx`insert into public.token_accounts (identity_id, user_id) values (${CAST[p]}, ${userOf[p]})`;
      }
    })
    .then(() => undefined);
  return cast;
}

/** A Supabase-shaped access token for a persona acting as one of its identities. */
export async function mintToken(
  persona: Persona,
  options: { expiresInSeconds?: number; secret?: string; identityId?: string; issuer?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    role: 'authenticated',
    aud: 'authenticated',
    iss: options.issuer ?? JWT_ISSUER,
    identity_id: options.identityId ?? CAST[persona],
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userOf[persona])
    .setIssuedAt(now - 60)
    .setExpirationTime(now + (options.expiresInSeconds ?? 3600))
    .sign(new TextEncoder().encode(options.secret ?? JWT_SECRET));
}

/** A realtime server on a free loopback port, on the run's database. */
export interface Harness {
  sql: Sql;
  rt: RealtimeServer;
  port: number;
  colyseus: ColyseusTestServer;
  /** An SDK client carrying `persona`'s token (none when persona is null). */
  client(persona: Persona | null, token?: string): Client;
  stop(): Promise<void>;
}

export async function startHarness(
  timings: Partial<RealtimeTimings> = {},
  log: Logger = () => {},
  extra: Pick<RealtimeOptions, 'voice'> = {},
): Promise<Harness> {
  const sql = connect(inject('databaseUrl'), { max: 4 });
  await createCast(sql);
  const rt = await createRealtimeServer({
    sql,
    jwtSecret: JWT_SECRET,
    issuer: JWT_ISSUER,
    timings,
    log,
    ...extra,
  });
  const port = await freePort();
  await rt.listen(port);
  const colyseus = new ColyseusTestServer(rt.server);
  return {
    sql,
    rt,
    port,
    colyseus,
    client(persona, token) {
      const c = new Client(`ws://127.0.0.1:${port}`);
      if (token) c.auth.token = token;
      else if (persona) void mintToken(persona).then((t) => (c.auth.token = t));
      return c;
    },
    async stop() {
      await rt.stop();
      await sql.end({ timeout: 5 });
    },
  };
}

/** An SDK client with `persona`'s token set. */
export async function clientAs(
  h: Harness,
  persona: Persona,
  opts?: Parameters<typeof mintToken>[1],
): Promise<Client> {
  return h.client(null, await mintToken(persona, opts));
}

let counter = 0;
/** A fresh dataspace owned by `owner` (its seeded sphere), so test files never share rooms. */
export async function createDataspace(sql: Sql, owner: Persona, name = 'Salle de test'): Promise<string> {
  await createCast(sql);
  const id = crypto.randomUUID();
  counter += 1;
  await sql`
    insert into public.dataspaces (id, identity_id, user_id, sphere_id, name, kind)
    values (${id}, ${CAST[owner]}, ${userOf[owner]}, ${sphereOf[owner]},
            ${`${name} ${counter}`}, 'project')`;
  return id;
}

/** An approved, live elevation of `requester` on `owner`'s dataspace; returns its id. */
export async function grantElevation(
  sql: Sql,
  requester: Persona,
  owner: Persona,
  dataspaceId: string,
  permission: 'read' | 'write',
  lifetime = '1 hour',
): Promise<string> {
  await createCast(sql);
  const [grant] = await sql<{ id: string }[]>`
    insert into public.elevation_requests (requester_identity_id, target_identity_id, scope_type, scope_id,
      permission, reason, status, decided_at, expires_at)
    values (${CAST[requester]}, ${CAST[owner]}, 'dataspace', ${dataspaceId}, ${permission}, 'test grant',
            'approved', now(), now() + ${lifetime}::interval)
    returning id`;
  return grant!.id;
}

/** Ends a grant as `revoke_elevation` does (status revoked, revoked_at stamped). */
export async function revokeElevation(sql: Sql, grantId: string): Promise<void> {
  await sql`update public.elevation_requests set status = 'revoked', revoked_at = now() where id = ${grantId}`;
}

/** A fresh workspace of `owner` in one of its dataspaces. */
export async function createWorkspace(sql: Sql, owner: Persona, dataspaceId: string): Promise<string> {
  const [ws] = await sql<{ id: string }[]>`
    insert into public.workspaces (identity_id, user_id, dataspace_id, name)
    values (${CAST[owner]}, ${userOf[owner]}, ${dataspaceId}, 'Atelier de test') returning id`;
  return ws!.id;
}

/** A fresh live meeting of `owner` in one of its dataspaces. */
export async function createMeeting(sql: Sql, owner: Persona, dataspaceId: string): Promise<string> {
  const [m] = await sql<{ id: string }[]>`
    insert into public.meetings (identity_id, user_id, dataspace_id, title, scheduled_at, status, started_at)
    values (${CAST[owner]}, ${userOf[owner]}, ${dataspaceId}, 'Réunion de test', now(), 'live', now())
    returning id`;
  return m!.id;
}

/** How and why the server ended a room session: resolves on the SDK room's leave. */
export function leaveOf(room: SdkRoom): Promise<{ code: number; reason: string | undefined }> {
  return new Promise((resolve) => room.onLeave((code, reason) => resolve({ code, reason })));
}

/** Resolves with the next `type` message the SDK room receives. */
export function nextMessage<T = unknown>(room: SdkRoom, type: string): Promise<T> {
  return new Promise((resolve) => {
    const off = room.onMessage(type, (message: T) => {
      off();
      resolve(message);
    });
  });
}

/** Resolves once `predicate` holds on the room's state (checked after every patch). */
export function untilState<S>(room: SdkRoom<unknown, S>, predicate: (state: S) => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (room.state && predicate(room.state)) return resolve();
    const check = (state: S) => {
      if (predicate(state)) {
        room.onStateChange.remove(check);
        resolve();
      }
    };
    room.onStateChange(check);
  });
}

/** Makes `member` a member of `owner`'s dataspace with `role` (as the sharing functions write it); returns its id. */
export async function addMember(
  sql: Sql,
  member: Persona,
  dataspaceId: string,
  role: 'viewer' | 'participant' | 'editor' | 'host',
): Promise<string> {
  const [m] = await sql<{ id: string }[]>`
    insert into public.dataspace_members (identity_id, dataspace_id, member_identity_id, role)
    select d.identity_id, d.id, ${CAST[member]}, ${role} from public.dataspaces d where d.id = ${dataspaceId}
    on conflict (dataspace_id, member_identity_id) do update set role = excluded.role
    returning id`;
  return m!.id;
}

/** Runs `fn` in one transaction acting as `persona` (as the API's withUser does). */
export function asPersona<T>(sql: Sql, persona: Persona, fn: (tx: TransactionSql) => Promise<T>): Promise<T> {
  return sql.begin(async (tx) => {
    await tx`select set_config('role', 'authenticated', true),
                    set_config('request.jwt.claims', ${JSON.stringify({
                      role: 'authenticated',
                      sub: userOf[persona],
                      identity_id: CAST[persona],
                    })}, true)`;
    return fn(tx);
  }) as Promise<T>;
}

/** The e-mail of a persona's user (confirmed, so invitations to it reach it). */
export async function confirmedEmailOf(sql: Sql, persona: Persona): Promise<string> {
  const [u] = await sql<{ email: string }[]>`
    update auth.users set email_confirmed_at = coalesce(email_confirmed_at, now()) where id = ${userOf[persona]}
    returning email`;
  return u!.email;
}
