import { Matrix4, Quaternion, Vector3, type Object3D } from 'three';
import type { RoomFeed } from '../state/RoomFeed.ts';
import type { AnchorEntry, RoomStore } from '../state/roomStore.ts';
import { markInWorld, worldAnchorStore, type WorldAnchorSupport } from '../state/worldAnchorStore.ts';
import { alignOriginTo } from './xrOrigin.ts';

/**
 * Real-world anchors of AR sessions (WebXR Anchors Module). A placed object gets a WebXR anchor where
 * it was set down; where the browser offers persistent anchors, the anchor's handle is bound to the
 * room's anchor (`RoomFeed.bindAnchorHandle`, kept in spatial_anchors.xr_anchor_id), and on a later
 * session on the same device the anchor is restored and registers the room to the real world: the rig
 * moves so that the room's anchor pose falls on the restored anchor, so the object stands where it was.
 * Everywhere else objects stand at their room-space pose, and `worldAnchorStore` says which is in use.
 */

/** A restored anchor agrees with the room's pose of its anchor within this distance once aligned (m). */
export const ANCHOR_AGREE_M = 0.05;

/** What the session offers (only what the browser really exposes; nothing is filled in). */
export function worldAnchorSupportOf(session: XRSession): WorldAnchorSupport {
  if (session.enabledFeatures !== undefined && !session.enabledFeatures.includes('anchors')) return 'none';
  if (typeof XRFrame === 'undefined' || typeof XRFrame.prototype.createAnchor !== 'function') return 'none';
  return Array.isArray(session.persistentAnchors) && typeof session.restorePersistentAnchor === 'function'
    ? 'persistent'
    : 'session';
}

interface Restored {
  readonly roomAnchorId: string;
  readonly anchor: XRAnchor;
  checked: boolean;
}

const live = {
  session: null as XRSession | null,
  room: null as RoomStore | null,
  restored: [] as Restored[],
  aligned: false,
};

/**
 * Starts real-world anchoring for an AR session: detects what the browser offers and restores the
 * persistent anchors this device made for the room's anchors, newest first. Returns the disposer.
 */
export function startWorldAnchors(session: XRSession, room: RoomStore): () => void {
  const support = worldAnchorSupportOf(session);
  live.session = session;
  live.room = room;
  live.restored = [];
  live.aligned = false;
  worldAnchorStore.setState({ support, inWorld: new Set(), alignedBy: null });
  if (support === 'persistent') {
    const known = new Set(session.persistentAnchors);
    const anchors = room.getState().anchors;
    const seen = new Set<string>();
    for (let i = anchors.length - 1; i >= 0; i -= 1) {
      const a = anchors[i]!;
      if (!a.xrHandle || !known.has(a.xrHandle) || seen.has(a.xrHandle)) continue;
      seen.add(a.xrHandle);
      session.restorePersistentAnchor!(a.xrHandle).then(
        (anchor) => {
          if (live.session === session) live.restored.push({ roomAnchorId: a.id, anchor, checked: false });
        },
        // a handle the runtime no longer tracks: the object stays at its room-space pose
        () => undefined,
      );
    }
  }
  return () => {
    if (live.session !== session) return;
    live.session = null;
    live.room = null;
    live.restored = [];
    dropRequests();
    worldAnchorStore.setState({ support: 'none', inWorld: new Set(), alignedBy: null });
  };
}

const _p = new Vector3();
const _q = new Quaternion();
const _rp = new Vector3();
const _rq = new Quaternion();

/**
 * Per XR frame (allocation-free): the first restored anchor the runtime locates registers the room to
 * the real world (the rig is moved, keeping it level); each other restored anchor then counts as
 * anchored to the world only when it agrees with the room's pose of its anchor (placed under the same
 * registration), within ANCHOR_AGREE_M.
 */
