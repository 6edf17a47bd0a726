/**
 * Memory items: what CHE·NU remembers, per identity / dataspace / thread, under the Memory Laws.
 * The schema enforces the laws that are facts about rows: one owning identity that never changes
 * (law 1), a source for every item (law 3), forgetting erases content but keeps a tombstone (law 5),
 * agent proposals stay 'proposed' until a human commits them (law 7), a sensitive flag (law 8) and
 * an expiry (law 9). Laws about agent reads (6, 10) are the pipeline's.
 */
create table public.memory_items (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  user_id uuid not null default auth.uid() references public.users (id) on delete cascade,
  dataspace_id uuid not null,
  thread_id uuid,
  source_type text not null check (source_type in ('thread', 'message', 'meeting', 'file', 'user', 'agent_execution')),
  source_id uuid,
  kind text not null default 'fact' check (kind in ('fact', 'preference', 'summary', 'decision', 'task', 'note')),
  content text not null check (length(content) <= 20000),
  sensitive boolean not null default false,
  status text not null default 'committed' check (status in ('proposed', 'committed', 'forgotten')),
  origin text not null default 'human' check (origin in ('human', 'agent')),
  proposed_by_execution_id uuid,
  expires_at timestamptz,
  forgotten_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, identity_id),
  -- law 3: every item has a source; only an explicit user entry may omit its id
  check (source_type = 'user' or source_id is not null),
  -- law 5: a forgotten item keeps no content
  check ((status = 'forgotten') = (forgotten_at is not null)),
  check (status <> 'forgotten' or content = ''),
  check (status = 'forgotten' or length(content) >= 1),
  -- law 7: what an agent produced starts as a proposal
  check (origin = 'human' or proposed_by_execution_id is not null),
  foreign key (dataspace_id, identity_id) references public.dataspaces (id, identity_id) on delete cascade,
  foreign key (thread_id, identity_id) references public.threads (id, identity_id) on delete set null (thread_id)
);
create index memory_items_dataspace_id_idx on public.memory_items (dataspace_id, identity_id);
create index memory_items_thread_id_idx on public.memory_items (thread_id, identity_id);
create index memory_items_user_id_idx on public.memory_items (user_id);
create trigger memory_items_touch_updated_at before update on public.memory_items
  for each row execute function private.touch_updated_at();

/** Law 1 and law 7 as a trigger: owner never changes; agent items are inserted as proposals only. */
create function private.guard_memory_item() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    if new.origin = 'agent' and new.status <> 'proposed' then
      raise exception 'memory law 7: an agent may only propose a memory item' using errcode = '23514';
    end if;
    return new;
  end if;
  if new.identity_id <> old.identity_id or new.user_id <> old.user_id then
    raise exception 'memory law 1: a memory item''s identity never changes' using errcode = '23514';
  end if;
  if old.status = 'forgotten' and new.status <> 'forgotten' then
    raise exception 'memory law 5: a forgotten item cannot come back' using errcode = '23514';
  end if;
  return new;
end;
$$;
create trigger memory_items_guard before insert or update on public.memory_items
  for each row execute function private.guard_memory_item();

/**
 * Tombstones of corrections and forgets (law 5): what happened, when, and a hash of the content
 * that was replaced or erased, never the content itself.
 */
create table public.memory_corrections (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  memory_item_id uuid not null,
  kind text not null check (kind in ('correct', 'forget', 'commit')),
  previous_content_sha256 text check (previous_content_sha256 ~ '^[0-9a-f]{64}$'),
  created_at timestamptz not null default now(),
  foreign key (memory_item_id, identity_id) references public.memory_items (id, identity_id) on delete cascade
);
create index memory_corrections_memory_item_id_idx on public.memory_corrections (memory_item_id, identity_id);

/** Law 5: the human corrects an item; the tombstone and the audit row are written with it. */
create function public.correct_memory_item(p_id uuid, p_content text) returns public.memory_items
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  old_item public.memory_items;
  item public.memory_items;
begin
  select * into old_item from public.memory_items m where m.id = p_id and m.status <> 'forgotten' for update;
  if not found then
    raise exception 'memory item % not found', p_id using errcode = 'P0002';
  end if;
  update public.memory_items m set content = p_content where m.id = p_id returning * into item;
  insert into public.memory_corrections (identity_id, memory_item_id, kind, previous_content_sha256)
  values (item.identity_id, item.id, 'correct', encode(sha256(convert_to(old_item.content, 'UTF8')), 'hex'));
  perform private.audit_self('memory.corrected', 'memory_item', item.id, '{}'::jsonb);
  return item;
end;
$$;

/** Law 5: the human forgets an item: its content is erased, a tombstone remains. */
create function public.forget_memory_item(p_id uuid) returns public.memory_items
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  old_item public.memory_items;
  item public.memory_items;
begin
  select * into old_item from public.memory_items m where m.id = p_id and m.status <> 'forgotten' for update;
  if not found then
    raise exception 'memory item % not found', p_id using errcode = 'P0002';
  end if;
  update public.memory_items m
  set content = '', status = 'forgotten', forgotten_at = now()
  where m.id = p_id returning * into item;
  insert into public.memory_corrections (identity_id, memory_item_id, kind, previous_content_sha256)
  values (item.identity_id, item.id, 'forget', encode(sha256(convert_to(old_item.content, 'UTF8')), 'hex'));
  perform private.audit_self('memory.forgotten', 'memory_item', item.id, '{}'::jsonb);
  return item;
end;
$$;

revoke execute on function public.correct_memory_item(uuid, text), public.forget_memory_item(uuid) from public, anon;
grant execute on function public.correct_memory_item(uuid, text), public.forget_memory_item(uuid)
  to authenticated, service_role;

-- memory is never hard-deleted by clients (law 5): select, insert, update only
select private.apply_identity_rls('public.memory_items', 'memory items', 'null', 'dataspace_id',
  array['select', 'insert', 'update']);
select private.apply_identity_rls('public.memory_corrections', 'memory corrections', 'null', 'null',
  array['select', 'insert']);
