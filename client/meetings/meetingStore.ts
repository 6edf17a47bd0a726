import { createStore, type StoreApi } from 'zustand/vanilla';
import { ROOM_CLOSE } from '../../shared/protocol/spatialProtocol.ts';
import type { ChenuApi, Meeting } from '../api/chenuApi.ts';
import { roomRefusal, toUiError, UiFailure, type UiError } from '../i18n/uiError.ts';
import type { MeetingFeed, MeetingSnapshot } from './meetingFeed.ts';

/** One agenda item as meetings.agenda stores it and the MeetingRoom reads it. */
export interface AgendaItem {
  readonly title: string;
  readonly minutes: number;
}

/** Someone invited to one meeting by e-mail (they need not be a member of the dataspace). */
export interface Invitee {
  readonly email: string;
  readonly role: 'participant' | 'viewer';
}

/** What scheduling a meeting takes. */
export interface MeetingDraft {
  readonly title: string;
  /** ISO instant. */
  readonly scheduledAt: string;
  readonly durationMinutes: number;
  readonly agenda: readonly AgendaItem[];
  readonly description?: string;
  /** Invited by e-mail once the meeting exists (new ones only, when editing). */
  readonly invitees?: readonly Invitee[];
}

export interface MeetingsState {
  readonly dataspaceId: string | null;
  /** The dataspace's meetings (API), soonest first. */
  readonly meetings: readonly Meeting[];
  /** The joined meeting room, or null. */
  readonly live: MeetingSnapshot | null;
  readonly joining: boolean;
  /** A create / update in flight. */
  readonly saving: boolean;
  /** The addresses the last schedule or edit invited (shown as sent). */
  readonly invited: readonly string[];
  readonly error: UiError | null;
}

export interface MeetingsActions {
  load(dataspaceId: string): Promise<void>;
  schedule(draft: MeetingDraft): Promise<Meeting | null>;
  /** Renames, reschedules or changes the agenda of a meeting. */
  update(meetingId: string, change: Partial<MeetingDraft>): Promise<boolean>;
  /** Cancels a scheduled meeting (meetings are never deleted: their notes and tasks stay). */
  cancel(meetingId: string): Promise<boolean>;
  /**
   * Moderators of the joined meeting: the note becomes a task, assigned to someone present (by
   * session) or to nobody; it reaches the assignee's bureau.
   */
  makeTask(noteId: string, title: string, assigneeSessionId?: string): boolean;
  join(meetingId: string): Promise<void>;
  leave(): Promise<void>;
  clearError(): void;
  /** The joined room's intents (null when not joined). */
  feed(): MeetingFeed | null;
}

export type MeetingsStore = StoreApi<MeetingsState> & MeetingsActions;

/** The sentence code of a meeting room that closed on its own. */
function closedCode(code: number): string {
  if (code === ROOM_CLOSE.kicked) return 'room.kicked';
  if (code === ROOM_CLOSE.accessEnded) return 'room.access_ended';
  if (code === ROOM_CLOSE.tokenExpired) return 'room.token_expired';
  return 'room.closed';
}

const bySchedule = (a: Meeting, b: Meeting) => a.scheduled_at.localeCompare(b.scheduled_at);

/** A meeting can be joined unless it ended or was cancelled. */
export const isJoinable = (m: Pick<Meeting, 'status'>) => m.status === 'scheduled' || m.status === 'live';

/** What `z.email()` accepts, roughly: the server checks it again. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The invitees, trimmed and lower-cased, each address once; a malformed one refuses the whole draft. */
export function checkedInvitees(invitees: readonly Invitee[] = []): Invitee[] {
  const seen = new Map<string, Invitee>();
  for (const i of invitees) {
    const email = i.email.trim().toLowerCase();
    if (!email) continue;
    if (!EMAIL.test(email)) throw new UiFailure('email_invalid');
    seen.set(email, { email, role: i.role });
  }
  return [...seen.values()];
}

function checked(draft: Partial<MeetingDraft>) {
  if (draft.title !== undefined && !draft.title.trim()) throw new UiFailure('title_required');
  if (draft.durationMinutes !== undefined && !(draft.durationMinutes >= 5 && draft.durationMinutes <= 600))
    throw new UiFailure('duration_range');
  const agenda = draft.agenda?.filter((a) => a.title.trim());
  if (agenda?.some((a) => !(a.minutes >= 1 && a.minutes <= 240))) throw new UiFailure('agenda_minutes_range');
  return {
    ...(draft.title !== undefined ? { title: draft.title.trim() } : {}),
    ...(draft.scheduledAt !== undefined ? { scheduled_at: draft.scheduledAt } : {}),
    ...(draft.durationMinutes !== undefined
      ? { duration: `${Math.round(draft.durationMinutes)} minutes` }
      : {}),
    ...(agenda
      ? { agenda: agenda.map((a) => ({ title: a.title.trim(), minutes: Math.round(a.minutes) })) }
      : {}),
    ...(draft.description !== undefined ? { description: draft.description.trim() } : {}),
  };
}

/**
 * Meetings of a dataspace and the one joined live: listed, scheduled, renamed and cancelled through
 * the API; the realtime MeetingRoom joined through `joinRoom` (injected: the Colyseus join, so tests
 * and the app share this store). Shared by the 2D dock and the 3D meeting table.
 */
