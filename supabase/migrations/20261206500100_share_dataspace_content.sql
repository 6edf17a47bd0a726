/**
 * Shared spaces (issue 14), part 2: the policies open a dataspace's content to its members by role,
 * and a meeting (with its notes, tasks and thread) to the identities seated in it, through the same
 * generated machinery as every identity-owned table. `private.apply_share_rls` records a table's
 * rule in `private.share_rules` (the RLS suites read it) and extends each of the table's generated
 * policies (private.apply_identity_rls: owner, then elevation) with one more branch:
 *
 *   or ((select private.has_shares()) and (
 *         (<row's dataspace> = any ((select private.shared_dataspace_ids(<rank>))) and <member filter>)
 *      or (<row's meeting> = any ((select private.invited_meeting_ids(<rank>))))   -- meeting seats
 *      or (<row's thread> = any ((select private.invited_thread_ids(<rank>))))     -- the meeting's thread
 *      or (assignee_participant_id = any ((select private.my_participant_ids())))  -- assigned tasks
 *   ))
 *
 * Each array is computed once per statement (an InitPlan), so a member's list of 100k rows costs an
 * array probe per row (`npm run bench:db`, membership case). The owner test still comes first, so
 * an owner's rows never reach the shared branch. The minimum role is per verb (read, insert, update,
 * delete): viewer 1, participant 2, editor 3, host 4; null: the verb is never shared.
 *
 * The content's denormalised owner column `user_id` would tell a member which user owns the
 * dataspace (and link two identities of one person when both share with the same member), so
 * `authenticated` no longer reads it on shared tables (column privileges; the API never returns it).
 */

/** The sharing rule of each table that a membership or a meeting seat opens (read by the RLS suites). */
create table private.share_rules (
  table_name regclass primary key,
  dataspace_expr text not null,
  read_rank integer,
  insert_rank integer,
  update_rank integer,
  delete_rank integer,
  member_filter text,
  meeting_expr text,
  thread_expr text,
  invitee_insert_rank integer,
  assignee_read boolean not null default false,
  extra_read text,
  -- the generated policies as they were before sharing: {"<polname>": {"cmd", "using", "check"}}
  base_policies jsonb not null
);
alter table private.share_rules enable row level security;
revoke all on table private.share_rules from public, anon, authenticated;
grant select on table private.share_rules to service_role;

/**
 * The shared branch of a policy for one verb: null when nothing is shared for it. `p_rank` is the
 * members' minimum rank, `p_invitee_rank` the meeting seats' (null: seats give nothing).
 */
create function private.share_predicate(p_rule private.share_rules, p_rank integer, p_invitee_rank integer,
                                        p_assignee boolean)
returns text
language plpgsql immutable
set search_path = ''
as $$
declare
  parts text[] := '{}';
begin
  if p_rank is not null then
    parts := parts || format('((%s) = any ((select private.shared_dataspace_ids(%s))::uuid[])%s)',
      p_rule.dataspace_expr, p_rank, coalesce(' and (' || p_rule.member_filter || ')', ''));
  end if;
  if p_invitee_rank is not null and p_rule.meeting_expr is not null then
    parts := parts || format('((%s) = any ((select private.invited_meeting_ids(%s))::uuid[]))',
      p_rule.meeting_expr, p_invitee_rank);
  end if;
  if p_invitee_rank is not null and p_rule.thread_expr is not null then
    parts := parts || format('((%s) = any ((select private.invited_thread_ids(%s))::uuid[]))',
      p_rule.thread_expr, p_invitee_rank);
  end if;
  if p_assignee then
    parts := parts || 'assignee_participant_id = any ((select private.my_participant_ids())::uuid[])'::text;
  end if;
  if cardinality(parts) = 0 then
    return null;
  end if;
  return format('((select private.has_shares()) and (%s))', array_to_string(parts, ' or '));
end;
$$;

/**
 * Opens `p_table` to members and meeting seats: records the rule and rebuilds every policy of the
 * table as `(<generated policy>) or <shared branch>` (plus `p_extra_read`, another way to read, e.g.
 * an invitee's own invitations). Idempotent: the generated policies are kept in the rule at first
 * application and every call rebuilds from them. Called by migrations only; never granted to API roles.
 *   p_dataspace: SQL of the row's dataspace id; p_read/p_insert/p_update/p_delete: minimum member rank
 *   per verb (null: not shared); p_member_filter: what members see of the rows (e.g. `not sensitive`);
 *   p_meeting / p_thread: SQL of the row's meeting / meeting thread for meeting seats (read; insert
 *   with p_invitee_insert); p_assignee_read: a task's assignee reads it.
 */
