/**
 * The token ledger: tables.
 * Part of the baseline (20261130*); policies and grants in the matching `protect_*` file.
 */

/**
 * An account: one per identity (kind 'identity', balance and reserved never negative, reserved
 * never above balance) plus one per system kind. Available tokens = balance - reserved.
 */
create table public.token_accounts (
  id uuid not null default gen_random_uuid(),
  kind text not null default 'identity'::text,
  identity_id uuid,
  user_id uuid,
  balance bigint not null default 0,
  reserved bigint not null default 0,
  lifetime_earned bigint not null default 0,
  lifetime_spent bigint not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  shard smallint not null default 0,
  constraint token_accounts_pkey primary key (id),
  constraint token_accounts_id_identity_id_key unique (id, identity_id),
  constraint token_accounts_user_id_identity_id_key unique (user_id, identity_id),
  constraint token_accounts_check check ((kind = 'identity'::text) = (identity_id is not null)),
  constraint token_accounts_check1 check ((kind = 'identity'::text) = (user_id is not null)),
  constraint token_accounts_check2 check ((kind <> 'identity'::text) or (balance >= 0)),
  constraint token_accounts_check3 check ((kind <> 'identity'::text) or (reserved <= balance)),
  constraint token_accounts_check4 check ((kind = 'identity'::text) or (reserved = 0)),
  constraint token_accounts_kind_check check (kind in ('identity', 'system_mint', 'system_provider')),
  constraint token_accounts_lifetime_earned_check check (lifetime_earned >= 0),
  constraint token_accounts_lifetime_spent_check check (lifetime_spent >= 0),
  constraint token_accounts_reserved_check check (reserved >= 0),
  constraint token_accounts_shard_check check ((shard >= 0) and (shard <= 255)),
  constraint token_accounts_shard_only_for_system check ((kind <> 'identity'::text) or (shard = 0))
);
alter table public.token_accounts enable row level security;
create unique index token_accounts_identity_id_idx on public.token_accounts (identity_id);
create unique index token_accounts_system_kind_shard_idx on public.token_accounts (kind, shard) where (kind <> 'identity'::text);

/**
 * A journal entry: groups the postings of one ledger operation. `identity_id` is the identity the
 * operation was made for (null for system-only entries); `(identity_id, idempotency_key)` makes a
 * retried operation return the first one, and `request_hash` lets a retry with different content
 * be refused.
 */
create table public.token_movements (
  id uuid not null default gen_random_uuid(),
  identity_id uuid,
  kind text not null,
  idempotency_key text,
  request_hash text,
  reference_type text,
  reference_id uuid,
  memo text not null default ''::text,
  created_at timestamptz not null default now(),
  constraint token_movements_pkey primary key (id),
  constraint token_movements_identity_id_idempotency_key_key unique (identity_id, idempotency_key),
  constraint token_movements_check check ((reference_id is null) or (reference_type is not null)),
  constraint token_movements_check1 check ((request_hash is null) or (idempotency_key is not null)),
  constraint token_movements_idempotency_key_check check ((length(idempotency_key) >= 1) and (length(idempotency_key) <= 255)),
  constraint token_movements_kind_check check (kind in ('credit', 'debit', 'reserve', 'release', 'commit', 'transfer', 'plan_grant', 'expire', 'allocate')),
  constraint token_movements_memo_check check (length(memo) <= 500),
  constraint token_movements_reference_type_check check (reference_type in ('thread', 'agent_execution', 'meeting', 'workflow', 'plan', 'allocation', 'manual')),
  constraint token_movements_request_hash_check check (request_hash ~ '^[0-9a-f]{32,128}$'::text)
);
alter table public.token_movements enable row level security;
create index token_movements_reference_idx on public.token_movements (reference_type, reference_id);
create unique index token_movements_system_idempotency_key_idx on public.token_movements (idempotency_key) where (identity_id is null);

/**
 * A posting: one signed change to one account, immutable. Credit, debit and transfer postings
 * change the balance (credit > 0, debit < 0); reserve and release postings change only the
 * reserved part (reserve > 0, release < 0). `balance_after` / `reserved_after` are the account's
 * figures right after the posting, `entry_no` orders postings. `identity_id` is copied from the
 * account by a trigger (whatever the writer sent) so the owner can read its postings.
 */
