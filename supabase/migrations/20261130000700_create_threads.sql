/**
 * Threads, messages and decisions: tables.
 * Part of the baseline (20261130*); policies and grants in the matching `protect_*` file.
 */

/**
 * Threads: the persistent, exportable `.chenu` artifacts of a dataspace, with their own token
 * budget, consumption and scope lock (AM-004), and their messages and decisions.
 */
create table public.threads (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  dataspace_id uuid not null,
  title text not null,
  status text not null default 'open'::text,
  schema_version smallint not null default 1,
  token_budget bigint,
  tokens_consumed bigint not null default 0,
  scope_locked boolean not null default false,
  scope_locked_at timestamptz,
  encoding_profile_id uuid,
  last_activity_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  tokens_reserved bigint not null default 0,
  constraint threads_pkey primary key (id),
  constraint threads_id_identity_id_key unique (id, identity_id),
  constraint threads_check check (scope_locked = (scope_locked_at is not null)),
  constraint threads_schema_version_check check (schema_version >= 1),
  constraint threads_status_check check (status in ('open', 'archived')),
  constraint threads_title_check check ((length(title) >= 1) and (length(title) <= 200)),
  constraint threads_token_budget_check check ((token_budget is null) or (token_budget >= 0)),
  constraint threads_tokens_consumed_check check (tokens_consumed >= 0),
  constraint threads_tokens_reserved_check check (tokens_reserved >= 0),
  constraint threads_dataspace_id_identity_id_fkey foreign key (dataspace_id, identity_id) references public.dataspaces(id, identity_id) on delete cascade
);
alter table public.threads enable row level security;
create index threads_dataspace_id_idx on public.threads (dataspace_id, identity_id);
create index threads_encoding_profile_id_idx on public.threads (encoding_profile_id);
create index threads_identity_id_idx on public.threads (identity_id);
create index threads_identity_page_idx on public.threads (identity_id, created_at desc, id desc);

/** A message in a thread, from a human, an agent or the system. */
create table public.messages (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  thread_id uuid not null,
  author_identity_id uuid,
  author_kind text not null default 'human'::text,
  agent_execution_id uuid,
  body text not null,
  created_at timestamptz not null default now(),
  constraint messages_pkey primary key (id),
  constraint messages_id_identity_id_key unique (id, identity_id),
  constraint messages_author_kind_check check (author_kind in ('human', 'agent', 'system')),
  constraint messages_body_check check ((length(body) >= 1) and (length(body) <= 20000)),
  constraint messages_author_identity_id_fkey foreign key (author_identity_id) references public.identities(id) on delete set null,
  constraint messages_thread_id_identity_id_fkey foreign key (thread_id, identity_id) references public.threads(id, identity_id) on delete cascade
);
alter table public.messages enable row level security;
create index messages_agent_execution_id_idx on public.messages (agent_execution_id, identity_id);
create index messages_author_identity_id_idx on public.messages (author_identity_id);
create index messages_identity_id_idx on public.messages (identity_id);
create index messages_thread_id_idx on public.messages (thread_id, identity_id, created_at);

/** A decision recorded in a thread, optionally from one of its messages. */
create table public.decisions (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  thread_id uuid not null,
  message_id uuid,
  title text not null,
  rationale text not null default ''::text,
  status text not null default 'proposed'::text,
  decided_at timestamptz,
  created_at timestamptz not null default now(),
  constraint decisions_pkey primary key (id),
  constraint decisions_id_identity_id_key unique (id, identity_id),
  constraint decisions_rationale_check check (length(rationale) <= 10000),
  constraint decisions_status_check check (status in ('proposed', 'accepted', 'rejected', 'superseded')),
  constraint decisions_title_check check ((length(title) >= 1) and (length(title) <= 300)),
  constraint decisions_message_id_identity_id_fkey foreign key (message_id, identity_id) references public.messages(id, identity_id) on delete set null (message_id),
  constraint decisions_thread_id_identity_id_fkey foreign key (thread_id, identity_id) references public.threads(id, identity_id) on delete cascade
);
alter table public.decisions enable row level security;
create index decisions_identity_id_idx on public.decisions (identity_id);
create index decisions_message_id_idx on public.decisions (message_id, identity_id);
create index decisions_thread_id_idx on public.decisions (thread_id, identity_id);
