import type { Sql } from 'postgres';
import type { DbEventMessage } from '../../shared/protocol/spatialProtocol.ts';

/** The NOTIFY channel the realtime triggers publish on (private.realtime_relay). */
export const REALTIME_CHANNEL = 'chenu_realtime';

/** A NOTIFY payload as the trigger writes it, with the routing keys it concerns. */
interface Notification extends DbEventMessage {
  keys: string[];
}

type Listener = (event: DbEventMessage) => void;

export interface RelayOptions {
  /** Pause between relay calls while the outbox is drained (default 40 ms). */
  intervalMs?: number;
  /** Entries published per relay call (default 500); a full batch is followed at once by the next. */
  batch?: number;
}

/**
 * LISTEN/NOTIFY -> rooms. One LISTEN connection per process (postgres.js re-listens after a
 * reconnect); rooms subscribe to routing keys (`dataspace:<id>`, `meeting:<id>`, `identity:<id>`)
 * and receive only events naming their key.
 *
 * The database triggers append events to an outbox instead of notifying inside the writer's
 * transaction (private.realtime_outbox: a notifying commit serialises on a database-wide lock);
 * each bridge also runs the relay that publishes the outbox on the channel, so every LISTENing
 * process receives every event whichever process relayed it.
 */
export class NotifyBridge {
  private readonly listeners = new Map<string, Set<Listener>>();
  private unlisten: (() => Promise<void>) | undefined;
  private relayTimer: NodeJS.Timeout | undefined;
  private relaying: Promise<void> | undefined;
  private readonly intervalMs: number;
  private readonly batch: number;

  constructor(
    private readonly sql: Sql,
    private readonly log: (event: string, fields: Record<string, unknown>) => void = () => {},
    relay: RelayOptions = {},
  ) {
    this.intervalMs = relay.intervalMs ?? 40;
    this.batch = relay.batch ?? 500;
    if (!(this.intervalMs > 0) || !Number.isInteger(this.batch) || this.batch < 1) {
      throw new RangeError('NotifyBridge: relay intervalMs must be > 0 and batch a positive integer');
    }
  }

  /** Starts listening, then relaying; resolves once LISTEN is active. */
  async start(): Promise<void> {
    const meta = await this.sql.listen(REALTIME_CHANNEL, (payload) => this.dispatch(payload));
    this.unlisten = meta.unlisten;
    this.scheduleRelay(0);
  }

  /** Publishes what the outbox holds now (all of it, batch by batch); returns how many events. */
  async relayOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      const [row] = await this.sql<{ sent: number }[]>`select private.realtime_relay(${this.batch}) as sent`;
      const sent = row?.sent ?? 0;
      total += sent;
      if (sent < this.batch) return total;
    }
  }

  private scheduleRelay(delayMs: number): void {
    if (!this.unlisten) return;
    this.relayTimer = setTimeout(() => {
      this.relaying = this.relayOnce().then(
        () => this.scheduleRelay(this.intervalMs),
        (error: unknown) => {
          // database briefly unreachable or restarting: the outbox keeps the events, try again
          this.log('notify.relay_failed', { error: (error as Error).message });
          this.scheduleRelay(this.intervalMs * 10);
        },
      );
    }, delayMs);
    this.relayTimer.unref();
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
    clearTimeout(this.relayTimer);
    await this.relaying?.catch(() => {});
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
