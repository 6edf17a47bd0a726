import { ErrorCode, ServerError, type Client, type Delayed, type Room } from '@colyseus/core';
import { ROOM_CLOSE, type RoomCloseCode, type RoomRole } from '../../shared/protocol/spatialProtocol.ts';
import {
  AccessDenied,
  checkRoomAccess,
  identityAccessKey,
  roomAccessKey,
  type Admission,
  type RoomAccess,
  type RoomKind,
} from './roomAccess.ts';
import { realtimeDeps, type RealtimeDeps } from './realtimeContext.ts';
import { AuthError, type RoomTokenClaims } from './verifyToken.ts';

/** What a room's static onAuth hands to the room instance: the verified token, nothing decided yet. */
export interface RoomAuth {
  claims: RoomTokenClaims;
}

/**
 * The static door of every room class (Colyseus' static onAuth, before any room exists, so before a
 * room is created on anyone's behalf): the token must verify, and the identity must have a role in
 * the resource its join options name. This decides nothing about the room finally joined
 * (`joinById` names a room by its id, whatever the options say): that room's `RoomSeats.admit`
 * asks again about its own resource.
 */
export async function authenticateJoin(
  kind: RoomKind,
  token: string,
  resourceOf: () => string,
  expected: string,
): Promise<RoomAuth> {
  const deps = realtimeDeps();
  try {
    const claims = await deps.verify(token);
    let resourceId: string;
    try {
      resourceId = resourceOf();
    } catch {
      throw new ServerError(ErrorCode.AUTH_FAILED, `realtime: invalid join options (expected ${expected})`);
    }
    await checkRoomAccess(deps.db, claims, kind, resourceId);
    return { claims };
  } catch (error) {
    deps.log('room.auth_refused', { room: kind, reason: (error as Error).message });
    throw toJoinError(error);
  }
}

/** A seated session: who, as what, until when it must be asked again. */
export interface Seat {
  readonly sessionId: string;
  readonly claims: RoomTokenClaims;
  readonly identityId: string;
  readonly displayName: string;
  readonly color: string;
  /** The role the database gives (rooms may refine it, e.g. a host's setRole). */
  role: RoomRole;
  /** Why the database seats it (a membership's role, a meeting seat, ...), shown beside the person. */
  access: RoomAccess;
}

interface SeatRecord extends Seat {
  /** When to ask again: the token's exp or the grant's expiry, whichever comes first (epoch ms). */
  recheckAtMs: number;
  timer: Delayed | undefined;
  checking: Promise<void> | undefined;
  again: boolean;
  /** Set while a dropped client may still come back. */
  reconnection: { reject: (reason: unknown) => void } | undefined;
}

/** How a room plugs into its seats. */
export interface SeatHooks {
  /** This instance's own door (bans, lock): a refusal message, or null to let the entrant in. */
  door?(admission: Admission): string | null;
  /** The database now gives a seated session another role (or reason): apply it to the room's state. */
  roleChanged?(sessionId: string, role: RoomRole, access: RoomAccess): void;
}

/** A failed re-check (database unreachable) is tried again after this long; the seat stays meanwhile. */
const RETRY_MS = 1_000;
/** A grant the database still calls live at its own expiry time (clock skew) is asked again after this. */
const MIN_RECHECK_MS = 200;

/** Why a seat ended, as the client reads it in the close reason. */
const EVICTION_REASON: Record<Exclude<RoomCloseCode, typeof ROOM_CLOSE.kicked>, string> = {
  [ROOM_CLOSE.tokenExpired]: 'realtime: your access token expired; refresh the session and join again',
  [ROOM_CLOSE.accessEnded]: 'realtime: your access to this room ended',
};

/**
 * The seats of one room instance, decided by the database and kept true while they last:
 * - `admit` asks `checkRoomAccess` about THIS room's own kind and resource id (never the join
 *   options), then the room's door (bans, lock); capacity is Colyseus' maxClients of the instance;
 * - a seat is asked again when its token's `exp` or its grant's expiry comes (`this.clock`), when
 *   an access event names the room or the seated identity (notify bridge), and on reconnection;
 * - a seat the database no longer grants is evicted (close code ROOM_CLOSE.accessEnded or
 *   tokenExpired, with the reason), and a changed role is handed to the room.
 */
export class RoomSeats {
  private readonly seats = new Map<string, SeatRecord>();
  private readonly evicted = new Set<string>();
  private readonly identityListeners = new Map<string, { sessions: number; off: () => void }>();
  private readonly offRoom: () => void;
  /** Bumped by every access event, so an admission that raced one asks again. */
  private epoch = 0;

