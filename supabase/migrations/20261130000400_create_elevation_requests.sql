/**
 * Elevation requests: tables.
 * Part of the baseline (20261130*); policies and grants in the matching `protect_*` file.
 */

/**
 * Elevation requests: the only way one identity reaches another identity's rows (even when both
 * belong to the same user). request -> approve/deny by the scope owner -> time-boxed grant ->
 * revoke or expiry. Every step is written to both identities' audit chains.
 */
create table public.elevation_requests (
  id uuid not null default gen_random_uuid(),
  requester_identity_id uuid not null,
  target_identity_id uuid,
  scope_type text not null,
  scope_id uuid not null,
  permission text not null,
  reason text not null,
  requested_duration interval not null default '01:00:00'::interval,
  status text not null default 'pending'::text,
  decided_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  constraint elevation_requests_pkey primary key (id),
  constraint elevation_requests_check check (requester_identity_id <> target_identity_id),
  constraint elevation_requests_check1 check (((status = 'approved'::text) = ((expires_at is not null) and (decided_at is not null))) or (status = 'revoked'::text)),
  constraint elevation_requests_check2 check ((status <> 'revoked'::text) or (revoked_at is not null)),
  constraint elevation_requests_grant_names_grantor check ((status <> 'approved'::text) or (target_identity_id is not null)),
  constraint elevation_requests_permission_check check (permission in ('read', 'write')),
  constraint elevation_requests_reason_check check ((length(reason) >= 3) and (length(reason) <= 2000)),
  constraint elevation_requests_requested_duration_check check ((requested_duration > '00:00:00'::interval) and (requested_duration <= '30 days'::interval)),
  constraint elevation_requests_scope_type_check check (scope_type in ('identity', 'sphere', 'dataspace')),
  constraint elevation_requests_status_check check (status in ('pending', 'approved', 'denied', 'revoked')),
  constraint elevation_requests_requester_identity_id_fkey foreign key (requester_identity_id) references public.identities(id) on delete cascade,
  constraint elevation_requests_target_identity_id_fkey foreign key (target_identity_id) references public.identities(id) on delete cascade
);
alter table public.elevation_requests enable row level security;
create index elevation_requests_requester_idx on public.elevation_requests (requester_identity_id, status);
create index elevation_requests_target_idx on public.elevation_requests (target_identity_id, status);

/** The identity each elevation request is addressed to; read only by the elevation functions. */
create table private.elevation_targets (
  request_id uuid not null,
  target_identity_id uuid not null,
  constraint elevation_targets_pkey primary key (request_id),
  constraint elevation_targets_request_id_fkey foreign key (request_id) references public.elevation_requests(id) on delete cascade,
  constraint elevation_targets_target_identity_id_fkey foreign key (target_identity_id) references public.identities(id) on delete cascade
);
alter table private.elevation_targets enable row level security;
create index elevation_targets_target_identity_id_idx on private.elevation_targets (target_identity_id);
