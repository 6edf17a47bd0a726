/**
 * Elevation requests: the only way one identity reaches another identity's rows (even when both
 * belong to the same user). request -> approve/deny by the scope owner -> time-boxed grant ->
 * revoke or expiry. Every step is written to both identities' audit chains.
 */
create table public.elevation_requests (
  id uuid primary key default gen_random_uuid(),
  requester_identity_id uuid not null references public.identities (id) on delete cascade,
  target_identity_id uuid not null references public.identities (id) on delete cascade,
  scope_type text not null check (scope_type in ('identity', 'sphere', 'dataspace')),
  scope_id uuid not null,
  permission text not null check (permission in ('read', 'write')),
  reason text not null check (length(reason) between 3 and 2000),
  requested_duration interval not null default interval '1 hour'
    check (requested_duration > interval '0' and requested_duration <= interval '30 days'),
  status text not null default 'pending'
    check (status in ('pending', 'approved', 'denied', 'revoked')),
  decided_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  check (requester_identity_id <> target_identity_id),
  check ((status = 'approved') = (expires_at is not null and decided_at is not null) or status = 'revoked'),
  check (status <> 'revoked' or revoked_at is not null)
);
alter table public.elevation_requests enable row level security;
create index elevation_requests_requester_idx on public.elevation_requests (requester_identity_id, status);
create index elevation_requests_target_idx on public.elevation_requests (target_identity_id, status);

/** True when the active identity holds at least one live grant (lets policies skip the per-row check). */
create function private.has_elevations() returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.elevation_requests e
    where e.requester_identity_id = (select private.active_identity_id())
      and e.status = 'approved' and e.expires_at > now()
  )
$$;

/**
 * True when the active identity holds a live grant of at least `p_permission` ('write' implies
 * 'read') on a scope covering a row owned by `p_owner`: the whole identity, the row's sphere, or the
 * row's dataspace. plpgsql so that its body is bound at call time (dataspaces come later).
 */
create function private.elevated(
  p_owner uuid, p_permission text, p_sphere uuid default null, p_dataspace uuid default null
) returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
declare
  active uuid := private.active_identity_id();
  sphere uuid := p_sphere;
begin
  if active is null or p_owner is null or active = p_owner then
    return false;
  end if;
  if sphere is null and p_dataspace is not null then
    select d.sphere_id into sphere from public.dataspaces d where d.id = p_dataspace;
  end if;
  return exists (
    select 1 from public.elevation_requests e
    where e.requester_identity_id = active
      and e.target_identity_id = p_owner
      and e.status = 'approved'
      and e.expires_at > now()
      and (e.permission = 'write' or p_permission = 'read')
      and (e.scope_type = 'identity'
           or (e.scope_type = 'sphere' and e.scope_id = sphere)
           or (e.scope_type = 'dataspace' and e.scope_id = p_dataspace))
  );
end;
$$;

-- Every identity-owned table's policies use this predicate, written out (functions with a `set`
-- clause are not inlined, and a per-row call would cost a lookup per row):
--   identity_id = (select private.active_identity_id())
--   or ((select private.has_elevations()) and private.elevated(identity_id, 'read', <sphere>, <dataspace>))
-- The owner test comes first so owned rows never pay for the elevation lookup.
grant execute on function private.has_elevations(), private.elevated(uuid, text, uuid, uuid)
  to authenticated, service_role;

/** The identity that owns a scope, or null when the scope does not exist. */
create function private.scope_owner(p_scope_type text, p_scope_id uuid) returns uuid
language plpgsql stable security definer
set search_path = ''
as $$
declare
  owner uuid;
begin
  case p_scope_type
    when 'identity' then select i.id into owner from public.identities i where i.id = p_scope_id;
    when 'sphere' then select s.identity_id into owner from public.spheres s where s.id = p_scope_id;
    when 'dataspace' then select d.identity_id into owner from public.dataspaces d where d.id = p_scope_id;
    else owner := null;
  end case;
  return owner;
end;
$$;

/** Step 1: the active identity asks for a scope it does not own. */
create function public.request_elevation(
  p_scope_type text, p_scope_id uuid, p_permission text, p_reason text,
  p_duration interval default interval '1 hour'
) returns public.elevation_requests
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  active uuid := private.active_identity_id();
  owner uuid;
  req public.elevation_requests;
begin
  if active is null then
    raise exception 'no active identity in the request' using errcode = '42501';
  end if;
  owner := private.scope_owner(p_scope_type, p_scope_id);
  if owner is null then
    raise exception 'scope % % does not exist', p_scope_type, p_scope_id using errcode = 'P0002';
  end if;
  if owner = active then
    raise exception 'the active identity already owns this scope' using errcode = '22023';
  end if;
  insert into public.elevation_requests
    (requester_identity_id, target_identity_id, scope_type, scope_id, permission, reason, requested_duration)
  values (active, owner, p_scope_type, p_scope_id, p_permission, p_reason, p_duration)
  returning * into req;
  perform private.audit(active, 'elevation.requested', 'elevation_request', req.id,
    jsonb_build_object('scope_type', p_scope_type, 'scope_id', p_scope_id, 'permission', p_permission,
                       'target_identity_id', owner));
  perform private.audit(owner, 'elevation.received', 'elevation_request', req.id,
    jsonb_build_object('requester_identity_id', active));
  return req;
end;
$$;

/** Step 2: the scope owner (as active identity) approves (time-boxed grant) or denies. */
create function public.decide_elevation(p_request_id uuid, p_approve boolean) returns public.elevation_requests
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  active uuid := private.active_identity_id();
  req public.elevation_requests;