  constructor(
    private readonly room: Room,
    private readonly deps: RealtimeDeps,
    readonly kind: RoomKind,
    readonly resourceId: string,
    private readonly hooks: SeatHooks = {},
  ) {
    this.offRoom = deps.bridge.subscribe(roomAccessKey(kind, resourceId), () => {
      this.epoch += 1;
      for (const seat of this.seats.values()) void this.recheck(seat);
    });
  }

  /** The seat of a session, while it is seated. */
  get(sessionId: string): Seat | undefined {
    return this.seats.get(sessionId);
  }

  /**
   * Seats a joining client (call first in onJoin): the token must still be live, the database must
   * give its identity a role in this room, and the door must let it in. Throws a ServerError with a
   * clear message otherwise.
   */
  async admit(client: Client): Promise<Seat> {
    const { claims } = client.auth as RoomAuth;
    const identityId = claims.identity_id;
    this.listenTo(identityId);
    try {
      let admission: Admission;
      let epoch: number;
      do {
        epoch = this.epoch;
        assertLive(claims);
        admission = await checkRoomAccess(this.deps.db, claims, this.kind, this.resourceId);
      } while (epoch !== this.epoch);
      const refusal = this.hooks.door?.(admission);
      if (refusal) throw new ServerError(ErrorCode.AUTH_FAILED, refusal);
      const seat: SeatRecord = {
        sessionId: client.sessionId,
        claims,
        identityId,
        displayName: admission.displayName,
        color: admission.color,
        role: admission.role,
        access: admission.access,
        recheckAtMs: recheckAt(claims, admission),
        timer: undefined,
        checking: undefined,
        again: false,
        reconnection: undefined,
      };
      this.seats.set(client.sessionId, seat);
      this.arm(seat);
      return seat;
    } catch (error) {
      this.unlisten(identityId);
      this.deps.log('room.auth_refused', {
        room: this.kind,
        roomId: this.room.roomId,
        reason: (error as Error).message,
      });
      throw toJoinError(error);
    }
  }

  /**
   * Keeps a dropped client's seat for the reconnection window (call from onDrop); false when the
   * seat is not to be kept (evicted, or never seated), and the room should let it go.
   */
  holdForReconnection(client: Client, seconds: number): boolean {
    const seat = this.seats.get(client.sessionId);
    if (!seat || this.evicted.has(client.sessionId)) return false;
    const pending = this.room.allowReconnection(client, seconds) as unknown as Promise<Client> & {
      reject?: (reason: unknown) => void;
    };
    // rejects when the window closes or the room disposes: then Colyseus calls onLeave
    pending.catch(() => undefined);
    seat.reconnection = pending.reject ? { reject: pending.reject.bind(pending) } : undefined;
    return true;
  }

  /**
   * A client coming back within its window (call from onReconnect): its token must still be live
   * and the database must still give it a role here; throws (Colyseus then refuses it) otherwise.
   */
  async readmit(client: Client): Promise<void> {
    const seat = this.seats.get(client.sessionId);
    if (!seat) throw new ServerError(ErrorCode.AUTH_FAILED, 'realtime: this seat is no longer yours');
    seat.reconnection = undefined;
    try {
      assertLive(seat.claims);
      // the door (a host's lock) is for newcomers: a seat coming back is asked about access only
      this.apply(seat, await checkRoomAccess(this.deps.db, seat.claims, this.kind, this.resourceId));
    } catch (error) {
      this.evicted.add(seat.sessionId);
      this.deps.log('room.reconnect_refused', {
        room: this.kind,
        roomId: this.room.roomId,
        sessionId: seat.sessionId,
        reason: (error as Error).message,
      });
      throw toJoinError(error);
    }
  }

  /** True when the session was evicted: its drop must not hold a seat for reconnection. */
  isEvicted(sessionId: string): boolean {
    return this.evicted.has(sessionId);
  }

  /** Frees a session's seat (call from onLeave). */
  release(sessionId: string): void {
    const seat = this.seats.get(sessionId);
    this.evicted.delete(sessionId);
    if (!seat) return;
    seat.timer?.clear();
    this.seats.delete(sessionId);
    this.unlisten(seat.identityId);
  }

  /** Stops listening (call from onDispose). */
  dispose(): void {
    this.offRoom();
    for (const { off } of this.identityListeners.values()) off();
    this.identityListeners.clear();
    for (const seat of this.seats.values()) seat.timer?.clear();
    this.seats.clear();
  }

