/**
 * Shared spaces (issue 14), part 1: who shares what. Until now every dataspace and everything in it
 * belonged to one identity, and the only way in for anyone else was a time-boxed elevation. Now:
 * - `dataspace_members`: an identity (of any user) is a member of a dataspace with a role, viewer <
 *   participant < editor < host. The owner (the dataspace's `identity_id`) is an implicit host that
 *   has no row and can never be removed or demoted. Members are identities: acting as X, a member
 *   sees the dataspaces X is a member of, and nothing of X's user's other identities.
 * - `invitations`: by e-mail, to a dataspace with a role, or to one meeting (viewer or participant)
 *   for someone who need not be a member; the invitee accepts with one of their identities.
 * - `share_links`: expiring, role-limited, revocable tokens (only their SHA-256 is stored), redeemed
 *   by a signed-in person with an identity of their choice.
 * Every row of these tables belongs to the TENANT (the dataspace owner's identity_id), like all the
 * dataspace's content. The policies that open the content to members come in 20261206500100, the
 * functions that write these tables in 20261206500200.
 */

/** A member role's rank (viewer 1, participant 2, editor 3, host 4); null for anything else. */
create function private.role_rank(p_role text) returns integer
language sql immutable
set search_path = ''
as $$
  select case p_role when 'viewer' then 1 when 'participant' then 2 when 'editor' then 3 when 'host' then 4 end
$$;
grant execute on function private.role_rank(text) to authenticated, service_role;

/**
 * An expiring, role-limited, revocable link into a dataspace (or one of its meetings). The token is
 * shown once when the link is made; only its SHA-256 (hex) is kept. `uses` counts the redemptions
 * that granted something; a link with `max_uses` stops at that count. Revoking a link ends the access
 * of everyone who joined through it (their membership or meeting seat names the link).
 */
create table public.share_links (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null,
  dataspace_id uuid not null,
  meeting_id uuid,
  role text not null check (role in ('viewer', 'participant', 'editor')),
  token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  created_by_identity_id uuid references public.identities (id) on delete set null,
  expires_at timestamptz not null,
  max_uses integer check (max_uses between 1 and 10000),
  uses integer not null default 0 check (uses >= 0),
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, identity_id),
  check (max_uses is null or uses <= max_uses),
  check (expires_at > created_at),
  check (meeting_id is null or role in ('viewer', 'participant')),
  foreign key (dataspace_id, identity_id) references public.dataspaces (id, identity_id) on delete cascade,
  foreign key (meeting_id, identity_id) references public.meetings (id, identity_id) on delete cascade
);
alter table public.share_links enable row level security;
create index share_links_dataspace_id_idx on public.share_links (dataspace_id, identity_id);
create index share_links_meeting_id_idx on public.share_links (meeting_id, identity_id);
create index share_links_created_by_identity_id_idx on public.share_links (created_by_identity_id);
create trigger share_links_touch_updated_at before update on public.share_links
  for each row execute function extensions.moddatetime(updated_at);

/**
 * A member of a dataspace: `member_identity_id` holds `role` there. The row belongs to the dataspace
 * owner (`identity_id`); the owner never has one. `via_link_id` names the share link the membership
 * rests on (cleared when an invitation or a host confirms it), so revoking that link ends it.
 */
create table public.dataspace_members (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null,
  dataspace_id uuid not null,
  member_identity_id uuid not null references public.identities (id) on delete cascade,
  role text not null check (role in ('viewer', 'participant', 'editor', 'host')),
  added_by_identity_id uuid references public.identities (id) on delete set null,
  via_link_id uuid references public.share_links (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, identity_id),
  unique (dataspace_id, member_identity_id),
  check (member_identity_id <> identity_id),
  foreign key (dataspace_id, identity_id) references public.dataspaces (id, identity_id) on delete cascade
);
alter table public.dataspace_members enable row level security;
-- "which dataspaces is the active identity a member of": every shared policy's first lookup
create index dataspace_members_member_identity_id_idx on public.dataspace_members (member_identity_id, dataspace_id);
create index dataspace_members_dataspace_id_idx on public.dataspace_members (dataspace_id, identity_id);
create index dataspace_members_added_by_identity_id_idx on public.dataspace_members (added_by_identity_id);
create index dataspace_members_via_link_id_idx on public.dataspace_members (via_link_id);
create trigger dataspace_members_touch_updated_at before update on public.dataspace_members
  for each row execute function extensions.moddatetime(updated_at);

