/**
 * Agents (the catalog of what can act), the Agent Compatibility Matrix (AM-003, step 7 of the
 * pipeline: which agent fits a task in a sphere kind × domain kind), and agent executions: one row
 * per governed run, carrying its pipeline status, per-stage timings and its token figures.
 */

/**
 * An agent the pipeline can run. `cost_per_1k_tokens` is what CHE·NU charges, in its own tokens,
 * per 1,000 model tokens; `external` marks agents that send data off the box, which never receive
 * sensitive memory (memory law 8). Retired agents are deactivated, not deleted (executions keep
 * pointing at them).
 */
create table public.agents (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug ~ '^[a-z][a-z0-9-]{1,62}$'),
  name text not null check (length(name) between 1 and 120),
  description text not null default '' check (length(description) <= 2000),
  provider text not null default 'builtin' check (provider in ('builtin', 'openai_compatible')),
  model text not null check (length(model) between 1 and 200),
  task_types text[] not null
    check (cardinality(task_types) >= 1 and array_position(task_types, null) is null
           and array_to_string(task_types, ' ') ~ '^[a-z][a-z0-9_]{2,62}( [a-z][a-z0-9_]{2,62})*$'),
  sphere_kinds text[] not null
    default array['personal', 'business', 'company', 'community', 'social', 'health', 'finance', 'education']
    check (sphere_kinds <@ array['personal', 'business', 'company', 'community', 'social', 'health', 'finance', 'education']),
  domain_kinds text[] not null
    default array['general', 'immobilier', 'construction', 'finance', 'health', 'education', 'legal', 'marketing', 'operations']
    check (domain_kinds <@ array['general', 'immobilier', 'construction', 'finance', 'health', 'education', 'legal', 'marketing', 'operations']),
  cost_per_1k_tokens numeric(12, 4) not null default 1000 check (cost_per_1k_tokens >= 0),
  max_tokens integer not null default 4096 check (max_tokens > 0),
  external boolean not null default false,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- an agent that sends data off the box is never 'builtin'
  check (not external or provider <> 'builtin')
);
alter table public.agents enable row level security;
create index agents_task_types_idx on public.agents using gin (task_types) where active;
create trigger agents_touch_updated_at before update on public.agents
  for each row execute function private.touch_updated_at();

/**
 * How well an agent fits one task type in one sphere kind × domain kind (score 0..1), with the
 * constraints the pipeline must apply when it picks that agent (e.g. no sensitive memory, human
 * review). Keyed by kinds, not by a user's spheres, so the matrix is shared by everyone.
 */
create table public.agent_compatibility_matrix (
  id uuid primary key default gen_random_uuid(),
  agent_id uuid not null references public.agents (id) on delete cascade,
  sphere_kind text not null
    check (sphere_kind in ('personal', 'business', 'company', 'community', 'social', 'health', 'finance', 'education')),
  domain_kind text not null
    check (domain_kind in ('general', 'immobilier', 'construction', 'finance', 'health', 'education', 'legal', 'marketing', 'operations')),
  task_type text not null check (task_type ~ '^[a-z][a-z0-9_]{2,62}$'),
  score numeric(4, 3) not null check (score between 0 and 1),
  constraints jsonb not null default '{}'::jsonb check (jsonb_typeof(constraints) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (agent_id, sphere_kind, domain_kind, task_type)
);
alter table public.agent_compatibility_matrix enable row level security;
-- the matching query: best agents for (sphere kind, domain kind, task type)
create index agent_compatibility_matrix_match_idx
  on public.agent_compatibility_matrix (sphere_kind, domain_kind, task_type, score desc);
create trigger agent_compatibility_matrix_touch_updated_at before update on public.agent_compatibility_matrix
  for each row execute function private.touch_updated_at();

/**
 * One governed run of an agent, from the human intent to settlement: its pipeline `status`, the
 * per-stage timings in `stages`, the encoded intent, the tokens estimated, reserved and used, and
 * the ledger reservation backing it (`reservation_id`, a token_reservations id). Written only by
 * the pipeline functions; `(identity_id, idempotency_key)` makes a retried request the same run.
 */
create table public.agent_executions (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id()
    references public.identities (id) on delete cascade,
  user_id uuid not null default auth.uid() references public.users (id) on delete cascade,
  agent_id uuid not null references public.agents (id) on delete restrict,
  thread_id uuid,
  dataspace_id uuid not null,
  status text not null default 'pending'
    check (status in ('pending', 'encoding', 'validating', 'estimating', 'reserved', 'locked', 'matched',
                      'running', 'assembling', 'settling', 'succeeded', 'failed', 'refused')),
  intent_text text not null check (length(intent_text) between 1 and 20000),
  task_type text not null check (task_type ~ '^[a-z][a-z0-9_]{2,62}$'),
  encoded_intent_id uuid,
  stages jsonb not null default '[]'::jsonb check (jsonb_typeof(stages) = 'array'),
  tokens_estimated integer not null default 0 check (tokens_estimated >= 0),
  tokens_reserved integer not null default 0 check (tokens_reserved >= 0),
  tokens_used integer not null default 0 check (tokens_used >= 0),
  reservation_id uuid,
  idempotency_key text check (length(idempotency_key) between 1 and 255),
  result jsonb,
  error jsonb,
  started_at timestamptz,
  finished_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, identity_id),
  unique (identity_id, idempotency_key),
  -- a run that ended says when; a run never ends before it started
  check (status not in ('succeeded', 'failed', 'refused') or finished_at is not null),
  check (finished_at is null or started_at is null or finished_at >= started_at),
  check (status <> 'succeeded' or result is not null),
  foreign key (thread_id, identity_id) references public.threads (id, identity_id) on delete set null (thread_id),
  foreign key (dataspace_id, identity_id) references public.dataspaces (id, identity_id) on delete cascade,
  foreign key (encoded_intent_id, identity_id) references public.encoded_intents (id, identity_id)
    on delete set null (encoded_intent_id)
);
alter table public.agent_executions enable row level security;
create index agent_executions_user_id_idx on public.agent_executions (user_id);
create index agent_executions_agent_id_idx on public.agent_executions (agent_id);
create index agent_executions_thread_id_idx on public.agent_executions (thread_id, identity_id);
create index agent_executions_dataspace_id_idx on public.agent_executions (dataspace_id, identity_id);
create index agent_executions_encoded_intent_id_idx on public.agent_executions (encoded_intent_id, identity_id);
create index agent_executions_reservation_id_idx on public.agent_executions (reservation_id)
  where reservation_id is not null;
create trigger agent_executions_touch_updated_at before update on public.agent_executions
  for each row execute function private.touch_updated_at();

-- catalogs: read by every signed-in user, written by service_role only
revoke all on table public.agents, public.agent_compatibility_matrix from anon, authenticated;
grant select on table public.agents, public.agent_compatibility_matrix to authenticated;
grant all on table public.agents, public.agent_compatibility_matrix to service_role;

create policy "Authenticated users can view active agents"
  on public.agents for select to authenticated
  using (active);
create policy "Authenticated users can view the agent compatibility matrix"
  on public.agent_compatibility_matrix for select to authenticated
  using (true);

-- executions are written by the pipeline functions; clients only read them
select private.apply_identity_rls('public.agent_executions', 'agent executions', 'null', 'dataspace_id',
  array['select']);
