import { Callbacks, type Room } from '@colyseus/sdk';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { CHAT_MAX_CHARS } from '../../shared/protocol/limits.ts';
import { canModerate, canSpeak } from '../../shared/protocol/roomRules.ts';
import type { AVATAR_MODES } from '../../shared/protocol/spatialProtocol.ts';
import {
  ROOM_ROLES,
  SPATIAL_CLIENT,
  type RealtimeErrorMessage,
  type RoomRole,
} from '../../shared/protocol/spatialProtocol.ts';
import type { Avatar, SpatialState } from '../../shared/schema/SpatialState.ts';
import { roomRefusal, type UiError } from '../i18n/uiError.ts';

/** How a client is present: desktop, mobile, VR headset or AR. */
export type AvatarMode = (typeof AVATAR_MODES)[number];

/** Someone in the room: one entry per identity, whatever the number of its devices. */
export interface Person {
  readonly identityId: string;
  /** One of its seats (the first): what a moderator's mute or kick names; the room acts on the identity. */
  readonly sessionId: string;
  readonly name: string;
  /** Identity colour `#rrggbb` (the avatar's). */
  readonly color: string;
  /** The room's role (host, moderator, participant, viewer): what the room lets them do. */
  readonly role: RoomRole;
  /** Why they are here (owner, a membership's role, seat, elevated: docs/SHARING.md). */
  readonly access: string;
  /** How they are present on their first device (desktop, mobile, vr, ar). */
  readonly mode: string;
  readonly devices: number;
  readonly muted: boolean;
  readonly speaking: boolean;
  /** Every device dropped and may come back (the reconnection window). */
  readonly away: boolean;
  /** This is the active identity (this page or another device of it). */
  readonly self: boolean;
}

export interface ChatLineView {
  /** Stable while the line is kept (the room stamps `at`; the author is the server's). */
  readonly key: string;
  readonly identityId: string;
  readonly name: string;
  readonly text: string;
  /** Epoch ms the room received it. */
  readonly at: number;
  readonly mine: boolean;
}

export interface PeopleState {
  /** Hosts first, then by name; the active identity among them. */
  readonly people: readonly Person[];
  /** This page's own seat: its role gates the chat box and moderation. */
  readonly myRole: RoomRole | null;
  /** Why this page is here (owner, a membership's role, seat…): it changes when a host changes my role. */
  readonly myAccess: string | null;
  /** The room's chat, oldest first (the room keeps its last lines). */
  readonly chat: readonly ChatLineView[];
  /** The room's last refusal of a chat line, as a sentence code. */
  readonly chatError: UiError | null;
  readonly locked: boolean;
}

export interface PeopleActions {
  /** Sends a chat line; false (and nothing sent) when empty, too long or the role is a spectator's. */
  sendChat(text: string): boolean;
  clearChatError(): void;
  /**
   * A moderator removes a person from the room (every device of the identity; it cannot come back
   * while the room lasts). False, sending nothing, unless this page moderates and the target is no host.
   */
  kick(sessionId: string): boolean;
  /** Tells the room how this page is present (entering or leaving VR / AR): everyone's people list shows it. */
  setMode(mode: AvatarMode): void;
  /** Stops following the room. */
  dispose(): void;
}

export type PeopleStore = StoreApi<PeopleState> & PeopleActions;

/** The refusals feed a room's people store listens to (a ColyseusRoomFeed's `onRefusal`). */
export type RefusalSource = (cb: (error: RealtimeErrorMessage) => void) => () => void;

const rank = (role: string) => {
  const i = ROOM_ROLES.indexOf(role as RoomRole);
  return i < 0 ? ROOM_ROLES.length : i;
};

/**
 * Who is in a spatial room (each with their role and why they are here) and its text chat, read
 * from the room's state: rebuilt once per patch, only when a person's role, access, presence or the
 * chat changed (never for poses). Roles gate what it sends the way the room does (shared/protocol
 * roomRules: a viewer does not chat). Vanilla: the 2D people tab and the 3D panels share it.
 */