/**
 * An invitation by e-mail (stored lower-case): to the dataspace with `role`, or, with `meeting_id`,
 * to that meeting only (viewer or participant; the invitee need not be a member). The invitee is
 * whoever signs in with that confirmed e-mail; they accept with one of their identities
 * (`accepted_identity_id`) or decline; a host (or the inviter) revokes a pending one. A pending
 * invitation past `expires_at` is expired (answered as such; nothing rewrites the row).
 */
create table public.invitations (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null,
  dataspace_id uuid not null,
  meeting_id uuid,
  role text not null check (role in ('viewer', 'participant', 'editor', 'host')),
  invitee_email text not null
    check (length(invitee_email) between 3 and 320 and invitee_email = lower(invitee_email)
           and invitee_email ~ '^[^@\s]+@[^@\s]+$'),
  invited_by_identity_id uuid references public.identities (id) on delete set null,
  status text not null default 'pending' check (status in ('pending', 'accepted', 'declined', 'revoked')),
  accepted_identity_id uuid references public.identities (id) on delete set null,
  expires_at timestamptz not null,
  decided_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, identity_id),
  check (expires_at > created_at),
  check ((status = 'pending') = (decided_at is null)),
  check (status = 'accepted' or accepted_identity_id is null),
  check (meeting_id is null or role in ('viewer', 'participant')),
  foreign key (dataspace_id, identity_id) references public.dataspaces (id, identity_id) on delete cascade,
  foreign key (meeting_id, identity_id) references public.meetings (id, identity_id) on delete cascade
);
alter table public.invitations enable row level security;
create index invitations_invitee_email_idx on public.invitations (invitee_email, status);
create index invitations_dataspace_id_idx on public.invitations (dataspace_id, identity_id);
create index invitations_meeting_id_idx on public.invitations (meeting_id, identity_id);
create index invitations_invited_by_identity_id_idx on public.invitations (invited_by_identity_id);
create index invitations_accepted_identity_id_idx on public.invitations (accepted_identity_id);
-- one pending invitation per place and address: inviting again refreshes it
create unique index invitations_one_pending on public.invitations
  (dataspace_id, coalesce(meeting_id, '00000000-0000-0000-0000-000000000000'::uuid), invitee_email)
  where status = 'pending';
create trigger invitations_touch_updated_at before update on public.invitations
  for each row execute function extensions.moddatetime(updated_at);

-- a meeting seat taken through a link ends with the link, like a membership
alter table public.meeting_participants
  add column via_link_id uuid references public.share_links (id) on delete set null;
create index meeting_participants_via_link_id_idx on public.meeting_participants (via_link_id);

/**
 * True when the active identity holds a membership or a meeting seat (a participant row naming it):
 * lets every policy skip the shared branch per statement, as `private.has_elevations` does.
 */
create function private.has_shares() returns boolean
language plpgsql stable security definer
set search_path = ''
as $$
declare
  active uuid := private.active_identity_id();
begin
  if active is null then
    return false;
  end if;
  return exists (select 1 from public.dataspace_members m where m.member_identity_id = active)
      or exists (select 1 from public.meeting_participants p where p.participant_identity_id = active);
end;
$$;

