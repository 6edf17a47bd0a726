import { ErrorCode, Room, ServerError, type Client, type Delayed } from '@colyseus/core';
import type { z } from 'zod';
import {
  MeetingJoinOptions,
  meetingClientSchemas,
  MEETING_CLIENT,
} from '../../shared/protocol/meetingProtocol.ts';
import { canModerate } from '../../shared/protocol/roomRules.ts';
import { REALTIME_ERRORS, SPATIAL_SERVER, type RoomRole } from '../../shared/protocol/spatialProtocol.ts';
import {
  AgendaItem,
  MeetingNote,
  MeetingParticipant,
  MeetingState,
} from '../../shared/schema/MeetingState.ts';
import { registerGuardedMessages, sendError } from '../realtime/guardedMessages.ts';
import { realtimeDeps, type RealtimeDeps } from '../realtime/realtimeContext.ts';
import { authenticateJoin, RoomSeats, type RoomAuth } from '../realtime/RoomSeats.ts';
import { activeSpeaker, activeSpeakerChannel, setFloor } from '../voice/voiceFloor.ts';

type Type = keyof typeof meetingClientSchemas;
type Msg<K extends Type> = z.output<(typeof meetingClientSchemas)[K]>;

/** The room id of a meeting's room. */
export function meetingRoomId(meetingId: string): string {
  return `mt-${meetingId}`;
}

/** Who may do what in a meeting: moderation verbs need host or moderator; viewers only watch. */
const MODERATED = new Set<Type>(['nextSpeaker', 'agendaGo', 'timerStart', 'timerStop', 'noteToTask']);

/**
 * A meeting room: participants with roles, the agenda, a speaker queue (raised hands), a timer and
 * shared notes. Notes are written to meeting_notes at once; a moderator turns a note into a task
 * that lands in meeting_tasks. Both are the meeting owner's rows (identity-owned), written as system
 * work on the meeting's behalf after the room checked the actor's role; the tasks' NOTIFY comes back
 * to the room as a `db` event. The database decides who sits here and with which role (the owner is
 * host, the participant list or an elevation says the rest), about this room's own meeting
 * (RoomSeats), for as long as the seat lasts.
 */
export class MeetingRoom extends Room<{ state: MeetingState }> {
  override state = new MeetingState();
  private deps!: RealtimeDeps;
  private ownerIdentityId = '';
  private timer: Delayed | undefined;
  private unsubscribe: (() => void) | undefined;
  private seats!: RoomSeats;
  private dataspaceId = '';
  /** The identity this meeting last gave the voice floor to ('' for nobody). */
  private floorIdentity = '';
  private readonly onActiveSpeaker = (identityId: string) => {
    this.state.activeSpeaker = typeof identityId === 'string' ? identityId : '';
    this.updateFloor();
  };

  static override onAuth(token: string, options: unknown): Promise<RoomAuth> {
    return authenticateJoin(
      'meeting',
      token,
      () => MeetingJoinOptions.parse(options).meetingId,
      '{ meetingId: uuid }',
    );
  }

