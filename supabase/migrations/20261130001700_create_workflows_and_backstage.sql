/**
 * Workflows and backstage contexts: tables.
 * Part of the baseline (20261130*); policies and grants in the matching `protect_*` file.
 */

/** A 1-Click workflow an identity defined, optionally attached to one of its dataspaces. */
create table public.oneclick_workflows (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  dataspace_id uuid,
  name text not null,
  description text not null default ''::text,
  trigger text not null default 'manual'::text,
  trigger_config jsonb not null default '{}'::jsonb,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint oneclick_workflows_pkey primary key (id),
  constraint oneclick_workflows_id_identity_id_key unique (id, identity_id),
  constraint oneclick_workflows_identity_id_name_key unique (identity_id, name),
  constraint oneclick_workflows_description_check check (length(description) <= 4000),
  constraint oneclick_workflows_name_check check ((length(name) >= 1) and (length(name) <= 160)),
  constraint oneclick_workflows_trigger_check check (trigger in ('manual', 'intent', 'schedule', 'event')),
  constraint oneclick_workflows_trigger_config_check check (jsonb_typeof(trigger_config) = 'object'::text),
  constraint oneclick_workflows_dataspace_id_identity_id_fkey foreign key (dataspace_id, identity_id) references public.dataspaces(id, identity_id) on delete cascade,
  constraint oneclick_workflows_identity_id_fkey foreign key (identity_id) references public.identities(id) on delete cascade
);
alter table public.oneclick_workflows enable row level security;
create index oneclick_workflows_dataspace_id_idx on public.oneclick_workflows (dataspace_id, identity_id);
create index oneclick_workflows_identity_id_idx on public.oneclick_workflows (identity_id);

/**
 * One step of a workflow, run in `position` order (unique per workflow, checked at commit so steps
 * can be reordered in one transaction). An 'agent' step names a task type and optionally a fixed
 * agent (otherwise the compatibility matrix picks one); mappings say which outputs of earlier
 * steps feed this one; an optional step may fail without failing the run.
 */
create table public.workflow_steps (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  workflow_id uuid not null,
  position integer not null,
  name text not null default ''::text,
  step_type text not null,
  agent_id uuid,
  task_type text,
  input_mapping jsonb not null default '{}'::jsonb,
  output_mapping jsonb not null default '{}'::jsonb,
  conditions jsonb not null default '{}'::jsonb,
  timeout_ms integer not null default 30000,
  optional boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint workflow_steps_pkey primary key (id),
  constraint workflow_steps_workflow_id_position_key unique (workflow_id, "position") deferrable initially deferred,
  constraint workflow_steps_check check ((step_type <> 'agent'::text) or (task_type is not null)),
  constraint workflow_steps_check1 check ((step_type = 'agent'::text) or (agent_id is null)),
  constraint workflow_steps_conditions_check check (jsonb_typeof(conditions) = any (array['object'::text, 'array'::text])),
  constraint workflow_steps_input_mapping_check check (jsonb_typeof(input_mapping) = 'object'::text),
  constraint workflow_steps_name_check check (length(name) <= 160),
  constraint workflow_steps_output_mapping_check check (jsonb_typeof(output_mapping) = 'object'::text),
  constraint workflow_steps_position_check check ("position" >= 1),
  constraint workflow_steps_step_type_check check (step_type in ('agent', 'transform', 'condition', 'notify')),
  constraint workflow_steps_task_type_check check (task_type ~ '^[a-z][a-z0-9_]{2,62}$'::text),
  constraint workflow_steps_timeout_ms_check check ((timeout_ms >= 100) and (timeout_ms <= 600000)),
  constraint workflow_steps_agent_id_fkey foreign key (agent_id) references public.agents(id) on delete restrict,
  constraint workflow_steps_workflow_id_identity_id_fkey foreign key (workflow_id, identity_id) references public.oneclick_workflows(id, identity_id) on delete cascade
);
alter table public.workflow_steps enable row level security;
create index workflow_steps_agent_id_idx on public.workflow_steps (agent_id);
create index workflow_steps_identity_id_idx on public.workflow_steps (identity_id);
create index workflow_steps_workflow_id_idx on public.workflow_steps (workflow_id, identity_id);

/**
 * One run of a workflow: its status, the ledger reservation backing it (a token_reservations id),
 * tokens reserved and used, and each step's result. Written only by the pipeline functions;
 * `(identity_id, idempotency_key)` makes a retried request the same run.
 */
