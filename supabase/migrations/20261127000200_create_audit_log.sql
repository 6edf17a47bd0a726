/**
 * The audit trail: append-only and hash-chained per identity.
 * Each row's hash covers its content and the previous row's hash of the same chain, so editing or
 * removing any row breaks every later link, which private.verify_audit_chain() reports.
 * No client role may update or delete (a trigger refuses even the owner); rows are written only by
 * security-definer functions. It has no foreign key to identities on purpose: the trail outlives
 * the identity it records.
 */
create table public.audit_log (
  id bigint generated always as identity primary key,
  identity_id uuid,
  user_id uuid,
  seq bigint not null,
  action text not null check (length(action) between 1 and 120),
  entity_type text not null check (length(entity_type) between 1 and 80),
  entity_id uuid,
  payload jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default clock_timestamp(),
  prev_hash bytea,
  hash bytea not null,
  unique nulls not distinct (identity_id, seq)
);
alter table public.audit_log enable row level security;
create index audit_log_identity_id_idx on public.audit_log (identity_id);
create index audit_log_entity_idx on public.audit_log (entity_type, entity_id);

/** The bytes a row's hash covers, in a fixed text form independent of session settings. */
create function private.audit_digest(
  p_identity uuid, p_seq bigint, p_action text, p_entity_type text, p_entity_id uuid,
  p_payload jsonb, p_created_at timestamptz, p_prev bytea
) returns bytea
language sql immutable
set search_path = ''
as $$
  select sha256(convert_to(concat_ws('|',
    coalesce(p_identity::text, '-'), p_seq::text, p_action, p_entity_type,
    coalesce(p_entity_id::text, '-'), p_payload::text,
    to_char(p_created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
    coalesce(encode(p_prev, 'hex'), '-')
  ), 'UTF8'))
$$;

/** Chains a new row: serialises writers of one identity, then fills seq, prev_hash and hash. */
create function private.audit_chain_row() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  last_row record;
begin
  perform pg_advisory_xact_lock(hashtextextended('audit:' || coalesce(new.identity_id::text, '-'), 0));
  select a.seq, a.hash into last_row
  from public.audit_log a
  where a.identity_id is not distinct from new.identity_id
  order by a.seq desc
  limit 1;
  new.seq := coalesce(last_row.seq, 0) + 1;
  new.prev_hash := last_row.hash;
  new.created_at := clock_timestamp();
  new.hash := private.audit_digest(new.identity_id, new.seq, new.action, new.entity_type,
    new.entity_id, new.payload, new.created_at, new.prev_hash);
  return new;
end;
$$;
create trigger audit_log_chain before insert on public.audit_log
  for each row execute function private.audit_chain_row();

create function private.audit_refuse_change() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'audit_log is append-only: % refused', tg_op using errcode = '42501';
end;
$$;
create trigger audit_log_append_only before update or delete on public.audit_log
  for each row execute function private.audit_refuse_change();
create trigger audit_log_no_truncate before truncate on public.audit_log
  for each statement execute function private.audit_refuse_change();

/** Appends one audit row; the only way rows are written. */
create function private.audit(
  p_identity uuid, p_action text, p_entity_type text, p_entity_id uuid, p_payload jsonb default '{}'::jsonb
) returns bigint
language sql volatile security definer
set search_path = ''
as $$
  insert into public.audit_log (identity_id, user_id, seq, action, entity_type, entity_id, payload, hash)
  values (p_identity, (select auth.uid()), 0, p_action, p_entity_type, p_entity_id,
          coalesce(p_payload, '{}'::jsonb), '\x00')
  returning id
$$;
grant execute on function private.audit(uuid, text, text, uuid, jsonb) to service_role;

/**
 * Appends to the ACTIVE identity's own chain: the only audit writer granted to authenticated, so a
 * client can never write into another identity's trail.
 */
create function private.audit_self(
  p_action text, p_entity_type text, p_entity_id uuid, p_payload jsonb default '{}'::jsonb
) returns bigint
language plpgsql volatile security definer
set search_path = ''
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
grant execute on function private.audit_self(text, text, uuid, jsonb) to authenticated, service_role;

/**
 * Walks one identity's chain in order and returns how many links were checked and the seq of the
 * first broken one (null when the chain is intact).
 */
create function private.verify_audit_chain(p_identity uuid)
returns table (checked bigint, first_broken_seq bigint)
language plpgsql stable security definer
set search_path = ''
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
grant execute on function private.verify_audit_chain(uuid) to service_role;

/** The active identity verifies its own chain. */
create function public.verify_my_audit_chain()
returns table (checked bigint, first_broken_seq bigint)
language sql stable security definer
set search_path = ''
as $$
  select v.checked, v.first_broken_seq
  from private.verify_audit_chain((select private.active_identity_id())) v
  where (select private.active_identity_id()) is not null
$$;
revoke execute on function public.verify_my_audit_chain() from public, anon;
grant execute on function public.verify_my_audit_chain() to authenticated, service_role;

revoke all on table public.audit_log from anon, authenticated;
grant select on table public.audit_log to authenticated;
grant select, insert on table public.audit_log to service_role;

create policy "Identities can view their own audit trail"
  on public.audit_log for select to authenticated
  using (identity_id = (select private.active_identity_id()));
