import { createStore } from 'zustand/vanilla';

/**
 * Which anchors keep an AR placement in the real world on this device: `persistent` (WebXR anchors
 * whose handle is stored with the room's anchor, restored in a later session on this device),
 * `session` (WebXR anchors for this session only), `room` (no WebXR anchors: the room-space pose
 * alone). The AR overlay and the 3D panel say which one is in use.
 */
export type AnchorMode = 'persistent' | 'session' | 'room';

export const anchorModeStore = createStore<{ mode: AnchorMode | null }>()(() => ({ mode: null }));

/** What the session offers: persistent handles need `restorePersistentAnchor`, any anchor `createAnchor`. */
export function anchorModeOf(session: XRSession, frame: XRFrame | undefined): AnchorMode {
  const s = session as XRSession & { restorePersistentAnchor?: unknown };
  const canAnchor =
    typeof frame?.createAnchor === 'function' && session.enabledFeatures?.includes('anchors') !== false;
  if (!canAnchor) return 'room';
  return typeof s.restorePersistentAnchor === 'function' ? 'persistent' : 'session';
}