create table public.oneclick_executions (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  workflow_id uuid not null,
  user_id uuid not null default auth.uid(),
  status text not null default 'pending'::text,
  reservation_id uuid,
  tokens_reserved integer not null default 0,
  tokens_used integer not null default 0,
  step_results jsonb not null default '[]'::jsonb,
  error jsonb,
  idempotency_key text,
  started_at timestamptz,
  finished_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  request_hash text,
  constraint oneclick_executions_pkey primary key (id),
  constraint oneclick_executions_id_identity_id_key unique (id, identity_id),
  constraint oneclick_executions_identity_id_idempotency_key_key unique (identity_id, idempotency_key),
  constraint oneclick_executions_check check ((status <> all (array['succeeded'::text, 'failed'::text, 'refused'::text, 'partial'::text])) or (finished_at is not null)),
  constraint oneclick_executions_check1 check ((finished_at is null) or (started_at is null) or (finished_at >= started_at)),
  constraint oneclick_executions_idempotency_key_check check ((length(idempotency_key) >= 1) and (length(idempotency_key) <= 255)),
  constraint oneclick_executions_request_hash_check check (request_hash ~ '^[0-9a-f]{64}$'::text),
  constraint oneclick_executions_status_check check (status in ('pending', 'running', 'succeeded', 'failed', 'refused', 'partial')),
  constraint oneclick_executions_step_results_check check (jsonb_typeof(step_results) = 'array'::text),
  constraint oneclick_executions_tokens_reserved_check check (tokens_reserved >= 0),
  constraint oneclick_executions_tokens_used_check check (tokens_used >= 0),
  constraint oneclick_executions_user_id_fkey foreign key (user_id) references public.users(id) on delete cascade,
  constraint oneclick_executions_workflow_id_identity_id_fkey foreign key (workflow_id, identity_id) references public.oneclick_workflows(id, identity_id) on delete cascade
);
alter table public.oneclick_executions enable row level security;
create index oneclick_executions_identity_id_idx on public.oneclick_executions (identity_id);
create index oneclick_executions_reservation_id_idx on public.oneclick_executions (reservation_id) where (reservation_id is not null);
create index oneclick_executions_user_id_idx on public.oneclick_executions (user_id);
create index oneclick_executions_workflow_id_idx on public.oneclick_executions (workflow_id, identity_id);

/**
 * The context Backstage prepared for one run: what it gathered (`context`) and which memory items
 * it used (memory law 6: only inside the run's locked scope). It copies dataspace content, so it is
 * deleted with its dataspace; it survives its run (set null) as the record of what the agent saw.
 */
create table public.backstage_contexts (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  user_id uuid not null default auth.uid(),
  execution_id uuid,
  oneclick_execution_id uuid,
  dataspace_id uuid,
  context jsonb not null default '{}'::jsonb,
  memory_item_ids uuid[] not null default '{}'::uuid[],
  created_at timestamptz not null default now(),
  constraint backstage_contexts_pkey primary key (id),
  constraint backstage_contexts_context_check check (jsonb_typeof(context) = 'object'::text),
  constraint backstage_contexts_dataspace_id_identity_id_fkey foreign key (dataspace_id, identity_id) references public.dataspaces(id, identity_id) on delete cascade,
  constraint backstage_contexts_execution_id_identity_id_fkey foreign key (execution_id, identity_id) references public.agent_executions(id, identity_id) on delete cascade,
  constraint backstage_contexts_identity_id_fkey foreign key (identity_id) references public.identities(id) on delete cascade,
  constraint backstage_contexts_oneclick_execution_id_identity_id_fkey foreign key (oneclick_execution_id, identity_id) references public.oneclick_executions(id, identity_id) on delete cascade,
  constraint backstage_contexts_user_id_fkey foreign key (user_id) references public.users(id) on delete cascade
);
alter table public.backstage_contexts enable row level security;
create index backstage_contexts_dataspace_id_idx on public.backstage_contexts (dataspace_id, identity_id);
create index backstage_contexts_execution_id_idx on public.backstage_contexts (execution_id, identity_id);
create index backstage_contexts_identity_id_idx on public.backstage_contexts (identity_id);
create index backstage_contexts_oneclick_execution_id_idx on public.backstage_contexts (oneclick_execution_id, identity_id);
create index backstage_contexts_user_id_idx on public.backstage_contexts (user_id);
