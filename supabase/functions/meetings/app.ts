/** Meetings of a dataspace, with participants, notes and tasks. */
import { z } from 'zod';
import {
  Meeting,
  MeetingCreate,
  MeetingNote,
  MeetingNoteCreate,
  MeetingParticipant,
  MeetingParticipantCreate,
  MeetingParticipantUpdate,
  MeetingTask,
  MeetingTaskCreate,
  MeetingTaskUpdate,
  MeetingUpdate,
} from '../../../shared/api/resources.ts';
import * as sharing from '../../../shared/api/sharing.ts';
import { crud, mapped } from '../_shared/crud.ts';
import { EdgeFunction } from '../_shared/edgeFunction.ts';

const fn = new EdgeFunction('meetings');
const parent = { param: 'meeting_id', column: 'meeting_id' };
crud(fn, {
  path: '',
  table: 'public.meetings',
  noun: 'meeting',
  tag: 'meetings',
  row: Meeting,
  create: MeetingCreate,
  update: MeetingUpdate,
  verbs: ['list', 'get', 'create', 'update', 'delete'],
  filters: { dataspace_id: z.uuid() },
  // not `user_id`: a shared meeting's owner user is not its members' to know
  columns: Object.keys(Meeting.shape),
});
crud(fn, {
  path: '/{meeting_id}/participants',
  table: 'public.meeting_participants',
  noun: 'participant',
  tag: 'meetings',
  row: MeetingParticipant,
  create: MeetingParticipantCreate,
  update: MeetingParticipantUpdate,
  verbs: ['list', 'get', 'create', 'update', 'delete'],
  parent,
});
crud(fn, {
  path: '/{meeting_id}/notes',
  table: 'public.meeting_notes',
  noun: 'note',
  tag: 'meetings',
  row: MeetingNote,
  create: MeetingNoteCreate,
  update: MeetingNoteCreate.partial(),
  verbs: ['list', 'get', 'create', 'update', 'delete'],
  parent,
});
crud(fn, {
  path: '/{meeting_id}/tasks',
  table: 'public.meeting_tasks',
  noun: 'task',
  tag: 'meetings',
  row: MeetingTask,
  create: MeetingTaskCreate,
  update: MeetingTaskUpdate,
  verbs: ['list', 'get', 'create', 'update', 'delete'],
  parent,
});

/**
 * Invites someone to this meeting only (an editor of its dataspace), as viewer or participant: the
 * invitee need not be a member, and reaches the meeting, its room, notes, tasks and thread while it
 * is scheduled or live. Answered alike whether the address has an account.
 */
fn.route(
  {
    method: 'post',
    path: '/{meeting_id}/invitations',
    summary: 'Invite someone by e-mail to this meeting only (editor); they need not be a member',
    tag: 'meetings',
    params: z.object({ meeting_id: z.uuid() }),
    body: sharing.MeetingInvitationCreate,
    response: { status: 201, schema: sharing.Invitation },
    access: 'user',
    // at most sharing_limits() an hour per user
    errors: ['rate_limited'],
  },
  async ({ params, body, caller, db }) =>
    mapped('write', () =>
      db.withUser(caller.claims, async (tx) => {
        const [row] = await tx<{ r: Record<string, unknown> }[]>`
          select to_jsonb(i) as r from private.invite(null, ${params.meeting_id}, ${body.email}, ${body.role},
                                                       make_interval(hours => ${body.expires_in_hours})) i`;
        return row!.r;
      }),
    ),
);

export default fn;
