/**
 * The RLS helpers every policy calls become plpgsql, with the same answers. As SQL-language
 * functions that carry `set search_path` they are never inlined and their bodies were planned again
 * on every call: each table a query touches evaluates `(select private.active_identity_id())` and
 * `(select private.has_elevations())` once, so a request reading eight tables planned them sixteen
 * times (about 0.1-0.3 ms each; measured with EXPLAIN ANALYZE on the governed run's validation read,
 * `npm run bench:pipeline`). plpgsql keeps each statement's plan for the session.
 */

/**
 * The active identity of the request: `identity_id` from the JWT claims when it names an identity
 * of the authenticated user (auth.uid()); otherwise null, so a forged claim matches no row.
 */
create or replace function private.active_identity_id() returns uuid
language plpgsql stable security definer
set search_path = ''
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

/** True when the active identity holds at least one live grant (lets policies skip the per-row check). */
create or replace function private.has_elevations() returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
declare
  active uuid := private.active_identity_id();
begin
  if active is null then
    return false;
  end if;
  return exists (
    select 1 from public.elevation_requests e
    where e.requester_identity_id = active and e.status = 'approved' and e.expires_at > now()
  );
end;
$$;
