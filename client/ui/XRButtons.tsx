import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { clientStore, type XRMode } from '../app/clientStore.ts';
import { enterXR } from '../xr/xrLoader.ts';
import { Button } from './Button.tsx';

const MODES: readonly XRMode[] = ['immersive-vr', 'immersive-ar'];
const KEY: Record<XRMode, 'vr' | 'ar'> = { 'immersive-vr': 'vr', 'immersive-ar': 'ar' };

/**
 * Enter VR / Enter AR, always shown: enabled when the browser offers the mode, else disabled with
 * the reason beside it (no WebXR here, not a secure page, no headset, no AR) — never hidden.
 */
export function XRButtons() {
  const { t } = useTranslation();
  const support = useStore(clientStore, (s) => s.xrSupport);
  const reasons = useStore(clientStore, (s) => s.xrReason);
  const status = useStore(clientStore, (s) => s.xrStatus);
  // one line when both modes are unavailable for the same reason (a browser without WebXR), else one each
  const same = reasons['immersive-vr'] !== null && reasons['immersive-vr'] === reasons['immersive-ar'];
  const reasonId = (mode: XRMode) => (same ? 'xr-reason' : `xr-reason-${KEY[mode]}`);
  return (
    <div className="xr-buttons" role="group" aria-label={t('xr.group')}>
      {MODES.map((mode) => {
        const reason = reasons[mode];
        return (
          <span key={mode} className="xr-button">
            <Button
              variant={support[mode] ? 'primary' : 'secondary'}
              size="sm"
              isDisabled={!support[mode] || status !== 'idle'}
              aria-describedby={reason ? reasonId(mode) : undefined}
              onPress={() => void enterXR(mode)}
            >
              {status === 'loading' ? t('xr.starting') : t(`xr.enter.${KEY[mode]}`)}
            </Button>
            {reason && !same && (
              <small id={reasonId(mode)} className="xr-reason">
                {t(`xr.reason.${reason}`)}
              </small>
            )}
          </span>
        );
      })}
      {same && (
        <small id="xr-reason" className="xr-reason xr-reason-shared">
          {t(`xr.reason.${reasons['immersive-vr']!}`)}
        </small>
      )}
    </div>
  );
}
