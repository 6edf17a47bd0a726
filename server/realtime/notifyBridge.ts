import type { Sql } from 'postgres';
import type { DbEventMessage } from '../../shared/protocol/spatialProtocol.ts';

/** The NOTIFY channel the realtime triggers publish on (migration 20261127040000). */
export const REALTIME_CHANNEL = 'chenu_realtime';

/** A NOTIFY payload as the trigger writes it, with the routing keys it concerns. */
interface Notification extends DbEventMessage {
  keys: string[];
}

type Listener = (event: DbEventMessage) => void;

/**
 * LISTEN/NOTIFY -> rooms. One LISTEN connection per process (postgres.js re-listens after a
 * reconnect); rooms subscribe to routing keys (`dataspace:<id>`, `meeting:<id>`, `identity:<id>`)
 * and receive only events naming their key.
 */
export class NotifyBridge {
  private readonly listeners = new Map<string, Set<Listener>>();
  private unlisten: (() => Promise<void>) | undefined;

  constructor(
    private readonly sql: Sql,
    private readonly log: (event: string, fields: Record<string, unknown>) => void = () => {},
  ) {}

  /** Starts listening; resolves once LISTEN is active. */
  async start(): Promise<void> {
    const meta = await this.sql.listen(REALTIME_CHANNEL, (payload) => this.dispatch(payload));
    this.unlisten = meta.unlisten;
  }

  /** Subscribes to one routing key; returns the unsubscribe function. */
  subscribe(key: string, listener: Listener): () => void {
    let set = this.listeners.get(key);
    if (!set) this.listeners.set(key, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(key);
    };
  }

  /** Stops listening; a connection already gone (database stopped first) is not an error here. */
  async stop(): Promise<void> {
    const unlisten = this.unlisten;
    this.unlisten = undefined;
    this.listeners.clear();
    try {
      await unlisten?.();
    } catch (error) {
      this.log('notify.unlisten_failed', { error: (error as Error).message });
    }
  }

  private dispatch(payload: string): void {
    let note: Notification;
    try {
      note = JSON.parse(payload) as Notification;
    } catch (error) {
      this.log('notify.bad_payload', { error: String(error) });
      return;
    }
    const { keys, ...event } = note;
    for (const key of keys ?? []) {
      for (const listener of this.listeners.get(key) ?? []) listener(event);
    }
  }
}
