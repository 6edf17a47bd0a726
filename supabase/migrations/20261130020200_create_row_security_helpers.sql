/**
 * Row security helpers (policies, stamps, server columns): functions.
 * Part of the baseline (20261130*): each function in its final version, with its why.
 */

/**
 * Applies the standard access rules of an identity-owned table, so every such table gets exactly
 * the same ones: grants revoked from the API roles and granted back for the given verbs, an index
 * on identity_id (the column the policies filter on), and one policy per verb named as a sentence,
 * `to authenticated`, using the predicate above. `p_sphere` / `p_dataspace` are the column names
 * (or 'null') that place a row in a sphere or dataspace for elevation scopes.
 * Called by migrations only; never granted to API roles.
 */
create function private.apply_identity_rls(p_table regclass, p_noun text, p_sphere text default 'null'::text, p_dataspace text default 'null'::text, p_verbs text[] default array['select'::text, 'insert'::text, 'update'::text, 'delete'::text])
 returns void
 language plpgsql
 set search_path to ''
as $$
declare
  pred_read text := format(
    'identity_id = (select private.active_identity_id()) or ((select private.has_elevations()) and private.elevated(identity_id, %L, %s, %s))',
    'read', p_sphere, p_dataspace);
  pred_write text := format(
    'identity_id = (select private.active_identity_id()) or ((select private.has_elevations()) and private.elevated(identity_id, %L, %s, %s))',
    'write', p_sphere, p_dataspace);
  tbl text := p_table::text;
  short text := (select c.relname from pg_catalog.pg_class c where c.oid = p_table);
  verb text;
begin
  execute format('alter table %s enable row level security', tbl);
  execute format('revoke all on table %s from anon, authenticated', tbl);
  execute format('grant all on table %s to service_role', tbl);
  execute format('create index if not exists %I on %s (identity_id)', short || '_identity_id_idx', tbl);
  foreach verb in array p_verbs loop
    execute format('grant %s on table %s to authenticated', verb, tbl);
    case verb
      when 'select' then
        execute format('create policy %I on %s for select to authenticated using (%s)',
          private.policy_name('view', p_noun), tbl, pred_read);
      when 'insert' then
        execute format('create policy %I on %s for insert to authenticated with check (%s)',
          private.policy_name('create', p_noun), tbl, pred_write);
      when 'update' then
        execute format('create policy %I on %s for update to authenticated using (%s) with check (%s)',
          private.policy_name('update', p_noun), tbl, pred_write, pred_write);
      when 'delete' then
        execute format('create policy %I on %s for delete to authenticated using (%s)',
          private.policy_name('delete', p_noun), tbl, pred_write);
      else
        raise exception 'unknown verb %', verb;
    end case;
  end loop;
end;
$$;

/**
 * Replaces every policy of an identity-owned table by the same verb's owner-only rule
 * (`identity_id` = the active identity, plus `p_extra` when given), named as a sentence.
 * Called by migrations only; never granted to API roles.
 */
create function private.apply_owner_only_rls(p_table regclass, p_noun text, p_extra text default null::text)
 returns void
 language plpgsql
 set search_path to ''
as $$
declare
  pol record;
  pred text := 'identity_id = (select private.active_identity_id())'
    || coalesce(' and ' || p_extra, '');
  name text;
begin
  for pol in select p.polname, p.polcmd from pg_catalog.pg_policy p where p.polrelid = p_table loop
    execute format('drop policy %I on %s', pol.polname, p_table);
    name := format('Identities can %s their own %s',
      case pol.polcmd when 'r' then 'view' when 'a' then 'create' when 'w' then 'update' when 'd' then 'delete' end,
      p_noun);
    if octet_length(name) > 63 then
      raise exception 'policy name too long (% bytes): %', octet_length(name), name;
    end if;
    case pol.polcmd
      when 'r' then execute format('create policy %I on %s for select to authenticated using (%s)', name, p_table, pred);
      when 'a' then execute format('create policy %I on %s for insert to authenticated with check (%s)', name, p_table, pred);
      when 'w' then execute format('create policy %I on %s for update to authenticated using (%s) with check (%s)',
                                   name, p_table, pred, pred);
      when 'd' then execute format('create policy %I on %s for delete to authenticated using (%s)', name, p_table, pred);
      else raise exception 'apply_owner_only_rls: policy % of % is for all commands', pol.polname, p_table;
    end case;
  end loop;
end;
$$;

/**
 * Attaches private.stamp_owner_user to every identity-owned table of public that has a `user_id`
 * and lacks the trigger, and returns their names. Read from the catalog so that no table is
 * forgotten: a migration adding such a table calls it again (test/security/ownerColumns.test.ts
 * fails until it does). Called by migrations only; never granted to API roles.
 */
create function private.apply_owner_stamps()
 returns setof text
 language plpgsql
 set search_path to ''
as $$
declare
  t record;
