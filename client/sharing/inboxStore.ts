import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ChenuApi, InvitationAccepted, MyInvitation } from '../api/chenuApi.ts';
import { toUiError, UiFailure, type UiError } from '../i18n/uiError.ts';
import type { LiveNotification } from '../net/presenceFeed.ts';

/** Notification kinds that change the inbox (made, and revoked by the inviter). */
const INBOX_KINDS = /^invitation\./;

export interface InboxState {
  /** Pending invitations addressed to me, newest first (any of my identities sees them). */
  readonly invitations: readonly MyInvitation[];
  /** Listed at least once since the last reset. */
  readonly loaded: boolean;
  /** The invitation being answered, or null. */
  readonly answering: string | null;
  readonly error: UiError | null;
}

export interface InboxActions {
  /** Reads the pending invitations again. */
  load(): Promise<void>;
  /**
   * Accepts with one of my identities: a membership of the dataspace, or a seat in the meeting.
   * Resolves with where it leads (null when refused: see `error`).
   */
  accept(invitationId: string, identityId: string): Promise<InvitationAccepted | null>;
  decline(invitationId: string): Promise<boolean>;
  /**
   * The presence room's newest notifications: an invitation notification not seen before reloads
   * the list (the notification names the invitation; the API says what it is).
   */
  notified(notifications: readonly LiveNotification[]): void;
  clearError(): void;
  /** Forgets everything (sign-out). */
  reset(): void;
}

export type InboxStore = StoreApi<InboxState> & InboxActions;

const initial: InboxState = { invitations: [], loaded: false, answering: null, error: null };

/**
 * The invitations inbox of the signed-in person: listed through the API, refreshed live when the
 * presence room pushes an invitation notification, answered with the identity of their choice.
 * Shared by the 2D screens (home, onboarding, the header and the room bar) and the 3D panels.
 */
export function createInboxStore(api: ChenuApi): InboxStore {
  const store = createStore<InboxState>()(() => initial);
  const set = (p: Partial<InboxState>) => store.setState(p);
  const seen = new Set<string>();
  let generation = 0;
  const drop = (id: string) => set({ invitations: store.getState().invitations.filter((i) => i.id !== id) });

  const answer = async <T>(id: string, fn: () => Promise<T>, failed: T): Promise<T> => {
    set({ answering: id, error: null });
    try {
      const result = await fn();
      drop(id);
      return result;
    } catch (error) {
      set({ error: toUiError(error) });
      // gone meanwhile (revoked, expired): the list says what is still there
      void actions.load();
      return failed;
    } finally {
      set({ answering: null });
    }
  };

  const actions: InboxActions = {
    async load() {
      const gen = ++generation;
      try {
        const { data } = await api.myInvitations('pending');
        if (gen === generation) set({ invitations: data, loaded: true });
      } catch (error) {
        if (gen === generation) set({ error: toUiError(error), loaded: true });
      }
    },
    accept: (invitationId, identityId) =>
      answer(
        invitationId,
        async () => {
          if (!identityId) throw new UiFailure('identity_required');
          return api.acceptInvitation(invitationId, identityId);
        },
        null,
      ),
    decline: (invitationId) =>
      answer(invitationId, async () => (await api.declineInvitation(invitationId), true), false),
    notified(notifications) {
      let fresh = false;
      for (const n of notifications) {
        if (seen.has(n.id)) continue;
        seen.add(n.id);
        if (INBOX_KINDS.test(n.kind)) fresh = true;
      }
      if (fresh && store.getState().loaded) void actions.load();
    },
    clearError: () => set({ error: null }),
    reset() {
      generation++;
      seen.clear();
      set(initial);
    },
  };
  return Object.assign(store, actions);
}
