import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ChenuApi, PendingReview } from '../api/chenuApi.ts';
import { toUiError, type UiError } from '../i18n/uiError.ts';

/** Runs held for human review that the signed-in reviewer may decide. */
export interface ReviewsState {
  /** Null until loaded, and for anyone who is not a reviewer. */
  readonly pending: readonly PendingReview[] | null;
  readonly busy: boolean;
  readonly error: UiError | null;
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
        const answer = await api.reviews();
        // not a reviewer: the panel stays hidden
        store.setState({ pending: answer.reviewer ? answer.data : null, error: null });
      } catch (error) {
        store.setState({ error: toUiError(error) });
      }
    },
    async decide(executionId, decision, note) {
      store.setState({ busy: true, error: null });
      try {
        await api.decideReview(executionId, decision, note);
      } catch (error) {
        store.setState({ error: toUiError(error) });
      } finally {
        store.setState({ busy: false });
        await actions.load();
      }
    },
  };
  return Object.assign(store, actions);
}
