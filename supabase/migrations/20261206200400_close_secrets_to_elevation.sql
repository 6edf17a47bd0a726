/**
 * Tables that hold credentials are never opened by an elevation. A read grant on an identity let
 * the grantee read its webhook channels' signing secrets (and the URLs, which often carry tokens),
 * its API keys' hashes, and the stored answers of its idempotent requests, one of which is the
 * answer that carried a new API key in clear; a write grant let the grantee add a webhook channel
 * that received every later notification, or mint a key of the owner's identity. Elevation stays
 * the way to reach an identity's data, not its credentials: these tables are now the active
 * identity's own only, and API keys are managed by a signed-in session, never by a key.
 */

/**
 * Replaces every policy of an identity-owned table by the same verb's owner-only rule
 * (`identity_id` = the active identity, plus `p_extra` when given), named as a sentence.
 * Called by migrations only; never granted to API roles.
 */
create function private.apply_owner_only_rls(p_table regclass, p_noun text, p_extra text default null)
returns void
language plpgsql volatile
set search_path = ''
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
revoke execute on function private.apply_owner_only_rls(regclass, text, text) from public;

select private.apply_owner_only_rls('public.api_keys', 'API keys', 'not (select private.is_api_key_request())');
select private.apply_owner_only_rls('public.notification_channels', 'notification channels');
select private.apply_owner_only_rls('public.idempotency_keys', 'idempotency keys');
