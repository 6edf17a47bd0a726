import { XRDomOverlay, useXR } from '@react-three/xr';
import { useTranslation } from 'react-i18next';

/**
 * The DOM overlay of an AR session where the browser offers one (handheld AR: the session is asked
 * for `dom-overlay` with this as its root, xrRuntime.tsx): what a tap does and the way out. A headset without DOM overlays shows the 3D panels only.
 */
export function AROverlay() {
  const { t } = useTranslation();
  const ar = useXR((s) => s.mode === 'immersive-ar' && s.session !== undefined);
  const session = useXR((s) => s.session);
  if (!ar) return null;
  return (
    <XRDomOverlay className="ar-overlay-panel" role="region" aria-label={t('arOverlay.label')}>
      <p>{t('arOverlay.place')}</p>
      <button type="button" className="ar-overlay-exit" onClick={() => void session?.end()}>
        {t('arOverlay.exit')}
      </button>
    </XRDomOverlay>
  );
}
