/**
 * The token ledger (AM-001): double-entry and two-phase. Every change of a balance is a movement
 * (one journal entry) made of postings whose balance amounts sum to zero, so tokens are never
 * created or lost: plan grants come from the system mint account (which goes negative by what it
 * issued), spending goes to the system provider account. A run first reserves tokens (a hold inside
 * the balance), then commits what it used and releases the rest, or the hold expires.
 * Clients only read the ledger; the security-definer ledger functions (a later migration) write it.
 * Like audit_log, the ledger has no foreign key to identities or users on purpose: it outlives
 * them, and its rows cannot be deleted.
 */

/**
 * An account: one per identity (kind 'identity', balance and reserved never negative, reserved
 * never above balance) plus one per system kind. Available tokens = balance - reserved.
 */
create table public.token_accounts (
  id uuid primary key default gen_random_uuid(),
  kind text not null default 'identity' check (kind in ('identity', 'system_mint', 'system_provider')),
  identity_id uuid,
  user_id uuid,
  balance bigint not null default 0,
  reserved bigint not null default 0 check (reserved >= 0),
  lifetime_earned bigint not null default 0 check (lifetime_earned >= 0),
  lifetime_spent bigint not null default 0 check (lifetime_spent >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, identity_id),
  unique (user_id, identity_id),
  check ((kind = 'identity') = (identity_id is not null)),
  check ((kind = 'identity') = (user_id is not null)),
  -- the mint is the counter-account of every grant: only system accounts may go negative
  check (kind <> 'identity' or balance >= 0),
  check (kind <> 'identity' or reserved <= balance),
  check (kind = 'identity' or reserved = 0)
);
alter table public.token_accounts enable row level security;
-- one account per identity (also the index the identity policies filter on)
create unique index token_accounts_identity_id_idx on public.token_accounts (identity_id);
create unique index token_accounts_one_per_system_kind on public.token_accounts (kind) where kind <> 'identity';
create trigger token_accounts_touch_updated_at before update on public.token_accounts
  for each row execute function private.touch_updated_at();

/**
 * A journal entry: groups the postings of one ledger operation. `identity_id` is the identity the
 * operation was made for (null for system-only entries); `(identity_id, idempotency_key)` makes a
 * retried operation return the first one, and `request_hash` lets a retry with different content
 * be refused.
 */
create table public.token_movements (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid,
  kind text not null
    check (kind in ('credit', 'debit', 'reserve', 'release', 'commit', 'transfer', 'plan_grant', 'expire')),
  idempotency_key text check (length(idempotency_key) between 1 and 255),
  request_hash text check (request_hash ~ '^[0-9a-f]{32,128}$'),
  reference_type text
    check (reference_type in ('thread', 'agent_execution', 'meeting', 'workflow', 'plan', 'allocation', 'manual')),
  reference_id uuid,
  memo text not null default '' check (length(memo) <= 500),
  created_at timestamptz not null default now(),
  unique (identity_id, idempotency_key),
  check (reference_id is null or reference_type is not null),
  check (request_hash is null or idempotency_key is not null)
);
alter table public.token_movements enable row level security;
create unique index token_movements_system_idempotency_key_idx on public.token_movements (idempotency_key)
  where identity_id is null;
create index token_movements_reference_idx on public.token_movements (reference_type, reference_id);

/**
 * A posting: one signed change to one account, immutable. Credit, debit and transfer postings
 * change the balance (credit > 0, debit < 0); reserve and release postings change only the
 * reserved part (reserve > 0, release < 0). `balance_after` / `reserved_after` are the account's
 * figures right after the posting, `entry_no` orders postings. `identity_id` is copied from the
 * account by a trigger (whatever the writer sent) so the owner can read its postings.
 */
