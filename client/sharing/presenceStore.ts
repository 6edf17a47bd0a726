import { createStore, type StoreApi } from 'zustand/vanilla';
import type { SessionState } from '../app/sessionStore.ts';
import type { PresenceFeed, PresenceSnapshot } from '../net/presenceFeed.ts';

/** Wait before the one retry of a refused presence join (a reload races the closing room). */
export const PRESENCE_RETRY_MS = 600;

export interface PresenceState {
  /** The identity whose presence room is joined (or being joined). */
  readonly identityId: string | null;
  /** 'live' once joined; 'failed' when the room could not be joined (the screens still read the API). */
  readonly status: 'idle' | 'joining' | 'live' | 'failed';
  /** The room's last state: balance, unread count, newest notifications. */
  readonly snapshot: PresenceSnapshot | null;
}

/** Joins an identity's presence room with the session token (client/net/presenceFeed.ts). */
export type JoinPresence = (accessToken: string, identityId: string) => Promise<PresenceFeed>;

export interface PresenceActions {
  /**
   * Follows a session store: joins the active identity's presence room when signed in, joins again
   * on an identity switch (never on a token refresh: the room checks the token at the door), leaves
   * on sign-out. Returns a disposer that leaves.
   */
  follow(session: StoreApi<SessionState>): () => void;
}

export type PresenceStore = StoreApi<PresenceState> & PresenceActions;

/**
 * The active identity's presence channel for the whole app (one connection per page, whatever the
 * screen): live balance and notifications — invitations arrive here — read by the inbox, the room's
 * token HUD and Nova. Vanilla, so the 3D panels read the same store.
 */
export function createPresenceStore(join: JoinPresence): PresenceStore {
  const store = createStore<PresenceState>()(() => ({ identityId: null, status: 'idle', snapshot: null }));
  let feed: PresenceFeed | null = null;
  let off: (() => void) | null = null;
  /** A newer join (or a leave) makes an older join's late answer void. */
  let generation = 0;

  const leave = () => {
    generation++;
    off?.();
    off = null;
    const f = feed;
    feed = null;
    void f?.leave().catch(() => undefined);
    store.setState({ identityId: null, status: 'idle', snapshot: null });
  };

  const connect = async (token: string, identityId: string) => {
    leave();
    const gen = ++generation;
    store.setState({ identityId, status: 'joining' });
    let joined: PresenceFeed;
    try {
      joined = await join(token, identityId).catch(async () => {
        await new Promise((r) => setTimeout(r, PRESENCE_RETRY_MS));
        if (gen !== generation) throw new Error('superseded');
        return join(token, identityId);
      });
    } catch {
      if (gen === generation) store.setState({ status: 'failed' });
      return;
    }
    if (gen !== generation) return void joined.leave().catch(() => undefined);
    feed = joined;
    off = joined.onChange((snapshot) => store.setState({ snapshot, status: 'live' }));
    if (store.getState().status === 'joining') store.setState({ status: 'live' });
  };

  const actions: PresenceActions = {
    follow(session) {
      const sync = (s: SessionState) => {
        if (s.status !== 'signed-in' || !s.accessToken || !s.activeIdentityId) {
          if (store.getState().identityId !== null) leave();
          return;
        }
        if (store.getState().identityId !== s.activeIdentityId)
          void connect(s.accessToken, s.activeIdentityId);
      };
      sync(session.getState());
      const unsubscribe = session.subscribe(sync);
      return () => {
        unsubscribe();
        leave();
      };
    },
  };
  return Object.assign(store, actions);
}
