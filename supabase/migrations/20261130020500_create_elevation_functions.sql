/**
 * Elevation requests: functions.
 * Part of the baseline (20261130*): each function in its final version, with its why.
 */

/** Step 2: the scope owner (as active identity) approves (time-boxed grant) or denies. */
create function private.decide_elevation(p_request_id uuid, p_approve boolean)
 returns public.elevation_requests
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  active uuid := private.active_identity_id();
  target uuid;
  req public.elevation_requests;
begin
  select * into req from public.elevation_requests e where e.id = p_request_id for update;
  select t.target_identity_id into target from private.elevation_targets t where t.request_id = p_request_id;
  if req.id is null or active is null or target is distinct from active then
    raise exception 'elevation request % not found', p_request_id using errcode = 'P0002';
  end if;
  if req.status <> 'pending' then
    raise exception 'elevation request is already %', req.status using errcode = '55000';
  end if;
  update public.elevation_requests e
  set status = case when p_approve then 'approved' else 'denied' end,
      decided_at = now(),
      expires_at = case when p_approve then now() + e.requested_duration end,
      target_identity_id = case when p_approve then target end
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
grant execute on function private.decide_elevation(p_request_id uuid, p_approve boolean) to authenticated, service_role;

/** Ids of the requests addressed to the active identity (for the select policy, evaluated once). */
create function private.received_elevation_request_ids()
 returns uuid[]
 language plpgsql
 stable security definer
 set search_path to ''
as $$
begin
  return coalesce((select array_agg(t.request_id) from private.elevation_targets t
                   where t.target_identity_id = private.active_identity_id()), '{}');
end;
$$;
grant execute on function private.received_elevation_request_ids() to authenticated, service_role;

/** Step 1: the active identity asks for a scope it does not own; answered alike whether it exists or not. */
create function private.request_elevation(p_scope_type text, p_scope_id uuid, p_permission text, p_reason text, p_duration interval default '01:00:00'::interval)
 returns public.elevation_requests
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  per_hour constant integer := 20; -- ELEVATION_REQUESTS_PER_HOUR
  active uuid := private.active_identity_id();
  uid uuid := auth.uid();
  owner uuid;
  sent integer;
  req public.elevation_requests;
begin
  if active is null then
    raise exception 'no active identity in the request' using errcode = '42501';
  end if;
  -- one user's requests are counted one after another, so a burst cannot pass the limit together
  perform pg_advisory_xact_lock(hashtextextended('elevation-requests:' || uid::text, 0));
  select count(*) into sent
  from public.elevation_requests e
  join public.identities i on i.id = e.requester_identity_id
  where i.user_id = uid and e.created_at > now() - interval '1 hour';
  if sent >= per_hour then
    raise exception 'too many elevation requests: at most % an hour', per_hour using errcode = 'PT429';
  end if;
  owner := private.scope_owner(p_scope_type, p_scope_id);
  if owner = active then
    raise exception 'the active identity already owns this scope' using errcode = '22023';
  end if;
  insert into public.elevation_requests
    (requester_identity_id, target_identity_id, scope_type, scope_id, permission, reason, requested_duration)
  values (active, null, p_scope_type, p_scope_id, p_permission, p_reason, p_duration)
  returning * into req;
  perform private.audit(active, 'elevation.requested', 'elevation_request', req.id,
    jsonb_build_object('scope_type', p_scope_type, 'scope_id', p_scope_id, 'permission', p_permission));
  if owner is not null then
    insert into private.elevation_targets (request_id, target_identity_id) values (req.id, owner);
    perform private.audit(owner, 'elevation.received', 'elevation_request', req.id,
      jsonb_build_object('requester_identity_id', active, 'scope_type', p_scope_type, 'scope_id', p_scope_id,
                         'permission', p_permission));
  end if;
  return req;
end;
$$;
grant execute on function private.request_elevation(p_scope_type text, p_scope_id uuid, p_permission text, p_reason text, p_duration interval) to authenticated, service_role;

/** Step 3: either party ends a grant (or withdraws a pending request) before it expires. */
create function private.revoke_elevation(p_request_id uuid)
 returns public.elevation_requests
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  active uuid := private.active_identity_id();
  target uuid;
  req public.elevation_requests;
begin
  select * into req from public.elevation_requests e where e.id = p_request_id for update;
  select t.target_identity_id into target from private.elevation_targets t where t.request_id = p_request_id;
  if req.id is null or active is null
     or not (active = req.requester_identity_id or active is not distinct from target) then
    raise exception 'elevation request % not found', p_request_id using errcode = 'P0002';
  end if;
  if req.status not in ('pending', 'approved') then
    raise exception 'elevation request is already %', req.status using errcode = '55000';
  end if;
  update public.elevation_requests e set status = 'revoked', revoked_at = now()
  where e.id = p_request_id returning * into req;
  if target is not null then
    perform private.audit(target, 'elevation.revoked', 'elevation_request', req.id,
      jsonb_build_object('by', active));
  end if;
  perform private.audit(req.requester_identity_id, 'elevation.revoked', 'elevation_request', req.id,
    jsonb_build_object('by', active));
  return req;
end;
$$;
grant execute on function private.revoke_elevation(p_request_id uuid) to authenticated, service_role;
