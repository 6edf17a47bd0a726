import type { SupabaseClient } from '@supabase/supabase-js';
import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  createChenuApi,
  identityOfToken,
  type ChenuApi,
  type Dataspace,
  type Identity,
  type Sphere,
} from '../api/chenuApi.ts';

/** Who is signed in, as which identity, and where they are browsing. Not per frame. */
export interface SessionState {
  readonly status: 'signed-out' | 'signing-in' | 'signed-in';
  readonly email: string | null;
  readonly accessToken: string | null;
  /** The token's `identity_id` claim: every API call and room acts as this identity. */
  readonly activeIdentityId: string | null;
  readonly identities: readonly Identity[];
  readonly spheres: readonly Sphere[];
  readonly sphereId: string | null;
  readonly dataspaces: readonly Dataspace[];
  /** The dataspace whose room is open, or null while browsing. */
  readonly dataspace: Dataspace | null;
  readonly busy: boolean;
  /** The last refusal, as the API or auth worded it (`code: message`). */
  readonly error: string | null;
}

export interface SessionActions {
  signIn(email: string, password: string): Promise<void>;
  /** Takes up a session supabase-js already holds (a mailed link's landing, a reload). */
  resume(): Promise<void>;
  signOut(): Promise<void>;
  switchIdentity(identityId: string): Promise<void>;
  selectSphere(sphereId: string): Promise<void>;
  openDataspace(dataspace: Dataspace): void;
  closeDataspace(): void;
  clearError(): void;
}

export type SessionStore = StoreApi<SessionState> & SessionActions & { readonly api: ChenuApi };

const signedOut: SessionState = {
  status: 'signed-out',
  email: null,
  accessToken: null,
  activeIdentityId: null,
  identities: [],
  spheres: [],
  sphereId: null,
  dataspaces: [],
  dataspace: null,
  busy: false,
  error: null,
};

/** Formats any failure for the user: the API's `code: message`, or the auth error's own words. */
export function describeError(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as { code?: unknown; message?: unknown; name?: unknown };
    if (typeof e.code === 'string' && typeof e.message === 'string') return `${e.code}: ${e.message}`;
    if (typeof e.message === 'string') return e.message;
  }
  return String(error);
}

export function createSessionStore(sb: SupabaseClient): SessionStore {
  const store = createStore<SessionState>()(() => signedOut);
  const api = createChenuApi(sb);
  const set = (partial: Partial<SessionState>) => store.setState(partial);

  /** Runs an action with `busy` on; a failure lands in `error` instead of throwing. */
  const guarded = async (fn: () => Promise<void>) => {
    set({ busy: true, error: null });
    try {
      await fn();
    } catch (error) {
      set({ error: describeError(error) });
    } finally {
      set({ busy: false });
    }
  };

  const loadIdentityScope = async (accessToken: string) => {
    const [identities, spheres] = await Promise.all([api.identities(), api.spheres()]);
    const sphereId = spheres.data[0]?.id ?? null;
    const dataspaces = sphereId ? (await api.dataspaces(sphereId)).data : [];
    set({
      accessToken,
      activeIdentityId: identityOfToken(accessToken),
      identities: identities.data,
      spheres: spheres.data,
      sphereId,
      dataspaces,
      dataspace: null,
    });
  };

  const actions: SessionActions = {
    signIn: (email, password) =>
      guarded(async () => {
        set({ status: 'signing-in' });
        const { data, error } = await sb.auth.signInWithPassword({ email, password });
        if (error || !data.session) {
          set({ status: 'signed-out' });
          throw error ?? new Error('sign-in returned no session');
        }
        set({ status: 'signed-in', email });
        await loadIdentityScope(data.session.access_token);
      }),
    resume: () =>
      guarded(async () => {
        const { data } = await sb.auth.getSession();
        if (!data.session) return;
        set({ status: 'signed-in', email: data.session.user.email ?? null });
        await loadIdentityScope(data.session.access_token);
      }),
    signOut: async () => {
      await sb.auth.signOut().catch(() => undefined);
      store.setState(signedOut);
    },
    switchIdentity: (identityId) =>
      guarded(async () => {
        await api.switchIdentity(identityId);
        // the new token's identity_id claim names the switched identity
        const { data, error } = await sb.auth.refreshSession();
        if (error || !data.session) throw error ?? new Error('session refresh returned no session');
        await loadIdentityScope(data.session.access_token);
      }),
    selectSphere: (sphereId) =>
      guarded(async () => {
        const dataspaces = (await api.dataspaces(sphereId)).data;
        set({ sphereId, dataspaces, dataspace: null });
      }),
    openDataspace: (dataspace) => set({ dataspace, error: null }),
    closeDataspace: () => set({ dataspace: null }),
    clearError: () => set({ error: null }),
  };
  return Object.assign(store, actions, { api });
}
