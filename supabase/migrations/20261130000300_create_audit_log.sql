/**
 * The hash-chained audit log: tables.
 * Part of the baseline (20261130*); policies and grants in the matching `protect_*` file.
 */

/**
 * The audit trail: append-only and hash-chained per identity.
 * Each row's hash covers its content and the previous row's hash of the same chain, so editing or
 * removing any row breaks every later link, which private.verify_audit_chain() reports.
 * No client role may update or delete (a trigger refuses even the owner); rows are written only by
 * security-definer functions. It has no foreign key to identities on purpose: the trail outlives
 * the identity it records.
 */
create table public.audit_log (
  id bigint generated always as identity not null,
  identity_id uuid,
  user_id uuid,
  seq bigint not null,
  action text not null,
  entity_type text not null,
  entity_id uuid,
  payload jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default clock_timestamp(),
  prev_hash bytea,
  hash bytea not null,
  constraint audit_log_pkey primary key (id),
  constraint audit_log_identity_id_seq_key unique nulls not distinct (identity_id, seq),
  constraint audit_log_action_check check ((length(action) >= 1) and (length(action) <= 120)),
  constraint audit_log_entity_type_check check ((length(entity_type) >= 1) and (length(entity_type) <= 80))
);
alter table public.audit_log enable row level security;
create index audit_log_entity_idx on public.audit_log (entity_type, entity_id);
