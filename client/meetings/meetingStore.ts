import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ChenuApi, Meeting } from '../api/chenuApi.ts';
import { roomRefusal, toUiError, UiFailure, type UiError } from '../i18n/uiError.ts';
import type { MeetingFeed, MeetingSnapshot } from './meetingFeed.ts';

/** One agenda item as meetings.agenda stores it and the MeetingRoom reads it. */
export interface AgendaItem {
  readonly title: string;
  readonly minutes: number;
}

/** What scheduling a meeting takes (invitees come with the shared-spaces work). */
export interface MeetingDraft {
  readonly title: string;
  /** ISO instant. */
  readonly scheduledAt: string;
  readonly durationMinutes: number;
  readonly agenda: readonly AgendaItem[];
  readonly description?: string;
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
  readonly error: UiError | null;
}

export interface MeetingsActions {
  load(dataspaceId: string): Promise<void>;
  schedule(draft: MeetingDraft): Promise<Meeting | null>;
  /** Renames, reschedules or changes the agenda of a meeting. */
  update(meetingId: string, change: Partial<MeetingDraft>): Promise<boolean>;
  /** Cancels a scheduled meeting (meetings are never deleted: their notes and tasks stay). */
  cancel(meetingId: string): Promise<boolean>;
  join(meetingId: string): Promise<void>;
  leave(): Promise<void>;
  clearError(): void;
  /** The joined room's intents (null when not joined). */
  feed(): MeetingFeed | null;
}

export type MeetingsStore = StoreApi<MeetingsState> & MeetingsActions;

const bySchedule = (a: Meeting, b: Meeting) => a.scheduled_at.localeCompare(b.scheduled_at);

/** A meeting can be joined unless it ended or was cancelled. */
export const isJoinable = (m: Pick<Meeting, 'status'>) => m.status === 'scheduled' || m.status === 'live';

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
    error: null,
  }));
  const set = (p: Partial<MeetingsState>) => store.setState(p);
  let feed: MeetingFeed | null = null;
  let detach: (() => void)[] = [];
  /** Counts joins and leaves: a join answered after a newer one (or a leave) began is let go. */
  let joins = 0;
  const replace = (row: Meeting) =>
    set({
      meetings: store
        .getState()
        .meetings.map((m) => (m.id === row.id ? row : m))
        .sort(bySchedule),
    });
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
        const row = await api.createMeeting({
          dataspace_id: dataspaceId,
          title: body.title!,
          scheduled_at: body.scheduled_at!,
          ...body,
        });
        set({ meetings: [...store.getState().meetings, row].sort(bySchedule) });
        return row;
      }, null),
    update: (meetingId, change) =>
      saving(async () => (replace(await api.updateMeeting(meetingId, checked(change))), true), false),
    cancel: (meetingId) =>
      saving(async () => (replace(await api.updateMeeting(meetingId, { status: 'cancelled' })), true), false),
    async join(meetingId) {
      await actions.leave();
      // a newer join or a leave while this one connects wins: two rooms would both feed `live`
      const attempt = ++joins;
      set({ joining: true, error: null });
      try {
        const joined = await joinRoom(meetingId);
        if (attempt !== joins) return void (await joined.leave());
        feed = joined;
        detach = [
          feed.onChange((live) => set({ live })),
          feed.onRefusal((r) => set({ error: roomRefusal(r) })),
        ];
      } catch (error) {
        if (attempt === joins) set({ error: toUiError(error) });
      } finally {
        if (attempt === joins) set({ joining: false });
      }
    },
    async leave() {
      joins += 1;
      for (const off of detach) off();
      detach = [];
      const f = feed;
      feed = null;
      set({ live: null });
      await f?.leave();
    },
    clearError: () => set({ error: null }),
    feed: () => feed,
  };
  return Object.assign(store, actions);
}
