/**
 * Users, identities, sessions and local auth: tables.
 * Part of the baseline (20261130*); policies and grants in the matching `protect_*` file.
 */

/** One row per auth user: the profile CHE·NU shows. Deleting the auth user deletes everything. */
create table public.users (
  id uuid not null,
  email text not null,
  display_name text not null,
  locale text not null default 'fr-CA'::text,
  time_zone text not null default 'America/Montreal'::text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint users_pkey primary key (id),
  constraint users_display_name_check check ((length(display_name) >= 1) and (length(display_name) <= 120)),
  constraint users_email_check check ((length(email) >= 3) and (length(email) <= 320)),
  constraint users_locale_check check ((length(locale) >= 2) and (length(locale) <= 35)),
  constraint users_time_zone_check check ((length(time_zone) >= 1) and (length(time_zone) <= 64)),
  constraint users_id_fkey foreign key (id) references auth.users(id) on delete cascade
);
alter table public.users enable row level security;

/** A persona of a user. Its id is the `identity_id` claim a request acts as. */
create table public.identities (
  id uuid not null default gen_random_uuid(),
  user_id uuid not null,
  name text not null,
  kind text not null default 'personal'::text,
  color text not null default '#4f8cff'::text,
  is_default boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint identities_pkey primary key (id),
  constraint identities_user_id_name_key unique (user_id, name),
  constraint identities_color_check check (color ~ '^#[0-9a-fA-F]{6}$'::text),
  constraint identities_kind_check check (kind in ('personal', 'professional', 'business', 'community', 'public')),
  constraint identities_name_check check ((length(name) >= 1) and (length(name) <= 120)),
  constraint identities_user_id_fkey foreign key (user_id) references public.users(id) on delete cascade
);
alter table public.identities enable row level security;
create unique index identities_one_default_per_user on public.identities (user_id) where is_default;
create index identities_user_id_idx on public.identities (user_id);

/**
 * The active identity of each auth session. A session starts on the user's default identity; the
 * user switches with public.switch_identity() and then refreshes the session, and the access token
 * hook below puts the chosen identity into the new token's `identity_id` claim. The same hook is
 * what Supabase Auth calls on a hosted project (Custom Access Token Hook), so switching identity
 * works the same way through supabase-js locally and on Supabase.
 */
create table private.session_identities (
  session_id uuid not null,
  user_id uuid not null,
  identity_id uuid not null,
  updated_at timestamptz not null default now(),
  constraint session_identities_pkey primary key (session_id),
  constraint session_identities_identity_id_fkey foreign key (identity_id) references public.identities(id) on delete cascade,
  constraint session_identities_user_id_fkey foreign key (user_id) references public.users(id) on delete cascade
);
alter table private.session_identities enable row level security;
create index session_identities_identity_id_idx on private.session_identities (identity_id);
create index session_identities_user_id_idx on private.session_identities (user_id);

/**
 * The one-time links local auth mails (server/gateway/localAuth.ts): confirming a sign-up, signing
 * in by magic link, resetting a password. Only the SHA-256 of a link's token is kept; a token is
 * good once (`used_at`) and until `expires_at`. Local auth only: on a hosted project Supabase Auth
 * mails its own links, and this table stays empty. In schema `private`, so no API serves it.
 */
create table private.auth_mail_tokens (
  id uuid not null default gen_random_uuid(),
  user_id uuid not null,
  kind text not null,
  token_hash text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  constraint auth_mail_tokens_pkey primary key (id),
  constraint auth_mail_tokens_token_hash_key unique (token_hash),
  constraint auth_mail_tokens_check check (expires_at > created_at),
  constraint auth_mail_tokens_kind_check check (kind in ('signup', 'magiclink', 'recovery')),
  constraint auth_mail_tokens_token_hash_check check (token_hash ~ '^[0-9a-f]{64}$'::text),
  constraint auth_mail_tokens_user_id_fkey foreign key (user_id) references auth.users(id) on delete cascade
);
alter table private.auth_mail_tokens enable row level security;
create index auth_mail_tokens_user_kind_idx on private.auth_mail_tokens (user_id, kind, created_at desc);
