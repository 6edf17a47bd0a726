import type { AuthChangeEvent, Session, SupabaseClient } from '@supabase/supabase-js';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createChenuApi, identityOfToken, type ChenuApi, type Identity } from '../api/chenuApi.ts';
import { toUiError, UiFailure, type UiError } from '../i18n/uiError.ts';

/**
 * Who is signed in and as which identity. The supabase-js session is the source: restored from
 * storage on load (`INITIAL_SESSION`), kept fresh by supabase-js (`autoRefreshToken`,
 * `TOKEN_REFRESHED`), and ended by sign-out or a refresh that fails (`SIGNED_OUT`). Not per frame.
 */
export interface SessionState {
  /** 'restoring' until supabase-js has read the kept session (or found none). */
  readonly status: 'restoring' | 'signed-out' | 'signed-in';
  readonly email: string | null;
  readonly accessToken: string | null;
  /** The token's `identity_id` claim: every API call and room acts as this identity. */
  readonly activeIdentityId: string | null;
  readonly identities: readonly Identity[];
  /** A sign-in, sign-up or identity switch in flight. */
  readonly busy: boolean;
  readonly error: UiError | null;
  /** Why the last session ended without the person asking (shown on the sign-in screen). */
  readonly ended: 'expired' | null;
}

/** What a sign-up led to: a session, or (hosted projects that confirm emails) a mail to open first. */
export type SignUpOutcome = 'signed-in' | 'confirm-email' | 'failed';

export interface SessionActions {
  signIn(email: string, password: string): Promise<boolean>;
  signUp(email: string, password: string, displayName: string): Promise<SignUpOutcome>;
  signOut(): Promise<void>;
  switchIdentity(identityId: string): Promise<void>;
  clearError(): void;
  /** Stops following supabase-js (tests and hot reloads). */
  dispose(): void;
}

export type SessionStore = StoreApi<SessionState> & SessionActions & { readonly api: ChenuApi };

const signedOut: Omit<SessionState, 'status' | 'ended'> = {
  email: null,
  accessToken: null,
  activeIdentityId: null,
  identities: [],
  busy: false,
  error: null,
};

export function createSessionStore(sb: SupabaseClient): SessionStore {
  const store = createStore<SessionState>()(() => ({ ...signedOut, status: 'restoring', ended: null }));
  const api = createChenuApi(sb);
  const set = (partial: Partial<SessionState>) => store.setState(partial);
  /** Set while the person signs out: a SIGNED_OUT then is theirs, not an expiry. */
  let leaving = false;

  const loadIdentities = async () => {
    try {
      const identities = await api.identities();
      set({ identities: identities.data });
    } catch (error) {
      set({ error: toUiError(error) });
    }
  };

  /** Takes a session supabase-js handed over (sign-in, restore, refresh, identity switch). */
  const adopt = (session: Session) => {
    const first = store.getState().status !== 'signed-in';
    set({
      status: 'signed-in',
      email: session.user.email ?? null,
      accessToken: session.access_token,
      activeIdentityId: identityOfToken(session.access_token),
      ended: null,
    });
    if (first) void loadIdentities();
  };

  const onAuth = (event: AuthChangeEvent, session: Session | null) => {
    if (session && event !== 'SIGNED_OUT') return adopt(session);
    const wasIn = store.getState().status === 'signed-in';
    set({ ...signedOut, status: 'signed-out', ended: wasIn && !leaving ? 'expired' : null });
    leaving = false;
  };
  // supabase-js asks not to await its own calls inside the callback: defer to the next task
  const { data: subscription } = sb.auth.onAuthStateChange((event, session) => {
    setTimeout(() => onAuth(event, session), 0);
  });

  /** Runs an auth action with `busy` on; a failure lands in `error` instead of throwing. */
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

  const actions: SessionActions = {
    signIn: (email, password) =>
      guarded(async () => {
        const { data, error } = await sb.auth.signInWithPassword({ email, password });
        if (error || !data.session) throw error ?? new UiFailure('no_session');
        adopt(data.session);
        return true;
      }, false),
    signUp: (email, password, displayName) =>
      guarded<SignUpOutcome>(async () => {
        const { data, error } = await sb.auth.signUp({
          email,
          password,
          options: { data: { display_name: displayName } },
        });
        if (error) throw error;
        if (!data.session) return 'confirm-email';
        adopt(data.session);
        return 'signed-in';
      }, 'failed'),
    async signOut() {
      leaving = true;
      await sb.auth.signOut().catch(() => undefined);
      set({ ...signedOut, status: 'signed-out', ended: null });
    },
    switchIdentity: (identityId) =>
      guarded(async () => {
        await api.switchIdentity(identityId);
        // the refreshed token's identity_id claim names the switched identity
        const { data, error } = await sb.auth.refreshSession();
        if (error || !data.session) throw error ?? new UiFailure('no_session');
        adopt(data.session);
      }, undefined),
    clearError: () => set({ error: null }),
    dispose: () => subscription.subscription.unsubscribe(),
  };
  return Object.assign(store, actions, { api });
}
