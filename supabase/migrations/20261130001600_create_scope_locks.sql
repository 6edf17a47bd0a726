/**
 * Pipeline scope locks and idempotency keys: tables.
 * Part of the baseline (20261130*); policies and grants in the matching `protect_*` file.
 */

/**
 * The frozen scope of one run: the ids it may read or write, from `locked_at` until `released_at`
 * (null while held). At most one held lock per execution. The lock survives its run and thread
 * (set null) as the record of what the run was allowed to touch.
 */
create table public.scope_locks (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  execution_id uuid,
  thread_id uuid,
  dataspace_ids uuid[] not null default '{}'::uuid[],
  thread_ids uuid[] not null default '{}'::uuid[],
  memory_item_ids uuid[] not null default '{}'::uuid[],
  locked_at timestamptz not null default now(),
  released_at timestamptz,
  constraint scope_locks_pkey primary key (id),
  constraint scope_locks_check check ((released_at is null) or (released_at >= locked_at)),
  constraint scope_locks_execution_id_identity_id_fkey foreign key (execution_id, identity_id) references public.agent_executions(id, identity_id) on delete cascade,
  constraint scope_locks_identity_id_fkey foreign key (identity_id) references public.identities(id) on delete cascade,
  constraint scope_locks_thread_id_identity_id_fkey foreign key (thread_id, identity_id) references public.threads(id, identity_id) on delete cascade
);
alter table public.scope_locks enable row level security;
create index scope_locks_execution_id_idx on public.scope_locks (execution_id, identity_id);
create index scope_locks_held_dataspace_ids_idx on public.scope_locks using gin (dataspace_ids) where (released_at is null);
create index scope_locks_identity_id_idx on public.scope_locks (identity_id);
create unique index scope_locks_one_held_per_execution on public.scope_locks (execution_id) where (released_at is null);
create index scope_locks_thread_id_idx on public.scope_locks (thread_id, identity_id);

/**
 * One API request made with an `Idempotency-Key`: the hash of the request (a retry with another
 * body is refused), then the response to replay. `status_code` is null while the first request is
 * still running. Rows expire and are swept.
 */
create table public.idempotency_keys (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  key text not null,
  request_hash text not null,
  response jsonb,
  status_code integer,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default (now() + '24:00:00'::interval),
  constraint idempotency_keys_pkey primary key (id),
  constraint idempotency_keys_identity_id_key_key unique (identity_id, key),
  constraint idempotency_keys_check check (expires_at > created_at),
  constraint idempotency_keys_check1 check ((response is null) or (status_code is not null)),
  constraint idempotency_keys_key_check check ((length(key) >= 1) and (length(key) <= 255)),
  constraint idempotency_keys_request_hash_check check (request_hash ~ '^[0-9a-f]{32,128}$'::text),
  constraint idempotency_keys_status_code_check check ((status_code >= 100) and (status_code <= 599)),
  constraint idempotency_keys_identity_id_fkey foreign key (identity_id) references public.identities(id) on delete cascade
);
alter table public.idempotency_keys enable row level security;
create index idempotency_keys_expires_at_idx on public.idempotency_keys (expires_at);
create index idempotency_keys_identity_id_idx on public.idempotency_keys (identity_id);
