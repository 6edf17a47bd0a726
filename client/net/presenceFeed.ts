import { Client, type Room } from '@colyseus/sdk';
import { SPATIAL_SERVER } from '../../shared/protocol/spatialProtocol.ts';
import { PresenceState } from '../../shared/schema/PresenceState.ts';
import { createChannel } from './channel.ts';

export interface LiveNotification {
  readonly id: string;
  readonly kind: string;
  readonly title: string;
  readonly at: number;
}

export interface PresenceSnapshot {
  readonly balance: number;
  readonly reserved: number;
  readonly unread: number;
  readonly notifications: readonly LiveNotification[];
}

/** The identity's presence channel: live balance and notifications, pushed from the database. */
export interface PresenceFeed {
  onChange(cb: (snapshot: PresenceSnapshot) => void): () => void;
  leave(): Promise<void>;
}

function snapshotOf(s: PresenceState): PresenceSnapshot {
  return {
    balance: s.balance,
    reserved: s.reserved,
    unread: s.unread,
    notifications: s.notifications.map((n) => ({ id: n.id, kind: n.kind, title: n.title, at: n.at })),
  };
}

/** Joins the active identity's presence room (only that identity may) with the session token. */
export async function joinPresence(
  endpoint: string,
  accessToken: string,
  identityId: string,
): Promise<PresenceFeed> {
  const client = new Client(endpoint);
  client.auth.token = accessToken;
  const room: Room<unknown, PresenceState> = await client.joinOrCreate(
    'presence',
    { identityId },
    PresenceState,
  );
  const changed = createChannel<PresenceSnapshot>();
  let last: PresenceSnapshot | null = null;
  const emit = () => {
    last = snapshotOf(room.state);
    changed.emit(last);
  };
  room.onStateChange(emit);
  // the room forwards the identity's database events too; its state already carries what the HUD shows
  room.onMessage(SPATIAL_SERVER.db, () => undefined);
  return {
    onChange: (fn) => changed.replay(last ? [last] : [], fn),
    async leave() {
      room.onStateChange.remove(emit);
      // already closed by the server: leaving would write to a closing socket and never resolve
      if (room.connection.isOpen) await room.leave(true);
    },
  };
}