  override async onCreate(options: unknown): Promise<void> {
    this.deps = realtimeDeps();
    const { meetingId } = MeetingJoinOptions.parse(options);
    this.roomId = meetingRoomId(meetingId);
    const loaded = await this.deps.db.withService(async (tx) => {
      const [m] = await tx<
        {
          identity_id: string;
          dataspace_id: string;
          title: string;
          agenda: { title?: string; minutes?: number }[];
        }[]
      >`
        select identity_id, dataspace_id, title, agenda from public.meetings where id = ${meetingId}`;
      if (!m) return undefined;
      const notes = await tx<{ id: string; body: string; author: string | null; task_id: string | null }[]>`
        select n.id, n.body, i.name as author,
               (select t.id from public.meeting_tasks t where t.note_id = n.id order by t.created_at limit 1) as task_id
        from public.meeting_notes n left join public.identities i on i.id = n.author_identity_id
        where n.meeting_id = ${meetingId} order by n.created_at, n.id`;
      return { m, notes };
    });
    if (!loaded) throw new ServerError(ErrorCode.MATCHMAKE_INVALID_CRITERIA, 'realtime: no such meeting');
    this.ownerIdentityId = loaded.m.identity_id;
    this.dataspaceId = loaded.m.dataspace_id;
    // the dataspace's voice hears the loudest speaker: shown here, and the floor when nobody holds it
    await this.presence.subscribe(activeSpeakerChannel(this.dataspaceId), this.onActiveSpeaker);
    this.state.activeSpeaker = await activeSpeaker(this.presence, this.dataspaceId);
    this.state.meetingId = meetingId;
    this.seats = new RoomSeats(this, this.deps, 'meeting', meetingId, {
      roleChanged: (sessionId, role, access) => {
        const p = this.state.participants.get(sessionId);
        if (!p) return;
        p.role = role;
        p.access = access;
        if (role === 'viewer') this.dequeue(sessionId);
      },
    });
    this.state.title = loaded.m.title;
    for (const item of loaded.m.agenda) {
      const a = new AgendaItem();
      a.title = String(item.title ?? '').slice(0, 200);
      a.minutes = Math.max(0, Math.min(600, Number(item.minutes ?? 0)));
      this.state.agenda.push(a);
    }
    for (const n of loaded.notes)
      this.state.notes.push(this.note(n.id, n.author ?? '—', n.body, n.task_id ?? ''));
    registerGuardedMessages(
      this,
      meetingClientSchemas,
      new Set(),
      this.deps.timings,
      (client, type, msg) => void this.dispatch(client, type, msg),
    );
    this.unsubscribe = this.deps.bridge.subscribe(`meeting:${meetingId}`, (event) =>
      this.broadcast(SPATIAL_SERVER.db, event),
    );
  }

  override async onJoin(client: Client): Promise<void> {
    const seat = await this.seats.admit(client);
    const p = new MeetingParticipant();
    p.sessionId = client.sessionId;
    p.identityId = seat.identityId;
    p.displayName = seat.displayName;
    p.role = seat.role;
    p.access = seat.access;
    this.state.participants.set(client.sessionId, p);
    this.updateFloor();
  }

  override onLeave(client: Client): void {
    this.state.participants.delete(client.sessionId);
    this.dequeue(client.sessionId);
    if (this.state.speaker === client.sessionId) this.state.speaker = '';
    this.updateFloor();
    this.seats.release(client.sessionId);
  }

  override async onDispose(): Promise<void> {
    this.unsubscribe?.();
    this.seats?.dispose();
    if (!this.dataspaceId) return;
    this.presence.unsubscribe(activeSpeakerChannel(this.dataspaceId), this.onActiveSpeaker);
    if (this.floorIdentity) await setFloor(this.presence, this.dataspaceId, this.state.meetingId, null);
  }

  /**
   * Who the dataspace's voice carries room-wide for this meeting: the floor a moderator gave
   * (`speaker`), or while nobody holds it, the participant the voice hears loudest (`activeSpeaker`).
   */
  private updateFloor(): void {
    const given = this.state.participants.get(this.state.speaker)?.identityId;
    const active = this.state.activeSpeaker;
    let heard = given ?? '';
    if (!heard && active)
      this.state.participants.forEach((p) => (heard ||= p.identityId === active ? active : ''));
    if (heard === this.floorIdentity) return;
    this.floorIdentity = heard;
    void setFloor(this.presence, this.dataspaceId, this.state.meetingId, heard || null);
  }

