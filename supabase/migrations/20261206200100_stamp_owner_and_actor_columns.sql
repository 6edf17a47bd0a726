/**
 * Denormalised owner and actor columns are stamped by the database, never taken from the client.
 * RLS checks `identity_id` only, so a `user_id` a client wrote was trusted as is: on a hosted
 * project (PostgREST exposes public) Alice could insert an API key whose `user_id` was Bob's, and
 * the key then authenticated as Bob. Likewise a message, note, anchor, panel state or workspace
 * transformation could name another identity as its author.
 *
 * - Owner columns: every `user_id` of an identity-owned table (found from the catalog by
 *   private.apply_owner_stamps below) is the user who owns the row's identity, whoever writes
 *   the row: derived from identity_id on insert and on any update of either column. audit_log is the one exception: it is written only by private.audit, which now
 *   stamps the same value itself (a trigger there would cost every ledger operation a call).
 * - Actor columns: who wrote a row (`author_identity_id`, `created_by_identity_id`, `created_by`)
 *   is the request's active identity when the client's own statement writes it (role
 *   `authenticated`), and never changes afterwards. Server functions (security definer, or the
 *   server's own connection) write what they decided, e.g. an agent run's messages.
 */

/**
 * Stamps `user_id` with the user owning the row's identity. Security definer: the writer may be an
 * elevated grantee, who cannot read the owner's identities.
 */
create function private.stamp_owner_user() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if new.identity_id is not null then
    new.user_id := (select i.user_id from public.identities i where i.id = new.identity_id);
  end if;
  return new;
end;
$$;

/**
 * Stamps the actor column named by the trigger's argument: the active identity on a client's
 * insert, the stored value on a client's update. Runs as the invoker, so `current_user` is the
 * role of the statement: `authenticated` for a client (PostgREST, `withUser`), the owner inside a
 * security-definer function.
 */
create function private.stamp_actor() returns trigger
language plpgsql
set search_path = ''
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
 * Attaches private.stamp_owner_user to every identity-owned table of public that has a `user_id`
 * and lacks the trigger, and returns their names. Read from the catalog so that no table is
 * forgotten: a migration adding such a table calls it again (test/security/ownerColumns.test.ts
 * fails until it does). Called by migrations only; never granted to API roles.
 */
create function private.apply_owner_stamps() returns setof text
language plpgsql volatile
set search_path = ''
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
revoke execute on function private.apply_owner_stamps() from public;
select private.apply_owner_stamps();

create trigger messages_stamp_author before insert or update of author_identity_id on public.messages
  for each row execute function private.stamp_actor('author_identity_id');
create trigger meeting_notes_stamp_author before insert or update of author_identity_id on public.meeting_notes
  for each row execute function private.stamp_actor('author_identity_id');
create trigger panel_states_stamp_author before insert or update of author_identity_id on public.panel_states
  for each row execute function private.stamp_actor('author_identity_id');
create trigger spatial_anchors_stamp_creator before insert or update of created_by_identity_id
  on public.spatial_anchors for each row execute function private.stamp_actor('created_by_identity_id');
create trigger workspace_transformations_stamp_creator before insert or update of created_by
  on public.workspace_transformations for each row execute function private.stamp_actor('created_by');

/**
 * Appends one audit row; the only way rows are written. `user_id` is the user owning the chain's
 * identity (it was the acting user: the requester of an elevation found the owner's user id in
 * their own trail, in the row recording the owner's decision).
 */
create or replace function private.audit(
  p_identity uuid, p_action text, p_entity_type text, p_entity_id uuid, p_payload jsonb default '{}'::jsonb
) returns bigint
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  new_id bigint;
begin
  insert into public.audit_log (identity_id, user_id, seq, action, entity_type, entity_id, payload, hash)
  values (p_identity,
          case when p_identity is null then (select auth.uid())
               else (select i.user_id from public.identities i where i.id = p_identity) end,
          0, p_action, p_entity_type, p_entity_id, coalesce(p_payload, '{}'::jsonb), '\x00')
  returning id into new_id;
  return new_id;
end;
$$;

-- rows written before: user_id is outside the hash chain (private.audit_digest), so correcting it
-- leaves every chain verifiable; the append-only trigger is lifted for this statement only
alter table public.audit_log disable trigger audit_log_append_only;
update public.audit_log a set user_id = i.user_id
from public.identities i
where i.id = a.identity_id and a.user_id is distinct from i.user_id;
alter table public.audit_log enable trigger audit_log_append_only;
