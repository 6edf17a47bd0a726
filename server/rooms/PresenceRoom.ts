import { Room, type Client } from '@colyseus/core';
import { z } from 'zod';
import { SPATIAL_SERVER, type DbEventMessage } from '../../shared/protocol/spatialProtocol.ts';
import {
  Device,
  NotificationItem,
  PRESENCE_NOTIFICATIONS,
  PresenceState,
} from '../../shared/schema/PresenceState.ts';
import { realtimeDeps, type RealtimeDeps } from '../realtime/realtimeContext.ts';
import { authenticateJoin, RoomSeats, type RoomAuth } from '../realtime/RoomSeats.ts';

/** The room id of an identity's presence channel. */
export function presenceRoomId(identityId: string): string {
  return `presence-${identityId}`;
}

const PresenceOptions = z.object({ identityId: z.uuid() });

/**
 * A per-identity presence and notification channel: the identity's devices, its unread
 * notifications and its token balance, pushed live from the database. Only the identity itself may
 * sit here (the database says so about this room's own identity, RoomSeats: a token acting as
 * another identity is refused, and a deleted identity is evicted); what is read is read as it.
 */
export class PresenceRoom extends Room<{ state: PresenceState }> {
  override state = new PresenceState();
  private deps!: RealtimeDeps;
  private unsubscribe: (() => void) | undefined;
  private loaded = false;
  private seats!: RoomSeats;

  static override onAuth(token: string, options: unknown): Promise<RoomAuth> {
    return authenticateJoin(
      'presence',
      token,
      () => PresenceOptions.parse(options).identityId,
      '{ identityId: uuid }',
    );
  }

  override onCreate(options: unknown): void {
    this.deps = realtimeDeps();
    const { identityId } = PresenceOptions.parse(options);
    this.roomId = presenceRoomId(identityId);
    this.state.identityId = identityId;
    this.seats = new RoomSeats(this, this.deps, 'presence', identityId);
    this.unsubscribe = this.deps.bridge.subscribe(`identity:${identityId}`, (event) => this.onDbEvent(event));
  }

  override async onJoin(client: Client): Promise<void> {
    const seat = await this.seats.admit(client);
    const device = new Device();
    device.sessionId = client.sessionId;
    device.since = Date.now();
    this.state.devices.set(client.sessionId, device);
    if (!this.loaded) await this.load(seat.claims);
  }

  override onLeave(client: Client): void {
    this.state.devices.delete(client.sessionId);
    this.seats.release(client.sessionId);
  }

  override onDispose(): void {
    this.unsubscribe?.();
    this.seats?.dispose();
  }

  /** First join: what RLS lets this identity see, read as the identity. */
  private async load(claims: RoomAuth['claims']): Promise<void> {
    this.loaded = true;
    const { items, account } = await this.deps.db.withUser(claims, async (tx) => ({
      items: await tx<{ id: string; kind: string; title: string; at: number; unread: number }[]>`
        select id, kind, title, extract(epoch from created_at) * 1000 as at,
               count(*) over ()::int as unread
        from public.notifications where read_at is null order by created_at desc limit ${PRESENCE_NOTIFICATIONS}`,
      account: await tx<{ balance: string; reserved: string }[]>`
        select balance, reserved from public.token_accounts where identity_id = (select private.active_identity_id())`,
    }));
    this.state.unread = items[0]?.unread ?? 0;
    for (const n of items) this.state.notifications.push(this.item(n.id, n.kind, n.title, Number(n.at)));
    if (account[0]) {
      this.state.balance = Number(account[0].balance);
      this.state.reserved = Number(account[0].reserved);
    }
  }

  private onDbEvent(event: DbEventMessage): void {
    if (event.table === 'notifications' && event.op === 'INSERT') {
      const { kind, title } = event.data as { kind: string; title: string };
      this.state.notifications.unshift(this.item(event.id, kind, title, Date.now()));
      while (this.state.notifications.length > PRESENCE_NOTIFICATIONS) this.state.notifications.pop();
      this.state.unread += 1;
    } else if (event.table === 'token_accounts') {
      const { balance, reserved } = event.data as { balance: number; reserved: number };
      this.state.balance = balance;
      this.state.reserved = reserved;
    }
    this.broadcast(SPATIAL_SERVER.db, event);
  }

  private item(id: string, kind: string, title: string, at: number): NotificationItem {
    const n = new NotificationItem();
    n.id = id;
    n.kind = kind;
    n.title = title;
    n.at = at;
    return n;
  }
}