  private async dispatch(client: Client, type: Type, msg: unknown): Promise<void> {
    const me = this.state.participants.get(client.sessionId);
    if (!me) return;
    if (MODERATED.has(type) && !canModerate(me.role as RoomRole)) {
      return sendError(client, REALTIME_ERRORS.forbidden, `a ${me.role} cannot ${type}`, type);
    }
    if (me.role === 'viewer' && type !== MEETING_CLIENT.lowerHand) {
      return sendError(client, REALTIME_ERRORS.forbidden, 'a viewer only watches', type);
    }
    switch (type) {
      case 'raiseHand':
        if (!me.handRaised) {
          me.handRaised = true;
          this.state.speakerQueue.push(client.sessionId);
        }
        return;
      case 'lowerHand':
        return this.dequeue(client.sessionId);
      case 'nextSpeaker': {
        const next = this.state.speakerQueue.shift() ?? '';
        const p = this.state.participants.get(next);
        if (p) p.handRaised = false;
        this.state.speaker = next;
        this.updateFloor();
        return;
      }
      case 'agendaGo': {
        const { index } = msg as Msg<'agendaGo'>;
        if (index >= this.state.agenda.length) {
          return sendError(client, REALTIME_ERRORS.notFound, 'no such agenda item', type);
        }
        this.state.agendaIndex = index;
        return;
      }
      case 'timerStart': {
        const { seconds } = msg as Msg<'timerStart'>;
        this.timer?.clear();
        this.state.timerEndsAt = Date.now() + seconds * 1000;
        this.state.timerRunning = true;
        this.timer = this.clock.setTimeout(() => (this.state.timerRunning = false), seconds * 1000);
        return;
      }
      case 'timerStop':
        this.timer?.clear();
        this.state.timerRunning = false;
        return;
      case 'addNote':
        return this.addNote(client, me, (msg as Msg<'addNote'>).text);
      case 'noteToTask':
        return this.noteToTask(client, msg as Msg<'noteToTask'>);
    }
  }

  private dequeue(sessionId: string): void {
    const p = this.state.participants.get(sessionId);
    if (p) p.handRaised = false;
    const i = this.state.speakerQueue.indexOf(sessionId);
    if (i >= 0) this.state.speakerQueue.splice(i, 1);
  }

  private async addNote(client: Client, me: MeetingParticipant, text: string): Promise<void> {
    const [row] = await this.deps.db.withService(
      (tx) => tx<{ id: string }[]>`
        insert into public.meeting_notes (identity_id, meeting_id, author_identity_id, body)
        values (${this.ownerIdentityId}, ${this.state.meetingId}, ${me.identityId}, ${text}) returning id`,
    );
    this.state.notes.push(this.note(row!.id, me.displayName, text, ''));
    client.send(SPATIAL_SERVER.saved, { notes: [row!.id] });
  }

  private async noteToTask(client: Client, msg: Msg<'noteToTask'>): Promise<void> {
    const note = this.state.notes.find((n) => n.id === msg.noteId);
    if (!note)
      return sendError(client, REALTIME_ERRORS.notFound, 'no such note in this meeting', 'noteToTask');
    const assignee = msg.assigneeSessionId ? this.state.participants.get(msg.assigneeSessionId) : undefined;
    const [task] = await this.deps.db.withService(async (tx) => {
      // someone present without a row in the participant list (a member of the dataspace) gets one,
      // so the task is theirs and reaches their bureau (issue 14)
      if (assignee) {
        await tx`
          insert into public.meeting_participants (identity_id, meeting_id, participant_identity_id, display_name, role)
          values (${this.ownerIdentityId}, ${this.state.meetingId}, ${assignee.identityId},
                  ${assignee.displayName.slice(0, 120) || '—'}, ${assignee.role === 'viewer' ? 'viewer' : 'participant'})
          on conflict (meeting_id, participant_identity_id) do nothing`;
      }
      return tx<{ id: string }[]>`
        insert into public.meeting_tasks (identity_id, meeting_id, note_id, title, description, assignee_participant_id)
        values (${this.ownerIdentityId}, ${this.state.meetingId}, ${note.id}, ${msg.title}, ${note.text.slice(0, 4000)},
                (select p.id from public.meeting_participants p
                  where p.meeting_id = ${this.state.meetingId} and p.participant_identity_id = ${assignee?.identityId ?? null}))
        returning id`;
    });
    note.taskId = task!.id;
    client.send(SPATIAL_SERVER.saved, { tasks: [task!.id] });
  }

  private note(id: string, authorName: string, text: string, taskId: string): MeetingNote {
    const n = new MeetingNote();
    n.id = id;
    n.authorName = authorName;
    n.text = text;
    n.taskId = taskId;
    return n;
  }
}
