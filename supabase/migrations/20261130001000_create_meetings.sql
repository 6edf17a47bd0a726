/**
 * Meetings: tables.
 * Part of the baseline (20261130*); policies and grants in the matching `protect_*` file.
 */

/** A meeting of a dataspace: when, how long, what is on the agenda, and where it stands. */
create table public.meetings (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  user_id uuid not null default auth.uid(),
  dataspace_id uuid not null,
  thread_id uuid,
  title text not null,
  description text not null default ''::text,
  agenda jsonb not null default '[]'::jsonb,
  scheduled_at timestamptz not null,
  duration interval not null default '01:00:00'::interval,
  status text not null default 'scheduled'::text,
  started_at timestamptz,
  ended_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint meetings_pkey primary key (id),
  constraint meetings_id_identity_id_key unique (id, identity_id),
  constraint meetings_agenda_check check (jsonb_typeof(agenda) = 'array'::text),
  constraint meetings_check check ((status <> all (array['live'::text, 'ended'::text])) or (started_at is not null)),
  constraint meetings_check1 check ((ended_at is null) or ((started_at is not null) and (ended_at >= started_at))),
  constraint meetings_description_check check (length(description) <= 4000),
  constraint meetings_duration_check check ((duration > '00:00:00'::interval) and (duration <= '24:00:00'::interval)),
  constraint meetings_status_check check (status in ('scheduled', 'live', 'ended', 'cancelled')),
  constraint meetings_title_check check ((length(title) >= 1) and (length(title) <= 200)),
  constraint meetings_dataspace_id_identity_id_fkey foreign key (dataspace_id, identity_id) references public.dataspaces(id, identity_id) on delete cascade,
  constraint meetings_thread_id_identity_id_fkey foreign key (thread_id, identity_id) references public.threads(id, identity_id) on delete set null (thread_id),
  constraint meetings_user_id_fkey foreign key (user_id) references public.users(id) on delete cascade
);
alter table public.meetings enable row level security;
create index meetings_dataspace_id_idx on public.meetings (dataspace_id, identity_id);
create index meetings_identity_id_idx on public.meetings (identity_id);
create index meetings_scheduled_at_idx on public.meetings (identity_id, scheduled_at);
create index meetings_thread_id_idx on public.meetings (thread_id, identity_id);
create index meetings_user_id_idx on public.meetings (user_id);
alter table public.invitations add constraint invitations_meeting_id_identity_id_fkey foreign key (meeting_id, identity_id) references public.meetings(id, identity_id) on delete cascade;
alter table public.share_links add constraint share_links_meeting_id_identity_id_fkey foreign key (meeting_id, identity_id) references public.meetings(id, identity_id) on delete cascade;

/**
 * Who takes part in a meeting, with their role and presence (joined/left, raised hand). Owned by
 * the meeting's identity; `participant_identity_id` names the participant's own identity when they
 * have one (guests have none) and is cleared, not cascaded, when that identity goes away.
 */
create table public.meeting_participants (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  meeting_id uuid not null,
  participant_identity_id uuid,
  display_name text not null,
  email text,
  role text not null default 'participant'::text,
  joined_at timestamptz,
  left_at timestamptz,
  hand_raised_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  via_link_id uuid,
  constraint meeting_participants_pkey primary key (id),
  constraint meeting_participants_id_identity_id_key unique (id, identity_id),
  constraint meeting_participants_meeting_id_participant_identity_id_key unique (meeting_id, participant_identity_id),
  constraint meeting_participants_check check ((left_at is null) or ((joined_at is not null) and (left_at >= joined_at))),
  constraint meeting_participants_display_name_check check ((length(display_name) >= 1) and (length(display_name) <= 120)),
  constraint meeting_participants_email_check check ((email is null) or ((length(email) >= 3) and (length(email) <= 320))),
  constraint meeting_participants_role_check check (role in ('host', 'moderator', 'participant', 'viewer')),
  constraint meeting_participants_meeting_id_identity_id_fkey foreign key (meeting_id, identity_id) references public.meetings(id, identity_id) on delete cascade,
  constraint meeting_participants_participant_identity_id_fkey foreign key (participant_identity_id) references public.identities(id) on delete set null,
  constraint meeting_participants_via_link_id_fkey foreign key (via_link_id) references public.share_links(id) on delete set null
);
alter table public.meeting_participants enable row level security;
create index meeting_participants_identity_id_idx on public.meeting_participants (identity_id);
create index meeting_participants_meeting_id_idx on public.meeting_participants (meeting_id, identity_id);
create index meeting_participants_participant_identity_id_idx on public.meeting_participants (participant_identity_id);
create index meeting_participants_via_link_id_idx on public.meeting_participants (via_link_id);

/** A note taken during a meeting; the author is kept only as long as their identity exists. */
create table public.meeting_notes (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  meeting_id uuid not null,
  author_identity_id uuid default private.active_identity_id(),
  body text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint meeting_notes_pkey primary key (id),
  constraint meeting_notes_id_identity_id_key unique (id, identity_id),
  constraint meeting_notes_body_check check ((length(body) >= 1) and (length(body) <= 20000)),
  constraint meeting_notes_author_identity_id_fkey foreign key (author_identity_id) references public.identities(id) on delete set null,
  constraint meeting_notes_meeting_id_identity_id_fkey foreign key (meeting_id, identity_id) references public.meetings(id, identity_id) on delete cascade
);
alter table public.meeting_notes enable row level security;
create index meeting_notes_author_identity_id_idx on public.meeting_notes (author_identity_id);
create index meeting_notes_identity_id_idx on public.meeting_notes (identity_id);
create index meeting_notes_meeting_id_idx on public.meeting_notes (meeting_id, identity_id);

/**
 * An action item coming out of a meeting. It may point at the note it was raised in and at the
 * participant it is assigned to; deleting either only clears that pointer (the task stays), which
 * is why those composite keys set null on their own column only, never on identity_id.
 */
create table public.meeting_tasks (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  meeting_id uuid not null,
  note_id uuid,
  assignee_participant_id uuid,
  title text not null,
  description text not null default ''::text,
  status text not null default 'open'::text,
  due_on date,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint meeting_tasks_pkey primary key (id),
  constraint meeting_tasks_description_check check (length(description) <= 4000),
  constraint meeting_tasks_status_check check (status in ('open', 'in_progress', 'done', 'cancelled')),
  constraint meeting_tasks_title_check check ((length(title) >= 1) and (length(title) <= 200)),
  constraint meeting_tasks_assignee_participant_id_identity_id_fkey foreign key (assignee_participant_id, identity_id) references public.meeting_participants(id, identity_id) on delete set null (assignee_participant_id),
  constraint meeting_tasks_meeting_id_identity_id_fkey foreign key (meeting_id, identity_id) references public.meetings(id, identity_id) on delete cascade,
  constraint meeting_tasks_note_id_identity_id_fkey foreign key (note_id, identity_id) references public.meeting_notes(id, identity_id) on delete set null (note_id)
);
alter table public.meeting_tasks enable row level security;
create index meeting_tasks_assignee_participant_id_idx on public.meeting_tasks (assignee_participant_id, identity_id);
create index meeting_tasks_identity_id_idx on public.meeting_tasks (identity_id);
create index meeting_tasks_meeting_id_idx on public.meeting_tasks (meeting_id, identity_id);
create index meeting_tasks_note_id_idx on public.meeting_tasks (note_id, identity_id);