create function private.apply_share_rls(
  p_table regclass, p_dataspace text, p_read integer, p_insert integer, p_update integer, p_delete integer,
  p_member_filter text default null, p_meeting text default null, p_thread text default null,
  p_invitee_insert integer default null, p_assignee_read boolean default false, p_extra_read text default null
) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  rule private.share_rules;
  base jsonb;
  pol record;
  share text;
  using_sql text;
  check_sql text;
begin
  select r.base_policies into base from private.share_rules r where r.table_name = p_table;
  if base is null then
    select coalesce(jsonb_object_agg(p.polname, jsonb_build_object(
             'cmd', p.polcmd, 'using', pg_catalog.pg_get_expr(p.polqual, p.polrelid),
             'check', pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid))), '{}'::jsonb)
    into base
    from pg_catalog.pg_policy p where p.polrelid = p_table;
    if base = '{}'::jsonb then
      raise exception 'apply_share_rls: % has no policies to extend', p_table;
    end if;
  end if;
  insert into private.share_rules as r
    (table_name, dataspace_expr, read_rank, insert_rank, update_rank, delete_rank, member_filter, meeting_expr,
     thread_expr, invitee_insert_rank, assignee_read, extra_read, base_policies)
  values (p_table, p_dataspace, p_read, p_insert, p_update, p_delete, p_member_filter, p_meeting, p_thread,
          p_invitee_insert, p_assignee_read, p_extra_read, base)
  on conflict (table_name) do update
    set dataspace_expr = excluded.dataspace_expr, read_rank = excluded.read_rank,
        insert_rank = excluded.insert_rank, update_rank = excluded.update_rank,
        delete_rank = excluded.delete_rank, member_filter = excluded.member_filter,
        meeting_expr = excluded.meeting_expr, thread_expr = excluded.thread_expr,
        invitee_insert_rank = excluded.invitee_insert_rank, assignee_read = excluded.assignee_read,
        extra_read = excluded.extra_read
  returning * into rule;

  for pol in select k as name, v ->> 'cmd' as cmd, v ->> 'using' as using_base, v ->> 'check' as check_base
             from jsonb_each(base) e (k, v) loop
    share := case pol.cmd
      when 'r' then private.share_predicate(rule, p_read, 1, p_assignee_read)
      when 'a' then private.share_predicate(rule, p_insert, p_invitee_insert, false)
      when 'w' then private.share_predicate(rule, p_update, null, false)
      when 'd' then private.share_predicate(rule, p_delete, null, false)
    end;
    if pol.cmd = 'r' and p_extra_read is not null then
      share := coalesce(share || ' or ', '') || '(' || p_extra_read || ')';
    end if;
    using_sql := case when pol.using_base is null then null
                      else '(' || pol.using_base || ')' || coalesce(' or ' || share, '') end;
    check_sql := case when pol.check_base is null then null
                      else '(' || pol.check_base || ')' || coalesce(' or ' || share, '') end;
    if using_sql is not null and check_sql is not null then
      execute format('alter policy %I on %s using (%s) with check (%s)', pol.name, p_table, using_sql, check_sql);
    elsif using_sql is not null then
      execute format('alter policy %I on %s using (%s)', pol.name, p_table, using_sql);
    else
      execute format('alter policy %I on %s with check (%s)', pol.name, p_table, check_sql);
    end if;
  end loop;
end;
$$;
revoke execute on function private.apply_share_rls(regclass, text, integer, integer, integer, integer, text, text,
  text, integer, boolean, text) from public;
revoke execute on function private.share_predicate(private.share_rules, integer, integer, boolean) from public;

/**
 * Takes `p_columns` of `p_table` out of what `authenticated` may read (the table-level SELECT grant
 * becomes a grant on every other column). Called by migrations only; never granted to API roles.
 */