begin
  for t in
    select c.relname
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r' and c.relname <> 'audit_log'
      and exists (select 1 from pg_catalog.pg_attribute a
                  where a.attrelid = c.oid and a.attname = 'identity_id' and not a.attisdropped)
      and exists (select 1 from pg_catalog.pg_attribute a
                  where a.attrelid = c.oid and a.attname = 'user_id' and not a.attisdropped)
      -- a user-owned table (user_subscriptions) is ruled by user_id itself: its identity_id is a pointer
      and not exists (select 1 from pg_catalog.pg_policy p where p.polrelid = c.oid
                        and coalesce(pg_catalog.pg_get_expr(p.polqual, p.polrelid), '') like '%user_id%')
      and not exists (select 1 from pg_catalog.pg_trigger g where g.tgrelid = c.oid
                        and g.tgfoid = 'private.stamp_owner_user()'::pg_catalog.regprocedure)
    order by c.relname
  loop
    execute format(
      'create trigger %I before insert or update of identity_id, user_id on public.%I '
      'for each row execute function private.stamp_owner_user()',
      t.relname || '_stamp_owner', t.relname);
    return next t.relname;
  end loop;
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
create function private.apply_share_rls(p_table regclass, p_dataspace text, p_read integer, p_insert integer, p_update integer, p_delete integer, p_member_filter text default null::text, p_meeting text default null::text, p_thread text default null::text, p_invitee_insert integer default null::integer, p_assignee_read boolean default false, p_extra_read text default null::text)
 returns void
 language plpgsql
 set search_path to ''
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

/**
 * True when the active identity holds a live grant of at least `p_permission` ('write' implies
 * 'read') on a scope covering a row owned by `p_owner`: the whole identity, the row's sphere, or the
 * row's dataspace. plpgsql so that its body is bound at call time (dataspaces come later).
 */
create function private.elevated(p_owner uuid, p_permission text, p_sphere uuid default null::uuid, p_dataspace uuid default null::uuid)
 returns boolean
 language plpgsql
 stable security definer
 set search_path to ''
as $$
declare
  active uuid := private.active_identity_id();
  sphere uuid := p_sphere;
begin
  if active is null or p_owner is null or active = p_owner then
    return false;
  end if;
  if sphere is null and p_dataspace is not null then
    select d.sphere_id into sphere from public.dataspaces d where d.id = p_dataspace;
  end if;
  return exists (
    select 1 from public.elevation_requests e
    where e.requester_identity_id = active
      and e.target_identity_id = p_owner
      and e.status = 'approved'
      and e.expires_at > now()
      and (e.permission = 'write' or p_permission = 'read')
      and (e.scope_type = 'identity'
           or (e.scope_type = 'sphere' and e.scope_id = sphere)
           or (e.scope_type = 'dataspace' and e.scope_id = p_dataspace))
  );
end;
$$;
grant execute on function private.elevated(p_owner uuid, p_permission text, p_sphere uuid, p_dataspace uuid) to authenticated, service_role;

/**
 * When the active identity's live grant of at least `p_permission` on a row owned by `p_owner`
 * lapses: the latest `expires_at` among its approved grants covering the whole identity, the row's
 * sphere or the row's dataspace; null when no grant covers it. The same predicate as
 * `private.elevated` (test/db/roomAccess.test.ts checks they agree), which stays as it is because
 * every RLS policy calls it per row.
 */
create function private.elevation_until(p_owner uuid, p_permission text, p_sphere uuid default null::uuid, p_dataspace uuid default null::uuid)
 returns timestamptz
 language plpgsql
 stable security definer
 set search_path to ''
as $$
declare
  active uuid := private.active_identity_id();
  sphere uuid := p_sphere;
  until timestamptz;
begin
  if active is null or p_owner is null or active = p_owner then
    return null;
  end if;
  if sphere is null and p_dataspace is not null then
    select d.sphere_id into sphere from public.dataspaces d where d.id = p_dataspace;
  end if;
  select max(e.expires_at) into until
  from public.elevation_requests e
  where e.requester_identity_id = active
    and e.target_identity_id = p_owner
    and e.status = 'approved'
    and e.expires_at > now()
    and (e.permission = 'write' or p_permission = 'read')
    and (e.scope_type = 'identity'
         or (e.scope_type = 'sphere' and e.scope_id = sphere)
         or (e.scope_type = 'dataspace' and e.scope_id = p_dataspace));
  return until;
end;
$$;
grant execute on function private.elevation_until(p_owner uuid, p_permission text, p_sphere uuid, p_dataspace uuid) to authenticated, service_role;

/** True when the active identity holds at least one live grant (lets policies skip the per-row check). */
create function private.has_elevations()
 returns boolean
 language plpgsql
 stable security definer
 set search_path to ''
as $$
declare
  active uuid := private.active_identity_id();
begin
  if active is null then
    return false;
  end if;
  return exists (
    select 1 from public.elevation_requests e
    where e.requester_identity_id = active and e.status = 'approved' and e.expires_at > now()
  );