/** Ids of the dataspaces the active identity is a member of with at least rank `p_min`. */
create function private.shared_dataspace_ids(p_min integer) returns uuid[]
language plpgsql stable security definer
set search_path = ''
as $$
declare
  active uuid := private.active_identity_id();
begin
  return coalesce((select array_agg(m.dataspace_id) from public.dataspace_members m
                   where m.member_identity_id = active and private.role_rank(m.role) >= p_min), '{}');
end;
$$;

/**
 * Ids of the meetings a participant row gives the active identity a seat in (rank 1 for a viewer,
 * 2 otherwise) with at least rank `p_min`, while the meeting is scheduled or live: ending or
 * cancelling a meeting ends what it gave its invitees.
 */
create function private.invited_meeting_ids(p_min integer) returns uuid[]
language plpgsql stable security definer
set search_path = ''
as $$
declare
  active uuid := private.active_identity_id();
begin
  return coalesce((select array_agg(distinct p.meeting_id)
                   from public.meeting_participants p
                   join public.meetings m on m.id = p.meeting_id
                   where p.participant_identity_id = active and m.status in ('scheduled', 'live')
                     and case p.role when 'viewer' then 1 else 2 end >= p_min), '{}');
end;
$$;

/** Ids of the threads of the meetings `private.invited_meeting_ids(p_min)` names. */
create function private.invited_thread_ids(p_min integer) returns uuid[]
language plpgsql stable security definer
set search_path = ''
as $$
declare
  active uuid := private.active_identity_id();
begin
  return coalesce((select array_agg(distinct m.thread_id)
                   from public.meeting_participants p
                   join public.meetings m on m.id = p.meeting_id
                   where p.participant_identity_id = active and m.status in ('scheduled', 'live')
                     and m.thread_id is not null
                     and case p.role when 'viewer' then 1 else 2 end >= p_min), '{}');
end;
$$;

/** Ids of the participant rows naming the active identity (its assigned meeting tasks reach it). */
create function private.my_participant_ids() returns uuid[]
language plpgsql stable security definer
set search_path = ''
as $$
declare
  active uuid := private.active_identity_id();
begin
  return coalesce((select array_agg(p.id) from public.meeting_participants p
                   where p.participant_identity_id = active), '{}');
end;
$$;

/** The signed-in user's confirmed e-mail, lower-case (null when unconfirmed): whose invitations are theirs. */
create function private.my_email() returns text
language plpgsql stable security definer
set search_path = ''
as $$
begin
  return (select lower(u.email) from auth.users u
          where u.id = (select auth.uid()) and u.email_confirmed_at is not null);
end;
$$;

/**
 * The role of identity `p_identity` in dataspace `p_dataspace`: 'owner', its membership's role, or
 * null. Says nothing about elevations (the exception path keeps its own rules).
 */
create function private.dataspace_role(p_dataspace uuid, p_identity uuid) returns text
language plpgsql stable security definer
set search_path = ''
as $$
declare
  found_role text;
begin
  if p_identity is null or p_dataspace is null then
    return null;
  end if;
  if exists (select 1 from public.dataspaces d where d.id = p_dataspace and d.identity_id = p_identity) then
    return 'owner';
  end if;
  select m.role into found_role from public.dataspace_members m
  where m.dataspace_id = p_dataspace and m.member_identity_id = p_identity;
  return found_role;
end;
$$;

/** The active identity's role in a dataspace (`my_role` of the API): owner, host, editor, participant, viewer or null. */
create function private.my_role(p_dataspace uuid) returns text
language sql stable
set search_path = ''
as $$
  select private.dataspace_role(p_dataspace, private.active_identity_id())
$$;

/** Rank of a dataspace role including the owner (5). */
create function private.dataspace_rank(p_role text) returns integer
language sql immutable
set search_path = ''
as $$
  select case when p_role = 'owner' then 5 else private.role_rank(p_role) end
$$;

