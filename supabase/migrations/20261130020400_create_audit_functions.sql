/**
 * The audit chain: functions.
 * Part of the baseline (20261130*): each function in its final version, with its why.
 */

/**
 * Appends one audit row; the only way rows are written. `user_id` is the user owning the chain's
 * identity (it was the acting user: the requester of an elevation found the owner's user id in
 * their own trail, in the row recording the owner's decision).
 */
create function private.audit(p_identity uuid, p_action text, p_entity_type text, p_entity_id uuid, p_payload jsonb default '{}'::jsonb)
 returns bigint
 language plpgsql
 security definer
 set search_path to ''
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
grant execute on function private.audit(p_identity uuid, p_action text, p_entity_type text, p_entity_id uuid, p_payload jsonb) to service_role;

/** Chains a new row: serialises writers of one identity, then fills seq, prev_hash and hash. */
create function private.audit_chain_row()
 returns trigger
 language plpgsql
 set search_path to ''
as $$
declare
  last_row record;
begin
  perform pg_advisory_xact_lock(hashtextextended('audit:' || coalesce(new.identity_id::text, '-'), 0));
  if new.identity_id is null then
    select a.seq, a.hash into last_row from public.audit_log a
    where a.identity_id is null
    order by a.seq desc
    limit 1;
  else
    select a.seq, a.hash into last_row from public.audit_log a
    where a.identity_id = new.identity_id
    order by a.seq desc
    limit 1;
  end if;
  new.seq := coalesce(last_row.seq, 0) + 1;
  new.prev_hash := last_row.hash;
  new.created_at := clock_timestamp();
  new.hash := private.audit_digest(new.identity_id, new.seq, new.action, new.entity_type,
    new.entity_id, new.payload, new.created_at, new.prev_hash);
  return new;
end;
$$;

/** The bytes a row's hash covers, in a fixed text form independent of session settings. */
create function private.audit_digest(p_identity uuid, p_seq bigint, p_action text, p_entity_type text, p_entity_id uuid, p_payload jsonb, p_created_at timestamptz, p_prev bytea)
 returns bytea
 language plpgsql
 immutable
 set search_path to ''
as $$
begin
  return sha256(convert_to(concat_ws('|',
    coalesce(p_identity::text, '-'), p_seq::text, p_action, p_entity_type,
    coalesce(p_entity_id::text, '-'), p_payload::text,
    to_char(p_created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
    coalesce(encode(p_prev, 'hex'), '-')
  ), 'UTF8'));
end;
$$;

/** The audit log is append-only: its triggers refuse update, delete and truncate (42501). */
create function private.audit_refuse_change()
 returns trigger
 language plpgsql
 set search_path to ''
as $$
begin
  raise exception 'audit_log is append-only: % refused', tg_op using errcode = '42501';
end;
$$;

/**
 * Appends to the ACTIVE identity's own chain: the only audit writer granted to authenticated, so a
 * client can never write into another identity's trail.
 */
create function private.audit_self(p_action text, p_entity_type text, p_entity_id uuid, p_payload jsonb default '{}'::jsonb)
 returns bigint
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  active uuid := private.active_identity_id();
begin
  if active is null then
    raise exception 'no active identity in the request' using errcode = '42501';
  end if;
  return private.audit(active, p_action, p_entity_type, p_entity_id, p_payload);
end;
$$;
grant execute on function private.audit_self(p_action text, p_entity_type text, p_entity_id uuid, p_payload jsonb) to authenticated, service_role;

/**
 * Walks one identity's chain in order and returns how many links were checked and the seq of the
 * first broken one (null when the chain is intact).
 */
create function private.verify_audit_chain(p_identity uuid)
 returns table(checked bigint, first_broken_seq bigint)
 language plpgsql
 stable security definer
 set search_path to ''
as $$
declare
  r record;
  expected_prev bytea := null;
  expected_seq bigint := 1;
begin
  checked := 0;
  first_broken_seq := null;
  for r in
    select * from public.audit_log a
    where a.identity_id is not distinct from p_identity
    order by a.seq
  loop
    checked := checked + 1;
    if r.seq <> expected_seq
      or r.prev_hash is distinct from expected_prev
      or r.hash <> private.audit_digest(r.identity_id, r.seq, r.action, r.entity_type,
                                         r.entity_id, r.payload, r.created_at, r.prev_hash)
    then
      first_broken_seq := expected_seq;
      return next;
      return;
    end if;
    expected_prev := r.hash;
    expected_seq := r.seq + 1;
  end loop;
  return next;
end;
$$;
grant execute on function private.verify_audit_chain(p_identity uuid) to service_role;

/** The active identity verifies its own chain. */
create function private.verify_my_audit_chain()
 returns table(checked bigint, first_broken_seq bigint)
 language sql
 stable security definer
 set search_path to ''
as $$
  select v.checked, v.first_broken_seq
  from private.verify_audit_chain((select private.active_identity_id())) v
  where (select private.active_identity_id()) is not null
$$;
grant execute on function private.verify_my_audit_chain() to authenticated, service_role;
