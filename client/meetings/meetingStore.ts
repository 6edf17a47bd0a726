import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ChenuApi, Meeting } from '../api/chenuApi.ts';
import { describeError } from '../app/sessionStore.ts';
import type { MeetingFeed, MeetingSnapshot } from './meetingFeed.ts';

export interface MeetingsState {
  /** The dataspace's meetings (API). */
  readonly meetings: readonly Meeting[];
  /** The joined meeting room, or null. */
  readonly live: MeetingSnapshot | null;
  readonly joining: boolean;
  /** Last refusal or failure, worded `code: message`. */
  readonly error: string | null;
}

export interface MeetingsActions {
  load(dataspaceId: string): Promise<void>;
  join(meetingId: string): Promise<void>;
  leave(): Promise<void>;
  /** The joined room's intents (null when not joined). */
  feed(): MeetingFeed | null;
}

export type MeetingsStore = StoreApi<MeetingsState> & MeetingsActions;

/**
 * Meetings of a dataspace and the one joined live: lists through the API, joins the realtime
 * MeetingRoom through `join` (injected: the Colyseus join, so tests and the app share this store).
 */
export function createMeetingsStore(
  api: ChenuApi,
  joinRoom: (meetingId: string) => Promise<MeetingFeed>,
): MeetingsStore {
  const store = createStore<MeetingsState>()(() => ({
    meetings: [],
    live: null,
    joining: false,
    error: null,
  }));
  let feed: MeetingFeed | null = null;
  let detach: (() => void)[] = [];
  const actions: MeetingsActions = {
    async load(dataspaceId) {
      try {
        const page = await api.meetings(dataspaceId);
        store.setState({ meetings: page.data, error: null });
      } catch (error) {
        store.setState({ error: describeError(error) });
      }
    },
    async join(meetingId) {
      await actions.leave();
      store.setState({ joining: true, error: null });
      try {
        feed = await joinRoom(meetingId);
        detach = [
          feed.onChange((live) => store.setState({ live })),
          feed.onRefusal((r) => store.setState({ error: `${r.code}: ${r.message}` })),
        ];
      } catch (error) {
        store.setState({ error: `Could not join the meeting: ${describeError(error)}` });
      } finally {
        store.setState({ joining: false });
      }
    },
    async leave() {
      for (const off of detach) off();
      detach = [];
      const f = feed;
      feed = null;
      store.setState({ live: null });
      await f?.leave();
    },
    feed: () => feed,
  };
  return Object.assign(store, actions);
}
