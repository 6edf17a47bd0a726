/**
 * 1-Click workflows (AM-005) and Backstage. A workflow is an identity's named chain of steps, now
 * normalised into workflow_steps so each step can be audited, reordered and priced on its own; a
 * 1-Click execution is one governed run of a workflow. Backstage prepares the context (dataspace
 * content, memory) an agent run or a workflow run is given.
 */

/** A 1-Click workflow an identity defined, optionally attached to one of its dataspaces. */
create table public.oneclick_workflows (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id()
    references public.identities (id) on delete cascade,
  dataspace_id uuid,
  name text not null check (length(name) between 1 and 160),
  description text not null default '' check (length(description) <= 4000),
  trigger text not null default 'manual' check (trigger in ('manual', 'intent', 'schedule', 'event')),
  trigger_config jsonb not null default '{}'::jsonb check (jsonb_typeof(trigger_config) = 'object'),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, identity_id),
  unique (identity_id, name),
  foreign key (dataspace_id, identity_id) references public.dataspaces (id, identity_id)
    on delete set null (dataspace_id)
);
alter table public.oneclick_workflows enable row level security;
create index oneclick_workflows_dataspace_id_idx on public.oneclick_workflows (dataspace_id, identity_id);
create trigger oneclick_workflows_touch_updated_at before update on public.oneclick_workflows
  for each row execute function private.touch_updated_at();

/**
 * One step of a workflow, run in `position` order (unique per workflow, checked at commit so steps
 * can be reordered in one transaction). An 'agent' step names a task type and optionally a fixed
 * agent (otherwise the compatibility matrix picks one); mappings say which outputs of earlier
 * steps feed this one; an optional step may fail without failing the run.
 */
create table public.workflow_steps (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  workflow_id uuid not null,
  position integer not null check (position >= 1),
  name text not null default '' check (length(name) <= 160),
  step_type text not null check (step_type in ('agent', 'transform', 'condition', 'notify')),
  agent_id uuid references public.agents (id) on delete restrict,
  task_type text check (task_type ~ '^[a-z][a-z0-9_]{2,62}$'),
  input_mapping jsonb not null default '{}'::jsonb check (jsonb_typeof(input_mapping) = 'object'),
  output_mapping jsonb not null default '{}'::jsonb check (jsonb_typeof(output_mapping) = 'object'),
  conditions jsonb not null default '{}'::jsonb check (jsonb_typeof(conditions) in ('object', 'array')),
  timeout_ms integer not null default 30000 check (timeout_ms between 100 and 600000),
  optional boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workflow_id, position) deferrable initially deferred,
  check (step_type <> 'agent' or task_type is not null),
  check (step_type = 'agent' or agent_id is null),
  foreign key (workflow_id, identity_id) references public.oneclick_workflows (id, identity_id) on delete cascade
);
alter table public.workflow_steps enable row level security;
create index workflow_steps_workflow_id_idx on public.workflow_steps (workflow_id, identity_id);
create index workflow_steps_agent_id_idx on public.workflow_steps (agent_id);
create trigger workflow_steps_touch_updated_at before update on public.workflow_steps
  for each row execute function private.touch_updated_at();

/**
 * One run of a workflow: its status, the ledger reservation backing it (a token_reservations id),
 * tokens reserved and used, and each step's result. Written only by the pipeline functions;
 * `(identity_id, idempotency_key)` makes a retried request the same run.
 */
create table public.oneclick_executions (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  workflow_id uuid not null,
  user_id uuid not null default auth.uid() references public.users (id) on delete cascade,
  status text not null default 'pending'
    check (status in ('pending', 'running', 'succeeded', 'failed', 'refused', 'partial')),
  reservation_id uuid,
  tokens_reserved integer not null default 0 check (tokens_reserved >= 0),
  tokens_used integer not null default 0 check (tokens_used >= 0),
  step_results jsonb not null default '[]'::jsonb check (jsonb_typeof(step_results) = 'array'),
  error jsonb,
  idempotency_key text check (length(idempotency_key) between 1 and 255),
  started_at timestamptz,
  finished_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, identity_id),
  unique (identity_id, idempotency_key),
  check (status not in ('succeeded', 'failed', 'refused', 'partial') or finished_at is not null),
  check (finished_at is null or started_at is null or finished_at >= started_at),
  foreign key (workflow_id, identity_id) references public.oneclick_workflows (id, identity_id) on delete cascade
);
alter table public.oneclick_executions enable row level security;
create index oneclick_executions_workflow_id_idx on public.oneclick_executions (workflow_id, identity_id);
create index oneclick_executions_user_id_idx on public.oneclick_executions (user_id);
create index oneclick_executions_reservation_id_idx on public.oneclick_executions (reservation_id)
  where reservation_id is not null;
create trigger oneclick_executions_touch_updated_at before update on public.oneclick_executions
  for each row execute function private.touch_updated_at();

/**
 * The context Backstage prepared for one run: what it gathered (`context`) and which memory items
 * it used (memory law 6: only inside the run's locked scope). It copies dataspace content, so it is
 * deleted with its dataspace; it survives its run (set null) as the record of what the agent saw.
 */
create table public.backstage_contexts (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id()
    references public.identities (id) on delete cascade,
  user_id uuid not null default auth.uid() references public.users (id) on delete cascade,
  execution_id uuid,
  oneclick_execution_id uuid,
  dataspace_id uuid,
  context jsonb not null default '{}'::jsonb check (jsonb_typeof(context) = 'object'),
  memory_item_ids uuid[] not null default '{}',
  created_at timestamptz not null default now(),
  foreign key (execution_id, identity_id) references public.agent_executions (id, identity_id)
    on delete set null (execution_id),
  foreign key (oneclick_execution_id, identity_id) references public.oneclick_executions (id, identity_id)
    on delete set null (oneclick_execution_id),
  foreign key (dataspace_id, identity_id) references public.dataspaces (id, identity_id) on delete cascade
);
alter table public.backstage_contexts enable row level security;
create index backstage_contexts_user_id_idx on public.backstage_contexts (user_id);
create index backstage_contexts_execution_id_idx on public.backstage_contexts (execution_id, identity_id);
create index backstage_contexts_oneclick_execution_id_idx
  on public.backstage_contexts (oneclick_execution_id, identity_id);
create index backstage_contexts_dataspace_id_idx on public.backstage_contexts (dataspace_id, identity_id);

select private.apply_identity_rls('public.oneclick_workflows', 'workflows', 'null', 'dataspace_id');
select private.apply_identity_rls('public.workflow_steps', 'workflow steps', 'null',
  '(select w.dataspace_id from public.oneclick_workflows w where w.id = workflow_id)');
-- runs and their contexts are written by the pipeline functions; clients only read them
select private.apply_identity_rls('public.oneclick_executions', 'workflow executions', 'null',
  '(select w.dataspace_id from public.oneclick_workflows w where w.id = workflow_id)', array['select']);
select private.apply_identity_rls('public.backstage_contexts', 'backstage contexts', 'null', 'dataspace_id',
  array['select']);
