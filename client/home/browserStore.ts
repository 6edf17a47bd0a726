import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ChenuApi, Dataspace, Sphere, SphereCreate } from '../api/chenuApi.ts';
import { toUiError, UiFailure, type UiError } from '../i18n/uiError.ts';

/**
 * The dataspace browser of the active identity: its spheres, the dataspaces of the chosen one (open
 * and archived), with create / rename / archive / restore through the API, and the dataspaces shared
 * with it. Shared by the 2D
 * home screen and, later, its 3D panel. Not per frame.
 */
export interface BrowserState {
  readonly spheres: readonly Sphere[];
  readonly sphereId: string | null;
  /** The chosen sphere's dataspaces, newest first (open and archived). */
  readonly dataspaces: readonly Dataspace[];
  /**
   * "Shared with me": other identities' dataspaces the active identity is a member of, each with its
   * `my_role` (docs/SHARING.md). Not in any of my spheres.
   */
  readonly shared: readonly Dataspace[];
  /** Spheres listed at least once for the identity (false while the first list loads). */
  readonly loaded: boolean;
  readonly busy: boolean;
  readonly error: UiError | null;
}

export interface BrowserActions {
  /** Lists the spheres again and the dataspaces of the chosen (else the first) sphere. */
  load(preferredSphereId?: string | null): Promise<void>;
  selectSphere(sphereId: string): Promise<void>;
  createSphere(body: SphereCreate): Promise<Sphere | null>;
  createDataspace(name: string, description?: string): Promise<Dataspace | null>;
  renameDataspace(id: string, name: string): Promise<boolean>;
  archiveDataspace(id: string): Promise<boolean>;
  restoreDataspace(id: string): Promise<boolean>;
  clearError(): void;
  /** Forgets everything (sign-out, identity switch). */
  reset(): void;
}

export type BrowserStore = StoreApi<BrowserState> & BrowserActions;

const initial: BrowserState = {
  spheres: [],
  sphereId: null,
  dataspaces: [],
  shared: [],
  loaded: false,
  busy: false,
  error: null,
};

/** Open dataspaces first (newest first), then archived ones. */
export const isArchived = (d: Pick<Dataspace, 'archived_at'>) => d.archived_at !== null;

export function createBrowserStore(api: ChenuApi): BrowserStore {
  const store = createStore<BrowserState>()(() => initial);
  const set = (p: Partial<BrowserState>) => store.setState(p);
  /** A newer load wins over a late answer of an older one. */
  let generation = 0;

  const guarded = async <T>(fn: () => Promise<T>, failed: T): Promise<T> => {
    set({ busy: true, error: null });
    try {
      return await fn();
    } catch (error) {
      set({ error: toUiError(error) });
      return failed;
    } finally {
      set({ busy: false });
    }
  };
  const replace = (row: Dataspace) =>
    set({ dataspaces: store.getState().dataspaces.map((d) => (d.id === row.id ? row : d)) });
  const named = (name: string) => {
    const trimmed = name.trim();
    if (!trimmed) throw new UiFailure('name_required');
    return trimmed;
  };

  const actions: BrowserActions = {
    async load(preferredSphereId) {
      const gen = ++generation;
      try {
        const [spheres, shared] = await Promise.all([
          api.spheres().then((p) => p.data),
          api.sharedDataspaces(100).then((p) => p.data),
        ]);
        const keep = preferredSphereId ?? store.getState().sphereId;
        const sphereId = spheres.find((s) => s.id === keep)?.id ?? spheres[0]?.id ?? null;
        const dataspaces = sphereId ? (await api.dataspaces(sphereId, 100)).data : [];
        if (gen === generation) set({ spheres, sphereId, dataspaces, shared, loaded: true, error: null });
      } catch (error) {
        if (gen === generation) set({ error: toUiError(error), loaded: true });
      }
    },
    selectSphere: (sphereId) =>
      guarded(async () => {
        const gen = ++generation;
        const dataspaces = (await api.dataspaces(sphereId, 100)).data;
        if (gen === generation) set({ sphereId, dataspaces });
      }, undefined),
    createSphere: (body) =>
      guarded(async () => {
        const sphere = await api.createSphere({ ...body, name: named(body.name) });
        set({ spheres: [...store.getState().spheres, sphere], sphereId: sphere.id, dataspaces: [] });
        return sphere;
      }, null),
    createDataspace: (name, description) =>
      guarded(async () => {
        const sphereId = store.getState().sphereId;
        if (!sphereId) throw new UiFailure('sphere_required');
        const row = await api.createDataspace({
          sphere_id: sphereId,
          name: named(name),
          ...(description?.trim() ? { description: description.trim() } : {}),
        });
        set({ dataspaces: [row, ...store.getState().dataspaces] });
        return row;
      }, null),
    renameDataspace: (id, name) =>
      guarded(async () => (replace(await api.updateDataspace(id, { name: named(name) })), true), false),
    archiveDataspace: (id) =>
      guarded(
        async () => (replace(await api.updateDataspace(id, { archived_at: new Date().toISOString() })), true),
        false,
      ),
    restoreDataspace: (id) =>
      guarded(async () => (replace(await api.updateDataspace(id, { archived_at: null })), true), false),
    clearError: () => set({ error: null }),
    reset: () => {
      generation++;
      set(initial);
    },
  };
  return Object.assign(store, actions);
}
