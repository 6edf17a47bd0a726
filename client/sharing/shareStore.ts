import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  ChenuApi,
  Invitation,
  Member,
  MemberRole,
  MyRole,
  ShareLink,
  ShareLinkCreated,
} from '../api/chenuApi.ts';
import { toUiError, UiFailure, type UiError } from '../i18n/uiError.ts';
import { can } from './roles.ts';

/** A share link just made: its token is in this answer only, so the dialog shows it until closed. */
export interface CreatedLink {
  readonly link: ShareLink;
  /** The address to send: the app's origin + `/join/<token>`. */
  readonly url: string;
}

export interface ShareState {
  readonly dataspaceId: string | null;
  /** The active identity's role there (what the dialog offers follows it). */
  readonly myRole: MyRole | undefined;
  /** The owner first, then the members with their roles. */
  readonly members: readonly Member[];
  /** Pending invitations to the dataspace itself (hosts see them). */
  readonly invitations: readonly Invitation[];
  /** Links that still admit someone (not revoked, not expired), newest first (hosts). */
  readonly links: readonly ShareLink[];
  readonly created: CreatedLink | null;
  readonly loaded: boolean;
  /** An action in flight (its name, for the button that shows it). */
  readonly busy: string | null;
  readonly error: UiError | null;
}

export interface LinkDraft {
  readonly role: ShareLink['role'];
  readonly expiresInHours: number;
  readonly maxUses?: number;
}

export interface ShareActions {
  /** Lists the people, and (for hosts) the pending invitations and live links. */
  load(dataspaceId: string, myRole: MyRole): Promise<void>;
  invite(email: string, role: MemberRole): Promise<Invitation | null>;
  revokeInvitation(invitationId: string): Promise<boolean>;
  changeRole(membershipId: string, role: MemberRole): Promise<boolean>;
  /** Removes a member (a host), or leaves (the member itself): effective at once, rooms included. */
  remove(membershipId: string): Promise<boolean>;
  createLink(draft: LinkDraft): Promise<CreatedLink | null>;
  /** Revokes a link: everyone who joined through it loses access at once. */
  revokeLink(linkId: string): Promise<boolean>;
  clearCreated(): void;
  clearError(): void;
}

export type ShareStore = StoreApi<ShareState> & ShareActions;

/** What `z.email()` accepts, roughly: the server checks it again. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A link still admits someone: not revoked, not expired, not used up. */
export const isLive = (l: ShareLink, nowMs = Date.now()) =>
  l.revoked_at === null && Date.parse(l.expires_at) > nowMs && (l.max_uses === null || l.uses < l.max_uses);

const pending = (i: Invitation) => i.status === 'pending' && i.meeting_id === null;

/**
 * One dataspace's sharing: its people and their roles, invitations by e-mail and share links,
 * through the API (docs/SHARING.md). `origin` makes a link's address (`location.origin` in the app).
 * Shared by the 2D share dialog and the 3D panels.
 */
export function createShareStore(api: ChenuApi, origin: string): ShareStore {
  const store = createStore<ShareState>()(() => ({
    dataspaceId: null,
    myRole: undefined,
    members: [],
    invitations: [],
    links: [],
    created: null,
    loaded: false,
    busy: null,
    error: null,
  }));
  const set = (p: Partial<ShareState>) => store.setState(p);
  const here = () => {
    const id = store.getState().dataspaceId;
    if (!id) throw new UiFailure('not_loaded');
    return id;
  };
  let generation = 0;
  /**
   * Bumped when a change starts and when it ends: lists read around a change (the dialog's first
   * load still on its way when the person already sent an invitation) would put back what was there
   * before it, so they are read again instead.
   */
  let changes = 0;
  /** Resolves once `ok` holds for the store's state. */
  const until = (ok: () => boolean) =>
    new Promise<void>((resolve) => {
      if (ok()) return resolve();
      const off = store.subscribe(() => {
        if (!ok()) return;
        off();
        resolve();
      });
    });

  const run = async <T>(name: string, fn: () => Promise<T>, failed: T): Promise<T> => {
    set({ busy: name, error: null });
    changes += 1;
    try {
      return await fn();
    } catch (error) {
      set({ error: toUiError(error) });
      return failed;
    } finally {
      changes += 1;
      set({ busy: null });
    }
  };
  const reloadMembers = async () => set({ members: (await api.members(here())).data });

  const actions: ShareActions = {
    async load(dataspaceId, myRole) {
      const gen = ++generation;
      set({ dataspaceId, myRole, created: null, error: null, loaded: false });
      try {
        const hosting = can(myRole, 'share');
        const read = () =>
          Promise.all([
            api.members(dataspaceId),
            hosting ? api.dataspaceInvitations(dataspaceId) : null,
            hosting ? api.links(dataspaceId) : null,
          ]);
        let seen = changes;
        let [members, invitations, links] = await read();
        // a change started or ended meanwhile: what was read may predate it (read until it did not)
        while (gen === generation && (changes !== seen || store.getState().busy !== null)) {
          if (store.getState().busy !== null) await until(() => store.getState().busy === null);
          seen = changes;
          [members, invitations, links] = await read();
        }
        if (gen !== generation) return;
        set({
          members: members.data,
          invitations: invitations?.data.filter(pending) ?? [],
          links: links?.data.filter((l) => isLive(l) && l.meeting_id === null) ?? [],
          loaded: true,
        });
      } catch (error) {
        if (gen === generation) set({ error: toUiError(error), loaded: true });
      }
    },
    invite: (email, role) =>
      run(
        'invite',
        async () => {
          const address = email.trim().toLowerCase();
          if (!EMAIL.test(address)) throw new UiFailure('email_invalid');
          const row = await api.invite(here(), address, role);
          // inviting the same address again renews its pending invitation
          set({ invitations: [row, ...store.getState().invitations.filter((i) => i.id !== row.id)] });
          return row;
        },
        null,
      ),
    revokeInvitation: (invitationId) =>
      run(
        'revoke-invitation',
        async () => {
          await api.revokeInvitation(invitationId);
          set({ invitations: store.getState().invitations.filter((i) => i.id !== invitationId) });
          return true;
        },
        false,
      ),
    changeRole: (membershipId, role) =>
      run(
        'role',
        async () => {
          await api.changeMemberRole(here(), membershipId, role);
          await reloadMembers();
          return true;
        },
        false,
      ),
    remove: (membershipId) =>
      run(
        'remove',
        async () => {
          await api.removeMember(here(), membershipId);
          set({ members: store.getState().members.filter((m) => m.membership_id !== membershipId) });
          return true;
        },
        false,
      ),
    createLink: (draft) =>
      run(
        'link',
        async () => {
          const made: ShareLinkCreated = await api.createLink(here(), {
            role: draft.role,
            expiresInHours: draft.expiresInHours,
            ...(draft.maxUses ? { maxUses: draft.maxUses } : {}),
          });
          const created = { link: made.link, url: new URL(made.path, origin).toString() };
          set({ created, links: [made.link, ...store.getState().links] });
          return created;
        },
        null,
      ),
    revokeLink: (linkId) =>
      run(
        'revoke-link',
        async () => {
          await api.revokeLink(linkId);
          const { links, created } = store.getState();
          set({
            links: links.filter((l) => l.id !== linkId),
            created: created?.link.id === linkId ? null : created,
          });
          return true;
        },
        false,
      ),
    clearCreated: () => set({ created: null }),
    clearError: () => set({ error: null }),
  };
  return Object.assign(store, actions);
}
