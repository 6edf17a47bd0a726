/**
 * Memory: tables.
 * Part of the baseline (20261130*); policies and grants in the matching `protect_*` file.
 */

/**
 * Memory items: what CHE·NU remembers, per identity / dataspace / thread, under the Memory Laws.
 * The schema enforces the laws that are facts about rows: one owning identity that never changes
 * (law 1), a source for every item (law 3), forgetting erases content but keeps a tombstone (law 5),
 * agent proposals stay 'proposed' until a human commits them (law 7), a sensitive flag (law 8) and
 * an expiry (law 9). Laws about agent reads (6, 10) are the pipeline's.
 */
create table public.memory_items (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  user_id uuid not null default auth.uid(),
  dataspace_id uuid not null,
  thread_id uuid,
  source_type text not null,
  source_id uuid,
  kind text not null default 'fact'::text,
  content text not null,
  sensitive boolean not null default false,
  status text not null default 'committed'::text,
  origin text not null default 'human'::text,
  proposed_by_execution_id uuid,
  expires_at timestamptz,
  forgotten_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint memory_items_pkey primary key (id),
  constraint memory_items_id_identity_id_key unique (id, identity_id),
  constraint memory_items_check check ((source_type = 'user'::text) or (source_id is not null)),
  constraint memory_items_check1 check ((status = 'forgotten'::text) = (forgotten_at is not null)),
  constraint memory_items_check2 check ((status <> 'forgotten'::text) or (content = ''::text)),
  constraint memory_items_check3 check ((status = 'forgotten'::text) or (length(content) >= 1)),
  constraint memory_items_check4 check ((origin = 'human'::text) or (proposed_by_execution_id is not null)),
  constraint memory_items_content_check check (length(content) <= 20000),
  constraint memory_items_kind_check check (kind in ('fact', 'preference', 'summary', 'decision', 'task', 'note')),
  constraint memory_items_origin_check check (origin in ('human', 'agent')),
  constraint memory_items_source_type_check check (source_type in ('thread', 'message', 'meeting', 'file', 'user', 'agent_execution')),
  constraint memory_items_status_check check (status in ('proposed', 'committed', 'forgotten')),
  constraint memory_items_dataspace_id_identity_id_fkey foreign key (dataspace_id, identity_id) references public.dataspaces(id, identity_id) on delete cascade,
  constraint memory_items_thread_id_identity_id_fkey foreign key (thread_id, identity_id) references public.threads(id, identity_id) on delete cascade,
  constraint memory_items_user_id_fkey foreign key (user_id) references public.users(id) on delete cascade
);
alter table public.memory_items enable row level security;
create index memory_items_dataspace_id_idx on public.memory_items (dataspace_id, identity_id);
create index memory_items_identity_id_idx on public.memory_items (identity_id);
create index memory_items_identity_page_idx on public.memory_items (identity_id, created_at desc, id desc);
create index memory_items_proposed_by_execution_id_idx on public.memory_items (proposed_by_execution_id, identity_id);
create index memory_items_thread_id_idx on public.memory_items (thread_id, identity_id);
create index memory_items_user_id_idx on public.memory_items (user_id);

/**
 * Tombstones of corrections and forgets (law 5): what happened, when, and a hash of the content
 * that was replaced or erased, never the content itself.
 */
create table public.memory_corrections (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  memory_item_id uuid not null,
  kind text not null,
  previous_content_sha256 text,
  created_at timestamptz not null default now(),
  constraint memory_corrections_pkey primary key (id),
  constraint memory_corrections_kind_check check (kind in ('correct', 'forget', 'commit')),
  constraint memory_corrections_previous_content_sha256_check check (previous_content_sha256 ~ '^[0-9a-f]{64}$'::text),
  constraint memory_corrections_memory_item_id_identity_id_fkey foreign key (memory_item_id, identity_id) references public.memory_items(id, identity_id) on delete cascade
);
alter table public.memory_corrections enable row level security;
create index memory_corrections_identity_id_idx on public.memory_corrections (identity_id);
create index memory_corrections_memory_item_id_idx on public.memory_corrections (memory_item_id, identity_id);
