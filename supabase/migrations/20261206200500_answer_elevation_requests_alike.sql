/**
 * An elevation request no longer tells its requester whether the scope exists or who owns it, and
 * a user can send only so many. The request answered "scope does not exist" for an unknown id and
 * returned the owner's identity for a real one, so any signed-in user could test ids and learn
 * whose they were, then flood the owner's trail with requests.
 *
 * Now every well-formed request for a scope the active identity does not own is recorded and
 * answered alike: a pending request whose `target_identity_id` is null. The target is kept beside
 * it in private.elevation_targets (no target when the scope does not exist: such a request can
 * never be decided and lapses like one the owner ignores). The owner sees the requests addressed to
 * them; the requester learns the target only when it approves (the grant names its grantor).
 * A user sends at most ELEVATION_REQUESTS_PER_HOUR requests an hour, counted over all their
 * identities, known and unknown scopes alike; the next one is refused with SQLSTATE PT429 (the
 * code PostgREST maps to HTTP 429; the API maps it to `rate_limited`).
 */

/** The identity each elevation request is addressed to; read only by the elevation functions. */
create table private.elevation_targets (
  request_id uuid primary key references public.elevation_requests (id) on delete cascade,
  target_identity_id uuid not null references public.identities (id) on delete cascade
);
alter table private.elevation_targets enable row level security;
revoke all on table private.elevation_targets from public, anon, authenticated;
create index elevation_targets_target_identity_id_idx on private.elevation_targets (target_identity_id);

insert into private.elevation_targets (request_id, target_identity_id)
select e.id, e.target_identity_id from public.elevation_requests e;

alter table public.elevation_requests alter column target_identity_id drop not null;
-- only a grant (approved, or revoked after approval) names its grantor to the requester
update public.elevation_requests e set target_identity_id = null
where e.status in ('pending', 'denied') or (e.status = 'revoked' and e.decided_at is null);
alter table public.elevation_requests
  add constraint elevation_requests_grant_names_grantor check (status <> 'approved' or target_identity_id is not null);

/** Ids of the requests addressed to the active identity (for the select policy, evaluated once). */
create function private.received_elevation_request_ids() returns uuid[]
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return coalesce((select array_agg(t.request_id) from private.elevation_targets t
                   where t.target_identity_id = private.active_identity_id()), '{}');
end;
$$;
grant execute on function private.received_elevation_request_ids() to authenticated, service_role;

alter policy "Identities can view elevation requests they made or received" on public.elevation_requests
  using ((select private.active_identity_id()) in (requester_identity_id, target_identity_id)
         or id = any ((select private.received_elevation_request_ids())::uuid[]));

/** Step 1: the active identity asks for a scope it does not own; answered alike whether it exists or not. */
create or replace function private.request_elevation(
  p_scope_type text, p_scope_id uuid, p_permission text, p_reason text,
  p_duration interval default interval '1 hour'
) returns public.elevation_requests
language plpgsql volatile security definer
set search_path = ''
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

/** Step 2: the scope owner (as active identity) approves (time-boxed grant) or denies. */
create or replace function private.decide_elevation(p_request_id uuid, p_approve boolean)
returns public.elevation_requests
language plpgsql volatile security definer
set search_path = ''
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

/** Step 3: either party ends a grant (or withdraws a pending request) before it expires. */
create or replace function private.revoke_elevation(p_request_id uuid) returns public.elevation_requests
language plpgsql volatile security definer
set search_path = ''
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
