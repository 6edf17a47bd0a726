import { XRDomOverlay, useXR } from '@react-three/xr';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { useRoomStoreApi } from '../room/RoomStoreContext.ts';
import { anchoringOf, worldAnchorStore } from '../state/worldAnchorStore.ts';

/**
 * The DOM overlay of an AR session where the browser offers one (handheld AR: the session is asked
 * for `dom-overlay` with this as its root, xrRuntime.tsx): what a tap does and the way out. A headset without DOM overlays shows the 3D panels only.
 */
export function AROverlay() {
  const { t } = useTranslation();
  const ar = useXR((s) => s.mode === 'immersive-ar' && s.session !== undefined);
  const session = useXR((s) => s.session);
  const room = useRoomStoreApi();
  const support = useStore(worldAnchorStore, (s) => s.support);
  const aligned = useStore(worldAnchorStore, (s) => s.alignedBy !== null);
  const inWorld = useStore(worldAnchorStore, (s) => s.inWorld);
  const selected = useStore(room, (s) => s.selectedObjectId);
  const anchors = useStore(room, (s) => s.anchors);
  const anchoring = selected ? anchoringOf(anchors, selected, inWorld) : null;
  if (!ar) return null;
  return (
    <XRDomOverlay className="ar-overlay-panel" role="region" aria-label={t('arOverlay.label')}>
      <p>{t('arOverlay.place')}</p>
      <p className="ar-overlay-anchors">
        {t(
          support === 'persistent'
            ? 'arOverlay.anchorsPersistent'
            : support === 'session'
              ? 'arOverlay.anchorsSession'
              : 'arOverlay.anchorsNone',
        )}
      </p>
      {aligned && <p>{t('arOverlay.aligned')}</p>}
      {anchoring && (
        <p className="ar-overlay-anchoring">
          {t(anchoring === 'world' ? 'spatial.anchoredWorld' : 'spatial.placedInRoom')}
        </p>
      )}
      <button type="button" className="ar-overlay-exit" onClick={() => void session?.end()}>
        {t('arOverlay.exit')}
      </button>
    </XRDomOverlay>
  );
}
