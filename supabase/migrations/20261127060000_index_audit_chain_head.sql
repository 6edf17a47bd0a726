/**
 * The audit chain's head is found through its index. `private.audit_chain_row` looked up the last
 * row of a chain with `identity_id is not distinct from …`, which no btree index answers, so every
 * audit row (one per ledger movement, several per governed run) scanned the whole audit_log:
 * appending got slower as the trail grew, and the scan dominated the ledger's write path
 * (`npm run bench:ledger`). The same lookup is now two index-friendly branches (`= id` and
 * `is null`) on the unique (identity_id, seq) index; the chained content and the hash are unchanged.
 * `private.audit` and `private.audit_digest` become plpgsql so their statements are planned once per
 * session instead of per call (a SQL-language function that carries `set search_path` is never
 * inlined and is re-planned on every call); the digest's bytes are the same, so existing chains
 * still verify.
 */

/** The bytes a row's hash covers, in a fixed text form independent of session settings. */
create or replace function private.audit_digest(
  p_identity uuid, p_seq bigint, p_action text, p_entity_type text, p_entity_id uuid,
  p_payload jsonb, p_created_at timestamptz, p_prev bytea
) returns bytea
language plpgsql immutable
set search_path = ''
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

/** Chains a new row: serialises writers of one identity, then fills seq, prev_hash and hash. */
create or replace function private.audit_chain_row() returns trigger
language plpgsql
set search_path = ''
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

/** Appends one audit row; the only way rows are written. */
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
  values (p_identity, (select auth.uid()), 0, p_action, p_entity_type, p_entity_id,
          coalesce(p_payload, '{}'::jsonb), '\x00')
  returning id into new_id;
  return new_id;
end;
$$;