create table public.token_transactions (
  id uuid not null default gen_random_uuid(),
  entry_no bigint generated always as identity not null,
  movement_id uuid not null,
  account_id uuid not null,
  identity_id uuid,
  type text not null,
  amount bigint not null,
  balance_after bigint not null,
  reserved_after bigint not null,
  reference_type text,
  reference_id uuid,
  created_at timestamptz not null default now(),
  constraint token_transactions_pkey primary key (id),
  constraint token_transactions_entry_no_key unique (entry_no),
  constraint token_transactions_amount_check check (amount <> 0),
  constraint token_transactions_check check (((type = 'credit'::text) and (amount > 0)) or ((type = 'debit'::text) and (amount < 0)) or ((type = 'reserve'::text) and (amount > 0)) or ((type = 'release'::text) and (amount < 0)) or (type = 'transfer'::text)),
  constraint token_transactions_check1 check ((reference_id is null) or (reference_type is not null)),
  constraint token_transactions_reference_type_check check (reference_type in ('thread', 'agent_execution', 'meeting', 'workflow', 'plan', 'allocation', 'manual')),
  constraint token_transactions_reserved_after_check check (reserved_after >= 0),
  constraint token_transactions_type_check check (type in ('credit', 'debit', 'reserve', 'release', 'transfer')),
  constraint token_transactions_account_id_fkey foreign key (account_id) references public.token_accounts(id) on delete restrict,
  constraint token_transactions_movement_id_fkey foreign key (movement_id) references public.token_movements(id) on delete restrict
);
alter table public.token_transactions enable row level security;
create index token_transactions_account_id_idx on public.token_transactions (account_id, entry_no);
create index token_transactions_identity_id_idx on public.token_transactions (identity_id);
create index token_transactions_movement_id_idx on public.token_transactions (movement_id);

/**
 * A hold of tokens on an identity's account for one run (step 5 of the pipeline). It ends exactly
 * once: committed (for `committed_amount` <= amount; the rest is released), released, or expired
 * after `expires_at`. `budget_scopes` names the scope ids whose budgets were charged
 * (`{"identity": …, "sphere": …, "domain": …, "dataspace": …, "thread": …}`) so settlement
 * unwinds exactly those.
 */
create table public.token_reservations (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  account_id uuid not null,
  movement_id uuid not null,
  amount bigint not null,
  committed_amount bigint not null default 0,
  status text not null default 'open'::text,
  expires_at timestamptz not null,
  resolved_at timestamptz,
  reference_type text,
  reference_id uuid,
  idempotency_key text,
  budget_scopes jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint token_reservations_pkey primary key (id),
  constraint token_reservations_id_identity_id_key unique (id, identity_id),
  constraint token_reservations_identity_id_idempotency_key_key unique (identity_id, idempotency_key),
  constraint token_reservations_amount_check check (amount > 0),
  constraint token_reservations_budget_scopes_check check (jsonb_typeof(budget_scopes) = 'object'::text),
  constraint token_reservations_check check (committed_amount <= amount),
  constraint token_reservations_check1 check ((status = 'committed'::text) or (committed_amount = 0)),
  constraint token_reservations_check2 check ((status = 'open'::text) = (resolved_at is null)),
  constraint token_reservations_check3 check ((reference_id is null) or (reference_type is not null)),
  constraint token_reservations_committed_amount_check check (committed_amount >= 0),
  constraint token_reservations_idempotency_key_check check ((length(idempotency_key) >= 1) and (length(idempotency_key) <= 255)),
  constraint token_reservations_reference_type_check check (reference_type in ('thread', 'agent_execution', 'meeting', 'workflow', 'plan', 'allocation', 'manual')),
  constraint token_reservations_status_check check (status in ('open', 'committed', 'released', 'expired')),
  constraint token_reservations_account_id_identity_id_fkey foreign key (account_id, identity_id) references public.token_accounts(id, identity_id) on delete restrict,
  constraint token_reservations_movement_id_fkey foreign key (movement_id) references public.token_movements(id) on delete restrict
);
alter table public.token_reservations enable row level security;
create index token_reservations_account_id_idx on public.token_reservations (account_id, identity_id);
create index token_reservations_identity_id_idx on public.token_reservations (identity_id);
create index token_reservations_movement_id_idx on public.token_reservations (movement_id);
create index token_reservations_open_expires_at_idx on public.token_reservations (expires_at) where (status = 'open'::text);
create index token_reservations_reference_idx on public.token_reservations (reference_type, reference_id);