export function createPeopleStore(room: Room<unknown, SpatialState>, refusals?: RefusalSource): PeopleStore {
  const store = createStore<PeopleState>()(() => ({
    people: [],
    myRole: null,
    myAccess: null,
    chat: [],
    chatError: null,
    locked: false,
  }));
  const cb = Callbacks.get(room);
  const selfId = room.sessionId;
  let dirty = true;
  const touch = () => void (dirty = true);
  const avatarOffs = new Map<string, () => void>();
  const FIELDS = ['role', 'access', 'displayName', 'mode', 'muted', 'speaking', 'connected'] as const;

  const rebuild = () => {
    if (!dirty) return;
    dirty = false;
    const s = room.state;
    const mine = s.avatars.get(selfId);
    const byIdentity = new Map<string, Person>();
    s.avatars.forEach((a: Avatar, sessionId: string) => {
      const known = byIdentity.get(a.identityId);
      const here = a.connected;
      if (known) {
        byIdentity.set(a.identityId, {
          ...known,
          devices: known.devices + 1,
          speaking: known.speaking || a.speaking,
          away: known.away && !here,
          role: rank(a.role) < rank(known.role) ? (a.role as RoomRole) : known.role,
        });
        return;
      }
      byIdentity.set(a.identityId, {
        identityId: a.identityId,
        sessionId,
        name: a.displayName,
        color: a.color,
        role: a.role as RoomRole,
        access: a.access,
        mode: a.mode,
        devices: 1,
        muted: a.muted,
        speaking: a.speaking,
        away: !here,
        self: a.identityId === mine?.identityId,
      });
    });
    const people = [...byIdentity.values()].sort(
      (x, y) => rank(x.role) - rank(y.role) || x.name.localeCompare(y.name),
    );
    const chat = s.chat.map((line) => ({
      key: `${line.at}:${line.identityId}`,
      identityId: line.identityId,
      name: line.displayName,
      text: line.text,
      at: line.at,
      mine: line.identityId === mine?.identityId,
    }));
    store.setState({
      people,
      chat,
      myRole: (mine?.role as RoomRole | undefined) ?? null,
      myAccess: mine?.access ?? null,
      locked: s.locked,
    });
  };

  const offs: (() => void)[] = [
    cb.onAdd('avatars', (avatar: Avatar, key: string) => {
      touch();
      avatarOffs.set(
        key,
        (() => {
          const fieldOffs = FIELDS.map((f) => cb.listen(avatar, f, touch, false));
          return () => fieldOffs.forEach((off) => off());
        })(),
      );
    }),
    cb.onRemove('avatars', (_avatar: Avatar, key: string) => {
      avatarOffs.get(key)?.();
      avatarOffs.delete(key);
      touch();
    }),
    cb.onAdd('chat', touch),
    cb.onRemove('chat', touch),
    cb.listen('locked', touch),
  ];
  room.onStateChange(rebuild);
  offs.push(() => room.onStateChange.remove(rebuild));
  if (refusals) {
    offs.push(
      refusals((e) => {
        if (e.type === SPATIAL_CLIENT.chat) store.setState({ chatError: roomRefusal(e) });
      }),
    );
  }
  rebuild();

  const actions: PeopleActions = {
    sendChat(text) {
      const line = text.trim();
      const role = store.getState().myRole;
      if (!line || line.length > CHAT_MAX_CHARS || !role || !canSpeak(role)) return false;
      if (!room.connection.isOpen) return false;
      store.setState({ chatError: null });
      room.send(SPATIAL_CLIENT.chat, { text: line });
      return true;
    },
    clearChatError: () => store.setState({ chatError: null }),
    kick(sessionId) {
      const { myRole, people: list } = store.getState();
      const target = list.find((p) => p.sessionId === sessionId);
      if (!myRole || !canModerate(myRole) || !target || target.role === 'host' || target.self) return false;
      if (!room.connection.isOpen) return false;
      room.send(SPATIAL_CLIENT.kick, { sessionId });
      return true;
    },
    setMode(mode) {
      if (!room.connection.isOpen || room.state.avatars.get(selfId)?.mode === mode) return;
      room.send(SPATIAL_CLIENT.mode, { mode });
    },
    dispose() {
      for (const off of offs) off();
      for (const off of avatarOffs.values()) off();
      avatarOffs.clear();
    },
  };
  return Object.assign(store, actions);
}
