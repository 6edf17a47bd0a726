import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ChenuApi, SubscriptionPlan, UserSubscription } from '../api/chenuApi.ts';
import { toUiError, type UiError } from '../i18n/uiError.ts';

/** The plans of the catalog and the signed-in person's live subscription. */
export interface PlansState {
  readonly plans: readonly SubscriptionPlan[];
  /** The active (or past due) subscription, if any. */
  readonly current: UserSubscription | null;
  readonly busy: boolean;
  readonly error: UiError | null;
}

export interface PlansActions {
  load(): Promise<void>;
  /** Subscribes (none, or the free plan, which gives way now), or schedules a move to `planId` at the period's end. */
  choose(planId: string): Promise<void>;
  /** Cancels at the period's end. */
  cancel(): Promise<void>;
}

export type PlansStore = StoreApi<PlansState> & PlansActions;

/**
 * Plans as a person changes them: every change goes through the API, which applies it through the
 * ledger at the period boundary (a first subscription starts and is granted at once).
 */
export function createPlansStore(api: ChenuApi): PlansStore {
  const store = createStore<PlansState>()(() => ({ plans: [], current: null, busy: false, error: null }));
  const run = async (work: () => Promise<unknown>) => {
    store.setState({ busy: true, error: null });
    try {
      await work();
      await actions.load();
    } catch (error) {
      store.setState({ error: toUiError(error) });
    } finally {
      store.setState({ busy: false });
    }
  };
  const actions: PlansActions = {
    async load() {
      try {
        const [plans, subs] = await Promise.all([api.plans(), api.subscriptions()]);
        const current = subs.data.find((s) => s.status === 'active' || s.status === 'past_due') ?? null;
        store.setState({ plans: plans.data, current });
      } catch (error) {
        store.setState({ error: toUiError(error) });
      }
    },
    choose(planId) {
      const { current, plans } = store.getState();
      // the free plan a new account starts on gives way at once; a paid plan changes at its period's end
      const paid = (plans.find((p) => p.id === current?.plan_id)?.price_cents_monthly ?? 0) > 0;
      return run(() => (current && paid ? api.changePlan(current.id, planId) : api.subscribe(planId)));
    },
    cancel() {
      const current = store.getState().current;
      return current ? run(() => api.cancelPlan(current.id)) : Promise.resolve();
    },
  };
  return Object.assign(store, actions);
}
