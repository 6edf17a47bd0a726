import type { Object3D } from 'three';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ChenuApi, MemoryItem, Panel, Workspace } from '../api/chenuApi.ts';
import { toUiError, UiFailure, type UiError } from '../i18n/uiError.ts';

/** Most memory cards a wall shows (pages of 100 are read until then). */
export const MAX_MEMORY_CARDS = 300;
/** Most workspaces laid out in the room (the first ones the API lists). */
export const MAX_WORKSPACES = 4;

export interface WorkspaceView {
  readonly workspace: Workspace;
  readonly panels: readonly Panel[];
  /** Why its panels could not be listed, or null. */
  readonly error: UiError | null;
}

/** What the room shows of a dataspace besides its threads: memory items and workspaces. */
export interface SpatialState {
  readonly dataspaceId: string | null;
  /** Memory items the human can see (law 4), forgotten ones left out; at most MAX_MEMORY_CARDS. */
  readonly memory: readonly MemoryItem[];
  /** More items exist than the wall shows. */
  readonly memoryTruncated: boolean;
  readonly memoryError: UiError | null;
  readonly workspaces: readonly WorkspaceView[];
  readonly workspacesError: UiError | null;
  readonly loading: boolean;
  /** A create / rename / delete / note in flight, and its refusal. */
  readonly saving: boolean;
  readonly saveError: UiError | null;
  /** The workspace or memory item picked in the room or the dock (hover and selection feedback). */
  readonly selected: { readonly kind: 'workspace' | 'memory'; readonly id: string } | null;
}

export interface SpatialActions {
  load(dataspaceId: string): Promise<void>;
  /**
   * Reads the loaded dataspace's memory and workspaces again (another participant changed them),
   * keeping what the room shows until the new lists arrive.
   */
  refresh(): Promise<void>;
  createWorkspace(name: string, layout?: Workspace['layout']): Promise<Workspace | null>;
  renameWorkspace(workspaceId: string, name: string): Promise<boolean>;
  /** Workspaces have no archived state: this deletes it (with its panels), after the person confirms. */
  deleteWorkspace(workspaceId: string): Promise<boolean>;
  /** Remembers a note the person writes (source: their own entry, memory law 3). */
  addNote(content: string): Promise<MemoryItem | null>;
  select(selected: SpatialState['selected']): void;
  clearSaveError(): void;
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
  saving: false,
  saveError: null,
  selected: null,
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
      if (gen === generation) store.setState({ memoryError: toUiError(error) });
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
            return { workspace, panels: [], error: toUiError(error) };
          }
        }),
      );
      if (gen === generation) store.setState({ workspaces: views, workspacesError: null });
    } catch (error) {
      if (gen === generation) store.setState({ workspacesError: toUiError(error) });
    }
  }

  /** Memory and workspaces of `dataspaceId`, as read number `gen` (a newer read wins). */
  const read = (dataspaceId: string, gen: number) =>
    Promise.all([loadMemory(dataspaceId, gen), loadWorkspaces(dataspaceId, gen)]);

  const saving = async <T>(fn: (dataspaceId: string) => Promise<T>, failed: T): Promise<T> => {
    const { dataspaceId } = store.getState();
    store.setState({ saving: true, saveError: null });
    try {
      if (!dataspaceId) throw new UiFailure('not_loaded');
      return await fn(dataspaceId);
    } catch (error) {
      store.setState({ saveError: toUiError(error) });
      return failed;
    } finally {
      store.setState({ saving: false });
    }
  };
  const named = (name: string, code: string) => {
    const trimmed = name.trim();
    if (!trimmed) throw new UiFailure(code);
    return trimmed;
  };

  const actions: SpatialActions = {
    root: null,
    createWorkspace: (name, layout = 'grid') =>
      saving(async (dataspaceId) => {
        const workspace = await api.createWorkspace({
          dataspace_id: dataspaceId,
          name: named(name, 'name_required'),
          layout,
        });
        const view: WorkspaceView = { workspace, panels: [], error: null };
        store.setState({ workspaces: [...store.getState().workspaces, view].slice(0, MAX_WORKSPACES) });
        return workspace;
      }, null),
    renameWorkspace: (workspaceId, name) =>
      saving(async () => {
        const workspace = await api.updateWorkspace(workspaceId, { name: named(name, 'name_required') });
        store.setState({
          workspaces: store
            .getState()
            .workspaces.map((v) => (v.workspace.id === workspaceId ? { ...v, workspace } : v)),
        });
        return true;
      }, false),
    deleteWorkspace: (workspaceId) =>
      saving(async () => {
        await api.deleteWorkspace(workspaceId);
        store.setState({
          workspaces: store.getState().workspaces.filter((v) => v.workspace.id !== workspaceId),
        });
        return true;
      }, false),
    addNote: (content) =>
      saving(async (dataspaceId) => {
        const item = await api.createMemory({
          dataspace_id: dataspaceId,
          source_type: 'user',
          kind: 'note',
          content: named(content, 'note_required'),
        });
        store.setState({ memory: [item, ...store.getState().memory].slice(0, MAX_MEMORY_CARDS) });
        return item;
      }, null),
    select: (selected) => store.setState({ selected }),
    clearSaveError: () => store.setState({ saveError: null }),
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
