import { createStore } from 'zustand/vanilla';
import type { AnchorEntry } from './roomStore.ts';

/**
 * What the browser offers for real-world anchors in the running AR session:
 * - `persistent`: WebXR anchors and persistent handles (`XRSession.persistentAnchors`,
 *   `XRAnchor.requestPersistentHandle`, `XRSession.restorePersistentAnchor`): placed objects stay put
 *   in the real world across sessions on this device;
 * - `session`: WebXR anchors for this session only (`XRFrame.createAnchor`);
 * - `none`: no anchors (or no AR session): objects stand at their room-space pose.
 */
export type WorldAnchorSupport = 'persistent' | 'session' | 'none';

/** How a placed object is held where it is, as the UI says it. */
export type ObjectAnchoring = 'world' | 'room';

export interface WorldAnchorState {
  readonly support: WorldAnchorSupport;
  /** Room anchors (spatial_anchors ids) bound to a WebXR anchor in this session, made or restored. */
  readonly inWorld: ReadonlySet<string>;
  /** The room anchor whose restored WebXR anchor registered the room to the real world, if any. */
  readonly alignedBy: string | null;
}

/**
 * The page's real-world anchor state (vanilla zustand: the XR chunk writes it, the room's 3D labels
 * and the AR overlay read it, neither importing the other).
 */
export const worldAnchorStore = createStore<WorldAnchorState>(() => ({
  support: 'none',
  inWorld: new Set(),
  alignedBy: null,
}));

/** Marks `anchorId` as held by a WebXR anchor in this session. */
export function markInWorld(anchorId: string): void {
  const { inWorld } = worldAnchorStore.getState();
  if (inWorld.has(anchorId)) return;
  worldAnchorStore.setState({ inWorld: new Set([...inWorld, anchorId]) });
}

/** The newest room anchor placed for `objectId` (anchors are listed oldest first), if any. */
export function anchorOfObject(anchors: readonly AnchorEntry[], objectId: string): AnchorEntry | undefined {
  for (let i = anchors.length - 1; i >= 0; i -= 1) if (anchors[i]!.objectId === objectId) return anchors[i];
  return undefined;
}

/**
 * How the object stands for this viewer: `world` when its newest anchor is bound to a WebXR anchor in
 * this session, `room` when it is anchored at a room-space pose only, null when it has no anchor.
 */
export function anchoringOf(
  anchors: readonly AnchorEntry[],
  objectId: string,
  inWorld: ReadonlySet<string>,
): ObjectAnchoring | null {
  const anchor = anchorOfObject(anchors, objectId);
  if (!anchor) return null;
  return inWorld.has(anchor.id) ? 'world' : 'room';
}
