/**
 * Meetings: scheduled in a dataspace, with participants, notes taken during the meeting and the
 * tasks that come out of it (Meeting -> Participants -> Notes -> Tasks). All identity-owned by the
 * meeting's owner; a participant may be another identity (or a guest with no identity at all), but
 * the participant row itself belongs to the owner, like everything else about the meeting.
 */

/** A meeting of a dataspace: when, how long, what is on the agenda, and where it stands. */
create table public.meetings (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  user_id uuid not null default auth.uid() references public.users (id) on delete cascade,
  dataspace_id uuid not null,
  thread_id uuid,
  title text not null check (length(title) between 1 and 200),
  description text not null default '' check (length(description) <= 4000),
  agenda jsonb not null default '[]'::jsonb check (jsonb_typeof(agenda) = 'array'),
  scheduled_at timestamptz not null,
  duration interval not null default interval '1 hour'
    check (duration > interval '0' and duration <= interval '24 hours'),
  status text not null default 'scheduled'
    check (status in ('scheduled', 'live', 'ended', 'cancelled')),
  started_at timestamptz,
  ended_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, identity_id),
  check (status not in ('live', 'ended') or started_at is not null),
  check (ended_at is null or (started_at is not null and ended_at >= started_at)),
  foreign key (dataspace_id, identity_id) references public.dataspaces (id, identity_id) on delete cascade,
  -- the thread the meeting's minutes and decisions go to; the meeting outlives it
  foreign key (thread_id, identity_id) references public.threads (id, identity_id) on delete set null (thread_id)
);
alter table public.meetings enable row level security;
create index meetings_identity_id_idx on public.meetings (identity_id);
create index meetings_user_id_idx on public.meetings (user_id);
create index meetings_dataspace_id_idx on public.meetings (dataspace_id, identity_id);
create index meetings_thread_id_idx on public.meetings (thread_id, identity_id);
create index meetings_scheduled_at_idx on public.meetings (identity_id, scheduled_at);
create trigger meetings_touch_updated_at before update on public.meetings
  for each row execute function private.touch_updated_at();

/**
 * Who takes part in a meeting, with their role and presence (joined/left, raised hand). Owned by
 * the meeting's identity; `participant_identity_id` names the participant's own identity when they
 * have one (guests have none) and is cleared, not cascaded, when that identity goes away.
 */
create table public.meeting_participants (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  meeting_id uuid not null,
  participant_identity_id uuid references public.identities (id) on delete set null,
  display_name text not null check (length(display_name) between 1 and 120),
  email text check (email is null or length(email) between 3 and 320),
  role text not null default 'participant'
    check (role in ('host', 'moderator', 'participant', 'viewer')),
  joined_at timestamptz,
  left_at timestamptz,
  hand_raised_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, identity_id),
  unique (meeting_id, participant_identity_id),
  check (left_at is null or (joined_at is not null and left_at >= joined_at)),
  foreign key (meeting_id, identity_id) references public.meetings (id, identity_id) on delete cascade
);
alter table public.meeting_participants enable row level security;
create index meeting_participants_identity_id_idx on public.meeting_participants (identity_id);
create index meeting_participants_meeting_id_idx on public.meeting_participants (meeting_id, identity_id);
create index meeting_participants_participant_identity_id_idx
  on public.meeting_participants (participant_identity_id);
create trigger meeting_participants_touch_updated_at before update on public.meeting_participants
  for each row execute function private.touch_updated_at();

/** A note taken during a meeting; the author is kept only as long as their identity exists. */
create table public.meeting_notes (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  meeting_id uuid not null,
  author_identity_id uuid default private.active_identity_id()
    references public.identities (id) on delete set null,
  body text not null check (length(body) between 1 and 20000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, identity_id),
  foreign key (meeting_id, identity_id) references public.meetings (id, identity_id) on delete cascade
);
alter table public.meeting_notes enable row level security;
create index meeting_notes_identity_id_idx on public.meeting_notes (identity_id);
create index meeting_notes_meeting_id_idx on public.meeting_notes (meeting_id, identity_id);
create index meeting_notes_author_identity_id_idx on public.meeting_notes (author_identity_id);
create trigger meeting_notes_touch_updated_at before update on public.meeting_notes
  for each row execute function private.touch_updated_at();

/**
 * An action item coming out of a meeting. It may point at the note it was raised in and at the
 * participant it is assigned to; deleting either only clears that pointer (the task stays), which
 * is why those composite keys set null on their own column only, never on identity_id.
 */
create table public.meeting_tasks (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  meeting_id uuid not null,
  note_id uuid,
  assignee_participant_id uuid,
  title text not null check (length(title) between 1 and 200),
  description text not null default '' check (length(description) <= 4000),
  status text not null default 'open'
    check (status in ('open', 'in_progress', 'done', 'cancelled')),
  due_on date,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (meeting_id, identity_id) references public.meetings (id, identity_id) on delete cascade,
  foreign key (note_id, identity_id)
    references public.meeting_notes (id, identity_id) on delete set null (note_id),
  foreign key (assignee_participant_id, identity_id)
    references public.meeting_participants (id, identity_id) on delete set null (assignee_participant_id)
);
alter table public.meeting_tasks enable row level security;
create index meeting_tasks_identity_id_idx on public.meeting_tasks (identity_id);
create index meeting_tasks_meeting_id_idx on public.meeting_tasks (meeting_id, identity_id);
create index meeting_tasks_note_id_idx on public.meeting_tasks (note_id, identity_id);
create index meeting_tasks_assignee_participant_id_idx
  on public.meeting_tasks (assignee_participant_id, identity_id);
create trigger meeting_tasks_touch_updated_at before update on public.meeting_tasks
  for each row execute function private.touch_updated_at();

select private.apply_identity_rls('public.meetings', 'meetings', 'null', 'dataspace_id');
select private.apply_identity_rls('public.meeting_participants', 'meeting participants', 'null', 'null');
select private.apply_identity_rls('public.meeting_notes', 'meeting notes', 'null', 'null');
select private.apply_identity_rls('public.meeting_tasks', 'meeting tasks', 'null', 'null');
