import { useStore } from 'zustand';
import { clientStore, type XRMode } from '../app/clientStore.ts';
import { enterXR } from '../xr/xrLoader.ts';

const LABELS: Record<XRMode, string> = { 'immersive-vr': 'Enter VR', 'immersive-ar': 'Enter AR' };

/** Enter VR / Enter AR, shown for the modes the browser offers. */
export function XRButtons() {
  const support = useStore(clientStore, (s) => s.xrSupport);
  const status = useStore(clientStore, (s) => s.xrStatus);
  const modes = (Object.keys(LABELS) as XRMode[]).filter((mode) => support[mode]);
  if (modes.length === 0) return null;
  return (
    <div className="xr-buttons">
      {modes.map((mode) => (
        <button key={mode} type="button" disabled={status !== 'idle'} onClick={() => void enterXR(mode)}>
          {status === 'loading' ? 'Starting…' : LABELS[mode]}
        </button>
      ))}
    </div>
  );
}
