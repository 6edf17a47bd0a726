/**
 * Semantic Encoding Layer (AM-002): step 2 of the governed pipeline turns a human intent into a
 * machine-readable schema before anything is validated, priced or run. Profiles and their rules are
 * a catalog written by service_role; every encoded intent is identity-owned and keeps its Encoding
 * Quality Score (EQS, 0..100) and how many tokens the encoding saved.
 */

/**
 * A named encoding profile. `rules` holds how EQS is scored (required-field weights, ambiguity
 * penalties, the minimum EQS an intent needs to go on); `compression_target` is the ratio of
 * encoded to original tokens the profile aims for. Exactly one profile is the default.
 */
create table public.encoding_profiles (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug ~ '^[a-z][a-z0-9-]{1,62}$'),
  name text not null check (length(name) between 1 and 120),
  description text not null default '' check (length(description) <= 2000),
  rules jsonb not null default '{}'::jsonb check (jsonb_typeof(rules) = 'object'),
  compression_target numeric(4, 3) not null default 0.5 check (compression_target between 0 and 1),
  is_default boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
alter table public.encoding_profiles enable row level security;
create unique index encoding_profiles_one_default on public.encoding_profiles ((true)) where is_default;
create trigger encoding_profiles_touch_updated_at before update on public.encoding_profiles
  for each row execute function private.touch_updated_at();

/**
 * One rewrite rule of a profile, applied in `position` order: `pattern` is a case-insensitive
 * Postgres regular expression; `replacement` is what a match becomes (a canonical word for
 * 'synonym', the action / object / constraint name it maps to, a format hint, or '' for 'strip').
 */
create table public.encoding_rules (
  id uuid primary key default gen_random_uuid(),
  profile_id uuid not null references public.encoding_profiles (id) on delete cascade,
  position integer not null check (position >= 1),
  kind text not null check (kind in ('synonym', 'strip', 'action', 'object', 'constraint', 'format')),
  pattern text not null check (length(pattern) between 1 and 500),
  replacement text not null default '' check (length(replacement) <= 500),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (profile_id, position)
);
alter table public.encoding_rules enable row level security;
create trigger encoding_rules_touch_updated_at before update on public.encoding_rules
  for each row execute function private.touch_updated_at();

/**
 * An intent after encoding: the original words, the encoded schema, its EQS and token counts.
 * Written by the pipeline (clients read only); it outlives its thread (set null) because agent
 * executions point at it.
 */
create table public.encoded_intents (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id()
    references public.identities (id) on delete cascade,
  thread_id uuid,
  profile_id uuid not null references public.encoding_profiles (id) on delete restrict,
  original_text text not null check (length(original_text) between 1 and 20000),
  encoded jsonb not null check (jsonb_typeof(encoded) = 'object'),
  eqs smallint not null check (eqs between 0 and 100),
  tokens_original integer not null check (tokens_original >= 0),
  tokens_encoded integer not null check (tokens_encoded >= 0),
  tokens_saved integer generated always as (tokens_original - tokens_encoded) stored,
  created_at timestamptz not null default now(),
  unique (id, identity_id),
  foreign key (thread_id, identity_id) references public.threads (id, identity_id) on delete set null (thread_id)
);
alter table public.encoded_intents enable row level security;
create index encoded_intents_thread_id_idx on public.encoded_intents (thread_id, identity_id);
create index encoded_intents_profile_id_idx on public.encoded_intents (profile_id);

-- AM-004: a thread names the profile its intents are encoded with (the column is in 000500)
alter table public.threads add constraint threads_encoding_profile_id_fkey
  foreign key (encoding_profile_id) references public.encoding_profiles (id) on delete set null;
create index if not exists threads_encoding_profile_id_idx on public.threads (encoding_profile_id);

-- catalogs: read by every signed-in user, written by service_role only
revoke all on table public.encoding_profiles, public.encoding_rules from anon, authenticated;
grant select on table public.encoding_profiles, public.encoding_rules to authenticated;
grant all on table public.encoding_profiles, public.encoding_rules to service_role;

create policy "Authenticated users can view encoding profiles"
  on public.encoding_profiles for select to authenticated
  using (true);
create policy "Authenticated users can view encoding rules"
  on public.encoding_rules for select to authenticated
  using (true);

-- encoded intents are written by the pipeline functions; clients only read them
select private.apply_identity_rls('public.encoded_intents', 'encoded intents', 'null',
  '(select t.dataspace_id from public.threads t where t.id = thread_id)', array['select']);
