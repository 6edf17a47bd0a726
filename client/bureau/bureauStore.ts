import { createStore, type StoreApi } from 'zustand/vanilla';
import type { BureauConfiguration, ChenuApi } from '../api/chenuApi.ts';
import { describeError } from '../app/sessionStore.ts';
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
  readonly error: string | null;
}

export interface BureauActions {
  /** Loads the active identity's configuration for the sphere (RLS scopes it to the identity). */
  load(sphereId: string): Promise<void>;
  move(section: BureauSection, delta: number): Promise<void>;
  toggle(section: BureauSection): Promise<void>;
}

export type BureauStore = StoreApi<BureauState> & BureauActions;

function layoutOf(c: BureauConfiguration): BureauLayout {
  return {
    section_order: c.section_order as BureauSection[],
    visible_sections: c.visible_sections as BureauSection[],
    default_section: c.default_section as BureauSection,
  };
}

/** Bureau order and visibility per identity × sphere, saved through `bureau/configurations`. */
export function createBureauStore(api: ChenuApi): BureauStore {
  const store = createStore<BureauState>()(() => ({
    sphereId: null,
    config: null,
    layout: DEFAULT_LAYOUT,
    saving: false,
    error: null,
  }));
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
      store.setState({ layout: previous, error: describeError(error) });
    } finally {
      store.setState({ saving: false });
    }
  };
  return Object.assign(store, {
    async load(sphereId: string) {
      store.setState({ sphereId, config: null, layout: DEFAULT_LAYOUT, error: null });
      try {
        const [config] = (await api.bureauConfigurations(sphereId)).data;
        store.setState(config ? { config, layout: layoutOf(config) } : {});
      } catch (error) {
        store.setState({ error: describeError(error) });
      }
    },
    move: (section: BureauSection, delta: number) =>
      save(moveSection(store.getState().layout, section, delta)),
    toggle: (section: BureauSection) => save(toggleSection(store.getState().layout, section)),
  });
}
