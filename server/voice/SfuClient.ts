import WebSocket from 'ws';
import type { Logger } from '../realtime/logger.ts';
import type { SfuCall, SfuEvent, SfuOffer, SfuReply, SfuStats } from './sfuProtocol.ts';

/** A control request the SFU refused, or the connection lost under it. */
export class SfuCallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SfuCallError';
  }
}

/** Longest wait for a reply before the call fails (the SFU is on the same network). */
const CALL_TIMEOUT_MS = 10_000;
/** Reconnection delays after a lost control connection. */
const RECONNECT_MS = [250, 500, 1_000, 2_000, 5_000] as const;

interface Pending {
  resolve(reply: Extract<SfuReply, { ok: true }>): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * A realtime process's control connection to one SFU process (sfuProtocol.ts): calls with replies,
 * events routed to the room they name. When the connection drops, every room using it is told
 * (`onLost`), since the SFU ends their sessions, and the client reconnects in the background.
 */
export class SfuClient {
  private socket: WebSocket | undefined;
  private nextId = 1;
  private attempt = 0;
  private closed = false;
  private opened = false;
  private readonly pending = new Map<number, Pending>();
  private readonly rooms = new Map<string, (event: SfuEvent) => void>();
  private readonly lostListeners = new Set<() => void>();
  private ready: Promise<void> | undefined;

  constructor(
    readonly url: string,
    private readonly secret: string,
    private readonly log: Logger,
  ) {}

  /** True while the control connection is open. */
  get alive(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Opens the connection (resolves when open, rejects when refused); later drops reconnect by themselves. */
  connect(): Promise<void> {
    this.ready ??= new Promise<void>((resolve, reject) => {
      const socket = new WebSocket(this.url, { headers: { authorization: `Bearer ${this.secret}` } });
      this.socket = socket;
      socket.on('open', () => {
        this.attempt = 0;
        this.opened = true;
        this.log('voice.sfu_connected', { sfu: this.url });
        resolve();
      });
      socket.on('message', (data) => this.receive(String(data)));
      socket.on('error', (error) => reject(error));
      socket.on('close', () => this.dropped());
    });
    return this.ready;
  }

  /** Calls the SFU; resolves with its reply, rejects with its refusal. */
  async call(request: SfuCall): Promise<{ offer?: SfuOffer; stats?: SfuStats }> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN)
      throw new SfuCallError('voice: the SFU is unreachable');
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SfuCallError('voice: the SFU did not answer'));
      }, CALL_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      socket.send(JSON.stringify({ ...request, id }));
    });
  }

  /** Routes the SFU's events about `roomId` to `handler` until the returned function is called. */
  onRoom(roomId: string, handler: (event: SfuEvent) => void): () => void {
    this.rooms.set(roomId, handler);
    return () => {
      if (this.rooms.get(roomId) === handler) this.rooms.delete(roomId);
    };
  }

  /** Called when the connection drops (the SFU has ended every session opened through it). */
  onLost(listener: () => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    this.socket?.close();
  }

  private receive(text: string): void {
    let message: SfuReply | SfuEvent;
    try {
      message = JSON.parse(text) as SfuReply | SfuEvent;
    } catch {
      return;
    }
    if ('event' in message) {
      this.rooms.get(message.room)?.(message);
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.ok) pending.resolve(message);
    else pending.reject(new SfuCallError(message.error));
  }

  private dropped(): void {
    const wasOpen = this.opened;
    this.opened = false;
    this.socket = undefined;
    this.ready = undefined;
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new SfuCallError('voice: the SFU connection was lost'));
    }
    this.pending.clear();
    if (wasOpen && !this.closed) {
      this.log('voice.sfu_lost', { sfu: this.url });
      for (const listener of this.lostListeners) listener();
    }
    if (this.closed) return;
    const delay = RECONNECT_MS[Math.min(this.attempt, RECONNECT_MS.length - 1)]!;
    this.attempt += 1;
    setTimeout(() => {
      if (!this.closed) this.connect().catch(() => undefined);
    }, delay).unref();
  }
}
