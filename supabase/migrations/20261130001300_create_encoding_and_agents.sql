/**
 * Encoding, agents and their executions: tables.
 * Part of the baseline (20261130*); policies and grants in the matching `protect_*` file.
 */

/**
 * A named encoding profile. `rules` holds how EQS is scored (required-field weights, ambiguity
 * penalties, the minimum EQS an intent needs to go on); `compression_target` is the ratio of
 * encoded to original tokens the profile aims for. Exactly one profile is the default.
 */
create table public.encoding_profiles (
  id uuid not null default gen_random_uuid(),
  slug text not null,
  name text not null,
  description text not null default ''::text,
  rules jsonb not null default '{}'::jsonb,
  compression_target numeric(4,3) not null default 0.5,
  is_default boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint encoding_profiles_pkey primary key (id),
  constraint encoding_profiles_slug_key unique (slug),
  constraint encoding_profiles_compression_target_check check ((compression_target >= (0)::numeric) and (compression_target <= (1)::numeric)),
  constraint encoding_profiles_description_check check (length(description) <= 2000),
  constraint encoding_profiles_name_check check ((length(name) >= 1) and (length(name) <= 120)),
  constraint encoding_profiles_rules_check check (jsonb_typeof(rules) = 'object'::text),
  constraint encoding_profiles_slug_check check (slug ~ '^[a-z][a-z0-9-]{1,62}$'::text)
);
alter table public.encoding_profiles enable row level security;
create unique index encoding_profiles_one_default on public.encoding_profiles ((true)) where is_default;
alter table public.threads add constraint threads_encoding_profile_id_fkey foreign key (encoding_profile_id) references public.encoding_profiles(id) on delete set null;

/**
 * One rewrite rule of a profile, applied in `position` order: `pattern` is a case-insensitive
 * Postgres regular expression; `replacement` is what a match becomes (a canonical word for
 * 'synonym', the action / object / constraint name it maps to, a format hint, or '' for 'strip').
 */
create table public.encoding_rules (
  id uuid not null default gen_random_uuid(),
  profile_id uuid not null,
  position integer not null,
  kind text not null,
  pattern text not null,
  replacement text not null default ''::text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint encoding_rules_pkey primary key (id),
  constraint encoding_rules_profile_id_position_key unique (profile_id, "position"),
  constraint encoding_rules_kind_check check (kind in ('synonym', 'strip', 'action', 'object', 'constraint', 'format')),
  constraint encoding_rules_pattern_check check ((length(pattern) >= 1) and (length(pattern) <= 500)),
  constraint encoding_rules_position_check check ("position" >= 1),
  constraint encoding_rules_replacement_check check (length(replacement) <= 500),
  constraint encoding_rules_profile_id_fkey foreign key (profile_id) references public.encoding_profiles(id) on delete cascade
);
alter table public.encoding_rules enable row level security;

/**
 * An intent after encoding: the original words, the encoded schema, its EQS and token counts.
 * Written by the pipeline (clients read only); it outlives its thread (set null) because agent
 * executions point at it.
 */
create table public.encoded_intents (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  thread_id uuid,
  profile_id uuid not null,
  original_text text not null,
  encoded jsonb not null,
  eqs smallint not null,
  tokens_original integer not null,
  tokens_encoded integer not null,
  tokens_saved integer generated always as ((tokens_original - tokens_encoded)) stored,
  created_at timestamptz not null default now(),
  constraint encoded_intents_pkey primary key (id),
  constraint encoded_intents_id_identity_id_key unique (id, identity_id),
  constraint encoded_intents_encoded_check check (jsonb_typeof(encoded) = 'object'::text),
  constraint encoded_intents_eqs_check check ((eqs >= 0) and (eqs <= 100)),
  constraint encoded_intents_original_text_check check ((length(original_text) >= 1) and (length(original_text) <= 20000)),
  constraint encoded_intents_tokens_encoded_check check (tokens_encoded >= 0),
  constraint encoded_intents_tokens_original_check check (tokens_original >= 0),
  constraint encoded_intents_identity_id_fkey foreign key (identity_id) references public.identities(id) on delete cascade,
  constraint encoded_intents_profile_id_fkey foreign key (profile_id) references public.encoding_profiles(id) on delete restrict,
  constraint encoded_intents_thread_id_identity_id_fkey foreign key (thread_id, identity_id) references public.threads(id, identity_id) on delete cascade
);
alter table public.encoded_intents enable row level security;
create index encoded_intents_identity_id_idx on public.encoded_intents (identity_id);
create index encoded_intents_profile_id_idx on public.encoded_intents (profile_id);
create index encoded_intents_thread_id_idx on public.encoded_intents (thread_id, identity_id);

/**
 * An agent the pipeline can run. `cost_per_1k_tokens` is what CHE·NU charges, in its own tokens,
 * per 1,000 model tokens; `external` marks agents that send data off the box, which never receive
 * sensitive memory (memory law 8). Retired agents are deactivated, not deleted (executions keep
 * pointing at them).
 */
