/**
 * Sharing: memberships, invitations, links: tables.
 * Part of the baseline (20261130*); policies and grants in the matching `protect_*` file.
 */

/**
 * A member of a dataspace: `member_identity_id` holds `role` there. The row belongs to the dataspace
 * owner (`identity_id`); the owner never has one. `via_link_id` names the share link the membership
 * rests on (cleared when an invitation or a host confirms it), so revoking that link ends it.
 */
create table public.dataspace_members (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null,
  dataspace_id uuid not null,
  member_identity_id uuid not null,
  role text not null,
  added_by_identity_id uuid,
  via_link_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint dataspace_members_pkey primary key (id),
  constraint dataspace_members_dataspace_id_member_identity_id_key unique (dataspace_id, member_identity_id),
  constraint dataspace_members_id_identity_id_key unique (id, identity_id),
  constraint dataspace_members_check check (member_identity_id <> identity_id),
  constraint dataspace_members_role_check check (role in ('viewer', 'participant', 'editor', 'host')),
  constraint dataspace_members_added_by_identity_id_fkey foreign key (added_by_identity_id) references public.identities(id) on delete set null,
  constraint dataspace_members_dataspace_id_identity_id_fkey foreign key (dataspace_id, identity_id) references public.dataspaces(id, identity_id) on delete cascade,
  constraint dataspace_members_member_identity_id_fkey foreign key (member_identity_id) references public.identities(id) on delete cascade
);
alter table public.dataspace_members enable row level security;
create index dataspace_members_added_by_identity_id_idx on public.dataspace_members (added_by_identity_id);
create index dataspace_members_dataspace_id_idx on public.dataspace_members (dataspace_id, identity_id);
create index dataspace_members_identity_id_idx on public.dataspace_members (identity_id);
create index dataspace_members_member_identity_id_idx on public.dataspace_members (member_identity_id, dataspace_id);
create index dataspace_members_via_link_id_idx on public.dataspace_members (via_link_id);

/**
 * An invitation by e-mail (stored lower-case): to the dataspace with `role`, or, with `meeting_id`,
 * to that meeting only (viewer or participant; the invitee need not be a member). The invitee is
 * whoever signs in with that confirmed e-mail; they accept with one of their identities
 * (`accepted_identity_id`) or decline; a host (or the inviter) revokes a pending one. A pending
 * invitation past `expires_at` is expired (answered as such; nothing rewrites the row).
 */
create table public.invitations (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null,
  dataspace_id uuid not null,
  meeting_id uuid,
  role text not null,
  invitee_email text not null,
  invited_by_identity_id uuid,
  status text not null default 'pending'::text,
  accepted_identity_id uuid,
  expires_at timestamptz not null,
  decided_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint invitations_pkey primary key (id),
  constraint invitations_id_identity_id_key unique (id, identity_id),
  constraint invitations_check check (expires_at > created_at),
  constraint invitations_check1 check ((status = 'pending'::text) = (decided_at is null)),
  constraint invitations_check2 check ((status = 'accepted'::text) or (accepted_identity_id is null)),
  constraint invitations_check3 check ((meeting_id is null) or (role in ('viewer', 'participant'))),
  constraint invitations_invitee_email_check check (length(invitee_email) between 3 and 320 and invitee_email = lower(invitee_email)
    and invitee_email ~ '^[^@\s]+@[^@\s]+$'),
  constraint invitations_role_check check (role in ('viewer', 'participant', 'editor', 'host')),
  constraint invitations_status_check check (status in ('pending', 'accepted', 'declined', 'revoked')),
  constraint invitations_accepted_identity_id_fkey foreign key (accepted_identity_id) references public.identities(id) on delete set null,
  constraint invitations_dataspace_id_identity_id_fkey foreign key (dataspace_id, identity_id) references public.dataspaces(id, identity_id) on delete cascade,
  constraint invitations_invited_by_identity_id_fkey foreign key (invited_by_identity_id) references public.identities(id) on delete set null
);
alter table public.invitations enable row level security;
create index invitations_accepted_identity_id_idx on public.invitations (accepted_identity_id);
create index invitations_dataspace_id_idx on public.invitations (dataspace_id, identity_id);
create index invitations_identity_id_idx on public.invitations (identity_id);
create index invitations_invited_by_identity_id_idx on public.invitations (invited_by_identity_id);
create index invitations_invitee_email_idx on public.invitations (invitee_email, status);
create index invitations_meeting_id_idx on public.invitations (meeting_id, identity_id);
create unique index invitations_one_pending on public.invitations (dataspace_id, coalesce(meeting_id, '00000000-0000-0000-0000-000000000000'::uuid), invitee_email) where (status = 'pending'::text);

