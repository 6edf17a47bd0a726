/**
 * Construction: Project -> Estimates (numbered versions) -> Line items. All identity-owned, each
 * level reaching its parent through a composite key. Money is in integer cents; a line's total is
 * computed by the database so it can never disagree with its quantity and unit price.
 */

/** A construction or renovation job for a client, tracked in a dataspace. */
create table public.construction_projects (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  dataspace_id uuid not null,
  name text not null check (length(name) between 1 and 160),
  client_name text not null check (length(client_name) between 1 and 160),
  client_email text check (client_email is null or length(client_email) between 3 and 320),
  address text not null default '' check (length(address) <= 400),
  status text not null default 'planning'
    check (status in ('lead', 'planning', 'in_progress', 'on_hold', 'completed', 'cancelled')),
  start_on date,
  end_on date,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, identity_id),
  check (end_on is null or start_on is null or end_on >= start_on),
  foreign key (dataspace_id, identity_id) references public.dataspaces (id, identity_id) on delete cascade
);
alter table public.construction_projects enable row level security;
create index construction_projects_identity_id_idx on public.construction_projects (identity_id);
create index construction_projects_dataspace_id_idx on public.construction_projects (dataspace_id, identity_id);
create trigger construction_projects_touch_updated_at before update on public.construction_projects
  for each row execute function private.touch_updated_at();

/**
 * One version of a project's estimate (soumission). Versions are numbered from 1 per project; a
 * revised estimate is a new version, so what was sent to the client stays as it was.
 * `tax_rate` is the combined sales-tax rate applied to the subtotal (0.14975 = GST + QST).
 */
create table public.construction_estimates (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  project_id uuid not null,
  version integer not null default 1 check (version >= 1),
  status text not null default 'draft'
    check (status in ('draft', 'sent', 'accepted', 'rejected')),
  tax_rate numeric(6, 5) not null default 0.14975 check (tax_rate between 0 and 1),
  valid_until date,
  notes text not null default '' check (length(notes) <= 8000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, identity_id),
  unique (project_id, version),
  foreign key (project_id, identity_id)
    references public.construction_projects (id, identity_id) on delete cascade
);
alter table public.construction_estimates enable row level security;
create index construction_estimates_identity_id_idx on public.construction_estimates (identity_id);
create index construction_estimates_project_id_idx on public.construction_estimates (project_id, identity_id);
create trigger construction_estimates_touch_updated_at before update on public.construction_estimates
  for each row execute function private.touch_updated_at();

/**
 * A line of an estimate. `position` orders the lines; its uniqueness is checked at the end of each
 * statement (deferrable) so lines can be renumbered with a single update.
 */
create table public.estimate_line_items (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  estimate_id uuid not null,
  position integer not null check (position >= 0),
  description text not null check (length(description) between 1 and 500),
  category text not null default 'other'
    check (category in ('labour', 'materials', 'equipment', 'subcontract', 'other')),
  quantity numeric(12, 3) not null default 1 check (quantity >= 0),
  unit text not null default 'u' check (length(unit) between 1 and 20),
  unit_price_cents bigint not null default 0 check (unit_price_cents >= 0),
  total_cents bigint generated always as (round(quantity * unit_price_cents)::bigint) stored,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (estimate_id, position) deferrable initially immediate,
  foreign key (estimate_id, identity_id)
    references public.construction_estimates (id, identity_id) on delete cascade
);
alter table public.estimate_line_items enable row level security;
create index estimate_line_items_identity_id_idx on public.estimate_line_items (identity_id);
create index estimate_line_items_estimate_id_idx on public.estimate_line_items (estimate_id, identity_id);
create trigger estimate_line_items_touch_updated_at before update on public.estimate_line_items
  for each row execute function private.touch_updated_at();

select private.apply_identity_rls('public.construction_projects', 'construction projects', 'null', 'dataspace_id');
select private.apply_identity_rls('public.construction_estimates', 'construction estimates', 'null', 'null');
select private.apply_identity_rls('public.estimate_line_items', 'estimate line items', 'null', 'null');
