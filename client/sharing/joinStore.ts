import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ChenuApi, LinkRedeemed } from '../api/chenuApi.ts';
import { toUiError, UiFailure, type UiError } from '../i18n/uiError.ts';

export interface JoinState {
  readonly status: 'idle' | 'redeeming' | 'joined' | 'failed';
  /** Where the link led (the dataspace, or one meeting of it) and with which role. */
  readonly joined: LinkRedeemed | null;
  /** The identity that redeemed it. */
  readonly identityId: string | null;
  readonly error: UiError | null;
}

export interface JoinActions {
  /** Redeems the link's token with one of my identities (every invalid token answers alike: 404). */
  redeem(token: string, identityId: string): Promise<LinkRedeemed | null>;
  reset(): void;
}

export type JoinStore = StoreApi<JoinState> & JoinActions;

/** A share link being opened (`/join/<token>`): redeemed once, with the identity the person chose. */
export function createJoinStore(api: ChenuApi): JoinStore {
  const initial: JoinState = { status: 'idle', joined: null, identityId: null, error: null };
  const store = createStore<JoinState>()(() => initial);
  const actions: JoinActions = {
    async redeem(token, identityId) {
      store.setState({ status: 'redeeming', error: null, identityId });
      try {
        if (!identityId) throw new UiFailure('identity_required');
        const joined = await api.redeemLink(token, identityId);
        store.setState({ status: 'joined', joined });
        return joined;
      } catch (error) {
        store.setState({ status: 'failed', error: toUiError(error) });
        return null;
      }
    },
    reset: () => store.setState(initial),
  };
  return Object.assign(store, actions);
}
