import { createStore, type StoreApi } from 'zustand/vanilla';
import { ApiError, type ChenuApi, type PendingReview } from '../api/chenuApi.ts';
import { describeError } from '../app/sessionStore.ts';

/** Runs held for human review that the signed-in reviewer may decide. */
export interface ReviewsState {
  /** Null until loaded, and for anyone who is not a reviewer (the API answers 403). */
  readonly pending: readonly PendingReview[] | null;
  readonly busy: boolean;
  readonly error: string | null;
}

export interface ReviewsActions {
  load(): Promise<void>;
  decide(executionId: string, decision: 'approve' | 'reject', note?: string): Promise<void>;
}

export type ReviewsStore = StoreApi<ReviewsState> & ReviewsActions;

export function createReviewsStore(api: ChenuApi): ReviewsStore {
  const store = createStore<ReviewsState>()(() => ({ pending: null, busy: false, error: null }));
  const actions: ReviewsActions = {
    async load() {
      try {
        store.setState({ pending: (await api.reviews()).data, error: null });
      } catch (error) {
        // not a reviewer: the panel stays hidden
        if (error instanceof ApiError && error.status === 403) store.setState({ pending: null });
        else store.setState({ error: describeError(error) });
      }
    },
    async decide(executionId, decision, note) {
      store.setState({ busy: true, error: null });
      try {
        await api.decideReview(executionId, decision, note);
      } catch (error) {
        store.setState({ error: describeError(error) });
      } finally {
        store.setState({ busy: false });
        await actions.load();
      }
    },
  };
  return Object.assign(store, actions);
}