  private listenTo(identityId: string): void {
    const entry = this.identityListeners.get(identityId);
    if (entry) {
      entry.sessions += 1;
      return;
    }
    const off = this.deps.bridge.subscribe(identityAccessKey(identityId), () => {
      this.epoch += 1;
      for (const seat of this.seats.values()) if (seat.identityId === identityId) void this.recheck(seat);
    });
    this.identityListeners.set(identityId, { sessions: 1, off });
  }

  private unlisten(identityId: string): void {
    const entry = this.identityListeners.get(identityId);
    if (!entry) return;
    entry.sessions -= 1;
    if (entry.sessions > 0) return;
    entry.off();
    this.identityListeners.delete(identityId);
  }

  private arm(seat: SeatRecord, delayMs = seat.recheckAtMs - Date.now()): void {
    seat.timer?.clear();
    seat.timer = Number.isFinite(delayMs)
      ? this.room.clock.setTimeout(() => void this.recheck(seat), Math.max(0, delayMs))
      : undefined;
  }

  /** Asks the database again about one seat; concurrent requests collapse into one more round. */
  private recheck(seat: SeatRecord): Promise<void> {
    if (seat.checking) {
      seat.again = true;
      return seat.checking;
    }
    seat.checking = (async () => {
      do {
        seat.again = false;
        if (this.seats.get(seat.sessionId) !== seat) return;
        if (Date.now() >= seat.claims.exp * 1000) return this.evict(seat, ROOM_CLOSE.tokenExpired);
        let admission: Admission;
        try {
          admission = await checkRoomAccess(this.deps.db, seat.claims, this.kind, this.resourceId);
        } catch (error) {
          if (error instanceof AccessDenied) return this.evict(seat, ROOM_CLOSE.accessEnded);
          this.deps.log('room.access_recheck_failed', {
            roomId: this.room.roomId,
            sessionId: seat.sessionId,
            error: (error as Error).message,
          });
          this.arm(seat, RETRY_MS);
          return;
        }
        this.apply(seat, admission);
      } while (seat.again);
    })().finally(() => {
      seat.checking = undefined;
    });
    return seat.checking;
  }

  private apply(seat: SeatRecord, admission: Admission): void {
    if (admission.role !== seat.role || admission.access !== seat.access) {
      seat.role = admission.role;
      seat.access = admission.access;
      this.hooks.roleChanged?.(seat.sessionId, admission.role, admission.access);
      this.deps.log('room.role_changed', {
        roomId: this.room.roomId,
        sessionId: seat.sessionId,
        role: admission.role,
        access: admission.access,
      });
    }
    const at = recheckAt(seat.claims, admission);
    // the database may still call a grant live at its expiry (clocks apart): ask a little later
    seat.recheckAtMs = at <= Date.now() ? Date.now() + MIN_RECHECK_MS : at;
    this.arm(seat);
  }

  private evict(
    seat: SeatRecord,
    code: typeof ROOM_CLOSE.tokenExpired | typeof ROOM_CLOSE.accessEnded,
  ): void {
    if (this.evicted.has(seat.sessionId)) return;
    this.evicted.add(seat.sessionId);
    seat.timer?.clear();
    const reason = EVICTION_REASON[code];
    this.deps.log('room.evicted', {
      room: this.kind,
      roomId: this.room.roomId,
      sessionId: seat.sessionId,
      identityId: seat.identityId,
      code,
    });
    if (this.room.clients.get(seat.sessionId)) {
      this.room.kickClient(seat.sessionId, code, reason);
    } else {
      // dropped and waiting to come back: end the window now (Colyseus then calls onLeave)
      seat.reconnection?.reject(new ServerError(code, reason));
    }
  }
}

/** Refuses a token past its `exp` (seconds since the epoch, as JWTs count). */
function assertLive(claims: RoomTokenClaims): void {
  if (Date.now() >= claims.exp * 1000) {
    throw new AuthError('realtime: access token expired; refresh the session');
  }
}

function recheckAt(claims: RoomTokenClaims, admission: Admission): number {
  return Math.min(claims.exp * 1000, admission.accessUntilMs ?? Infinity);
}

/**
 * Any refusal at the door as the matchmaker's error shape (code + a message the client can show);
 * anything unexpected (a database error) gets `fallback`, never its own text.
 */
export function toJoinError(
  error: unknown,
  fallback = 'realtime: access could not be checked; try again',
): ServerError {
  if (error instanceof AuthError || error instanceof AccessDenied) {
    return new ServerError(ErrorCode.AUTH_FAILED, error.message);
  }
  if (error instanceof ServerError) return error;
  return new ServerError(ErrorCode.AUTH_FAILED, fallback);
}
