import { createStore, type StoreApi } from 'zustand/vanilla';
import type { BureauConfiguration, ChenuApi } from '../api/chenuApi.ts';
import { toUiError, type UiError } from '../i18n/uiError.ts';
import {
  idleContent,
  loadBureauContent,
  loadingContent,
  localDate,
  type BureauContent,
} from './bureauContent.ts';
import {
  DEFAULT_LAYOUT,
  moveSection,
  toggleSection,
  type BureauLayout,
  type BureauSection,
} from './bureauSections.ts';

export interface BureauState {
  readonly sphereId: string | null;
  readonly config: BureauConfiguration | null;
  readonly layout: BureauLayout;
  readonly saving: boolean;
  readonly error: UiError | null;
  /** The sections' contents (each with its own loading state and refusal). */
  readonly content: BureauContent;
  /** The sphere whose contents are loaded or loading (null: not yet asked). */
  readonly contentSphereId: string | null;
}

export interface BureauActions {
  /** Loads the active identity's configuration for the sphere (RLS scopes it to the identity). */
  load(sphereId: string): Promise<void>;
  move(section: BureauSection, delta: number): Promise<void>;
  toggle(section: BureauSection): Promise<void>;
  /** Loads the sections' contents for the loaded sphere (again, when asked to refresh). */
  loadContent(): Promise<void>;
  /** Loads the contents once per sphere: what opening the bureau (2D or 3D) calls. */
  ensureContent(): Promise<void>;
}

export type BureauStore = StoreApi<BureauState> & BureauActions;

function layoutOf(c: BureauConfiguration): BureauLayout {
  return {
    section_order: c.section_order as BureauSection[],
    visible_sections: c.visible_sections as BureauSection[],
    default_section: c.default_section as BureauSection,
  };
}

/**
 * Bureau order and visibility per identity × sphere, saved through `bureau/configurations`.
 * `today` is the calendar day tasks are overdue against (this device's, unless a test pins it).
 */
export function createBureauStore(
  api: ChenuApi,
  today: () => string = () => localDate(new Date()),
): BureauStore {
  const store = createStore<BureauState>()(() => ({
    sphereId: null,
    config: null,
    layout: DEFAULT_LAYOUT,
    saving: false,
    error: null,
    content: idleContent(),
    contentSphereId: null,
  }));
  let generation = 0;
  let pending: Promise<void> | null = null;
  const loadContent = () => {
    const { sphereId } = store.getState();
    if (!sphereId) return Promise.resolve();
    const mine = ++generation;
    store.setState({ content: loadingContent(), contentSphereId: sphereId });
    pending = loadBureauContent(
      api,
      sphereId,
      (section, content) => {
        // a later load (another sphere or identity) owns the state now
        if (mine === generation) store.setState((s) => ({ content: { ...s.content, [section]: content } }));
      },
      undefined,
      today(),
    );
    return pending;
  };
  const save = async (layout: BureauLayout) => {
    const { config, sphereId } = store.getState();
    if (!sphereId) return;
    const previous = store.getState().layout;
    store.setState({ layout, saving: true, error: null });
    try {
      const body = {
        section_order: [...layout.section_order],
        visible_sections: [...layout.visible_sections],
        default_section: layout.default_section,
      };
      const saved = config
        ? await api.updateBureauConfiguration(config.id, body)
        : await api.createBureauConfiguration({ sphere_id: sphereId, ...body });
      store.setState({ config: saved, layout: layoutOf(saved) });
    } catch (error) {
      store.setState({ layout: previous, error: toUiError(error) });
    } finally {
      store.setState({ saving: false });
    }
  };
  return Object.assign(store, {
    async load(sphereId: string) {
      generation++;
      store.setState({
        sphereId,
        config: null,
        layout: DEFAULT_LAYOUT,
        error: null,
        content: idleContent(),
        contentSphereId: null,
      });
      try {
        const [config] = (await api.bureauConfigurations(sphereId)).data;
        store.setState(config ? { config, layout: layoutOf(config) } : {});
      } catch (error) {
        store.setState({ error: toUiError(error) });
      }
    },
    move: (section: BureauSection, delta: number) =>
      save(moveSection(store.getState().layout, section, delta)),
    toggle: (section: BureauSection) => save(toggleSection(store.getState().layout, section)),
    loadContent,
    ensureContent() {
      const { sphereId, contentSphereId } = store.getState();
      if (sphereId && contentSphereId === sphereId) return pending ?? Promise.resolve();
      return loadContent();
    },
  });
}
