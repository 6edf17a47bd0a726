/**
 * Server-kept columns are written only by server functions. A client (PostgREST on a hosted
 * project, or any route's `withUser` statement) could rewrite them: zeroing
 * `threads.tokens_reserved` under a live hold made every later settle fail, then the sweeper
 * aborted for everyone; `files.storage_path` pointed a file row at another tenant's object (or
 * outside the store); an API key's hash could be chosen by its creator; a delivery's retry state
 * and an agent message's provenance could be forged. Column privileges now say which columns
 * `authenticated` may insert and update; the ledger, the scope-lock and import functions, the
 * pipeline and the upload and key routes (security definer, in schema private) write the rest.
 * test/security/serverColumns.test.ts classifies every column a client can write, so a new one
 * fails the suite until it is classified.
 */

/**
 * Takes `p_columns` of `p_table` out of what `authenticated` may insert or update, keeping every
 * other column it could write: the table-level grants become column grants. Called by migrations
 * only; never granted to API roles.
 */
create function private.keep_server_columns(p_table regclass, p_columns text[]) returns void
language plpgsql volatile
set search_path = ''
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
revoke execute on function private.keep_server_columns(regclass, text[]) from public;

-- the ledger's counters, the scope lock's flag and the activity stamp (ledger, scope-lock and
-- trigger functions), the artifact schema version (the import)
select private.keep_server_columns('public.threads',
  array['tokens_consumed', 'tokens_reserved', 'scope_locked', 'scope_locked_at', 'last_activity_at', 'schema_version']);
-- where and what the stored bytes are: private.create_file, from the upload itself
select private.keep_server_columns('public.files',
  array['size_bytes', 'sha256', 'storage_backend', 'storage_path']);
-- the key material and its use: private.create_api_key and the key lookup
select private.keep_server_columns('public.api_keys', array['prefix', 'key_hash', 'last_used_at']);
-- an agent's message is written by the governed pipeline; a client posts as a human
select private.keep_server_columns('public.messages', array['author_kind', 'agent_execution_id']);
-- memory law 7's provenance: only the pipeline proposes agent memory
select private.keep_server_columns('public.memory_items', array['origin', 'proposed_by_execution_id']);
-- a delivery's outcome and retry schedule belong to the deliverer
select private.keep_server_columns('public.notification_deliveries',
  array['status', 'attempts', 'next_attempt_at', 'last_error', 'delivered_at']);

/**
 * Records an uploaded file of the active identity: the server has stored the bytes' facts (size,
 * hash, backend) and the path is derived here (`<identity>/<file id>`), never chosen by a client.
 * The dataspace must be the active identity's own (composite key; a 23503 otherwise).
 */
create function private.create_file(
  p_id uuid, p_dataspace_id uuid, p_name text, p_mime_type text, p_size_bytes bigint, p_sha256 text,
  p_storage_backend text
) returns public.files
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  active uuid := private.active_identity_id();
  f public.files;
begin
  if active is null then
    raise exception 'no active identity in the request' using errcode = '42501';
  end if;
  insert into public.files
    (id, identity_id, dataspace_id, name, mime_type, size_bytes, sha256, storage_backend, storage_path)
  values (p_id, active, p_dataspace_id, p_name, p_mime_type, p_size_bytes, p_sha256, p_storage_backend,
          active::text || '/' || p_id::text)
  returning * into f;
  return f;
end;
$$;
grant execute on function private.create_file(uuid, uuid, text, text, bigint, text, text)
  to authenticated, service_role;

/**
 * Creates an API key of the active identity from the key's visible prefix and SHA-256, which the
 * API computed from the key it shows once. Refused to API-key requests (a key never mints keys)
 * and without an active identity. Expiry and permissions are checked by the table.
 */
create function private.create_api_key(
  p_name text, p_permissions text[], p_expires_at timestamptz, p_prefix text, p_key_hash text
) returns public.api_keys
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  active uuid := private.active_identity_id();
  k public.api_keys;
begin
  if active is null or (select private.is_api_key_request()) then
    raise exception 'API keys are created by a signed-in user' using errcode = '42501';
  end if;
  insert into public.api_keys (identity_id, name, prefix, key_hash, permissions, expires_at)
  values (active, p_name, p_prefix, p_key_hash, p_permissions, p_expires_at)
  returning * into k;
  return k;
end;
$$;
grant execute on function private.create_api_key(text, text[], timestamptz, text, text)
  to authenticated, service_role;
