import { z } from 'zod';

/** Message types of a meeting room. */
export const MEETING_CLIENT = {
  raiseHand: 'raiseHand',
  lowerHand: 'lowerHand',
  nextSpeaker: 'nextSpeaker',
  agendaGo: 'agendaGo',
  timerStart: 'timerStart',
  timerStop: 'timerStop',
  addNote: 'addNote',
  noteToTask: 'noteToTask',
} as const;

/** zod schemas of the meeting room's client messages. */
export const meetingClientSchemas = {
  raiseHand: z.strictObject({}),
  lowerHand: z.strictObject({}),
  nextSpeaker: z.strictObject({}),
  agendaGo: z.strictObject({ index: z.number().int().min(0).max(99) }),
  timerStart: z.strictObject({
    seconds: z
      .number()
      .int()
      .min(1)
      .max(4 * 3600),
  }),
  timerStop: z.strictObject({}),
  addNote: z.strictObject({ text: z.string().trim().min(1).max(4000) }),
  noteToTask: z.strictObject({
    noteId: z.uuid(),
    title: z.string().trim().min(1).max(200),
    assigneeSessionId: z.string().min(1).max(64).optional(),
  }),
} as const;

/** Join options of a meeting room. */
export const MeetingJoinOptions = z.object({ meetingId: z.uuid() });
