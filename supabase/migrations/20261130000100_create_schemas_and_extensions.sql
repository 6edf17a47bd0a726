/**
 * Schemas, extensions and defaults: what every later migration relies on.
 * Part of the baseline (20261130*): the old chain squashed into one file per concern, read from a
 * database migrated by it and proved equal by `npm run db:compare`. From here on, fix forward.
 */

-- helpers used by policies live here, out of the API's reach
create schema if not exists private;
grant usage on schema private to authenticated, service_role;
-- functions are not executable by PUBLIC unless a migration grants them (global default: per-schema
-- defaults can only add privileges, never take the built-in PUBLIC execute away)
alter default privileges revoke execute on functions from public;

-- moddatetime keeps updated_at columns current (Supabase ships it; hosted projects enable it on request)
create extension if not exists moddatetime with schema extensions;

/**
 * The active identity of the request: `identity_id` from the JWT claims when it names an identity
 * of the authenticated user (auth.uid()); otherwise null, so a forged claim matches no row.
 */
create function private.active_identity_id()
 returns uuid
 language plpgsql
 stable security definer
 set search_path to ''
as $$
declare
  claims jsonb := nullif(current_setting('request.jwt.claims', true), '')::jsonb;
  wanted uuid;
  found_id uuid;
begin
  if not coalesce(claims ->> 'identity_id' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', false) then
    return null;
  end if;
  wanted := (claims ->> 'identity_id')::uuid;
  select i.id into found_id from public.identities i where i.user_id = auth.uid() and i.id = wanted;
  return found_id;
end;
$$;
grant execute on function private.active_identity_id() to authenticated, service_role;
