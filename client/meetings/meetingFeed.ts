import { Client, type Room } from '@colyseus/sdk';
import { MEETING_CLIENT } from '../../shared/protocol/meetingProtocol.ts';
import { SPATIAL_SERVER } from '../../shared/protocol/spatialProtocol.ts';
import { MeetingState } from '../../shared/schema/MeetingState.ts';
import { createChannel } from '../net/channel.ts';

export interface MeetingParticipantView {
  readonly sessionId: string;
  readonly identityId: string;
  readonly displayName: string;
  readonly role: string;
  /** Why they are here: owner, a membership's role, seat (a meeting invitee), elevated. */
  readonly access: string;
  readonly handRaised: boolean;
}

export interface MeetingNoteView {
  readonly id: string;
  readonly authorName: string;
  readonly text: string;
  /** The meeting_tasks row the note became, or null. */
  readonly taskId: string | null;
}

/** A meeting room as the panel shows it (copied from the room state on every patch). */
export interface MeetingSnapshot {
  readonly selfId: string;
  readonly meetingId: string;
  readonly title: string;
  readonly agenda: readonly { readonly title: string; readonly minutes: number }[];
  readonly agendaIndex: number;
  readonly participants: readonly MeetingParticipantView[];
  /** Session ids, first to speak first. */
  readonly speakerQueue: readonly string[];
  readonly speaker: string | null;
  /** Epoch ms the running timer ends at, or null. */
  readonly timerEndsAt: number | null;
  readonly notes: readonly MeetingNoteView[];
}

/** A message the room refused (role, rate, validation), as it worded it. */
export interface MeetingRefusal {
  readonly code: string;
  readonly message: string;
  readonly type?: string;
}

/** The realtime MeetingRoom of one meeting: state, intents, refusals and write acknowledgements. */
export interface MeetingFeed {
  onChange(cb: (snapshot: MeetingSnapshot) => void): () => void;
  onRefusal(cb: (refusal: MeetingRefusal) => void): () => void;
  /** Ids the room wrote durably (`saved`: notes, tasks). */
  onSaved(cb: (saved: { notes?: string[]; tasks?: string[] }) => void): () => void;
  /**
   * The room ended this seat without being asked (shared/protocol ROOM_CLOSE: removed by a moderator,
   * token expired, access ended: the member was removed or the meeting ended).
   */
  onClosed(cb: (code: number) => void): () => void;
  raiseHand(): void;
  lowerHand(): void;
  /** Moderators: give the floor to the first raised hand. */
  nextSpeaker(): void;
  /** Moderators: move to agenda item `index`. */
  agendaGo(index: number): void;
  timerStart(seconds: number): void;
  timerStop(): void;
  addNote(text: string): void;
  /** Moderators: the note becomes a meeting_tasks row, optionally assigned to a participant. */
  noteToTask(noteId: string, title: string, assigneeSessionId?: string): void;
  leave(): Promise<void>;
}

function snapshotOf(room: Room<unknown, MeetingState>): MeetingSnapshot {
  const s = room.state;
  const participants: MeetingParticipantView[] = [];
  s.participants.forEach((p) =>
    participants.push({
      sessionId: p.sessionId,
      identityId: p.identityId,
      displayName: p.displayName,
      role: p.role,
      access: p.access,
      handRaised: p.handRaised,
    }),
  );
  return {
    selfId: room.sessionId,
    meetingId: s.meetingId,
    title: s.title,
    agenda: s.agenda.map((a) => ({ title: a.title, minutes: a.minutes })),
    agendaIndex: s.agendaIndex,
    participants,
    speakerQueue: [...s.speakerQueue],
    speaker: s.speaker || null,
    timerEndsAt: s.timerRunning ? s.timerEndsAt : null,
    notes: s.notes.map((n) => ({
      id: n.id,
      authorName: n.authorName,
      text: n.text,
      taskId: n.taskId || null,
    })),
  };
}

/** Joins the meeting's MeetingRoom with the session token (the room checks access and role). */
export async function joinMeeting(
  endpoint: string,
  accessToken: string,
  meetingId: string,
): Promise<MeetingFeed> {
  const client = new Client(endpoint);
  client.auth.token = accessToken;
  const room: Room<unknown, MeetingState> = await client.joinOrCreate('meeting', { meetingId }, MeetingState);
  const changed = createChannel<MeetingSnapshot>();
  const refused = createChannel<MeetingRefusal>();
  const saved = createChannel<{ notes?: string[]; tasks?: string[] }>();
  const closed = createChannel<number>();
  let leaving = false;
  let last: MeetingSnapshot | null = null;
  const emit = () => {
    last = snapshotOf(room);
    changed.emit(last);
  };
  room.onStateChange(emit);
  room.onMessage(SPATIAL_SERVER.error, (m: MeetingRefusal) => refused.emit(m));
  room.onMessage(SPATIAL_SERVER.saved, (m: { notes?: string[]; tasks?: string[] }) => saved.emit(m));
  // database events reach the room too; the state already carries what the panel shows
  room.onMessage(SPATIAL_SERVER.db, () => {});
  room.onLeave((code) => {
    if (!leaving) closed.emit(code);
  });
  return {
    onChange: (cb) => changed.replay(last ? [last] : [], cb),
    onRefusal: (cb) => refused.on(cb),
    onSaved: (cb) => saved.on(cb),
    onClosed: (cb) => closed.on(cb),
    raiseHand: () => room.send(MEETING_CLIENT.raiseHand, {}),
    lowerHand: () => room.send(MEETING_CLIENT.lowerHand, {}),
    nextSpeaker: () => room.send(MEETING_CLIENT.nextSpeaker, {}),
    agendaGo: (index) => room.send(MEETING_CLIENT.agendaGo, { index }),
    timerStart: (seconds) => room.send(MEETING_CLIENT.timerStart, { seconds }),
    timerStop: () => room.send(MEETING_CLIENT.timerStop, {}),
    addNote: (text) => room.send(MEETING_CLIENT.addNote, { text }),
    noteToTask: (noteId, title, assigneeSessionId) =>
      room.send(MEETING_CLIENT.noteToTask, {
        noteId,
        title,
        ...(assigneeSessionId ? { assigneeSessionId } : {}),
      }),
    async leave() {
      leaving = true;
      room.onStateChange.remove(emit);
      // the server may have closed it already (an eviction racing this leave): nothing to say then,
      // and Colyseus' leave would write to a closing socket and wait for a close that came before
      if (room.connection.isOpen) await room.leave(true);
    },
  };
}