create table public.agents (
  id uuid not null default gen_random_uuid(),
  slug text not null,
  name text not null,
  description text not null default ''::text,
  provider text not null default 'builtin'::text,
  model text not null,
  task_types text[] not null,
  sphere_kinds text[] not null default array['personal'::text, 'business'::text, 'company'::text, 'community'::text, 'social'::text, 'health'::text, 'finance'::text, 'education'::text],
  domain_kinds text[] not null default array['general'::text, 'immobilier'::text, 'construction'::text, 'finance'::text, 'health'::text, 'education'::text, 'legal'::text, 'marketing'::text, 'operations'::text],
  cost_per_1k_tokens numeric(12,4) not null default 1000,
  max_tokens integer not null default 4096,
  external boolean not null default false,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  context_tokens integer not null default 8192,
  constraint agents_pkey primary key (id),
  constraint agents_slug_key unique (slug),
  constraint agents_answer_fits_context check (max_tokens < context_tokens),
  constraint agents_check check ((not external) or (provider <> 'builtin'::text)),
  constraint agents_context_tokens_check check ((context_tokens >= 512) and (context_tokens <= 10000000)),
  constraint agents_cost_per_1k_tokens_check check (cost_per_1k_tokens >= (0)::numeric),
  constraint agents_description_check check (length(description) <= 2000),
  constraint agents_domain_kinds_check check (domain_kinds <@ array['general'::text, 'immobilier'::text, 'construction'::text, 'finance'::text, 'health'::text, 'education'::text, 'legal'::text, 'marketing'::text, 'operations'::text]),
  constraint agents_max_tokens_check check (max_tokens > 0),
  constraint agents_model_check check ((length(model) >= 1) and (length(model) <= 200)),
  constraint agents_name_check check ((length(name) >= 1) and (length(name) <= 120)),
  constraint agents_provider_check check (provider in ('builtin', 'openai_compatible')),
  constraint agents_slug_check check (slug ~ '^[a-z][a-z0-9-]{1,62}$'::text),
  constraint agents_sphere_kinds_check check (sphere_kinds <@ array['personal'::text, 'business'::text, 'company'::text, 'community'::text, 'social'::text, 'health'::text, 'finance'::text, 'education'::text]),
  constraint agents_task_types_check check ((cardinality(task_types) >= 1) and (array_position(task_types, null::text) is null) and (array_to_string(task_types, ' '::text) ~ '^[a-z][a-z0-9_]{2,62}( [a-z][a-z0-9_]{2,62})*$'::text))
);
alter table public.agents enable row level security;
create index agents_task_types_idx on public.agents using gin (task_types) where active;

/**
 * How well an agent fits one task type in one sphere kind × domain kind (score 0..1), with the
 * constraints the pipeline must apply when it picks that agent (e.g. no sensitive memory, human
 * review). Keyed by kinds, not by a user's spheres, so the matrix is shared by everyone.
 */
create table public.agent_compatibility_matrix (
  id uuid not null default gen_random_uuid(),
  agent_id uuid not null,
  sphere_kind text not null,
  domain_kind text not null,
  task_type text not null,
  score numeric(4,3) not null,
  constraints jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint agent_compatibility_matrix_pkey primary key (id),
  constraint agent_compatibility_matrix_agent_id_sphere_kind_domain_kind_key unique (agent_id, sphere_kind, domain_kind, task_type),
  constraint agent_compatibility_matrix_constraints_check check (jsonb_typeof(constraints) = 'object'::text),
  constraint agent_compatibility_matrix_domain_kind_check check (domain_kind in ('general', 'immobilier', 'construction', 'finance', 'health', 'education', 'legal', 'marketing', 'operations')),
  constraint agent_compatibility_matrix_score_check check ((score >= (0)::numeric) and (score <= (1)::numeric)),
  constraint agent_compatibility_matrix_sphere_kind_check check (sphere_kind in ('personal', 'business', 'company', 'community', 'social', 'health', 'finance', 'education')),
  constraint agent_compatibility_matrix_task_type_check check (task_type ~ '^[a-z][a-z0-9_]{2,62}$'::text),
  constraint agent_compatibility_matrix_agent_id_fkey foreign key (agent_id) references public.agents(id) on delete cascade
);
alter table public.agent_compatibility_matrix enable row level security;
create index agent_compatibility_matrix_match_idx on public.agent_compatibility_matrix (sphere_kind, domain_kind, task_type, score desc);

/**
 * One governed run of an agent, from the human intent to settlement: its pipeline `status`, the
 * per-stage timings in `stages`, the encoded intent, the tokens estimated, reserved and used, and
 * the ledger reservation backing it (`reservation_id`, a token_reservations id). Written only by
 * the pipeline functions; `(identity_id, idempotency_key)` makes a retried request the same run.
 */
