/**
 * Plans and subscriptions (AM-010) and API keys (AM-011). A plan says how many tokens a month it
 * grants; a user's subscription names the identity whose account receives them, and plan_grants
 * records each period's grant so it happens exactly once. API keys let an identity's scripts call
 * the API; only a hash of the key is stored.
 */

/** A plan of the catalog: monthly tokens, limits, features and prices (in cents of `currency`). */
create table public.subscription_plans (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug in ('free', 'starter', 'pro', 'enterprise')),
  name text not null check (length(name) between 1 and 120),
  monthly_tokens bigint not null check (monthly_tokens >= 0),
  limits jsonb not null default '{}'::jsonb check (jsonb_typeof(limits) = 'object'),
  features text[] not null default '{}',
  price_cents_monthly integer not null default 0 check (price_cents_monthly >= 0),
  price_cents_yearly integer not null default 0 check (price_cents_yearly >= 0),
  currency text not null default 'CAD' check (currency ~ '^[A-Z]{3}$'),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
alter table public.subscription_plans enable row level security;
create trigger subscription_plans_touch_updated_at before update on public.subscription_plans
  for each row execute function private.touch_updated_at();

/**
 * A user's subscription to a plan (user-owned: billing belongs to the person, not to a persona).
 * `identity_id` is the identity whose token account receives the plan's grants (set null when that
 * identity is deleted; the grant function then falls back to the user's default identity). At most
 * one live (active or past due) subscription per user, so grants are never doubled.
 */
create table public.user_subscriptions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references public.users (id) on delete cascade,
  plan_id uuid not null references public.subscription_plans (id) on delete restrict,
  identity_id uuid references public.identities (id) on delete set null,
  status text not null default 'active' check (status in ('active', 'past_due', 'cancelled')),
  current_period_start timestamptz not null,
  current_period_end timestamptz not null,
  cancelled_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (current_period_end > current_period_start),
  -- a cancellation may be scheduled (cancelled_at set while still active until the period ends)
  check (status <> 'cancelled' or cancelled_at is not null)
);
alter table public.user_subscriptions enable row level security;
create index user_subscriptions_user_id_idx on public.user_subscriptions (user_id);
create unique index user_subscriptions_one_live_per_user on public.user_subscriptions (user_id)
  where status in ('active', 'past_due');
create index user_subscriptions_plan_id_idx on public.user_subscriptions (plan_id);
create index user_subscriptions_identity_id_idx on public.user_subscriptions (identity_id);
create trigger user_subscriptions_touch_updated_at before update on public.user_subscriptions
  for each row execute function private.touch_updated_at();

/**
 * The grant of one subscription period: `(subscription_id, period_start)` is unique, so a period is
 * granted exactly once however often the grant job runs. `movement_id` is the plan_grant journal
 * entry. Part of the ledger's trail: no foreign key to identities, it outlives them (a deleted
 * identity must not let the same period be granted again).
 */
create table public.plan_grants (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  subscription_id uuid not null references public.user_subscriptions (id) on delete cascade,
  plan_id uuid not null references public.subscription_plans (id) on delete restrict,
  period_start date not null,
  movement_id uuid not null references public.token_movements (id) on delete restrict,
  tokens bigint not null check (tokens >= 0),
  created_at timestamptz not null default now(),
  unique (subscription_id, period_start)
);
alter table public.plan_grants enable row level security;
create index plan_grants_plan_id_idx on public.plan_grants (plan_id);
create unique index plan_grants_movement_id_idx on public.plan_grants (movement_id);

/**
 * An API key of an identity. The key is shown once at creation; only its SHA-256 (hex) is kept,
 * with a visible `prefix` to recognise it. A key is usable while not revoked and not expired;
 * clients may rename or revoke a key, never change what it grants, and a revoked key stays revoked.
 */
create table public.api_keys (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id()
    references public.identities (id) on delete cascade,
  user_id uuid not null default auth.uid() references public.users (id) on delete cascade,
  name text not null check (length(name) between 1 and 120),
  prefix text not null unique check (prefix ~ '^chenu_[a-z0-9]{8}$'),
  key_hash text not null unique check (key_hash ~ '^[0-9a-f]{64}$'),
  permissions text[] not null
    check (cardinality(permissions) >= 1 and array_position(permissions, null) is null
           and array_to_string(permissions, ' ') ~ '^[a-z][a-z_]*:[a-z*]+( [a-z][a-z_]*:[a-z*]+)*$'),
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  check (expires_at is null or expires_at > created_at)
);
alter table public.api_keys enable row level security;
create index api_keys_user_id_idx on public.api_keys (user_id);

/** A revoked API key stays revoked: revoked_at, once set, never changes. */
create function private.guard_api_key_revocation() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if old.revoked_at is not null and new.revoked_at is distinct from old.revoked_at then
    raise exception 'API key % is revoked; it cannot be restored', old.prefix using errcode = '23514';
  end if;
  return new;
end;
$$;
create trigger api_keys_guard_revocation before update on public.api_keys
  for each row execute function private.guard_api_key_revocation();

-- plans: a catalog, read by every signed-in user, written by service_role only
revoke all on table public.subscription_plans from anon, authenticated;
grant select on table public.subscription_plans to authenticated;
grant all on table public.subscription_plans to service_role;

create policy "Authenticated users can view active subscription plans"
  on public.subscription_plans for select to authenticated
  using (active);

-- subscriptions: a user reads their own; billing (service_role) writes them
revoke all on table public.user_subscriptions from anon, authenticated;
grant select on table public.user_subscriptions to authenticated;
grant all on table public.user_subscriptions to service_role;

create policy "Users can view their own subscriptions"
  on public.user_subscriptions for select to authenticated
  using (user_id = (select auth.uid()));

select private.apply_identity_rls('public.plan_grants', 'plan grants', 'null', 'null', array['select']);
select private.apply_identity_rls('public.api_keys', 'API keys', 'null', 'null');

-- clients rename or revoke a key; its hash, prefix, permissions and expiry are fixed at creation
revoke update on table public.api_keys from authenticated;
grant update (name, revoked_at) on table public.api_keys to authenticated;
