/**
 * Files, notifications and the realtime outbox: tables.
 * Part of the baseline (20261130*); policies and grants in the matching `protect_*` file.
 */

/**
 * An uploaded file of a dataspace (at most 50 MiB). `sha256` identifies the content; the bytes are
 * at `storage_path` of `storage_backend`, and no two rows may claim the same stored object.
 */
create table public.files (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  dataspace_id uuid not null,
  name text not null,
  mime_type text not null default 'application/octet-stream'::text,
  size_bytes bigint not null,
  sha256 text not null,
  storage_backend text not null default 'local'::text,
  storage_path text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint files_pkey primary key (id),
  constraint files_storage_path_key unique (storage_path),
  constraint files_mime_type_check check ((mime_type ~ '^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$'::text) and (length(mime_type) <= 255)),
  constraint files_name_check check ((length(name) >= 1) and (length(name) <= 255)),
  constraint files_sha256_check check (sha256 ~ '^[0-9a-f]{64}$'::text),
  constraint files_size_bytes_check check ((size_bytes >= 0) and (size_bytes <= 52428800)),
  constraint files_storage_backend_check check (storage_backend in ('local', 'supabase')),
  constraint files_storage_path_check check ((length(storage_path) >= 1) and (length(storage_path) <= 1024)),
  constraint files_dataspace_id_identity_id_fkey foreign key (dataspace_id, identity_id) references public.dataspaces(id, identity_id) on delete cascade
);
alter table public.files enable row level security;
create index files_dataspace_id_idx on public.files (dataspace_id, identity_id);
create index files_identity_id_idx on public.files (identity_id);
create index files_sha256_idx on public.files (identity_id, sha256);

/**
 * Something an identity is told (meeting starting, rent late, elevation requested...). `kind` is a
 * dotted event name; `data` carries what the client needs to act on it. Unread while read_at is null.
 */
create table public.notifications (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  user_id uuid not null default auth.uid(),
  kind text not null,
  title text not null,
  body text not null default ''::text,
  data jsonb not null default '{}'::jsonb,
  read_at timestamptz,
  created_at timestamptz not null default now(),
  constraint notifications_pkey primary key (id),
  constraint notifications_id_identity_id_key unique (id, identity_id),
  constraint notifications_body_check check (length(body) <= 4000),
  constraint notifications_data_check check (jsonb_typeof(data) = 'object'::text),
  constraint notifications_kind_check check ((kind ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$'::text) and (length(kind) <= 120)),
  constraint notifications_title_check check ((length(title) >= 1) and (length(title) <= 200)),
  constraint notifications_identity_id_fkey foreign key (identity_id) references public.identities(id) on delete cascade,
  constraint notifications_user_id_fkey foreign key (user_id) references public.users(id) on delete cascade
);
alter table public.notifications enable row level security;
create index notifications_identity_id_idx on public.notifications (identity_id);
create index notifications_unread_idx on public.notifications (identity_id, created_at desc) where (read_at is null);
create index notifications_user_id_idx on public.notifications (user_id);

/**
 * Where an identity wants to be notified. `config` holds the channel's address (email address,
 * push subscription, phone number, webhook URL); `secret` is the HMAC key webhook bodies are signed
 * with, so only webhook channels carry one.
 */
create table public.notification_channels (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  channel text not null,
  name text not null default 'default'::text,
  config jsonb not null default '{}'::jsonb,
  enabled boolean not null default true,
  secret text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint notification_channels_pkey primary key (id),
  constraint notification_channels_id_identity_id_key unique (id, identity_id),
  constraint notification_channels_identity_id_channel_name_key unique (identity_id, channel, name),
  constraint notification_channels_channel_check check (channel in ('email', 'push', 'sms', 'webhook')),
  constraint notification_channels_check check ((secret is null) or (channel = 'webhook'::text)),
  constraint notification_channels_check1 check ((channel <> 'webhook'::text) or ((config ->> 'url'::text) ~ '^https?://'::text)),
  constraint notification_channels_config_check check (jsonb_typeof(config) = 'object'::text),
  constraint notification_channels_name_check check ((length(name) >= 1) and (length(name) <= 120)),
  constraint notification_channels_secret_check check ((secret is null) or ((length(secret) >= 32) and (length(secret) <= 512))),
  constraint notification_channels_identity_id_fkey foreign key (identity_id) references public.identities(id) on delete cascade
);
alter table public.notification_channels enable row level security;
create index notification_channels_identity_id_idx on public.notification_channels (identity_id);

/**
 * The delivery of one notification through one channel, with its retry state: pending until it
 * is delivered or given up on (failed); `next_attempt_at` is when a pending delivery is retried.
 */
create table public.notification_deliveries (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  notification_id uuid not null,
  channel_id uuid not null,
  status text not null default 'pending'::text,
  attempts integer not null default 0,
  next_attempt_at timestamptz default now(),
  last_error text,
  delivered_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint notification_deliveries_pkey primary key (id),
  constraint notification_deliveries_notification_id_channel_id_key unique (notification_id, channel_id),
  constraint notification_deliveries_attempts_check check (attempts >= 0),
  constraint notification_deliveries_check check ((status = 'delivered'::text) = (delivered_at is not null)),
  constraint notification_deliveries_last_error_check check ((last_error is null) or (length(last_error) <= 4000)),
  constraint notification_deliveries_status_check check (status in ('pending', 'delivered', 'failed')),
  constraint notification_deliveries_channel_id_identity_id_fkey foreign key (channel_id, identity_id) references public.notification_channels(id, identity_id) on delete cascade,
  constraint notification_deliveries_notification_id_identity_id_fkey foreign key (notification_id, identity_id) references public.notifications(id, identity_id) on delete cascade
);
alter table public.notification_deliveries enable row level security;
create index notification_deliveries_channel_id_idx on public.notification_deliveries (channel_id, identity_id);
create index notification_deliveries_due_idx on public.notification_deliveries (next_attempt_at) where (status = 'pending'::text);
create index notification_deliveries_identity_id_idx on public.notification_deliveries (identity_id);
create index notification_deliveries_notification_id_idx on public.notification_deliveries (notification_id, identity_id);

/**
 * Realtime notifications leave the writers' commit path. `pg_notify` in a transaction makes its
 * COMMIT take a database-wide lock that is held until the commit record is flushed, so every
 * notifying transaction committed one after another: `npm run bench:ledger` showed the ledger's
 * writers (each balance change notifies) waiting on that lock most of the time (single-phase
 * debits 756 ops/s with the trigger, 1,143 without).
 *
 * The triggers now append the same payload to an outbox, and a relay publishes the outbox on the
 * same `chenu_realtime` channel in batches (server/realtime/notifyBridge.ts runs it every few tens
 * of milliseconds in each realtime process; `for update skip locked` lets several processes share
 * the work, and every LISTENing process still receives every event). The outbox is unlogged: an
 * event is a hint that something changed, never the data itself (clients read rows through the
 * API), so after a crash the lost hints cost nothing but a refresh, while appending to it writes no
 * WAL. Payloads, routing keys and channel are unchanged.
 */
create unlogged table private.realtime_outbox (
  id bigint generated always as identity not null,
  payload text not null,
  constraint realtime_outbox_pkey primary key (id),
  constraint realtime_outbox_payload_check check (octet_length(payload) < 8000)
);
alter table private.realtime_outbox enable row level security;