begin
  select * into req from public.elevation_requests e where e.id = p_request_id for update;
  if not found or active is null or req.target_identity_id <> active then
    raise exception 'elevation request % not found', p_request_id using errcode = 'P0002';
  end if;
  if req.status <> 'pending' then
    raise exception 'elevation request is already %', req.status using errcode = '55000';
  end if;
  update public.elevation_requests e
  set status = case when p_approve then 'approved' else 'denied' end,
      decided_at = now(),
      expires_at = case when p_approve then now() + e.requested_duration end
  where e.id = p_request_id
  returning * into req;
  perform private.audit(active, case when p_approve then 'elevation.approved' else 'elevation.denied' end,
    'elevation_request', req.id, jsonb_build_object('expires_at', req.expires_at));
  perform private.audit(req.requester_identity_id,
    case when p_approve then 'elevation.granted' else 'elevation.refused' end,
    'elevation_request', req.id, jsonb_build_object('expires_at', req.expires_at));
  return req;
end;
$$;

/** Step 3: either party ends a grant (or withdraws a pending request) before it expires. */
create function public.revoke_elevation(p_request_id uuid) returns public.elevation_requests
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  active uuid := private.active_identity_id();
  req public.elevation_requests;
begin
  select * into req from public.elevation_requests e where e.id = p_request_id for update;
  if not found or active is null or active not in (req.target_identity_id, req.requester_identity_id) then
    raise exception 'elevation request % not found', p_request_id using errcode = 'P0002';
  end if;
  if req.status not in ('pending', 'approved') then
    raise exception 'elevation request is already %', req.status using errcode = '55000';
  end if;
  update public.elevation_requests e set status = 'revoked', revoked_at = now()
  where e.id = p_request_id returning * into req;
  perform private.audit(req.target_identity_id, 'elevation.revoked', 'elevation_request', req.id,
    jsonb_build_object('by', active));
  perform private.audit(req.requester_identity_id, 'elevation.revoked', 'elevation_request', req.id,
    jsonb_build_object('by', active));
  return req;
end;
$$;

revoke execute on function public.request_elevation(text, uuid, text, text, interval),
  public.decide_elevation(uuid, boolean), public.revoke_elevation(uuid) from public, anon;
grant execute on function public.request_elevation(text, uuid, text, text, interval),
  public.decide_elevation(uuid, boolean), public.revoke_elevation(uuid) to authenticated, service_role;

-- rows are written only through the functions above
revoke all on table public.elevation_requests from anon, authenticated;
grant select on table public.elevation_requests to authenticated;
grant all on table public.elevation_requests to service_role;

create policy "Identities can view elevation requests they made or received"
  on public.elevation_requests for select to authenticated
  using ((select private.active_identity_id()) in (requester_identity_id, target_identity_id));

/** A policy name as a sentence, refused when Postgres would truncate it (63 bytes). */
create function private.policy_name(p_verb text, p_noun text) returns text
language plpgsql immutable
set search_path = ''
as $$
declare
  name text := format('Identities can %s own or elevated %s', p_verb, p_noun);
begin
  if octet_length(name) > 63 then
    raise exception 'policy name too long (% bytes): %', octet_length(name), name;
  end if;
  return name;
end;
$$;

/**
 * Applies the standard access rules of an identity-owned table, so every such table gets exactly
 * the same ones: grants revoked from the API roles and granted back for the given verbs, an index
 * on identity_id (the column the policies filter on), and one policy per verb named as a sentence,
 * `to authenticated`, using the predicate above. `p_sphere` / `p_dataspace` are the column names
 * (or 'null') that place a row in a sphere or dataspace for elevation scopes.
 * Called by migrations only; never granted to API roles.
 */
create function private.apply_identity_rls(
  p_table regclass, p_noun text, p_sphere text default 'null', p_dataspace text default 'null',
  p_verbs text[] default array['select', 'insert', 'update', 'delete']
) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  pred_read text := format(
    'identity_id = (select private.active_identity_id()) or ((select private.has_elevations()) and private.elevated(identity_id, %L, %s, %s))',
    'read', p_sphere, p_dataspace);
  pred_write text := format(
    'identity_id = (select private.active_identity_id()) or ((select private.has_elevations()) and private.elevated(identity_id, %L, %s, %s))',
    'write', p_sphere, p_dataspace);
  tbl text := p_table::text;
  short text := (select c.relname from pg_catalog.pg_class c where c.oid = p_table);
  verb text;
begin
  execute format('alter table %s enable row level security', tbl);
  execute format('revoke all on table %s from anon, authenticated', tbl);
  execute format('grant all on table %s to service_role', tbl);
  execute format('create index if not exists %I on %s (identity_id)', short || '_identity_id_idx', tbl);
  foreach verb in array p_verbs loop
    execute format('grant %s on table %s to authenticated', verb, tbl);
    case verb
      when 'select' then
        execute format('create policy %I on %s for select to authenticated using (%s)',
          private.policy_name('view', p_noun), tbl, pred_read);
      when 'insert' then
        execute format('create policy %I on %s for insert to authenticated with check (%s)',
          private.policy_name('create', p_noun), tbl, pred_write);
      when 'update' then
        execute format('create policy %I on %s for update to authenticated using (%s) with check (%s)',
          private.policy_name('update', p_noun), tbl, pred_write, pred_write);
      when 'delete' then
        execute format('create policy %I on %s for delete to authenticated using (%s)',
          private.policy_name('delete', p_noun), tbl, pred_write);
      else
        raise exception 'unknown verb %', verb;
    end case;
  end loop;
end;
$$;
revoke execute on function private.apply_identity_rls(regclass, text, text, text, text[]) from public;