export function createMeetingsStore(
  api: ChenuApi,
  joinRoom: (meetingId: string) => Promise<MeetingFeed>,
): MeetingsStore {
  const store = createStore<MeetingsState>()(() => ({
    dataspaceId: null,
    meetings: [],
    live: null,
    joining: false,
    saving: false,
    invited: [],
    error: null,
  }));
  const set = (p: Partial<MeetingsState>) => store.setState(p);
  let feed: MeetingFeed | null = null;
  /** The meeting `feed` is in. */
  let feedId: string | null = null;
  let detach: (() => void)[] = [];
  /** The meeting the store should be in (join sets it, leave clears it): a join arriving late obeys it. */
  let wanted: string | null = null;
  /** The join on its way, if any. */
  let inflight: { meetingId: string; done: Promise<void> } | null = null;

  /** Leaves the joined meeting room, if any. */
  const drop = async () => {
    for (const off of detach) off();
    detach = [];
    const f = feed;
    feed = null;
    feedId = null;
    set({ live: null });
    await f?.leave();
  };
  const connect = async (meetingId: string) => {
    await drop();
    set({ joining: true, error: null });
    try {
      const joined = await joinRoom(meetingId);
      // left (or another meeting asked for) while the room was being joined: out again at once
      if (wanted !== meetingId) return void (await joined.leave());
      feed = joined;
      feedId = meetingId;
      detach = [
        joined.onChange((live) => set({ live })),
        joined.onRefusal((r) => set({ error: roomRefusal(r) })),
        // removed from the dataspace, the meeting ended, or a moderator's removal: out at once
        joined.onClosed((code) => {
          if (feed !== joined) return;
          for (const off of detach) off();
          detach = [];
          feed = null;
          feedId = null;
          set({ live: null, error: { code: closedCode(code), message: `meeting room closed (${code})` } });
        }),
      ];
    } catch (error) {
      if (wanted === meetingId) set({ error: toUiError(error) });
    } finally {
      set({ joining: false });
    }
  };
  const replace = (row: Meeting) =>
    set({
      meetings: store
        .getState()
        .meetings.map((m) => (m.id === row.id ? row : m))
        .sort(bySchedule),
    });
  /** Invites each address to the meeting; the first refusal stops and is reported (the meeting stays). */
  const invite = async (meetingId: string, invitees: readonly Invitee[]) => {
    const sent: string[] = [];
    set({ invited: sent });
    for (const i of invitees) {
      await api.inviteToMeeting(meetingId, i.email, i.role);
      sent.push(i.email);
      set({ invited: [...sent] });
    }
  };
  const saving = async <T>(fn: () => Promise<T>, failed: T): Promise<T> => {
    set({ saving: true, error: null });
    try {
      return await fn();
    } catch (error) {
      set({ error: toUiError(error) });
      return failed;
    } finally {
      set({ saving: false });
    }
  };

  const actions: MeetingsActions = {
    async load(dataspaceId) {
      set({ dataspaceId });
      try {
        const page = await api.meetings(dataspaceId);
        set({ meetings: [...page.data].sort(bySchedule), error: null });
      } catch (error) {
        set({ error: toUiError(error) });
      }
    },
    schedule: (draft) =>
      saving(async () => {
        const dataspaceId = store.getState().dataspaceId;
        if (!dataspaceId) throw new UiFailure('not_loaded');
        const body = checked(draft);
        const invitees = checkedInvitees(draft.invitees);
        const row = await api.createMeeting({
          dataspace_id: dataspaceId,
          title: body.title!,
          scheduled_at: body.scheduled_at!,
          ...body,
        });
        set({ meetings: [...store.getState().meetings, row].sort(bySchedule) });
        await invite(row.id, invitees);
        return row;
      }, null),
    update: (meetingId, change) =>
      saving(async () => {
        const invitees = checkedInvitees(change.invitees);
        // `checked` keeps the meeting's own fields; the invitees become invitations, made after
        replace(await api.updateMeeting(meetingId, checked(change)));
        await invite(meetingId, invitees);
        return true;
      }, false),
    cancel: (meetingId) =>
      saving(async () => (replace(await api.updateMeeting(meetingId, { status: 'cancelled' })), true), false),
    makeTask(noteId, title, assigneeSessionId) {
      const name = title.trim().slice(0, 200);
      if (!feed || !name) {
        set({ error: toUiError(new UiFailure(feed ? 'title_required' : 'not_loaded')) });
        return false;
      }
      feed.noteToTask(noteId, name, assigneeSessionId);
      return true;
    },
    join(meetingId) {
      wanted = meetingId;
      if (feed && feedId === meetingId) return Promise.resolve();
      // the same meeting already on its way: one connection, whoever asked (a React effect that
      // ran, was cleaned up and ran again while the join was in flight asks twice)
      if (inflight?.meetingId === meetingId) return inflight.done;
      // another meeting on its way: it settles (and leaves, no longer wanted) before this one starts,
      // so two joins of one person never race to create the same room
      const before = inflight?.done ?? Promise.resolve();
      const entry = { meetingId, done: Promise.resolve() };
      entry.done = before.then(async () => {
        try {
          if (wanted === meetingId) await connect(meetingId);
        } finally {
          if (inflight === entry) inflight = null;
        }
      });
      inflight = entry;
      return entry.done;
    },
    async leave() {
      wanted = null;
      await drop();
    },
    clearError: () => set({ error: null }),
    feed: () => feed,
  };
  return Object.assign(store, actions);
}