create table public.token_transactions (
  id uuid primary key default gen_random_uuid(),
  entry_no bigint generated always as identity unique,
  movement_id uuid not null references public.token_movements (id) on delete restrict,
  account_id uuid not null references public.token_accounts (id) on delete restrict,
  identity_id uuid,
  type text not null check (type in ('credit', 'debit', 'reserve', 'release', 'transfer')),
  amount bigint not null check (amount <> 0),
  balance_after bigint not null,
  reserved_after bigint not null check (reserved_after >= 0),
  reference_type text
    check (reference_type in ('thread', 'agent_execution', 'meeting', 'workflow', 'plan', 'allocation', 'manual')),
  reference_id uuid,
  created_at timestamptz not null default now(),
  check ((type = 'credit' and amount > 0) or (type = 'debit' and amount < 0)
         or (type = 'reserve' and amount > 0) or (type = 'release' and amount < 0) or type = 'transfer'),
  check (reference_id is null or reference_type is not null)
);
alter table public.token_transactions enable row level security;
create index token_transactions_movement_id_idx on public.token_transactions (movement_id);
create index token_transactions_account_id_idx on public.token_transactions (account_id, entry_no);
create index token_transactions_reference_idx on public.token_transactions (reference_type, reference_id);

/** Stamps a posting with its account's owner, so RLS shows it to exactly that identity. */
create function private.stamp_token_transaction_owner() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  select a.identity_id into new.identity_id from public.token_accounts a where a.id = new.account_id;
  return new;
end;
$$;
create trigger token_transactions_stamp_owner before insert on public.token_transactions
  for each row execute function private.stamp_token_transaction_owner();

/**
 * Double entry: the balance postings (credit, debit, transfer) of a movement sum to zero. Checked
 * at commit (deferred), once the writer has inserted every posting of the movement. Reserve and
 * release postings only move tokens between an account's available and reserved parts, so they
 * stay out of the sum.
 */
create function private.check_token_movement_balanced() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  total numeric;
begin
  select coalesce(sum(t.amount), 0) into total
  from public.token_transactions t
  where t.movement_id = new.movement_id and t.type in ('credit', 'debit', 'transfer');
  if total <> 0 then
    raise exception 'token movement % is unbalanced: its balance postings sum to %', new.movement_id, total
      using errcode = '23514';
  end if;
  return null;
end;
$$;
create constraint trigger token_transactions_balanced after insert on public.token_transactions
  deferrable initially deferred
  for each row execute function private.check_token_movement_balanced();

/** Journal entries and postings are append-only: a correction is a new movement. */
create function private.ledger_refuse_change() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception '% is append-only: % refused', tg_table_name, tg_op using errcode = '42501';
end;
$$;
create trigger token_movements_append_only before update or delete on public.token_movements
  for each row execute function private.ledger_refuse_change();
create trigger token_movements_no_truncate before truncate on public.token_movements
  for each statement execute function private.ledger_refuse_change();
create trigger token_transactions_append_only before update or delete on public.token_transactions
  for each row execute function private.ledger_refuse_change();
create trigger token_transactions_no_truncate before truncate on public.token_transactions
  for each statement execute function private.ledger_refuse_change();

/**
 * A hold of tokens on an identity's account for one run (step 5 of the pipeline). It ends exactly
 * once: committed (for `committed_amount` <= amount; the rest is released), released, or expired
 * after `expires_at`. `budget_scopes` names the scope ids whose budgets were charged
 * (`{"identity": …, "sphere": …, "domain": …, "dataspace": …, "thread": …}`) so settlement
 * unwinds exactly those.
 */
create table public.token_reservations (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  account_id uuid not null,
  movement_id uuid not null references public.token_movements (id) on delete restrict,
  amount bigint not null check (amount > 0),
  committed_amount bigint not null default 0 check (committed_amount >= 0),
  status text not null default 'open' check (status in ('open', 'committed', 'released', 'expired')),
  expires_at timestamptz not null,
  resolved_at timestamptz,
  reference_type text
    check (reference_type in ('thread', 'agent_execution', 'meeting', 'workflow', 'plan', 'allocation', 'manual')),
  reference_id uuid,
  idempotency_key text check (length(idempotency_key) between 1 and 255),
  budget_scopes jsonb not null default '{}'::jsonb check (jsonb_typeof(budget_scopes) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, identity_id),
  unique (identity_id, idempotency_key),
  check (committed_amount <= amount),
  check (status = 'committed' or committed_amount = 0),
  check ((status = 'open') = (resolved_at is null)),
  check (reference_id is null or reference_type is not null),
  foreign key (account_id, identity_id) references public.token_accounts (id, identity_id) on delete restrict
);
alter table public.token_reservations enable row level security;
create index token_reservations_account_id_idx on public.token_reservations (account_id, identity_id);
create index token_reservations_movement_id_idx on public.token_reservations (movement_id);
create index token_reservations_reference_idx on public.token_reservations (reference_type, reference_id);
-- the expiry sweep reads only open holds
create index token_reservations_open_expires_at_idx on public.token_reservations (expires_at)
  where status = 'open';
