/**
 * Threads: the persistent, exportable `.chenu` artifacts of a dataspace, with their own token
 * budget, consumption and scope lock (AM-004), and their messages and decisions.
 */
create table public.threads (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  dataspace_id uuid not null,
  title text not null check (length(title) between 1 and 200),
  status text not null default 'open' check (status in ('open', 'archived')),
  schema_version smallint not null default 1 check (schema_version >= 1),
  token_budget bigint check (token_budget is null or token_budget >= 0),
  tokens_consumed bigint not null default 0 check (tokens_consumed >= 0),
  scope_locked boolean not null default false,
  scope_locked_at timestamptz,
  encoding_profile_id uuid,
  last_activity_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, identity_id),
  check (scope_locked = (scope_locked_at is not null)),
  foreign key (dataspace_id, identity_id) references public.dataspaces (id, identity_id) on delete cascade
);
create index threads_dataspace_id_idx on public.threads (dataspace_id, identity_id);
create index threads_encoding_profile_id_idx on public.threads (encoding_profile_id);
create trigger threads_touch_updated_at before update on public.threads
  for each row execute function private.touch_updated_at();

/** A message in a thread, from a human, an agent or the system. */
create table public.messages (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  thread_id uuid not null,
  author_identity_id uuid references public.identities (id) on delete set null,
  author_kind text not null default 'human' check (author_kind in ('human', 'agent', 'system')),
  agent_execution_id uuid,
  body text not null check (length(body) between 1 and 20000),
  created_at timestamptz not null default now(),
  unique (id, identity_id),
  foreign key (thread_id, identity_id) references public.threads (id, identity_id) on delete cascade
);
create index messages_thread_id_idx on public.messages (thread_id, identity_id, created_at);
create index messages_author_identity_id_idx on public.messages (author_identity_id);

/** A decision recorded in a thread, optionally from one of its messages. */
create table public.decisions (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  thread_id uuid not null,
  message_id uuid,
  title text not null check (length(title) between 1 and 300),
  rationale text not null default '' check (length(rationale) <= 10000),
  status text not null default 'proposed' check (status in ('proposed', 'accepted', 'rejected', 'superseded')),
  decided_at timestamptz,
  created_at timestamptz not null default now(),
  unique (id, identity_id),
  foreign key (thread_id, identity_id) references public.threads (id, identity_id) on delete cascade,
  foreign key (message_id, identity_id) references public.messages (id, identity_id) on delete set null (message_id)
);
create index decisions_thread_id_idx on public.decisions (thread_id, identity_id);
create index decisions_message_id_idx on public.decisions (message_id, identity_id);

/** New messages and decisions mark their thread as active (Nova's "stale thread" signal). */
create function private.touch_thread_activity() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  update public.threads t set last_activity_at = now() where t.id = new.thread_id;
  return null;
end;
$$;
create trigger messages_touch_thread after insert on public.messages
  for each row execute function private.touch_thread_activity();
create trigger decisions_touch_thread after insert on public.decisions
  for each row execute function private.touch_thread_activity();

select private.apply_identity_rls('public.threads', 'threads', 'null', 'dataspace_id');
-- children place themselves in their thread's dataspace (looked up only when a grant is live)
select private.apply_identity_rls('public.messages', 'messages', 'null',
  '(select t.dataspace_id from public.threads t where t.id = thread_id)');
select private.apply_identity_rls('public.decisions', 'decisions', 'null',
  '(select t.dataspace_id from public.threads t where t.id = thread_id)');
