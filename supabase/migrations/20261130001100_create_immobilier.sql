/**
 * Domain vertical: immobilier: tables.
 * Part of the baseline (20261130*); policies and grants in the matching `protect_*` file.
 */

/** A building (or lot) managed in a dataspace, with its civic address. */
create table public.properties (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  dataspace_id uuid not null,
  name text not null,
  kind text not null default 'multiplex'::text,
  address_line1 text not null,
  address_line2 text,
  city text not null,
  region text not null default 'QC'::text,
  postal_code text not null,
  country character(2) not null default 'CA'::bpchar,
  notes text not null default ''::text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint properties_pkey primary key (id),
  constraint properties_dataspace_id_name_key unique (dataspace_id, name),
  constraint properties_id_identity_id_key unique (id, identity_id),
  constraint properties_address_line1_check check ((length(address_line1) >= 1) and (length(address_line1) <= 200)),
  constraint properties_address_line2_check check ((address_line2 is null) or ((length(address_line2) >= 1) and (length(address_line2) <= 200))),
  constraint properties_city_check check ((length(city) >= 1) and (length(city) <= 120)),
  constraint properties_country_check check (country ~ '^[A-Z]{2}$'::text),
  constraint properties_kind_check check (kind in ('single_family', 'condo', 'duplex', 'triplex', 'quadruplex', 'multiplex', 'commercial', 'mixed_use', 'land', 'other')),
  constraint properties_name_check check ((length(name) >= 1) and (length(name) <= 160)),
  constraint properties_notes_check check (length(notes) <= 4000),
  constraint properties_postal_code_check check ((length(postal_code) >= 3) and (length(postal_code) <= 16)),
  constraint properties_region_check check ((length(region) >= 1) and (length(region) <= 120)),
  constraint properties_dataspace_id_identity_id_fkey foreign key (dataspace_id, identity_id) references public.dataspaces(id, identity_id) on delete cascade
);
alter table public.properties enable row level security;
create index properties_dataspace_id_idx on public.properties (dataspace_id, identity_id);
create index properties_identity_id_idx on public.properties (identity_id);

/** A rentable unit of a property (apartment, commercial space) and its asking rent. */
create table public.property_units (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  property_id uuid not null,
  label text not null,
  bedrooms integer not null default 0,
  area_m2 numeric(10,2),
  rent_cents bigint not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint property_units_pkey primary key (id),
  constraint property_units_id_identity_id_key unique (id, identity_id),
  constraint property_units_property_id_label_key unique (property_id, label),
  constraint property_units_area_m2_check check (area_m2 >= (0)::numeric),
  constraint property_units_bedrooms_check check (bedrooms >= 0),
  constraint property_units_label_check check ((length(label) >= 1) and (length(label) <= 60)),
  constraint property_units_rent_cents_check check (rent_cents >= 0),
  constraint property_units_property_id_identity_id_fkey foreign key (property_id, identity_id) references public.properties(id, identity_id) on delete cascade
);
alter table public.property_units enable row level security;
create index property_units_identity_id_idx on public.property_units (identity_id);
create index property_units_property_id_idx on public.property_units (property_id, identity_id);

/**
 * A tenant's lease on a unit. The lease history belongs to the unit: removing the unit removes its
 * leases and their payments (a restrict here would make a property, dataspace or identity
 * undeletable as soon as it had a tenant).
 */
create table public.tenants (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  unit_id uuid not null,
  full_name text not null,
  email text,
  phone text,
  lease_start date not null,
  lease_end date,
  monthly_rent_cents bigint not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint tenants_pkey primary key (id),
  constraint tenants_id_identity_id_key unique (id, identity_id),
  constraint tenants_check check ((lease_end is null) or (lease_end >= lease_start)),
  constraint tenants_email_check check ((email is null) or ((length(email) >= 3) and (length(email) <= 320))),
  constraint tenants_full_name_check check ((length(full_name) >= 1) and (length(full_name) <= 160)),
  constraint tenants_monthly_rent_cents_check check (monthly_rent_cents >= 0),
  constraint tenants_phone_check check ((phone is null) or ((length(phone) >= 3) and (length(phone) <= 40))),
  constraint tenants_unit_id_identity_id_fkey foreign key (unit_id, identity_id) references public.property_units(id, identity_id) on delete cascade
);
alter table public.tenants enable row level security;
create index tenants_identity_id_idx on public.tenants (identity_id);
create index tenants_unit_id_idx on public.tenants (unit_id, identity_id);

/**
 * One rent payment (or expected payment) of a tenant for a month. `period_month` is the first day
 * of the month paid for; several payments may cover one month (partial payments).
 */
create table public.rent_payments (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  tenant_id uuid not null,
  amount_cents bigint not null,
  currency character(3) not null default 'CAD'::bpchar,
  period_month date not null,
  paid_on date,
  method text not null default 'interac'::text,
  status text not null default 'pending'::text,
  reference text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint rent_payments_pkey primary key (id),
  constraint rent_payments_amount_cents_check check (amount_cents > 0),
  constraint rent_payments_check check ((status <> all (array['received'::text, 'refunded'::text])) or (paid_on is not null)),
  constraint rent_payments_currency_check check (currency ~ '^[A-Z]{3}$'::text),
  constraint rent_payments_method_check check (method in ('interac', 'bank_transfer', 'pre_authorized_debit', 'cheque', 'cash', 'credit_card', 'other')),
  constraint rent_payments_period_month_check check (period_month = (date_trunc('month'::text, (period_month)::timestamp with time zone))::date),
  constraint rent_payments_reference_check check ((reference is null) or ((length(reference) >= 1) and (length(reference) <= 120))),
  constraint rent_payments_status_check check (status in ('pending', 'received', 'late', 'refunded')),
  constraint rent_payments_tenant_id_identity_id_fkey foreign key (tenant_id, identity_id) references public.tenants(id, identity_id) on delete cascade
);
alter table public.rent_payments enable row level security;
create index rent_payments_identity_id_idx on public.rent_payments (identity_id);
create index rent_payments_tenant_id_idx on public.rent_payments (tenant_id, identity_id);