create trigger token_reservations_touch_updated_at before update on public.token_reservations
  for each row execute function private.touch_updated_at();

/**
 * A spending limit on a scope (the identity itself, a sphere, a domain, a dataspace or a thread)
 * for a period. `spent + reserved` never exceeds `amount` (except 'unlimited'); rolling periods
 * start at `period_start` in `time_zone`; a 'project' budget ends at `period_end`. Unlike the
 * ledger this is configuration, deleted with its identity.
 */
create table public.token_budgets (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id()
    references public.identities (id) on delete cascade,
  scope_type text not null check (scope_type in ('identity', 'sphere', 'domain', 'dataspace', 'thread')),
  scope_id uuid not null,
  period text not null check (period in ('daily', 'weekly', 'monthly', 'project', 'unlimited')),
  amount bigint not null default 0 check (amount >= 0),
  spent bigint not null default 0 check (spent >= 0),
  reserved bigint not null default 0 check (reserved >= 0),
  period_start timestamptz not null default now(),
  period_end timestamptz,
  time_zone text not null default 'America/Montreal' check (length(time_zone) between 1 and 64),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, identity_id),
  unique (scope_type, scope_id, period),
  check (period = 'unlimited' or spent + reserved <= amount),
  check (period <> 'project' or period_end is not null),
  check (period_end is null or period_end > period_start),
  check (scope_type <> 'identity' or scope_id = identity_id)
);
alter table public.token_budgets enable row level security;
create trigger token_budgets_touch_updated_at before update on public.token_budgets
  for each row execute function private.touch_updated_at();

/**
 * Tokens of an identity's account earmarked for a dataspace or a thread (`POST /tokens/allocate`):
 * raises that scope's budget (`budget_id`) by `amount`; `movement_id` is the journal entry that
 * recorded it, when one was written.
 */
create table public.token_allocations (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  from_account_id uuid not null,
  to_scope_type text not null check (to_scope_type in ('dataspace', 'thread')),
  to_scope_id uuid not null,
  amount bigint not null check (amount > 0),
  movement_id uuid references public.token_movements (id) on delete restrict,
  budget_id uuid,
  created_at timestamptz not null default now(),
  foreign key (from_account_id, identity_id) references public.token_accounts (id, identity_id) on delete restrict,
  foreign key (budget_id, identity_id) references public.token_budgets (id, identity_id) on delete set null (budget_id)
);
alter table public.token_allocations enable row level security;
create index token_allocations_from_account_id_idx on public.token_allocations (from_account_id, identity_id);
create index token_allocations_movement_id_idx on public.token_allocations (movement_id);
create index token_allocations_budget_id_idx on public.token_allocations (budget_id, identity_id);
create index token_allocations_scope_idx on public.token_allocations (to_scope_type, to_scope_id);

-- clients never write the ledger: every table is read-only to them, rows without an identity
-- (system accounts and entries) are visible to none
select private.apply_identity_rls('public.token_accounts', 'token accounts', 'null', 'null', array['select']);
select private.apply_identity_rls('public.token_movements', 'token movements', 'null', 'null', array['select']);
select private.apply_identity_rls('public.token_transactions', 'token transactions', 'null', 'null', array['select']);
select private.apply_identity_rls('public.token_reservations', 'token reservations', 'null', 'null', array['select']);
select private.apply_identity_rls('public.token_budgets', 'token budgets', 'null', 'null', array['select']);
select private.apply_identity_rls('public.token_allocations', 'token allocations', 'null', 'null', array['select']);

-- the service role appends to the journal too, never rewrites it (the triggers refuse anyway)
revoke update, delete, truncate on table public.token_movements, public.token_transactions from service_role;
