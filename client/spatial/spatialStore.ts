import type { Object3D } from 'three';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ChenuApi, MemoryItem, Panel, Workspace } from '../api/chenuApi.ts';
import { describeError } from '../app/sessionStore.ts';

/** Most memory cards a wall shows (pages of 100 are read until then). */
export const MAX_MEMORY_CARDS = 300;
/** Most workspaces laid out in the room (the first ones the API lists). */
export const MAX_WORKSPACES = 4;

export interface WorkspaceView {
  readonly workspace: Workspace;
  readonly panels: readonly Panel[];
  /** Why its panels could not be listed (`code: message`), or null. */
  readonly error: string | null;
}

/** What the room shows of a dataspace besides its threads: memory items and workspaces. */
export interface SpatialState {
  readonly dataspaceId: string | null;
  /** Memory items the human can see (law 4), forgotten ones left out; at most MAX_MEMORY_CARDS. */
  readonly memory: readonly MemoryItem[];
  /** More items exist than the wall shows. */
  readonly memoryTruncated: boolean;
  readonly memoryError: string | null;
  readonly workspaces: readonly WorkspaceView[];
  readonly workspacesError: string | null;
  readonly loading: boolean;
}

export interface SpatialActions {
  load(dataspaceId: string): Promise<void>;
  /**
   * Reads the loaded dataspace's memory and workspaces again (another participant changed them),
   * keeping what the room shows until the new lists arrive.
   */
  refresh(): Promise<void>;
  /** The room's 3D root while mounted (read-only handle for end-to-end tests and the console). */
  root: Object3D | null;
}

export type SpatialStore = StoreApi<SpatialState> & SpatialActions;

const initial: SpatialState = {
  dataspaceId: null,
  memory: [],
  memoryTruncated: false,
  memoryError: null,
  workspaces: [],
  workspacesError: null,
  loading: false,
};

/**
 * The dataspace's memory items and workspaces (with their panels) through the API. A refused or
 * failed list leaves its part empty with the reason worded `code: message`; the other part and the
 * room are unaffected. A newer `load` wins over a late answer of an older one.
 */
export function createSpatialStore(api: ChenuApi): SpatialStore {
  const store = createStore<SpatialState>()(() => initial);
  let generation = 0;

  async function loadMemory(dataspaceId: string, gen: number) {
    try {
      const items: MemoryItem[] = [];
      let cursor: string | undefined;
      let truncated = false;
      // bounded: every page brings up to 100 items and the loop stops at the cap
      do {
        const page = await api.memory(dataspaceId, cursor);
        for (const item of page.data) if (item.status !== 'forgotten') items.push(item);
        cursor = page.next_cursor ?? undefined;
        if (items.length >= MAX_MEMORY_CARDS) {
          truncated = items.length > MAX_MEMORY_CARDS || cursor !== undefined;
          break;
        }
      } while (cursor);
      if (gen === generation) {
        store.setState({
          memory: items.slice(0, MAX_MEMORY_CARDS),
          memoryTruncated: truncated,
          memoryError: null,
        });
      }
    } catch (error) {
      if (gen === generation) store.setState({ memoryError: describeError(error) });
    }
  }

  async function loadWorkspaces(dataspaceId: string, gen: number) {
    try {
      const page = await api.workspaces(dataspaceId);
      // the API lists newest first; the room lays out the oldest (the dataspace's first) first
      const shown = [...page.data].reverse().slice(0, MAX_WORKSPACES);
      const views = await Promise.all(
        shown.map(async (workspace): Promise<WorkspaceView> => {
          try {
            const panels = await api.workspacePanels(workspace.id);
            return { workspace, panels: panels.data, error: null };
          } catch (error) {
            return { workspace, panels: [], error: describeError(error) };
          }
        }),
      );
      if (gen === generation) store.setState({ workspaces: views, workspacesError: null });
    } catch (error) {
      if (gen === generation) store.setState({ workspacesError: describeError(error) });
    }
  }

  /** Memory and workspaces of `dataspaceId`, as read number `gen` (a newer read wins). */
  const read = (dataspaceId: string, gen: number) =>
    Promise.all([loadMemory(dataspaceId, gen), loadWorkspaces(dataspaceId, gen)]);

  const actions: SpatialActions = {
    root: null,
    async load(dataspaceId) {
      const gen = ++generation;
      store.setState({ ...initial, dataspaceId, loading: true });
      await read(dataspaceId, gen);
      if (gen === generation) store.setState({ loading: false });
    },
    async refresh() {
      const { dataspaceId } = store.getState();
      if (!dataspaceId) return;
      await read(dataspaceId, ++generation);
    },
  };
  return Object.assign(store, actions);
}