create table public.agent_executions (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  user_id uuid not null default auth.uid(),
  agent_id uuid not null,
  thread_id uuid,
  dataspace_id uuid not null,
  status text not null default 'pending'::text,
  intent_text text not null,
  task_type text not null,
  encoded_intent_id uuid,
  stages jsonb not null default '[]'::jsonb,
  tokens_estimated integer not null default 0,
  tokens_reserved integer not null default 0,
  tokens_used integer not null default 0,
  reservation_id uuid,
  idempotency_key text,
  result jsonb,
  error jsonb,
  started_at timestamptz,
  finished_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  request_hash text,
  runner_identity_id uuid,
  review jsonb,
  cancel_requested_at timestamptz,
  constraint agent_executions_pkey primary key (id),
  constraint agent_executions_id_identity_id_key unique (id, identity_id),
  constraint agent_executions_check check ((status <> all (array['succeeded'::text, 'failed'::text, 'refused'::text])) or (finished_at is not null)),
  constraint agent_executions_check1 check ((finished_at is null) or (started_at is null) or (finished_at >= started_at)),
  constraint agent_executions_check2 check ((status <> 'succeeded'::text) or (result is not null)),
  constraint agent_executions_ended_check check ((status <> all (array['rejected'::text, 'cancelled'::text])) or (finished_at is not null)),
  constraint agent_executions_idempotency_key_check check ((length(idempotency_key) >= 1) and (length(idempotency_key) <= 255)),
  constraint agent_executions_intent_text_check check ((length(intent_text) >= 1) and (length(intent_text) <= 20000)),
  constraint agent_executions_request_hash_check check (request_hash ~ '^[0-9a-f]{64}$'::text),
  constraint agent_executions_review_check check ((review is null) or (jsonb_typeof(review) = 'object'::text)),
  constraint agent_executions_stages_check check (jsonb_typeof(stages) = 'array'::text),
  constraint agent_executions_status_check check (status in ('pending', 'encoding', 'validating', 'estimating', 'reserved', 'locked', 'matched', 'awaiting_review', 'approved', 'running', 'assembling', 'settling', 'succeeded', 'failed', 'refused', 'rejected', 'cancelled')),
  constraint agent_executions_task_type_check check (task_type ~ '^[a-z][a-z0-9_]{2,62}$'::text),
  constraint agent_executions_tokens_estimated_check check (tokens_estimated >= 0),
  constraint agent_executions_tokens_reserved_check check (tokens_reserved >= 0),
  constraint agent_executions_tokens_used_check check (tokens_used >= 0),
  constraint agent_executions_agent_id_fkey foreign key (agent_id) references public.agents(id) on delete restrict,
  constraint agent_executions_dataspace_id_identity_id_fkey foreign key (dataspace_id, identity_id) references public.dataspaces(id, identity_id) on delete cascade,
  constraint agent_executions_encoded_intent_id_identity_id_fkey foreign key (encoded_intent_id, identity_id) references public.encoded_intents(id, identity_id),
  constraint agent_executions_identity_id_fkey foreign key (identity_id) references public.identities(id) on delete cascade,
  constraint agent_executions_runner_identity_id_fkey foreign key (runner_identity_id) references public.identities(id) on delete set null,
  constraint agent_executions_thread_id_identity_id_fkey foreign key (thread_id, identity_id) references public.threads(id, identity_id) on delete cascade,
  constraint agent_executions_user_id_fkey foreign key (user_id) references public.users(id) on delete cascade
);
alter table public.agent_executions enable row level security;
create index agent_executions_agent_id_idx on public.agent_executions (agent_id);
create index agent_executions_awaiting_review_idx on public.agent_executions (created_at) where (status = 'awaiting_review'::text);
create index agent_executions_dataspace_id_idx on public.agent_executions (dataspace_id, identity_id);
create index agent_executions_encoded_intent_id_idx on public.agent_executions (encoded_intent_id, identity_id);
create index agent_executions_identity_id_idx on public.agent_executions (identity_id);
create index agent_executions_reservation_id_idx on public.agent_executions (reservation_id) where (reservation_id is not null);
create unique index agent_executions_runner_idempotency_key_idx on public.agent_executions (runner_identity_id, idempotency_key);
create index agent_executions_runner_identity_id_idx on public.agent_executions (runner_identity_id);
create index agent_executions_thread_id_idx on public.agent_executions (thread_id, identity_id);
create index agent_executions_user_id_idx on public.agent_executions (user_id);
alter table public.messages add constraint messages_agent_execution_id_fkey foreign key (agent_execution_id, identity_id) references public.agent_executions(id, identity_id) on delete set null (agent_execution_id);
alter table public.memory_items add constraint memory_items_proposed_by_execution_id_fkey foreign key (proposed_by_execution_id, identity_id) references public.agent_executions(id, identity_id);
