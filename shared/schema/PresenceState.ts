import { schema, t, type SchemaType } from '@colyseus/schema';

/** How many notifications the presence channel keeps in state. */
export const PRESENCE_NOTIFICATIONS = 20;

/** A notification pushed live (notifications row summary; the body is read through the API). */
export const NotificationItem = schema(
  {
    id: t.string(),
    kind: t.string(),
    title: t.string(),
    at: t.float64(),
  },
  'NotificationItem',
);
/** A notification item instance. */
export type NotificationItem = SchemaType<typeof NotificationItem>;

/** One connected device of the identity. */
export const Device = schema({ sessionId: t.string(), since: t.float64() }, 'Device');
/** A device instance. */
export type Device = SchemaType<typeof Device>;

/**
 * The per-identity presence channel: devices online, unread notifications (newest first, capped at
 * PRESENCE_NOTIFICATIONS) and the token balance, all kept current from LISTEN/NOTIFY.
 */
export const PresenceState = schema(
  {
    identityId: t.string(),
    devices: t.map(Device),
    unread: t.uint32().default(0),
    notifications: t.array(NotificationItem),
    balance: t.float64().default(0),
    reserved: t.float64().default(0),
  },
  'PresenceState',
);
/** A presence state instance. */
export type PresenceState = SchemaType<typeof PresenceState>;