end;
$$;
grant execute on function private.has_elevations() to authenticated, service_role;

/**
 * Takes `p_columns` of `p_table` out of what `authenticated` may read (the table-level SELECT grant
 * becomes a grant on every other column). Called by migrations only; never granted to API roles.
 */
create function private.hide_columns_from_clients(p_table regclass, p_columns text[])
 returns void
 language plpgsql
 set search_path to ''
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

/** True when the request was authenticated by an API key (its claims name the key). */
create function private.is_api_key_request()
 returns boolean
 language sql
 stable
 set search_path to ''
as $$
  select coalesce(nullif(current_setting('request.jwt.claims', true), '')::jsonb ? 'api_key_id', false)
$$;
grant execute on function private.is_api_key_request() to authenticated, service_role;

/**
 * Takes `p_columns` of `p_table` out of what `authenticated` may insert or update, keeping every
 * other column it could write: the table-level grants become column grants. Called by migrations
 * only; never granted to API roles.
 */
create function private.keep_server_columns(p_table regclass, p_columns text[])
 returns void
 language plpgsql
 set search_path to ''
as $$
declare
  verb text;
  cols text;
begin
  if exists (select 1 from unnest(p_columns) c
             where not exists (select 1 from pg_catalog.pg_attribute a
                               where a.attrelid = p_table and a.attname = c and not a.attisdropped)) then
    raise exception 'keep_server_columns: % lacks a column of %', p_table, p_columns;
  end if;
  foreach verb in array array['INSERT', 'UPDATE'] loop
    select string_agg(format('%I', a.attname), ', ' order by a.attnum) into cols
    from pg_catalog.pg_attribute a
    where a.attrelid = p_table and a.attnum > 0 and not a.attisdropped
      and a.attname <> all (p_columns)
      and pg_catalog.has_column_privilege('authenticated', p_table, a.attnum, verb);
    execute format('revoke %s on table %s from authenticated', verb, p_table);
    if cols is not null then
      execute format('grant %s (%s) on table %s to authenticated', verb, cols, p_table);
    end if;
  end loop;
end;
$$;

/** A policy name as a sentence, refused when Postgres would truncate it (63 bytes). */
create function private.policy_name(p_verb text, p_noun text)
 returns text
 language plpgsql
 immutable
 set search_path to ''
as $$
declare
  name text := format('Identities can %s own or elevated %s', p_verb, p_noun);
begin
  if octet_length(name) > 63 then
    raise exception 'policy name too long (% bytes): %', octet_length(name), name;
  end if;
  return name;
end;
$$;

/** The identity that owns a scope, or null when the scope does not exist. */
create function private.scope_owner(p_scope_type text, p_scope_id uuid)
 returns uuid
 language plpgsql
 stable security definer
 set search_path to ''
as $$
declare
  owner uuid;
begin
  case p_scope_type
    when 'identity' then select i.id into owner from public.identities i where i.id = p_scope_id;
    when 'sphere' then select s.identity_id into owner from public.spheres s where s.id = p_scope_id;
    when 'dataspace' then select d.identity_id into owner from public.dataspaces d where d.id = p_scope_id;
    else owner := null;
  end case;
  return owner;
end;
$$;

/**
 * The shared branch of a policy for one verb: null when nothing is shared for it. `p_rank` is the
 * members' minimum rank, `p_invitee_rank` the meeting seats' (null: seats give nothing).
 */
create function private.share_predicate(p_rule private.share_rules, p_rank integer, p_invitee_rank integer, p_assignee boolean)
 returns text
 language plpgsql
 immutable
 set search_path to ''
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
 * Stamps the actor column named by the trigger's argument: the active identity on a client's
 * insert, the stored value on a client's update. Runs as the invoker, so `current_user` is the
 * role of the statement: `authenticated` for a client (PostgREST, `withUser`), the owner inside a
 * security-definer function.
 */
create function private.stamp_actor()
 returns trigger
 language plpgsql
 set search_path to ''
as $$
declare
  col text := tg_argv[0];
begin
  if current_user <> 'authenticated' then
    return new;
  end if;
  if tg_op = 'INSERT' then
    return jsonb_populate_record(new, jsonb_build_object(col, private.active_identity_id()));
  end if;
  return jsonb_populate_record(new, jsonb_build_object(col, to_jsonb(old) -> col));
end;
$$;

/**
 * Stamps `user_id` with the user owning the row's identity. Security definer: the writer may be an
 * elevated grantee, who cannot read the owner's identities.
 */
create function private.stamp_owner_user()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $$
begin
  if new.identity_id is not null then
    new.user_id := (select i.user_id from public.identities i where i.id = new.identity_id);
  end if;
  return new;
end;
$$;

/** Shared trigger: keeps updated_at current on every update. */
create function private.touch_updated_at()
 returns trigger
 language plpgsql
 set search_path to ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;