/**
 * A spending limit on a scope (the identity itself, a sphere, a domain, a dataspace or a thread)
 * for a period. `spent + reserved` never exceeds `amount` (except 'unlimited'); rolling periods
 * start at `period_start` in `time_zone`; a 'project' budget ends at `period_end`. Unlike the
 * ledger this is configuration, deleted with its identity.
 */
create table public.token_budgets (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  scope_type text not null,
  scope_id uuid not null,
  period text not null,
  amount bigint not null default 0,
  spent bigint not null default 0,
  reserved bigint not null default 0,
  period_start timestamptz not null default now(),
  period_end timestamptz,
  time_zone text not null default 'America/Montreal'::text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint token_budgets_pkey primary key (id),
  constraint token_budgets_id_identity_id_key unique (id, identity_id),
  constraint token_budgets_scope_type_scope_id_period_key unique (scope_type, scope_id, period),
  constraint token_budgets_amount_check check (amount >= 0),
  constraint token_budgets_check check ((period = 'unlimited'::text) or ((spent + reserved) <= amount)),
  constraint token_budgets_check1 check ((period <> 'project'::text) or (period_end is not null)),
  constraint token_budgets_check2 check ((period_end is null) or (period_end > period_start)),
  constraint token_budgets_check3 check ((scope_type <> 'identity'::text) or (scope_id = identity_id)),
  constraint token_budgets_period_check check (period in ('daily', 'weekly', 'monthly', 'project', 'unlimited')),
  constraint token_budgets_reserved_check check (reserved >= 0),
  constraint token_budgets_scope_type_check check (scope_type in ('identity', 'sphere', 'domain', 'dataspace', 'thread')),
  constraint token_budgets_spent_check check (spent >= 0),
  constraint token_budgets_time_zone_check check ((length(time_zone) >= 1) and (length(time_zone) <= 64)),
  constraint token_budgets_identity_id_fkey foreign key (identity_id) references public.identities(id) on delete cascade
);
alter table public.token_budgets enable row level security;
create index token_budgets_identity_id_idx on public.token_budgets (identity_id);

/**
 * Tokens of an identity's account earmarked for a dataspace or a thread (`POST /tokens/allocate`):
 * raises that scope's budget (`budget_id`) by `amount`; `movement_id` is the journal entry that
 * recorded it, when one was written.
 */
create table public.token_allocations (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  from_account_id uuid not null,
  to_scope_type text not null,
  to_scope_id uuid not null,
  amount bigint not null,
  movement_id uuid,
  budget_id uuid,
  created_at timestamptz not null default now(),
  constraint token_allocations_pkey primary key (id),
  constraint token_allocations_amount_check check (amount > 0),
  constraint token_allocations_to_scope_type_check check (to_scope_type in ('dataspace', 'thread')),
  constraint token_allocations_budget_id_identity_id_fkey foreign key (budget_id, identity_id) references public.token_budgets(id, identity_id),
  constraint token_allocations_from_account_id_identity_id_fkey foreign key (from_account_id, identity_id) references public.token_accounts(id, identity_id) on delete restrict,
  constraint token_allocations_movement_id_fkey foreign key (movement_id) references public.token_movements(id) on delete restrict
);
alter table public.token_allocations enable row level security;
create index token_allocations_budget_id_idx on public.token_allocations (budget_id, identity_id);
create index token_allocations_from_account_id_idx on public.token_allocations (from_account_id, identity_id);
create index token_allocations_identity_id_idx on public.token_allocations (identity_id);
create index token_allocations_movement_id_idx on public.token_allocations (movement_id);
create index token_allocations_scope_idx on public.token_allocations (to_scope_type, to_scope_id);
