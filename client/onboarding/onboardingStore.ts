import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ChenuApi, Dataspace, Sphere } from '../api/chenuApi.ts';
import type { BrowserStore } from '../home/browserStore.ts';
import type { UiError } from '../i18n/uiError.ts';

/** The kinds of sphere a person may start with (spheres.kind). */
export const STARTER_SPHERE_KINDS = ['personal', 'business', 'community'] as const;
export type StarterSphereKind = (typeof STARTER_SPHERE_KINDS)[number];

/**
 * The first steps of a new person (issue 14): name a first sphere, then a starter dataspace in it,
 * both through the API (`POST /spheres`, `POST /dataspaces`); the token balance shows what the plan
 * granted (`GET /tokens/balance`). Resumes at the right step when the person already has a sphere.
 */
export interface OnboardingState {
  readonly step: 'sphere' | 'dataspace' | 'done';
  readonly sphere: Sphere | null;
  readonly dataspace: Dataspace | null;
  /** Available tokens of the identity (null until read, or when the read failed). */
  readonly balance: number | null;
  readonly busy: boolean;
  readonly error: UiError | null;
}

export interface OnboardingActions {
  /** Reads where the identity stands: its first sphere (if any) and its balance. */
  start(): Promise<void>;
  nameSphere(name: string, kind: StarterSphereKind): Promise<boolean>;
  nameDataspace(name: string, description?: string): Promise<boolean>;
}

export type OnboardingStore = StoreApi<OnboardingState> & OnboardingActions;

export function createOnboardingStore(api: ChenuApi, browser: BrowserStore): OnboardingStore {
  const store = createStore<OnboardingState>()(() => ({
    step: 'sphere',
    sphere: null,
    dataspace: null,
    balance: null,
    busy: false,
    error: null,
  }));
  const set = (p: Partial<OnboardingState>) => store.setState(p);

  const readBalance = async () => {
    try {
      set({ balance: (await api.balance()).available });
    } catch {
      // the balance is shown when known; onboarding goes on without it
    }
  };

  const actions: OnboardingActions = {
    async start() {
      set({ busy: true, error: null });
      await Promise.all([browser.load(), readBalance()]);
      const { spheres, dataspaces, error } = browser.getState();
      if (error) return set({ busy: false, error });
      const sphere = spheres[0] ?? null;
      const dataspace = dataspaces.find((d) => d.archived_at === null) ?? null;
      set({ busy: false, sphere, dataspace, step: !sphere ? 'sphere' : !dataspace ? 'dataspace' : 'done' });
    },
    async nameSphere(name, kind) {
      set({ busy: true, error: null });
      const sphere = await browser.createSphere({ name, kind });
      const failed = browser.getState().error;
      set({ busy: false, ...(sphere ? { sphere, step: 'dataspace' } : { error: failed }) });
      return sphere !== null;
    },
    async nameDataspace(name, description) {
      set({ busy: true, error: null });
      const dataspace = await browser.createDataspace(name, description);
      const failed = browser.getState().error;
      if (dataspace) await readBalance();
      set({ busy: false, ...(dataspace ? { dataspace, step: 'done' } : { error: failed }) });
      return dataspace !== null;
    },
  };
  return Object.assign(store, actions);
}
