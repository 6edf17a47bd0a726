/**
 * A database shaped like a hosted Supabase project, migrated as `supabase db push` does and never
 * seeded, runs a governed execution: the catalogs a run needs (encoding, agents and their matrix,
 * plans) come from the migrations. Hosted-shaped: the platform (here a superuser standing in for
 * it) owns schema `auth`, the API roles and the extensions, and the login that migrates is no
 * superuser (Supabase's `postgres` is not); a user signs up (auth row + provisioning, as local auth
 * does), subscribes to the free plan, and runs the summarizer on a thread of their own.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Sql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { connect } from '../../server/db/connect.ts';
import { createDataAccess } from '../../supabase/functions/_shared/dataAccess.ts';
import { migrate } from '../../server/db/migrate.ts';
import { ensureSystemAccounts } from '../../server/ledger/systemAccounts.ts';
import {
  createBuiltinProvider,
  runGovernedExecution,
} from '../../supabase/functions/_shared/pipeline/index.ts';
import { withDatabase } from '../helpers/databaseUrl.ts';

const tag = crypto.randomUUID().replaceAll('-', '').slice(0, 12);
const role = `hosted_${tag}`;
const dbName = `hosted_${tag}`;
const admin = connect(inject('databaseUrl'), { max: 1 });
let platform: Sql;
let owner: Sql;

beforeAll(async () => {
  await admin.unsafe(`create role ${role} login password '${tag}' nosuperuser nocreatedb nocreaterole`);
  await admin.unsafe(`create database ${dbName} owner ${role}`);
  platform = connect(withDatabase(inject('databaseUrl'), dbName), { max: 1 });
  // what the platform provides before any migration: roles, auth schema, extensions (supautils
  // creates the privileged ones on request: here they exist already)
  await platform.unsafe(await readFile(path.resolve('supabase/bootstrap/supabase_compat.sql'), 'utf8'));
  await platform.unsafe(`
    comment on schema auth is null;
    create extension if not exists moddatetime with schema extensions;
    grant anon, authenticated, service_role to ${role};
    grant usage on schema auth to ${role};
    grant all on all tables in schema auth to ${role};
    grant execute on all functions in schema auth to ${role};`);
  const url = new URL(withDatabase(inject('databaseUrl'), dbName));
  url.username = role;
  url.password = tag;
  owner = connect(url.toString(), { max: 4 });
});

afterAll(async () => {
  await owner?.end({ timeout: 5 });
  await platform?.end({ timeout: 5 });
  await admin.unsafe(`drop database if exists ${dbName} with (force)`);
  await admin.unsafe(`drop owned by ${role} cascade`).catch(() => undefined);
  await admin.unsafe(`drop role if exists ${role}`);
  await admin.end({ timeout: 5 });
});

describe('a hosted-shaped database migrated without seeds', () => {
  it('is migrated by a login that is no superuser, and holds the catalogs but no demo data', async () => {
    const [su] = await owner<
      { s: boolean }[]
    >`select rolsuper as s from pg_roles where rolname = current_user`;
    expect(su!.s).toBe(false);
    const result = await migrate(owner, path.resolve('supabase'));
    expect(result.applied.length).toBeGreaterThan(40);
    const [counts] = await owner<Record<string, number>[]>`
      select (select count(*)::int from public.encoding_profiles) as profiles,
             (select count(*)::int from public.encoding_rules) as rules,
             (select count(*)::int from public.agents) as agents,
             (select count(*)::int from public.agent_compatibility_matrix) as matrix,
             (select count(*)::int from public.subscription_plans) as plans,
             (select count(*)::int from public.users) as users`;
    expect(counts).toMatchObject({ profiles: 2, rules: 15, agents: 5, plans: 4, users: 0 });
    expect(counts!.matrix).toBeGreaterThan(300);
  });

  it('lets a new user subscribe to a plan and run a governed execution', async () => {
    await ensureSystemAccounts(owner);
    const userId = crypto.randomUUID();
    // Supabase Auth creates the auth row; the product provisions the profile and identity
    await platform`insert into auth.users (id, email, email_confirmed_at) values (${userId}, ${`${tag}@example.com`}, now())`;
    const [ident] = await owner<{ id: string }[]>`
      select (private.provision_user(${userId}, ${`${tag}@example.com`}, 'Hosted')).id`;
    const claims = { sub: userId, role: 'authenticated' as const, identity_id: ident!.id };
    const data = createDataAccess(owner);
    // sign-up's provisioning put the user on the catalog's free plan and granted its first period
    const [plan] = await owner<{ slug: string; tokens: number }[]>`
      select p.slug, g.tokens::int from public.user_subscriptions us
      join public.subscription_plans p on p.id = us.plan_id
      join public.plan_grants g on g.subscription_id = us.id
      where us.user_id = ${userId} and us.status = 'active'`;
    expect(plan).toEqual({ slug: 'free', tokens: 10_000 });
    const threadId = await data.withUser(claims, async (tx) => {
      const [sphere] = await tx<{ id: string }[]>`
        insert into public.spheres (name, kind) values ('Perso', 'personal') returning id`;
      const [ds] = await tx<{ id: string }[]>`
        insert into public.dataspaces (sphere_id, name, kind) values (${sphere!.id}, 'Cuisine', 'project') returning id`;
      const [thread] = await tx<{ id: string }[]>`
        insert into public.threads (dataspace_id, title) values (${ds!.id}, 'Armoires') returning id`;
      await tx`insert into public.messages (thread_id, body)
               values (${thread!.id}, 'Merisier ou érable ? Décision avant le 15.')`;
      return thread!.id;
    });
    const result = await runGovernedExecution(
      { data, providers: { builtin: createBuiltinProvider() } },
      claims,
      { intentText: 'Résume le fil en liste à puces', threadId, idempotencyKey: `hosted-${tag}` },
    );
    expect(result.ok, JSON.stringify(result)).toBe(true);
    if (!result.ok) return;
    expect(result.agent.slug).toBe('summarizer');
    expect(result.tokens.used).toBeGreaterThan(0);
    const [balance] = await owner<{ balance: string }[]>`
      select balance from public.token_accounts where identity_id = ${ident!.id}`;
    expect(Number(balance!.balance)).toBe(10_000 - result.tokens.used);
  });
});
