/**
 * The one-time links local auth mails (server/gateway/localAuth.ts): confirming a sign-up, signing
 * in by magic link, resetting a password. Only the SHA-256 of a link's token is kept; a token is
 * good once (`used_at`) and until `expires_at`. Local auth only: on a hosted project Supabase Auth
 * mails its own links, and this table stays empty. In schema `private`, so no API serves it.
 */
create table private.auth_mail_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  kind text not null check (kind in ('signup', 'magiclink', 'recovery')),
  token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  check (expires_at > created_at)
);
alter table private.auth_mail_tokens enable row level security;
create index auth_mail_tokens_user_kind_idx on private.auth_mail_tokens (user_id, kind, created_at desc);
revoke all on table private.auth_mail_tokens from public, anon, authenticated;
grant all on table private.auth_mail_tokens to service_role;
