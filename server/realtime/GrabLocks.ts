import type { Delayed, Room } from '@colyseus/core';
import { canGrab } from '../../shared/protocol/roomRules.ts';
import type { SpatialObject } from '../../shared/schema/SpatialState.ts';
import type { RealtimeTimings } from './realtimeContext.ts';

/** Why a grab is refused: someone else holds the object, or its last holder is waiting its turn. */
export type GrabRefusal = 'held' | 'cooldown';

/**
 * The grab locks of a spatial room. A lock is granted to one session; each move renews it for
 * `grabLockMs` (an idle holder loses it), but never past `grabMaxHoldMs` after the grab: then the
 * server takes it back, tells the holder (`onTakenBack`), and that session may not grab the object
 * again for `grabRetakeCooldownMs`, so re-sending `move` or re-grabbing cannot keep it forever.
 * Time is the room's clock (`this.clock`), which a dropped holder's window does not stop.
 */
export class GrabLocks {
  private readonly timers = new Map<string, Delayed>();
  private readonly grabbedAt = new Map<string, number>();
  private readonly retake = new Map<string, { sessionId: string; untilMs: number }>();

  constructor(
    private readonly room: Room,
    private readonly timings: Pick<RealtimeTimings, 'grabLockMs' | 'grabMaxHoldMs' | 'grabRetakeCooldownMs'>,
    private readonly onTakenBack: (object: SpatialObject, holder: string) => void,
  ) {}

  /** Null when `sessionId` may take (or keep) the object's lock now. */
  refusal(object: SpatialObject, sessionId: string): GrabRefusal | null {
    if (!canGrab(object.lockedBy, sessionId)) return 'held';
    const block = this.retake.get(object.id);
    if (block && block.sessionId === sessionId && this.room.clock.currentTime < block.untilMs)
      return 'cooldown';
    return null;
  }

  /** Gives the lock to `sessionId` (after `refusal` said null); a lock already held keeps its grab time. */
  grab(object: SpatialObject, sessionId: string): void {
    if (object.lockedBy !== sessionId) this.grabbedAt.set(object.id, this.room.clock.currentTime);
    object.lockedBy = sessionId;
    this.retake.delete(object.id);
    this.arm(object);
  }

  /** A move by the holder: the lock lives `grabLockMs` more, within the maximum hold. */
  renew(object: SpatialObject): void {
    this.arm(object);
  }

  /** Stops the idle timer of a dropped holder's lock (the maximum hold still counts). */
  pause(object: SpatialObject): void {
    this.timers.get(object.id)?.clear();
    this.timers.delete(object.id);
  }

  /** Releases a lock. */
  free(object: SpatialObject): void {
    this.pause(object);
    this.grabbedAt.delete(object.id);
    object.lockedBy = '';
  }

  /** Forgets an object that left the room. */
  forget(objectId: string): void {
    this.timers.get(objectId)?.clear();
    this.timers.delete(objectId);
    this.grabbedAt.delete(objectId);
    this.retake.delete(objectId);
  }

  /** Arms (or re-arms after a reconnection) the lock's timer: idle timeout or maximum hold, first due. */
  arm(object: SpatialObject): void {
    this.timers.get(object.id)?.clear();
    const now = this.room.clock.currentTime;
    const holdLeft = (this.grabbedAt.get(object.id) ?? now) + this.timings.grabMaxHoldMs - now;
    const takeBack = holdLeft <= this.timings.grabLockMs;
    this.timers.set(
      object.id,
      this.room.clock.setTimeout(
        () => (takeBack ? this.takeBack(object) : this.free(object)),
        Math.max(0, takeBack ? holdLeft : this.timings.grabLockMs),
      ),
    );
  }

  private takeBack(object: SpatialObject): void {
    const holder = object.lockedBy;
    this.free(object);
    if (!holder) return;
    this.retake.set(object.id, {
      sessionId: holder,
      untilMs: this.room.clock.currentTime + this.timings.grabRetakeCooldownMs,
    });
    this.onTakenBack(object, holder);
  }
}
