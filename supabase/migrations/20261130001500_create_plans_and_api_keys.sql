/**
 * Plans, subscriptions and API keys: tables.
 * Part of the baseline (20261130*); policies and grants in the matching `protect_*` file.
 */

/** A plan of the catalog: monthly tokens, limits, features and prices (in cents of `currency`). */
create table public.subscription_plans (
  id uuid not null default gen_random_uuid(),
  slug text not null,
  name text not null,
  monthly_tokens bigint not null,
  limits jsonb not null default '{}'::jsonb,
  features text[] not null default '{}'::text[],
  price_cents_monthly integer not null default 0,
  price_cents_yearly integer not null default 0,
  currency text not null default 'CAD'::text,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint subscription_plans_pkey primary key (id),
  constraint subscription_plans_slug_key unique (slug),
  constraint subscription_plans_currency_check check (currency ~ '^[A-Z]{3}$'::text),
  constraint subscription_plans_limits_check check (jsonb_typeof(limits) = 'object'::text),
  constraint subscription_plans_monthly_tokens_check check (monthly_tokens >= 0),
  constraint subscription_plans_name_check check ((length(name) >= 1) and (length(name) <= 120)),
  constraint subscription_plans_price_cents_monthly_check check (price_cents_monthly >= 0),
  constraint subscription_plans_price_cents_yearly_check check (price_cents_yearly >= 0),
  constraint subscription_plans_slug_check check (slug in ('free', 'starter', 'pro', 'enterprise'))
);
alter table public.subscription_plans enable row level security;

/**
 * A user's subscription to a plan (user-owned: billing belongs to the person, not to a persona).
 * `identity_id` is the identity whose token account receives the plan's grants (set null when that
 * identity is deleted; the grant function then falls back to the user's default identity). At most
 * one live (active or past due) subscription per user, so grants are never doubled.
 */
create table public.user_subscriptions (
  id uuid not null default gen_random_uuid(),
  user_id uuid not null default auth.uid(),
  plan_id uuid not null,
  identity_id uuid,
  status text not null default 'active'::text,
  current_period_start timestamptz not null,
  current_period_end timestamptz not null,
  cancelled_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  pending_plan_id uuid,
  cancel_at_period_end boolean not null default false,
  constraint user_subscriptions_pkey primary key (id),
  constraint user_subscriptions_check check (current_period_end > current_period_start),
  constraint user_subscriptions_check1 check ((status <> 'cancelled'::text) or (cancelled_at is not null)),
  constraint user_subscriptions_status_check check (status in ('active', 'past_due', 'cancelled')),
  constraint user_subscriptions_identity_id_fkey foreign key (identity_id) references public.identities(id) on delete set null,
  constraint user_subscriptions_pending_plan_id_fkey foreign key (pending_plan_id) references public.subscription_plans(id) on delete restrict,
  constraint user_subscriptions_plan_id_fkey foreign key (plan_id) references public.subscription_plans(id) on delete restrict,
  constraint user_subscriptions_user_id_fkey foreign key (user_id) references public.users(id) on delete cascade
);
alter table public.user_subscriptions enable row level security;
create index user_subscriptions_identity_id_idx on public.user_subscriptions (identity_id);
create unique index user_subscriptions_one_live_per_user on public.user_subscriptions (user_id) where (status = any (array['active'::text, 'past_due'::text]));
create index user_subscriptions_pending_plan_id_idx on public.user_subscriptions (pending_plan_id);
create index user_subscriptions_plan_id_idx on public.user_subscriptions (plan_id);
create index user_subscriptions_renewal_idx on public.user_subscriptions (current_period_end) where (status = 'active'::text);
create index user_subscriptions_user_id_idx on public.user_subscriptions (user_id);

/**
 * The grant of one subscription period: `(subscription_id, period_start)` is unique, so a period is
 * granted exactly once however often the grant job runs. `movement_id` is the plan_grant journal
 * entry. Part of the ledger's trail: no foreign key to identities, it outlives them (a deleted
 * identity must not let the same period be granted again).
 */
create table public.plan_grants (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  subscription_id uuid not null,
  plan_id uuid not null,
  period_start date not null,
  movement_id uuid not null,
  tokens bigint not null,
  created_at timestamptz not null default now(),
  constraint plan_grants_pkey primary key (id),
  constraint plan_grants_subscription_id_period_start_key unique (subscription_id, period_start),
  constraint plan_grants_tokens_check check (tokens >= 0),
  constraint plan_grants_movement_id_fkey foreign key (movement_id) references public.token_movements(id) on delete restrict,
  constraint plan_grants_plan_id_fkey foreign key (plan_id) references public.subscription_plans(id) on delete restrict,
  constraint plan_grants_subscription_id_fkey foreign key (subscription_id) references public.user_subscriptions(id) on delete cascade
);
alter table public.plan_grants enable row level security;
create index plan_grants_identity_id_idx on public.plan_grants (identity_id);
create unique index plan_grants_movement_id_idx on public.plan_grants (movement_id);
create index plan_grants_plan_id_idx on public.plan_grants (plan_id);

/**
 * An API key of an identity. The key is shown once at creation; only its SHA-256 (hex) is kept,
 * with a visible `prefix` to recognise it. A key is usable while not revoked and not expired;
 * clients may rename or revoke a key, never change what it grants, and a revoked key stays revoked.
 */
create table public.api_keys (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  user_id uuid not null default auth.uid(),
  name text not null,
  prefix text not null,
  key_hash text not null,
  permissions text[] not null,
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  constraint api_keys_pkey primary key (id),
  constraint api_keys_key_hash_key unique (key_hash),
  constraint api_keys_prefix_key unique (prefix),
  constraint api_keys_check check ((expires_at is null) or (expires_at > created_at)),
  constraint api_keys_key_hash_check check (key_hash ~ '^[0-9a-f]{64}$'::text),
  constraint api_keys_name_check check ((length(name) >= 1) and (length(name) <= 120)),
  constraint api_keys_permissions_check check ((cardinality(permissions) >= 1) and (array_position(permissions, null::text) is null) and (array_to_string(permissions, ' '::text) ~ '^[a-z][a-z_]*:[a-z*]+( [a-z][a-z_]*:[a-z*]+)*$'::text)),
  constraint api_keys_prefix_check check (prefix ~ '^chenu_[a-z0-9]{8}$'::text),
  constraint api_keys_identity_id_fkey foreign key (identity_id) references public.identities(id) on delete cascade,
  constraint api_keys_user_id_fkey foreign key (user_id) references public.users(id) on delete cascade
);
alter table public.api_keys enable row level security;
create index api_keys_identity_id_idx on public.api_keys (identity_id);
create index api_keys_user_id_idx on public.api_keys (user_id);
