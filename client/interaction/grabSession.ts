import type { UiError } from '../i18n/uiError.ts';
import type { FeedResult, Pose, RoomFeed } from '../state/RoomFeed.ts';

/** A controller or hand this close to an object's centre grabs it by proximity; farther, by ray. */
export const GRAB_RADIUS_M = 0.6;

/** What started a grab: a controller or hand near the object, an XR ray, or a mouse/touch drag. */
export type GrabSource = 'hand' | 'ray' | 'pointer';

type MutablePose = { -readonly [K in keyof Pose]: Pose[K] };

/** The one grab of a client at a time, whatever started it, and where it is. */
export interface GrabState {
  /** Object being held or asked for (null when idle). */
  readonly id: string | null;
  readonly source: GrabSource | null;
  /** Waiting for the room's answer to the lock request. */
  readonly pending: boolean;
  readonly holding: boolean;
  /** Last object this client held: the anchor button anchors it. */
  readonly lastId: string | null;
  /** Grabs begun so far: lets an input tell whether a press started a grab. */
  readonly count: number;
}

export interface GrabSession {
  readonly state: GrabState;
  /**
   * Asks the room for `objectId`'s lock, starting from `start` (its pose now; the rotation is kept
   * while held). Returns false, asking nothing, while another grab is pending or held.
   */
  begin(objectId: string, source: GrabSource, start: Pose): boolean;
  /** Moves the held object to (x, y, z); nothing while the lock is pending. Allocates nothing. */
  follow(x: number, y: number, z: number): void;
  /** Releases where it was last moved; a grab still pending is released once the room grants it. */
  end(): void;
  /** Anchors the last held object at `pose` (where it stands); the anchor persists for everyone. */
  anchor(objectId: string, pose: Pose): Promise<FeedResult<{ readonly anchorId: string }>>;
  /** AR placement: takes the lock, sets the object down at `pose` (a hit-test result) and anchors it there. */
  placeAt(objectId: string, pose: Pose): Promise<FeedResult<{ readonly anchorId: string }>>;
}

const sessions = new WeakMap<RoomFeed, GrabSession>();

/**
 * The grab session of `feed` (one per feed, shared by proximity grab, ray grab, desktop drag and AR
 * placement, so two inputs never hold two objects or fight over one). Refusals (lock held by someone
 * else, permission, offline) reach `notify` as `feed.<reason>` codes; a placed anchor as `notice.anchor_placed`.
 */
export function grabSessionFor(feed: RoomFeed, notify: (notice: UiError) => void): GrabSession {
  let session = sessions.get(feed);
  if (!session) {
    session = createGrabSession(feed, notify);
    sessions.set(feed, session);
  }
  return session;
}

/** A grab session on `feed`; prefer `grabSessionFor`, which shares one per feed. */
export function createGrabSession(feed: RoomFeed, notify: (notice: UiError) => void): GrabSession {
  const held: MutablePose = { x: 0, y: 0, z: 0, qx: 0, qy: 0, qz: 0, qw: 1 };
  const state = {
    id: null as string | null,
    source: null as GrabSource | null,
    pending: false,
    holding: false,
    lastId: null as string | null,
    count: 0,
    releaseOnGrant: false,
  };
  const refused = (r: { reason: string; message: string }) =>
    notify({ code: `feed.${r.reason}`, message: r.message });
  const idle = () => {
    state.id = null;
    state.source = null;
    state.pending = false;
    state.holding = false;
    state.releaseOnGrant = false;
  };
  const copy = (p: Pose) => {
    held.x = p.x;
    held.y = p.y;
    held.z = p.z;
    held.qx = p.qx;
    held.qy = p.qy;
    held.qz = p.qz;
    held.qw = p.qw;
  };
  const session: GrabSession = {
    state,
    begin(objectId, source, start) {
      if (state.pending || state.holding) return false;
      copy(start);
      state.id = objectId;
      state.source = source;
      state.pending = true;
      state.lastId = objectId;
      state.count++;
      void feed.grab(objectId).then((result) => {
        if (state.id !== objectId || !state.pending) return;
        state.pending = false;
        if (!result.ok) {
          idle();
          refused(result);
        } else if (state.releaseOnGrant) {
          feed.release(objectId, held);
          idle();
        } else state.holding = true;
      });
      return true;
    },
    follow(x, y, z) {
      if (!state.holding || !state.id) return;
      held.x = x;
      held.y = y;
      held.z = z;
      feed.move(state.id, held);
    },
    end() {
      if (state.pending) state.releaseOnGrant = true;
      else if (state.holding && state.id) {
        feed.release(state.id, held);
        idle();
      }
    },
    async anchor(objectId, pose) {
      const result = await feed.placeAnchor(objectId, pose);
      if (result.ok) notify({ code: 'notice.anchor_placed', message: 'Anchor placed.' });
      else refused(result);
      return result;
    },
    async placeAt(objectId, pose) {
      if (state.pending || state.holding) {
        const busy = { ok: false, reason: 'locked', message: 'Let go of the held object first.' } as const;
        refused(busy);
        return busy;
      }
      const lock = await feed.grab(objectId);
      if (!lock.ok) {
        refused(lock);
        return lock;
      }
      feed.release(objectId, pose);
      state.lastId = objectId;
      return session.anchor(objectId, pose);
    },
  };
  return session;
}