revoke execute on function private.has_shares(), private.shared_dataspace_ids(integer),
  private.invited_meeting_ids(integer), private.invited_thread_ids(integer), private.my_participant_ids(),
  private.my_email(), private.dataspace_role(uuid, uuid), private.my_role(uuid), private.dataspace_rank(text)
  from public, anon;
grant execute on function private.has_shares(), private.shared_dataspace_ids(integer),
  private.invited_meeting_ids(integer), private.invited_thread_ids(integer), private.my_participant_ids(),
  private.my_email(), private.dataspace_role(uuid, uuid), private.my_role(uuid), private.dataspace_rank(text)
  to authenticated, service_role;

/**
 * Writes into a shared dataspace land with the TENANT identity: a BEFORE INSERT trigger copies
 * `identity_id` from the row's parent (named by the trigger argument: dataspace, thread, workspace,
 * panel, meeting, room, memory_item), so a member's insert needs no identity from the API and the
 * composite foreign keys hold; RLS WITH CHECK then decides whether the active identity may write
 * there. Security invoker on purpose: the parent is read as the writer, so a parent it cannot see
 * leaves `identity_id` as it was (the foreign key then refuses, as before: no existence oracle).
 * Only a client's own statement (role `authenticated`) is stamped: server functions and the
 * server's connection bypass RLS, so they keep the identity they name and the composite foreign key
 * keeps refusing another identity's parent (their guard), as private.stamp_actor does.
 * Authors stay stamped from the active identity (private.stamp_actor).
 */
create function private.stamp_tenant() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  parent uuid;
begin
  if current_user <> 'authenticated' then
    return new;
  end if;
  -- a case statement, not an expression: each branch reads only its own table's fields
  case tg_argv[0]
    when 'dataspace' then
      select d.identity_id into parent from public.dataspaces d where d.id = new.dataspace_id;
    when 'thread' then
      select t.identity_id into parent from public.threads t where t.id = new.thread_id;
    when 'workspace' then
      select w.identity_id into parent from public.workspaces w where w.id = new.workspace_id;
    when 'panel' then
      select p.identity_id into parent from public.panels p where p.id = new.panel_id;
    when 'meeting' then
      select m.identity_id into parent from public.meetings m where m.id = new.meeting_id;
    when 'room' then
      select r.identity_id into parent from public.xr_rooms r where r.id = new.room_id;
    when 'memory_item' then
      select m.identity_id into parent from public.memory_items m where m.id = new.memory_item_id;
    else
      raise exception 'stamp_tenant: unknown parent %', tg_argv[0];
  end case;
  if parent is not null then
    new.identity_id := parent;
  end if;
  return new;
end;
$$;
revoke execute on function private.stamp_tenant() from public, anon;
grant execute on function private.stamp_tenant() to authenticated, service_role;

-- named `<table>_set_tenant` so it fires before `<table>_stamp_owner` (triggers fire by name)
do $$
declare
  t record;
begin
  for t in
    select * from (values
      ('threads', 'dataspace'), ('messages', 'thread'), ('decisions', 'thread'),
      ('workspaces', 'dataspace'), ('panels', 'workspace'), ('panel_states', 'panel'),
      ('workspace_transformations', 'workspace'), ('workspace_state_history', 'workspace'),
      ('ocw_sessions', 'workspace'), ('memory_items', 'dataspace'), ('memory_corrections', 'memory_item'),
      ('meetings', 'dataspace'), ('meeting_participants', 'meeting'), ('meeting_notes', 'meeting'),
      ('meeting_tasks', 'meeting'), ('files', 'dataspace'), ('xr_rooms', 'dataspace'),
      ('spatial_anchors', 'room'), ('spatial_objects', 'room')) v (tbl, parent)
  loop
    execute format(
      'create trigger %I before insert on public.%I for each row execute function private.stamp_tenant(%L)',
      t.tbl || '_set_tenant', t.tbl, t.parent);
  end loop;
end;
$$;
