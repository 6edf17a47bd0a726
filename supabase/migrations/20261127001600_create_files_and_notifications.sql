/**
 * Files and notifications. Files: the metadata of uploads kept in a dataspace (the bytes live in
 * local storage or Supabase Storage). Notifications: what an identity is told, the channels it has
 * configured (email, push, SMS, webhook; AM-009), and each delivery attempt per channel.
 * All identity-owned.
 */

/**
 * An uploaded file of a dataspace (at most 50 MiB). `sha256` identifies the content; the bytes are
 * at `storage_path` of `storage_backend`, and no two rows may claim the same stored object.
 */
create table public.files (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  dataspace_id uuid not null,
  name text not null check (length(name) between 1 and 255),
  mime_type text not null default 'application/octet-stream'
    check (mime_type ~ '^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$' and length(mime_type) <= 255),
  size_bytes bigint not null check (size_bytes between 0 and 52428800),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  storage_backend text not null default 'local' check (storage_backend in ('local', 'supabase')),
  storage_path text not null unique check (length(storage_path) between 1 and 1024),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (dataspace_id, identity_id) references public.dataspaces (id, identity_id) on delete cascade
);
alter table public.files enable row level security;
create index files_identity_id_idx on public.files (identity_id);
create index files_dataspace_id_idx on public.files (dataspace_id, identity_id);
create index files_sha256_idx on public.files (identity_id, sha256);
create trigger files_touch_updated_at before update on public.files
  for each row execute function private.touch_updated_at();

/**
 * Something an identity is told (meeting starting, rent late, elevation requested...). `kind` is a
 * dotted event name; `data` carries what the client needs to act on it. Unread while read_at is null.
 */
create table public.notifications (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id()
    references public.identities (id) on delete cascade,
  user_id uuid not null default auth.uid() references public.users (id) on delete cascade,
  kind text not null check (kind ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$' and length(kind) <= 120),
  title text not null check (length(title) between 1 and 200),
  body text not null default '' check (length(body) <= 4000),
  data jsonb not null default '{}'::jsonb check (jsonb_typeof(data) = 'object'),
  read_at timestamptz,
  created_at timestamptz not null default now(),
  unique (id, identity_id)
);
alter table public.notifications enable row level security;
create index notifications_identity_id_idx on public.notifications (identity_id);
create index notifications_user_id_idx on public.notifications (user_id);
create index notifications_unread_idx on public.notifications (identity_id, created_at desc)
  where read_at is null;

/**
 * Where an identity wants to be notified. `config` holds the channel's address (email address,
 * push subscription, phone number, webhook URL); `secret` is the HMAC key webhook bodies are signed
 * with, so only webhook channels carry one.
 */
create table public.notification_channels (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id()
    references public.identities (id) on delete cascade,
  channel text not null check (channel in ('email', 'push', 'sms', 'webhook')),
  name text not null default 'default' check (length(name) between 1 and 120),
  config jsonb not null default '{}'::jsonb check (jsonb_typeof(config) = 'object'),
  enabled boolean not null default true,
  secret text check (secret is null or length(secret) between 32 and 512),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, identity_id),
  unique (identity_id, channel, name),
  check (secret is null or channel = 'webhook'),
  check (channel <> 'webhook' or config ->> 'url' ~ '^https?://')
);
alter table public.notification_channels enable row level security;
create index notification_channels_identity_id_idx on public.notification_channels (identity_id);
create trigger notification_channels_touch_updated_at before update on public.notification_channels
  for each row execute function private.touch_updated_at();

/**
 * The delivery of one notification through one channel, with its retry state: pending until it
 * is delivered or given up on (failed); `next_attempt_at` is when a pending delivery is retried.
 */
create table public.notification_deliveries (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  notification_id uuid not null,
  channel_id uuid not null,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
  attempts integer not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz default now(),
  last_error text check (last_error is null or length(last_error) <= 4000),
  delivered_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (notification_id, channel_id),
  check ((status = 'delivered') = (delivered_at is not null)),
  foreign key (notification_id, identity_id)
    references public.notifications (id, identity_id) on delete cascade,
  foreign key (channel_id, identity_id)
    references public.notification_channels (id, identity_id) on delete cascade
);
alter table public.notification_deliveries enable row level security;
create index notification_deliveries_identity_id_idx on public.notification_deliveries (identity_id);
create index notification_deliveries_notification_id_idx
  on public.notification_deliveries (notification_id, identity_id);
create index notification_deliveries_channel_id_idx on public.notification_deliveries (channel_id, identity_id);
create index notification_deliveries_due_idx on public.notification_deliveries (next_attempt_at)
  where status = 'pending';
create trigger notification_deliveries_touch_updated_at before update on public.notification_deliveries
  for each row execute function private.touch_updated_at();

select private.apply_identity_rls('public.files', 'files', 'null', 'dataspace_id');
select private.apply_identity_rls('public.notifications', 'notifications', 'null', 'null');
select private.apply_identity_rls('public.notification_channels', 'notification channels', 'null', 'null');
select private.apply_identity_rls('public.notification_deliveries', 'notification deliveries', 'null', 'null');