create function private.hide_columns_from_clients(p_table regclass, p_columns text[]) returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  cols text;
begin
  if exists (select 1 from unnest(p_columns) c
             where not exists (select 1 from pg_catalog.pg_attribute a
                               where a.attrelid = p_table and a.attname = c and not a.attisdropped)) then
    raise exception 'hide_columns_from_clients: % lacks a column of %', p_table, p_columns;
  end if;
  select string_agg(format('%I', a.attname), ', ' order by a.attnum) into cols
  from pg_catalog.pg_attribute a
  where a.attrelid = p_table and a.attnum > 0 and not a.attisdropped and a.attname <> all (p_columns);
  execute format('revoke select on table %s from authenticated', p_table);
  execute format('grant select (%s) on table %s to authenticated', cols, p_table);
end;
$$;
revoke execute on function private.hide_columns_from_clients(regclass, text[]) from public;

-- the rows' dataspace, for children that do not carry it
-- (each subselect runs as the reader, under the parent's own policies)

-- the containers: a member reads its dataspace; only the owner renames, archives or deletes it
select private.apply_share_rls('public.dataspaces', 'id', 1, null, null, null);
select private.apply_share_rls('public.threads', 'dataspace_id', 1, 3, 3, 3, p_thread => 'id');
-- participants post; editors moderate; a meeting seat posts in the meeting's thread
select private.apply_share_rls('public.messages',
  '(select t.dataspace_id from public.threads t where t.id = thread_id)', 1, 2, 3, 3,
  p_thread => 'thread_id', p_invitee_insert => 2);
select private.apply_share_rls('public.decisions',
  '(select t.dataspace_id from public.threads t where t.id = thread_id)', 1, 3, 3, 3, p_thread => 'thread_id');
select private.apply_share_rls('public.workspaces', 'dataspace_id', 1, 3, 3, 3);
select private.apply_share_rls('public.panels',
  '(select w.dataspace_id from public.workspaces w where w.id = workspace_id)', 1, 3, 3, 3);
select private.apply_share_rls('public.panel_states',
  '(select w.dataspace_id from public.panels p join public.workspaces w on w.id = p.workspace_id where p.id = panel_id)',
  1, 3, 3, 3);
select private.apply_share_rls('public.workspace_transformations',
  '(select w.dataspace_id from public.workspaces w where w.id = workspace_id)', 1, 3, 3, 3);
select private.apply_share_rls('public.workspace_state_history',
  '(select w.dataspace_id from public.workspaces w where w.id = workspace_id)', 1, 3, 3, 3);
select private.apply_share_rls('public.ocw_sessions',
  '(select w.dataspace_id from public.workspaces w where w.id = workspace_id)', 1, 3, 3, 3);
-- memory: never the items marked sensitive (law 8), neither to read nor to write
select private.apply_share_rls('public.memory_items', 'dataspace_id', 1, 3, 3, null,
  p_member_filter => 'not sensitive');
select private.apply_share_rls('public.memory_corrections',
  '(select m.dataspace_id from public.memory_items m where m.id = memory_item_id)', 1, 3, null, null,
  p_member_filter => '(select not m.sensitive from public.memory_items m where m.id = memory_item_id)');
-- meetings: a seat reads its meeting, notes, tasks (and takes notes); an assignee reads its tasks
select private.apply_share_rls('public.meetings', 'dataspace_id', 1, 3, 3, 3, p_meeting => 'id');
select private.apply_share_rls('public.meeting_participants',
  '(select m.dataspace_id from public.meetings m where m.id = meeting_id)', 1, 3, 3, 3);
select private.apply_share_rls('public.meeting_notes',
  '(select m.dataspace_id from public.meetings m where m.id = meeting_id)', 1, 2, 3, 3,
  p_meeting => 'meeting_id', p_invitee_insert => 2);
select private.apply_share_rls('public.meeting_tasks',
  '(select m.dataspace_id from public.meetings m where m.id = meeting_id)', 1, 3, 3, 3,
  p_meeting => 'meeting_id', p_assignee_read => true);
select private.apply_share_rls('public.files', 'dataspace_id', 1, 3, 3, 3);
-- rooms: hosts configure them (capacity, lock); participants place and move what is in them
select private.apply_share_rls('public.xr_rooms', 'dataspace_id', 1, 4, 4, 4, p_meeting => 'meeting_id');
select private.apply_share_rls('public.spatial_anchors',
  '(select r.dataspace_id from public.xr_rooms r where r.id = room_id)', 1, 2, 2, 2);
select private.apply_share_rls('public.spatial_objects',
  '(select r.dataspace_id from public.xr_rooms r where r.id = room_id)', 1, 2, 2, 2);
-- the runs made there (written by the pipeline only), and what caps spending there (participants run)
select private.apply_share_rls('public.agent_executions', 'dataspace_id', 1, null, null, null);
select private.apply_share_rls('public.encoded_intents',
  '(select t.dataspace_id from public.threads t where t.id = thread_id)', 1, null, null, null);
select private.apply_share_rls('public.token_budgets',
  'case scope_type when ''dataspace'' then scope_id when ''thread'' then (select t.dataspace_id from public.threads t where t.id = scope_id) end',
  2, null, null, null);

-- the sharing tables themselves: written only by the sharing functions (20261206500200)
select private.apply_identity_rls('public.dataspace_members', 'dataspace members', 'null', 'dataspace_id',
  array['select']);
select private.apply_identity_rls('public.invitations', 'invitations', 'null', 'dataspace_id', array['select']);
select private.apply_identity_rls('public.share_links', 'share links', 'null', 'dataspace_id', array['select']);
-- co-members see each other; hosts see the invitations and links; invitees see theirs; inviters theirs
select private.apply_share_rls('public.dataspace_members', 'dataspace_id', 1, null, null, null);
select private.apply_share_rls('public.invitations', 'dataspace_id', 4, null, null, null,
  p_extra_read => 'invitee_email = (select private.my_email()) or invited_by_identity_id = (select private.active_identity_id())');
select private.apply_share_rls('public.share_links', 'dataspace_id', 4, null, null, null,
  p_extra_read => 'created_by_identity_id = (select private.active_identity_id())');

-- who owns a shared row is the tenant identity; which user that is stays the owner's to know
select private.hide_columns_from_clients('public.dataspaces', array['user_id']);
select private.hide_columns_from_clients('public.workspaces', array['user_id']);
select private.hide_columns_from_clients('public.memory_items', array['user_id']);
select private.hide_columns_from_clients('public.meetings', array['user_id']);
select private.hide_columns_from_clients('public.agent_executions', array['user_id']);
-- a link's token is shown once; its hash is the server's
select private.hide_columns_from_clients('public.share_links', array['token_hash']);

-- a participant row names an identity only through an invitation, a link or a room (server code):
-- naming one is what gives it a seat in the meeting
select private.keep_server_columns('public.meeting_participants', array['participant_identity_id', 'via_link_id']);

/**
 * A correction or forget of a memory item is audited on the actor's chain (as before) and, when the
 * item is a shared dataspace's (a member corrected the owner's memory), on its owner's chain too.
 * Refuses an item the active identity could not edit. Called by the memory functions below.
 */
create function private.audit_memory_change(p_item uuid, p_action text) returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  active uuid := private.active_identity_id();
  item record;
begin
  select m.identity_id, m.dataspace_id into item from public.memory_items m where m.id = p_item;
  if item.identity_id is null or active is null
     or coalesce(private.dataspace_rank(private.dataspace_role(item.dataspace_id, active)), 0) < 3 then
    -- the owner's own items (and elevated writers) keep the single audit row of audit_self
    perform private.audit_self(p_action, 'memory_item', p_item, '{}'::jsonb);
    return;
  end if;
  perform private.audit_sharing(item.identity_id, active, p_action, 'memory_item', p_item, '{}'::jsonb);
end;
$$;
revoke execute on function private.audit_memory_change(uuid, text) from public, anon;
grant execute on function private.audit_memory_change(uuid, text) to authenticated, service_role;

-- the memory functions read and return the rows as the caller, who no longer reads `user_id`:
-- they return the item's other columns (same names, same order)
drop function public.correct_memory_item(uuid, text);
drop function public.forget_memory_item(uuid);

/** Law 5: the human corrects an item; the tombstone and the audit rows are written with it. */
create function public.correct_memory_item(p_id uuid, p_content text)
returns table (id uuid, identity_id uuid, dataspace_id uuid, thread_id uuid, source_type text, source_id uuid,
               kind text, content text, sensitive boolean, status text, origin text, proposed_by_execution_id uuid,
               expires_at timestamptz, forgotten_at timestamptz, created_at timestamptz, updated_at timestamptz)
language plpgsql volatile security invoker
set search_path = ''
as $$
#variable_conflict use_column
declare
  old_content text;
  tenant uuid;
begin
  select m.content into old_content from public.memory_items m where m.id = p_id and m.status <> 'forgotten' for update;
  if not found then
    raise exception 'memory item % not found', p_id using errcode = 'P0002';
  end if;
  update public.memory_items m set content = p_content where m.id = p_id returning m.identity_id into tenant;
  insert into public.memory_corrections (identity_id, memory_item_id, kind, previous_content_sha256)
  values (tenant, p_id, 'correct', encode(sha256(convert_to(old_content, 'UTF8')), 'hex'));
  perform private.audit_memory_change(p_id, 'memory.corrected');
  return query
    select m.id, m.identity_id, m.dataspace_id, m.thread_id, m.source_type, m.source_id, m.kind, m.content,
           m.sensitive, m.status, m.origin, m.proposed_by_execution_id, m.expires_at, m.forgotten_at, m.created_at,
           m.updated_at
    from public.memory_items m where m.id = p_id;
end;
$$;

/** Law 5: the human forgets an item: its content is erased, a tombstone remains. */
create function public.forget_memory_item(p_id uuid)
returns table (id uuid, identity_id uuid, dataspace_id uuid, thread_id uuid, source_type text, source_id uuid,
               kind text, content text, sensitive boolean, status text, origin text, proposed_by_execution_id uuid,
               expires_at timestamptz, forgotten_at timestamptz, created_at timestamptz, updated_at timestamptz)
language plpgsql volatile security invoker
set search_path = ''
as $$
#variable_conflict use_column
declare
  old_content text;
  tenant uuid;
begin
  select m.content into old_content from public.memory_items m where m.id = p_id and m.status <> 'forgotten' for update;
  if not found then
    raise exception 'memory item % not found', p_id using errcode = 'P0002';
  end if;
  update public.memory_items m
  set content = '', status = 'forgotten', forgotten_at = now()
  where m.id = p_id returning m.identity_id into tenant;
  insert into public.memory_corrections (identity_id, memory_item_id, kind, previous_content_sha256)
  values (tenant, p_id, 'forget', encode(sha256(convert_to(old_content, 'UTF8')), 'hex'));
  perform private.audit_memory_change(p_id, 'memory.forgotten');
  return query
    select m.id, m.identity_id, m.dataspace_id, m.thread_id, m.source_type, m.source_id, m.kind, m.content,
           m.sensitive, m.status, m.origin, m.proposed_by_execution_id, m.expires_at, m.forgotten_at, m.created_at,
           m.updated_at
    from public.memory_items m where m.id = p_id;
end;
$$;

revoke execute on function public.correct_memory_item(uuid, text), public.forget_memory_item(uuid) from public, anon;
grant execute on function public.correct_memory_item(uuid, text), public.forget_memory_item(uuid)
  to authenticated, service_role;

/**
 * Records an uploaded file (restated from 20261206200300): into a dataspace the active identity owns,
 * as before, or one it is an editor (or host) of, as the dataspace owner's row (the tenant). The path
 * is derived here (`<tenant>/<file id>`), never chosen by a client; any other dataspace is a 23503,
 * like one that does not exist.
 */
create or replace function private.create_file(
  p_id uuid, p_dataspace_id uuid, p_name text, p_mime_type text, p_size_bytes bigint, p_sha256 text,
  p_storage_backend text
) returns public.files
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  active uuid := private.active_identity_id();
  tenant uuid := active;
  f public.files;
begin
  if active is null then
    raise exception 'no active identity in the request' using errcode = '42501';
  end if;
  if coalesce(private.role_rank(private.dataspace_role(p_dataspace_id, active)), 0) >= 3 then
    select d.identity_id into tenant from public.dataspaces d where d.id = p_dataspace_id;
  end if;
  insert into public.files
    (id, identity_id, dataspace_id, name, mime_type, size_bytes, sha256, storage_backend, storage_path)
  values (p_id, tenant, p_dataspace_id, p_name, p_mime_type, p_size_bytes, p_sha256, p_storage_backend,
          tenant::text || '/' || p_id::text)
  returning * into f;
  return f;
end;
$$;
