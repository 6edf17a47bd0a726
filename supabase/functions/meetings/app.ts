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
import { crud } from '../_shared/crud.ts';
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

export default fn;
