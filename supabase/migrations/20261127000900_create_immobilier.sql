/**
 * Immobilier (property management): Property -> Units -> Tenants -> Rent payments. All
 * identity-owned, each level reaching its parent through a composite key so a unit, lease or
 * payment can never be attached to another identity's property. Money is in integer cents.
 */

/** A building (or lot) managed in a dataspace, with its civic address. */
create table public.properties (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  dataspace_id uuid not null,
  name text not null check (length(name) between 1 and 160),
  kind text not null default 'multiplex'
    check (kind in ('single_family', 'condo', 'duplex', 'triplex', 'quadruplex', 'multiplex',
                    'commercial', 'mixed_use', 'land', 'other')),
  address_line1 text not null check (length(address_line1) between 1 and 200),
  address_line2 text check (address_line2 is null or length(address_line2) between 1 and 200),
  city text not null check (length(city) between 1 and 120),
  region text not null default 'QC' check (length(region) between 1 and 120),
  postal_code text not null check (length(postal_code) between 3 and 16),
  country char(2) not null default 'CA' check (country ~ '^[A-Z]{2}$'),
  notes text not null default '' check (length(notes) <= 4000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, identity_id),
  unique (dataspace_id, name),
  foreign key (dataspace_id, identity_id) references public.dataspaces (id, identity_id) on delete cascade
);
alter table public.properties enable row level security;
create index properties_identity_id_idx on public.properties (identity_id);
create index properties_dataspace_id_idx on public.properties (dataspace_id, identity_id);
create trigger properties_touch_updated_at before update on public.properties
  for each row execute function private.touch_updated_at();

/** A rentable unit of a property (apartment, commercial space) and its asking rent. */
create table public.property_units (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  property_id uuid not null,
  label text not null check (length(label) between 1 and 60),
  bedrooms integer not null default 0 check (bedrooms >= 0),
  area_m2 numeric(10, 2) check (area_m2 >= 0),
  rent_cents bigint not null default 0 check (rent_cents >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, identity_id),
  unique (property_id, label),
  foreign key (property_id, identity_id) references public.properties (id, identity_id) on delete cascade
);
alter table public.property_units enable row level security;
create index property_units_identity_id_idx on public.property_units (identity_id);
create index property_units_property_id_idx on public.property_units (property_id, identity_id);
create trigger property_units_touch_updated_at before update on public.property_units
  for each row execute function private.touch_updated_at();

/**
 * A tenant's lease on a unit. The lease history belongs to the unit: removing the unit removes its
 * leases and their payments (a restrict here would make a property, dataspace or identity
 * undeletable as soon as it had a tenant).
 */
create table public.tenants (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  unit_id uuid not null,
  full_name text not null check (length(full_name) between 1 and 160),
  email text check (email is null or length(email) between 3 and 320),
  phone text check (phone is null or length(phone) between 3 and 40),
  lease_start date not null,
  lease_end date,
  monthly_rent_cents bigint not null check (monthly_rent_cents >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, identity_id),
  check (lease_end is null or lease_end >= lease_start),
  foreign key (unit_id, identity_id) references public.property_units (id, identity_id) on delete cascade
);
alter table public.tenants enable row level security;
create index tenants_identity_id_idx on public.tenants (identity_id);
create index tenants_unit_id_idx on public.tenants (unit_id, identity_id);
create trigger tenants_touch_updated_at before update on public.tenants
  for each row execute function private.touch_updated_at();

/**
 * One rent payment (or expected payment) of a tenant for a month. `period_month` is the first day
 * of the month paid for; several payments may cover one month (partial payments).
 */
create table public.rent_payments (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  tenant_id uuid not null,
  amount_cents bigint not null check (amount_cents > 0),
  currency char(3) not null default 'CAD' check (currency ~ '^[A-Z]{3}$'),
  period_month date not null check (period_month = date_trunc('month', period_month)::date),
  paid_on date,
  method text not null default 'interac'
    check (method in ('interac', 'bank_transfer', 'pre_authorized_debit', 'cheque', 'cash', 'credit_card', 'other')),
  status text not null default 'pending'
    check (status in ('pending', 'received', 'late', 'refunded')),
  reference text check (reference is null or length(reference) between 1 and 120),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (status not in ('received', 'refunded') or paid_on is not null),
  foreign key (tenant_id, identity_id) references public.tenants (id, identity_id) on delete cascade
);
alter table public.rent_payments enable row level security;
create index rent_payments_identity_id_idx on public.rent_payments (identity_id);
create index rent_payments_tenant_id_idx on public.rent_payments (tenant_id, identity_id);
create trigger rent_payments_touch_updated_at before update on public.rent_payments
  for each row execute function private.touch_updated_at();

select private.apply_identity_rls('public.properties', 'properties', 'null', 'dataspace_id');
select private.apply_identity_rls('public.property_units', 'property units', 'null', 'null');
select private.apply_identity_rls('public.tenants', 'tenants', 'null', 'null');
select private.apply_identity_rls('public.rent_payments', 'rent payments', 'null', 'null');