/**
 * An expiring, role-limited, revocable link into a dataspace (or one of its meetings). The token is
 * shown once when the link is made; only its SHA-256 (hex) is kept. `uses` counts the redemptions
 * that granted something; a link with `max_uses` stops at that count. Revoking a link ends the access
 * of everyone who joined through it (their membership or meeting seat names the link).
 */
create table public.share_links (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null,
  dataspace_id uuid not null,
  meeting_id uuid,
  role text not null,
  token_hash text not null,
  created_by_identity_id uuid,
  expires_at timestamptz not null,
  max_uses integer,
  uses integer not null default 0,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint share_links_pkey primary key (id),
  constraint share_links_id_identity_id_key unique (id, identity_id),
  constraint share_links_token_hash_key unique (token_hash),
  constraint share_links_check check ((max_uses is null) or (uses <= max_uses)),
  constraint share_links_check1 check (expires_at > created_at),
  constraint share_links_check2 check ((meeting_id is null) or (role in ('viewer', 'participant'))),
  constraint share_links_max_uses_check check ((max_uses >= 1) and (max_uses <= 10000)),
  constraint share_links_role_check check (role in ('viewer', 'participant', 'editor')),
  constraint share_links_token_hash_check check (token_hash ~ '^[0-9a-f]{64}$'::text),
  constraint share_links_uses_check check (uses >= 0),
  constraint share_links_created_by_identity_id_fkey foreign key (created_by_identity_id) references public.identities(id) on delete set null,
  constraint share_links_dataspace_id_identity_id_fkey foreign key (dataspace_id, identity_id) references public.dataspaces(id, identity_id) on delete cascade
);
alter table public.share_links enable row level security;
create index share_links_created_by_identity_id_idx on public.share_links (created_by_identity_id);
create index share_links_dataspace_id_idx on public.share_links (dataspace_id, identity_id);
create index share_links_identity_id_idx on public.share_links (identity_id);
create index share_links_meeting_id_idx on public.share_links (meeting_id, identity_id);
alter table public.dataspace_members add constraint dataspace_members_via_link_id_fkey foreign key (via_link_id) references public.share_links(id) on delete set null;

/** The sharing rule of each table that a membership or a meeting seat opens (read by the RLS suites). */
create table private.share_rules (
  table_name regclass not null,
  dataspace_expr text not null,
  read_rank integer,
  insert_rank integer,
  update_rank integer,
  delete_rank integer,
  member_filter text,
  meeting_expr text,
  thread_expr text,
  invitee_insert_rank integer,
  assignee_read boolean not null default false,
  extra_read text,
  base_policies jsonb not null,
  constraint share_rules_pkey primary key (table_name)
);
alter table private.share_rules enable row level security;

/** Link redemption attempts (for the hourly limit): kept even when the token was wrong. */
create table private.link_redemption_attempts (
  id bigint generated always as identity not null,
  user_id uuid not null,
  at timestamptz not null default now(),
  constraint link_redemption_attempts_pkey primary key (id)
);
alter table private.link_redemption_attempts enable row level security;
create index link_redemption_attempts_user_idx on private.link_redemption_attempts (user_id, at);
