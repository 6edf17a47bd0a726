/**
 * Domain vertical: construction: tables.
 * Part of the baseline (20261130*); policies and grants in the matching `protect_*` file.
 */

/** A construction or renovation job for a client, tracked in a dataspace. */
create table public.construction_projects (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  dataspace_id uuid not null,
  name text not null,
  client_name text not null,
  client_email text,
  address text not null default ''::text,
  status text not null default 'planning'::text,
  start_on date,
  end_on date,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint construction_projects_pkey primary key (id),
  constraint construction_projects_id_identity_id_key unique (id, identity_id),
  constraint construction_projects_address_check check (length(address) <= 400),
  constraint construction_projects_check check ((end_on is null) or (start_on is null) or (end_on >= start_on)),
  constraint construction_projects_client_email_check check ((client_email is null) or ((length(client_email) >= 3) and (length(client_email) <= 320))),
  constraint construction_projects_client_name_check check ((length(client_name) >= 1) and (length(client_name) <= 160)),
  constraint construction_projects_name_check check ((length(name) >= 1) and (length(name) <= 160)),
  constraint construction_projects_status_check check (status in ('lead', 'planning', 'in_progress', 'on_hold', 'completed', 'cancelled')),
  constraint construction_projects_dataspace_id_identity_id_fkey foreign key (dataspace_id, identity_id) references public.dataspaces(id, identity_id) on delete cascade
);
alter table public.construction_projects enable row level security;
create index construction_projects_dataspace_id_idx on public.construction_projects (dataspace_id, identity_id);
create index construction_projects_identity_id_idx on public.construction_projects (identity_id);

/**
 * One version of a project's estimate (soumission). Versions are numbered from 1 per project; a
 * revised estimate is a new version, so what was sent to the client stays as it was.
 * `tax_rate` is the combined sales-tax rate applied to the subtotal (0.14975 = GST + QST).
 */
create table public.construction_estimates (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  project_id uuid not null,
  version integer not null default 1,
  status text not null default 'draft'::text,
  tax_rate numeric(6,5) not null default 0.14975,
  valid_until date,
  notes text not null default ''::text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint construction_estimates_pkey primary key (id),
  constraint construction_estimates_id_identity_id_key unique (id, identity_id),
  constraint construction_estimates_project_id_version_key unique (project_id, version),
  constraint construction_estimates_notes_check check (length(notes) <= 8000),
  constraint construction_estimates_status_check check (status in ('draft', 'sent', 'accepted', 'rejected')),
  constraint construction_estimates_tax_rate_check check ((tax_rate >= (0)::numeric) and (tax_rate <= (1)::numeric)),
  constraint construction_estimates_version_check check (version >= 1),
  constraint construction_estimates_project_id_identity_id_fkey foreign key (project_id, identity_id) references public.construction_projects(id, identity_id) on delete cascade
);
alter table public.construction_estimates enable row level security;
create index construction_estimates_identity_id_idx on public.construction_estimates (identity_id);
create index construction_estimates_project_id_idx on public.construction_estimates (project_id, identity_id);

/**
 * A line of an estimate. `position` orders the lines; its uniqueness is checked at the end of each
 * statement (deferrable) so lines can be renumbered with a single update.
 */
create table public.estimate_line_items (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  estimate_id uuid not null,
  position integer not null,
  description text not null,
  category text not null default 'other'::text,
  quantity numeric(12,3) not null default 1,
  unit text not null default 'u'::text,
  unit_price_cents bigint not null default 0,
  total_cents bigint generated always as ((round((quantity * (unit_price_cents)::numeric)))::bigint) stored,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint estimate_line_items_pkey primary key (id),
  constraint estimate_line_items_estimate_id_position_key unique (estimate_id, "position") deferrable,
  constraint estimate_line_items_category_check check (category in ('labour', 'materials', 'equipment', 'subcontract', 'other')),
  constraint estimate_line_items_description_check check ((length(description) >= 1) and (length(description) <= 500)),
  constraint estimate_line_items_position_check check ("position" >= 0),
  constraint estimate_line_items_quantity_check check (quantity >= (0)::numeric),
  constraint estimate_line_items_unit_check check ((length(unit) >= 1) and (length(unit) <= 20)),
  constraint estimate_line_items_unit_price_cents_check check (unit_price_cents >= 0),
  constraint estimate_line_items_estimate_id_identity_id_fkey foreign key (estimate_id, identity_id) references public.construction_estimates(id, identity_id) on delete cascade
);
alter table public.estimate_line_items enable row level security;
create index estimate_line_items_estimate_id_idx on public.estimate_line_items (estimate_id, identity_id);
create index estimate_line_items_identity_id_idx on public.estimate_line_items (identity_id);
