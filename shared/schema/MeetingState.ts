import { schema, t, type SchemaType } from '@colyseus/schema';

/** One agenda item (meetings.agenda element). */
export const AgendaItem = schema({ title: t.string(), minutes: t.uint16() }, 'AgendaItem');
/** An agenda item instance. */
export type AgendaItem = SchemaType<typeof AgendaItem>;

/**
 * Someone in the meeting, with their role (host/moderator/participant/viewer), why they are here
 * (`access`: owner, a membership's role, seat for a meeting invitee, elevated) and raised hand.
 */
export const MeetingParticipant = schema(
  {
    sessionId: t.string(),
    identityId: t.string(),
    displayName: t.string(),
    role: t.string(),
    access: t.string().default(''),
    handRaised: t.boolean().default(false),
  },
  'MeetingParticipant',
);
/** A meeting participant instance. */
export type MeetingParticipant = SchemaType<typeof MeetingParticipant>;

/** A shared note (meeting_notes row); `taskId` once it was turned into a task. */
export const MeetingNote = schema(
  { id: t.string(), authorName: t.string(), text: t.string(), taskId: t.string().default('') },
  'MeetingNote',
);
/** A meeting note instance. */
export type MeetingNote = SchemaType<typeof MeetingNote>;

/**
 * State of a meeting room: agenda, speaker queue and floor (`speaker`, given by a moderator; heard
 * room-wide, and when nobody holds it the voice's `activeSpeaker` is), timer (epoch ms end), notes.
 */
export const MeetingState = schema(
  {
    meetingId: t.string(),
    title: t.string(),
    agenda: t.array(AgendaItem),
    agendaIndex: t.uint8().default(0),
    participants: t.map(MeetingParticipant),
    speakerQueue: t.array('string'),
    speaker: t.string().default(''),
    /** Identity id of the participant the voice hears loudest now ('' for nobody): the floor when no one holds it. */
    activeSpeaker: t.string().default(''),
    timerEndsAt: t.float64().default(0),
    timerRunning: t.boolean().default(false),
    notes: t.array(MeetingNote),
  },
  'MeetingState',
);
/** A meeting room's state instance. */
export type MeetingState = SchemaType<typeof MeetingState>;