export function alignToWorldAnchors(origin: Object3D, frame: XRFrame, ref: XRReferenceSpace): void {
  const room = live.room;
  if (!room || live.restored.length === 0) return;
  const anchors = room.getState().anchors;
  for (let i = 0; i < live.restored.length; i += 1) {
    const r = live.restored[i]!;
    if (r.checked || !frame.trackedAnchors?.has(r.anchor)) continue;
    const pose = frame.getPose(r.anchor.anchorSpace, ref);
    if (!pose) continue;
    let entry: AnchorEntry | undefined;
    for (let j = 0; j < anchors.length && !entry; j += 1) {
      if (anchors[j]!.id === r.roomAnchorId) entry = anchors[j];
    }
    if (!entry) continue;
    const t = pose.transform;
    _p.set(t.position.x, t.position.y, t.position.z);
    _q.set(t.orientation.x, t.orientation.y, t.orientation.z, t.orientation.w);
    const e = entry.pose;
    _rp.set(e[0]!, e[1]!, e[2]!);
    _rq.set(e[3]!, e[4]!, e[5]!, e[6]!);
    r.checked = true;
    if (!live.aligned) {
      alignOriginTo(origin, _p, _q, _rp, _rq);
      live.aligned = true;
      worldAnchorStore.setState({ alignedBy: r.roomAnchorId });
      markInWorld(r.roomAnchorId);
      continue;
    }
    origin.updateMatrixWorld();
    if (_p.applyMatrix4(origin.matrixWorld).distanceTo(_rp) <= ANCHOR_AGREE_M) markInWorld(r.roomAnchorId);
  }
}

interface AnchorRequest {
  readonly position: Vector3;
  readonly quaternion: Quaternion;
  readonly resolve: (anchor: XRAnchor | undefined) => void;
}
const requests: AnchorRequest[] = [];
const _m = new Matrix4();
const _inv = new Matrix4();
const _one = new Vector3(1, 1, 1);

/**
 * Asks for a WebXR anchor at a room pose; it is created in the next XR frame's callback
 * (`createRequestedAnchors`), the only place `XRFrame.createAnchor` may be called. Undefined when the
 * runtime refuses it or the session ends first.
 */
export function requestWorldAnchor(position: Vector3, quaternion: Quaternion): Promise<XRAnchor | undefined> {
  return new Promise((resolve) => requests.push({ position, quaternion, resolve }));
}

/**
 * In the XR frame callback: creates the requested anchors, each at its room pose taken into the
 * session's reference space through the rig (origin's world matrix must be current).
 */
export function createRequestedAnchors(origin: Object3D, frame: XRFrame, ref: XRReferenceSpace): void {
  if (requests.length === 0) return;
  for (const r of requests.splice(0)) {
    if (typeof frame.createAnchor !== 'function') {
      r.resolve(undefined);
      continue;
    }
    _m.compose(r.position, r.quaternion, _one).premultiply(_inv.copy(origin.matrixWorld).invert());
    _m.decompose(_p, _q, _rp);
    const pose = new XRRigidTransform({ x: _p.x, y: _p.y, z: _p.z }, { x: _q.x, y: _q.y, z: _q.z, w: _q.w });
    frame.createAnchor(pose, ref).then(r.resolve, () => r.resolve(undefined));
  }
}

/** Drops requests still waiting for a frame (the session ended). */
function dropRequests(): void {
  for (const r of requests.splice(0)) r.resolve(undefined);
}

/**
 * After a placement the room acknowledged: a WebXR anchor where the object was set down (`create`,
 * `requestWorldAnchor` at that room pose) and, where persistent anchors exist, its handle
 * bound to the room's anchor. The handle of the object's previous anchor on this device is deleted,
 * so re-placing an object does not pile up anchors in the headset. Failures leave the room pose.
 */
export async function anchorInWorld(
  create: () => Promise<XRAnchor | undefined>,
  feed: RoomFeed,
  roomAnchorId: string,
  previousHandle: string | null,
): Promise<void> {
  const session = live.session;
  const support = worldAnchorStore.getState().support;
  if (!session || support === 'none') return;
  const anchor = await create().catch(() => undefined);
  if (!anchor || live.session !== session) return;
  markInWorld(roomAnchorId);
  if (support !== 'persistent' || typeof anchor.requestPersistentHandle !== 'function') return;
  const handle = await anchor.requestPersistentHandle().catch(() => null);
  if (!handle || live.session !== session) return;
  feed.bindAnchorHandle(roomAnchorId, handle);
  if (previousHandle && previousHandle !== handle && session.persistentAnchors?.includes(previousHandle)) {
    await session.deletePersistentAnchor?.(previousHandle).catch(() => undefined);
  }
}
