/**
 * Scope locks (AM-004, step 6 of the pipeline) and API idempotency keys. A scope lock freezes the
 * dataspaces, threads and memory items one run may touch (memory law 6); an idempotency key makes a
 * retried API request return the first response instead of acting twice. Both are written by the
 * API and pipeline functions; clients only read them.
 */

/**
 * The frozen scope of one run: the ids it may read or write, from `locked_at` until `released_at`
 * (null while held). At most one held lock per execution. The lock survives its run and thread
 * (set null) as the record of what the run was allowed to touch.
 */
create table public.scope_locks (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id()
    references public.identities (id) on delete cascade,
  execution_id uuid,
  thread_id uuid,
  dataspace_ids uuid[] not null default '{}',
  thread_ids uuid[] not null default '{}',
  memory_item_ids uuid[] not null default '{}',
  locked_at timestamptz not null default now(),
  released_at timestamptz,
  check (released_at is null or released_at >= locked_at),
  foreign key (execution_id, identity_id) references public.agent_executions (id, identity_id)
    on delete set null (execution_id),
  foreign key (thread_id, identity_id) references public.threads (id, identity_id) on delete set null (thread_id)
);
alter table public.scope_locks enable row level security;
create index scope_locks_execution_id_idx on public.scope_locks (execution_id, identity_id);
create unique index scope_locks_one_held_per_execution on public.scope_locks (execution_id)
  where released_at is null;
create index scope_locks_thread_id_idx on public.scope_locks (thread_id, identity_id);
-- "is this dataspace locked by a running run?"
create index scope_locks_held_dataspace_ids_idx on public.scope_locks using gin (dataspace_ids)
  where released_at is null;

/**
 * One API request made with an `Idempotency-Key`: the hash of the request (a retry with another
 * body is refused), then the response to replay. `status_code` is null while the first request is
 * still running. Rows expire and are swept.
 */
create table public.idempotency_keys (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id()
    references public.identities (id) on delete cascade,
  key text not null check (length(key) between 1 and 255),
  request_hash text not null check (request_hash ~ '^[0-9a-f]{32,128}$'),
  response jsonb,
  status_code integer check (status_code between 100 and 599),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '24 hours',
  unique (identity_id, key),
  check (expires_at > created_at),
  check (response is null or status_code is not null)
);
alter table public.idempotency_keys enable row level security;
create index idempotency_keys_expires_at_idx on public.idempotency_keys (expires_at);

select private.apply_identity_rls('public.scope_locks', 'scope locks', 'null', 'null', array['select']);
select private.apply_identity_rls('public.idempotency_keys', 'idempotency keys', 'null', 'null', array['select']);
